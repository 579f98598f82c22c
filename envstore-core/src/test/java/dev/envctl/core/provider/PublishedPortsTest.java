package dev.envctl.core.provider;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.PortRole;
import dev.envctl.core.testing.StandInTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading a container's port bindings with {@code docker inspect} as Docker 20.10 prints them, and its failures. */
class PublishedPortsTest {
    private static final List<String> K3D_DEV = List.of("k3d-dev-serverlb", "k3d-dev-server-0");

    @TempDir
    Path dir;

    @Test
    void containerPorts80And443And6443AreHttpHttpsAndApiTheFirstAddressWinning() {
        List<String> k3dLoadBalancer = List.of("443/tcp -> 0.0.0.0:18443", "443/tcp -> :::18443",
                "6443/tcp -> 127.0.0.1:26999", "80/tcp -> 0.0.0.0:18080", "80/tcp -> [::]:18080");

        assertThat(PublishedPorts.parse(k3dLoadBalancer)).isEqualTo(Map.of(PortRole.HTTP, 18080, PortRole.HTTPS,
                18443, PortRole.API, 26999));
    }

    /** A stopped k3d load balancer as real Docker 20.10 prints it: k3d writes the API's binding without "/tcp". */
    @Test
    void theBindingsAStoppedContainerWasMadeWithAreRolesToo() {
        List<String> stopped = List.of("443/tcp -> 0.0.0.0:28411", "6443 -> 127.0.0.1:36454",
                "80/tcp -> 0.0.0.0:28090", "");

        assertThat(PublishedPorts.parse(stopped)).isEqualTo(Map.of(PortRole.HTTP, 28090, PortRole.HTTPS, 28411,
                PortRole.API, 36454));
    }

    @Test
    void theTemplateReadsPublishedPortsBeforeConfiguredOnes() {
        assertThat(PublishedPorts.TEMPLATE.indexOf(".NetworkSettings.Ports"))
                .isLessThan(PublishedPorts.TEMPLATE.indexOf(".HostConfig.PortBindings"));
        List<String> runningWithADockerChosenPort = List.of("443/tcp -> 0.0.0.0:32768", "443/tcp -> :::32768",
                "80/tcp -> 127.0.0.1:18999", "443/tcp -> :", "80/tcp -> 127.0.0.1:18999", "6443/tcp -> :0");

        assertThat(PublishedPorts.parse(runningWithADockerChosenPort)).isEqualTo(Map.of(PortRole.HTTP, 18999,
                PortRole.HTTPS, 32768));
    }

    @Test
    void otherPortsUdpAndNoiseAreNotRoles() {
        assertThat(PublishedPorts.parse(List.of("30080/tcp -> 0.0.0.0:30080", "80/udp -> 0.0.0.0:18080",
                "Error: No public port '80/tcp' published for x", ""))).isEmpty();
    }

    /** Stand-in docker over a stand-in k3d cluster {@code dev} in state {@code status}. */
    private StandInTools k3dCluster(String status) throws IOException {
        StandInTools tools = new StandInTools(dir, "docker");
        Files.createDirectories(tools.state.resolve("k3d"));
        Files.writeString(tools.state.resolve("k3d/dev"), status + " 1 0 k3d-dev rancher/k3s 26999 18090 18443\n");
        return tools;
    }

    private Map<PortRole, Integer> read(StandInTools tools) {
        return PublishedPorts.of(new ToolRunner(tools.environment()), tools.tool("docker"), Duration.ofSeconds(20),
                K3D_DEV);
    }

    @Test
    void aRunningLoadBalancerPublishesHttpHttpsAndApi() throws IOException {
        assertThat(read(k3dCluster("running"))).isEqualTo(Map.of(PortRole.HTTP, 18090, PortRole.HTTPS, 18443,
                PortRole.API, 26999));
    }

    @Test
    void aStoppedClusterBindsWhatItWasMadeWith() throws IOException {
        assertThat(read(k3dCluster("stopped"))).isEqualTo(Map.of(PortRole.HTTP, 18090, PortRole.HTTPS, 18443,
                PortRole.API, 26999));
    }

    @Test
    void aClusterWhoseContainersAreAllGoneIsAnError() throws IOException {
        StandInTools tools = new StandInTools(dir, "docker");

        assertThatThrownBy(() -> read(tools)).isInstanceOf(EnvctlException.class)
                .hasMessageContaining("docker inspect k3d-dev-serverlb, k3d-dev-server-0 failed")
                .hasMessageContaining("No such object: k3d-dev-server-0");
    }

    @Test
    void aDockerThatFailsForEveryContainerIsAnErrorNotNothingPublished() throws IOException {
        StandInTools tools = k3dCluster("running");
        Files.writeString(tools.state.resolve("docker-down"), "");

        assertThatThrownBy(() -> read(tools)).isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.PROVIDER_FAILED))
                .hasMessageContaining("docker inspect k3d-dev-serverlb, k3d-dev-server-0 failed")
                .hasMessageContaining("Cannot connect to the Docker daemon");
    }
}
