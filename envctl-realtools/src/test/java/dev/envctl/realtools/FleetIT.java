package dev.envctl.realtools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Docker hosts in one store, for real: the machine's daemon ({@code local}) and a second daemon in its own
 * network namespace with its own data root, socket and address ({@code second-daemon.sh}), added as host
 * {@code two} with that address. Environments on the two hosts publish the same host ports at once, the API of
 * the one on two is bound to two's address and the kubeconfig points there; a host that does not answer fails
 * only its own environments.
 */
@ExtendWith(RealToolsExtension.class)
class FleetIT {
    private static final Path SCRIPT = Path.of(System.getProperty("envctl.node-images",
            "src/test/resources/node-images")).resolveSibling("second-daemon.sh");
    private static final Path DIR = Path.of("/tmp/envctl-rt2-" + ProcessHandle.current().pid());
    private static final Duration SLOW = Duration.ofMinutes(3);
    private static String endpoint;
    /** The second host's own address, which this machine reaches through a veth pair. */
    private static String address;

    @BeforeAll
    static void startSecondDaemon() {
        List<String> out = Shell.checked(List.of("sh", SCRIPT.toString(), "start", DIR.toString()), Map.of(), SLOW)
                .out().lines().map(String::strip).toList();
        endpoint = out.get(0);
        address = out.get(1);
    }

    @AfterAll
    static void stopSecondDaemon() {
        Shell.run(List.of("sh", SCRIPT.toString(), "stop", DIR.toString()), Map.of(), SLOW);
    }

    /** The second daemon gets the node images the first one uses (built locally where no registry answers). */
    private static void imagesOnTwo(Sandbox s) {
        Map<String, String> two = new HashMap<>(Map.of("DOCKER_HOST", endpoint));
        if (s.machine.k3dImage.startsWith("envctl-fake/")) {
            Shell.checked(List.of("sh", SCRIPT.resolveSibling("node-images").resolve("build.sh").toString(),
                    Machine.FAKE_TAG), two, SLOW);
        }
    }

    private static Shell.Result onTwo(Sandbox s, String... argv) {
        Map<String, String> env = new HashMap<>(s.env);
        env.put("DOCKER_HOST", endpoint);
        return Shell.run(List.of(argv), env, SLOW);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void twoHostsPublishTheSamePortsAndAHostThatDoesNotAnswerFailsOnlyItsOwn(String provider, Sandbox s)
            throws Exception {
        imagesOnTwo(s);
        String a = s.name("a");
        String b = s.name("b");
        String gone = s.name("gone");
        Path goneSocket = Path.of(DIR + "-gone.sock");
        Shell.Result added = s.envctl("host", "add", "two", "--docker", endpoint, "--address", address);
        assertThat(added.exit()).as(added.toString()).isZero();
        String[] ports = {"--provider", provider, "--http-port", "28150", "--https-port", "28450", "--pf-port",
                "29150", "--api-port", "27550"};
        try {
            Shell.Result onLocal = s.envctl(concat(new String[]{"create", a}, ports));
            assertThat(onLocal.exit()).as(onLocal.toString()).isZero();
            Shell.Result onTwo = s.envctl(concat(new String[]{"create", b, "--host", "two"}, ports));
            assertThat(onTwo.exit()).as(onTwo.toString()).isZero();

            assertThat(s.published(front(provider, a), 80)).containsExactly("0.0.0.0:28150");
            assertThat(onTwo(s, "docker", "port", front(provider, b), "80/tcp").out().strip())
                    .isEqualTo("0.0.0.0:28150");
            // the API of the environment on two is bound to two's address, and the kubeconfig points there
            assertThat(s.published(front(provider, a), 6443)).containsExactly("127.0.0.1:27550");
            assertThat(onTwo(s, "docker", "port", front(provider, b), "6443/tcp").out().strip())
                    .isEqualTo(address + ":27550");
            assertThat(Sandbox.read(s.kubeconfig)).contains("server: https://" + address + ":27550")
                    .contains("server: https://127.0.0.1:27550");
            assertThat(s.tool("docker", "ps", "--format", "{{.Names}}").out()).doesNotContain(b);

            JsonNode list = Sandbox.JSON.readTree(s.envctl("list", "-o", "json").out());
            Map<String, String> hostOf = new HashMap<>();
            list.forEach(e -> hostOf.put(e.get("name").asText(), e.get("host").asText()));
            assertThat(hostOf).containsEntry(a, "local").containsEntry(b, "two");
            assertThat(s.envctl("list", "--host", "two").out()).contains(b).doesNotContain(a);
            assertThat(s.envctl("host", "remove", "two").exit()).isEqualTo(4);

            // a host whose daemon stops answering once its environment is recorded (create --no-wait, like a
            // create, lists the host's clusters first): that environment fails, the others are left as they are
            Files.deleteIfExists(goneSocket);
            Files.createSymbolicLink(goneSocket, Path.of(endpoint.substring("unix://".length())));
            assertThat(s.envctl("host", "add", "gone", "--docker", "unix://" + goneSocket).exit()).isZero();
            Shell.Result recorded = s.envctl("create", gone, "--provider", provider, "--host", "gone", "--no-wait");
            assertThat(recorded.exit()).as(recorded.toString()).isZero();
            Files.delete(goneSocket);
            Shell.Result reconciled = s.envctl("reconcile", "-o", "json");
            assertThat(reconciled.exit()).as(reconciled.toString()).isEqualTo(6);
            JsonNode report = Sandbox.JSON.readTree(reconciled.out());
            Map<String, JsonNode> outcomes = new HashMap<>();
            report.get("outcomes").forEach(o -> outcomes.put(o.get("name").asText(), o));
            assertThat(outcomes.get(gone).get("action").asText()).isEqualTo("failed");
            assertThat(outcomes.get(gone).get("error").asText()).contains("gone");
            assertThat(outcomes.get(a).get("action").asText()).isEqualTo("unchanged");
            assertThat(outcomes.get(b).get("action").asText()).isEqualTo("unchanged");
            assertThat(s.envctl("list").exit()).isZero();

            // --host auto: gone, local and two hold one environment each, so gone comes first by name; it does
            // not answer, and the environment is placed on the next host instead of failing
            String placed = s.name("placed");
            Shell.Result auto = s.envctl("create", placed, "--provider", provider, "--host", "auto", "--no-wait",
                    "-o", "json");
            assertThat(auto.exit()).as(auto.toString()).isZero();
            assertThat(Sandbox.JSON.readTree(auto.out()).get("host").asText()).isEqualTo("local");
            assertThat(auto.err()).contains("host 'gone' did not answer")
                    .contains("placing environment '" + placed + "' on host 'local' instead");
            assertThat(s.envctl("delete", placed).exit()).isZero();

            assertThat(s.envctl("delete", gone).exit()).isNotEqualTo(2);
            Shell.Result deleted = s.envctl("delete", b);
            assertThat(deleted.exit()).as(deleted.toString()).isZero();
            assertThat(onTwo(s, "docker", "ps", "-a", "--format", "{{.Names}}").out()).doesNotContain(b);
            assertThat(s.envctl("delete", a).exit()).isZero();
            assertThat(s.leftovers(a)).isEmpty();
        } finally {
            Files.deleteIfExists(goneSocket);
            onTwo(s, "k3d", "cluster", "delete", b);
            onTwo(s, "kind", "delete", "cluster", "--name", b);
        }
    }

    /** The container that publishes the http port and the API: k3d's load balancer, kind's control plane. */
    private static String front(String provider, String name) {
        return provider.equals("k3d") ? "k3d-" + name + "-serverlb" : name + "-control-plane";
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
