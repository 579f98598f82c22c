package dev.envctl.realtools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * k3d environments without a subnet share one Docker network, which the first create makes. Docker 20.10 checks a
 * new network's name apart from making it, so creates at once made several networks of that name and then all
 * failed on the ambiguous name: with the real tools, creates at once (in one apply, and in separate processes)
 * leave one network and all succeed, and a second network of the name left from before is removed by the next
 * create. Each test uses a shared network of its own (the provider setting {@code network}), so that other tests'
 * clusters on {@code k3d-shared} are not touched.
 */
@ExtendWith(RealToolsExtension.class)
class SharedNetworkIT {

    /**
     * A network of this test's own, and a temporary folder of its own for the envctl processes, so that the lock
     * files they share go with the sandbox.
     */
    private static String sharedNetwork(Sandbox s) {
        String network = s.name("shared");
        s.configure("provider.k3d.network=" + network);
        Path tmp = s.dir.resolve("tmp");
        Sandbox.write(tmp.resolve(".keep"), "");
        s.env.put("ENVCTL_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp);
        return network;
    }

    @Test
    void createsAtOnceInOneApplyAndInSeparateProcessesMakeOneSharedNetwork(Sandbox s) {
        String network = sharedNetwork(s);
        List<String> names = List.of(s.name("na"), s.name("nb"), s.name("nc"));
        Path file = s.dir.resolve("envs.yaml");
        Sandbox.write(file, names.stream().map(n -> "- name: " + n + "\n").reduce("", String::concat));

        Shell.Result applied = s.envctl("apply", "-f", file.toString());

        assertThat(applied.exit()).as(applied.toString()).isZero();
        assertThat(applied.err()).doesNotContain("ambiguous");
        names.forEach(n -> assertThat(s.get(n).get("actualState").asText()).isEqualTo("running"));
        assertThat(networksNamed(s, network)).hasSize(1);

        for (String n : names) {
            assertThat(s.envctl("delete", n).exit()).isZero();
        }
        s.lines("docker", "network", "rm", network);
        List<CompletableFuture<Shell.Result>> creates = new ArrayList<>();
        for (String n : names) {
            creates.add(CompletableFuture.supplyAsync(() -> s.envctl("create", n)));
        }

        for (CompletableFuture<Shell.Result> c : creates) {
            Shell.Result r = c.join();
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        assertThat(networksNamed(s, network)).hasSize(1);
        assertThat(s.dir.resolve("tmp").toFile().list()).as("the processes took turns through a lock file")
                .anyMatch(f -> f.startsWith("envctl-docker-network-"));
        names.forEach(n -> assertThat(s.get(n).get("actualState").asText()).isEqualTo("running"));
        for (String n : names) {
            assertThat(s.envctl("delete", n).exit()).isZero();
            assertThat(s.leftovers(n)).isEmpty();
        }
    }

    @Test
    void aSecondNetworkOfTheSharedNameIsRemovedByTheNextCreate(Sandbox s) throws IOException {
        String network = sharedNetwork(s);
        createWithoutTheNameCheck(network);
        createWithoutTheNameCheck(network);
        assertThat(networksNamed(s, network)).hasSize(2);
        String name = s.name("dup");

        Shell.Result created = s.envctl("create", name);

        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.err()).contains("removing Docker network " + network + " ");
        assertThat(networksNamed(s, network)).hasSize(1);
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    /** The ids of the networks whose name is exactly {@code network}. */
    private static List<String> networksNamed(Sandbox s, String network) {
        return s.lines("docker", "network", "ls", "--no-trunc", "--filter", "name=" + network, "--format",
                "{{.ID}} {{.Name}}").stream().filter(l -> l.endsWith(" " + network)).toList();
    }

    /**
     * Creates a network named {@code name} through Docker's API, which (unlike the docker CLI) does not check the
     * name first: how two creates at once end up.
     */
    private static void createWithoutTheNameCheck(String name) throws IOException {
        String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        assertThat(host).as("this test talks to a local Docker daemon's socket").startsWith("unix://");
        byte[] body = ("{\"Name\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8);
        String head = "POST /networks/create HTTP/1.0\r\nHost: docker\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(host.substring(7)))) {
            channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            channel.write(ByteBuffer.wrap(body));
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (channel.read(buffer) >= 0) {
                response.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        }
        assertThat(response.toString(StandardCharsets.UTF_8)).as("Docker's answer").matches("(?s)HTTP/1\\.\\d 201 .*");
    }
}
