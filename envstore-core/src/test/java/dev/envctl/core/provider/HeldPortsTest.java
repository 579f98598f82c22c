package dev.envctl.core.provider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class HeldPortsTest {

    @Test
    void readsThePortFromDockersTwoWordings() {
        assertThat(HeldPorts.takenPort("Error response from daemon: driver failed programming external connectivity"
                + " on endpoint k3d-a-serverlb (28c3): Bind for 0.0.0.0:18080 failed: port is already allocated"))
                .contains(18080);
        assertThat(HeldPorts.takenPort("Error starting userland proxy: listen tcp4 0.0.0.0:28080: bind: address "
                + "already in use")).contains(28080);
        assertThat(HeldPorts.takenPort("failed to get ready: boom")).isEmpty();
        assertThat(HeldPorts.takenPort(null)).isEmpty();
    }

    @Test
    void readsThePortFromTheWordingOfDocker25AndLater() {
        // Docker 25 and later (28 here) word a port another program holds so; the address may be IPv6, in brackets
        assertThat(HeldPorts.takenPort("Error response from daemon: failed to set up container networking: driver "
                + "failed programming external connectivity on endpoint k3d-a-serverlb (77cf): failed to bind host "
                + "port for 0.0.0.0:18080:172.18.0.3:80/tcp: address already in use")).contains(18080);
        assertThat(HeldPorts.takenPort("failed to bind host port for 127.0.0.1:26443:172.18.0.2:6443/tcp: address "
                + "already in use")).contains(26443);
        assertThat(HeldPorts.takenPort("failed to bind host port for [::]:18400:[fd00::2]:443/tcp: address already in "
                + "use")).contains(18400);
    }

    @Test
    void namesTheContainerThatPublishesThePortOrElseAnotherProgram(@TempDir Path dir) throws IOException {
        Path docker = dir.resolve("docker");
        Files.writeString(docker, "#!/bin/sh\n[ \"$3\" = publish=18080 ] && echo web-proxy\nexit 0\n");
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        ToolRunner tools = new ToolRunner(Map.of("PATH", dir.toString()));

        assertThat(HeldPorts.explain(tools, docker, Duration.ofSeconds(10), "Bind for 0.0.0.0:18080 failed: port "
                + "is already allocated")).contains("host port 18080 is held by container web-proxy; choose another "
                + "port, or leave it out to allocate a free one");
        assertThat(HeldPorts.explain(tools, docker, Duration.ofSeconds(10), "listen tcp4 0.0.0.0:28080: bind: "
                + "address already in use")).contains("host port 28080 is held by a program on this host that is "
                + "not a container; choose another port, or leave it out to allocate a free one");
        assertThat(HeldPorts.explain(tools, docker, Duration.ofSeconds(10), "boom")).isEqualTo(Optional.empty());
    }
}
