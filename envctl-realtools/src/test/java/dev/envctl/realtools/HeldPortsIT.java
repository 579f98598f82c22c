package dev.envctl.realtools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Host ports another program holds, with the real tools: an automatic port skips a port a process listens on,
 * so the create succeeds; an explicit port that is taken fails in the tool (exit 6) with the port named (for kind,
 * after kind's own ERROR line and docker's answer), and leaves nothing behind; a start that fails on a port
 * taken while the cluster was stopped leaves every node stopped.
 */
@ExtendWith(RealToolsExtension.class)
class HeldPortsIT {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void anAutomaticPortSkipsAListenerAndAnExplicitTakenPortIsAToolErrorNamingIt(String provider, Sandbox s)
            throws Exception {
        try (ServerSocket devServer = new ServerSocket()) {
            devServer.bind(new InetSocketAddress("0.0.0.0", 28080));
            String name = s.name("auto");

            Shell.Result created = s.envctl("create", name, "--provider", provider);

            assertThat(created.exit()).as(created.toString()).isZero();
            JsonNode e = s.get(name);
            assertThat(e.get("ports").get("http").asInt()).isEqualTo(28081);
            assertThat(e.get("actualState").asText()).isEqualTo("running");

            String taken = s.name("taken");
            Shell.Result refused = s.envctl("create", taken, "--provider", provider, "--http-port", "28080");
            assertThat(refused.exit()).as(refused.toString()).isEqualTo(6);
            assertThat(refused.err()).contains("host port 28080 is held by a program on this host that is not a "
                    + "container").doesNotContain("|  |").doesNotContain(": | ");
            if (provider.equals("kind")) {
                assertThat(refused.err()).contains("create cluster failed with exit code 1: ERROR: failed to create "
                        + "cluster: command \"docker run ");
                assertThat(s.get(taken).get("lastError").asText()).contains("ERROR: failed to create cluster: ")
                        .contains("| docker: Error response from daemon: ");
            }
            assertThat(s.leftovers(taken)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void aClusterMadeAgainMovesAnAutomaticPortAProgramTookWhileItWasGone(String provider, Sandbox s)
            throws Exception {
        String name = s.name("moved");
        Shell.Result created = s.envctl("create", name, "--provider", provider);
        assertThat(created.exit()).as(created.toString()).isZero();
        int http = s.get(name).get("ports").get("http").asInt();
        Shell.Result gone = provider.equals("k3d") ? s.tool("k3d", "cluster", "delete", name)
                : s.tool("kind", "delete", "cluster", "--name", name);
        assertThat(gone.exit()).as(gone.toString()).isZero();

        try (ServerSocket devServer = new ServerSocket()) {
            devServer.bind(new InetSocketAddress("0.0.0.0", http));

            Shell.Result started = s.envctl("start", name);

            assertThat(started.exit()).as(started.toString()).isZero();
            assertThat(started.err()).contains("http port " + http + " cannot be bound on the host now");
            JsonNode e = s.get(name);
            assertThat(e.get("actualState").asText()).isEqualTo("running");
            assertThat(e.get("ports").get("http").asInt()).isNotEqualTo(http);
            Shell.Result listed = s.tool("docker", "ps", "--format", "{{.Names}} {{.Ports}}");
            assertThat(listed.out()).contains(":" + e.get("ports").get("http").asInt() + "->");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void anExplicitPortAnotherContainerPublishesIsAToolErrorNamingTheContainer(String provider, Sandbox s) {
        String other = s.name("other");
        Shell.Result run = s.tool("docker", "run", "-d", "--name", other, "-p", "28090:80", s.machine.k3dImage);
        assertThat(run.exit()).as(run.toString()).isZero();
        String name = s.name("c");

        Shell.Result refused = s.envctl("create", name, "--provider", provider, "--http-port", "28090");

        assertThat(refused.exit()).as(refused.toString()).isEqualTo(6);
        assertThat(refused.err()).contains("host port 28090 is held by container " + other);
        assertThat(s.leftovers(name)).isEmpty();
    }

    /** k3d starts the server node before its load balancer fails to bind: the failed start stops it again. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void aStartThatFailsOnATakenExplicitPortLeavesEveryNodeStopped(String provider, Sandbox s) throws Exception {
        String name = s.name("st");
        Shell.Result created = s.envctl("create", name, "--provider", provider, "--http-port", "28180");
        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(s.envctl("stop", name).exit()).isZero();

        try (ServerSocket devServer = new ServerSocket()) {
            devServer.bind(new InetSocketAddress("0.0.0.0", 28180));

            Shell.Result started = s.envctl("start", name);

            assertThat(started.exit()).as(started.toString()).isEqualTo(6);
            JsonNode e = s.get(name);
            assertThat(e.get("actualState").asText()).isEqualTo("failed");
            assertThat(e.get("desiredState").asText()).isEqualTo("stopped");
            assertThat(s.lines("docker", "ps", "-a", "--filter", "name=" + name, "--format",
                    "{{.Names}} {{.State}}")).isNotEmpty().allSatisfy(c -> assertThat(c).doesNotEndWith(" running"));
        }
        assertThat(s.envctl("start", name).exit()).isZero();
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }
}
