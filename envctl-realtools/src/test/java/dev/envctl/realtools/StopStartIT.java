package dev.envctl.realtools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code envctl stop} and {@code start} with the real tools: the containers stop and start again, the record
 * keeps its ports (another environment cannot take them), reconcile leaves a stopped environment alone, and the
 * ports are published again after start; a cluster whose node container was removed is made again, not taken for
 * running.
 */
@ExtendWith(RealToolsExtension.class)
class StopStartIT {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void stopKeepsThePortsReconcileLeavesItStoppedAndStartBringsItBack(String provider, Sandbox s) {
        String name = s.name("ss");
        assertThat(s.envctl("create", name, "--provider", provider, "--subnet", "auto").exit()).isZero();
        JsonNode before = s.get(name);
        int http = before.get("ports").get("http").asInt();
        String node = provider.equals("k3d") ? "k3d-" + name + "-server-0" : name + "-control-plane";

        Shell.Result stopped = s.envctl("stop", name);
        assertThat(stopped.exit()).as(stopped.toString()).isZero();
        JsonNode e = s.get(name);
        assertThat(e.get("desiredState").asText()).isEqualTo("stopped");
        assertThat(e.get("actualState").asText()).isEqualTo("stopped");
        assertThat(e.get("ports")).isEqualTo(before.get("ports"));
        assertThat(e.get("subnet")).isEqualTo(before.get("subnet"));
        assertThat(s.lines("docker", "inspect", "--format", "{{.State.Running}}", node)).containsExactly("false");

        Shell.Result taken = s.envctl("create", s.name("thief"), "--provider", provider, "--http-port",
                String.valueOf(http));
        assertThat(taken.exit()).as(taken.toString()).isEqualTo(4);

        Shell.Result reconciled = s.envctl("reconcile", "-o", "json");
        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("stopped");
        assertThat(s.lines("docker", "inspect", "--format", "{{.State.Running}}", node)).containsExactly("false");

        Shell.Result started = s.envctl("start", name);
        assertThat(started.exit()).as(started.toString()).isZero();
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.lines("docker", "inspect", "--format", "{{.State.Running}}", node)).containsExactly("true");
        String lb = provider.equals("k3d") ? "k3d-" + name + "-serverlb" : name + "-control-plane";
        assertThat(s.published(lb, 80)).containsExactly("0.0.0.0:" + http);

        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    /** k3d still lists the cluster with 0/0 servers and its load balancer running; kind lists the nodes left. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void aClusterWhoseNodeContainerWasRemovedIsRecreatedByReconcileAndByStartNotCalledRunning(String provider,
                                                                                             Sandbox s) {
        String name = s.name("nodes");
        assertThat(s.envctl("create", name, "--provider", provider, "--agents", "1").exit()).isZero();
        String node = provider.equals("k3d") ? "k3d-" + name + "-server-0" : name + "-worker";

        assertThat(s.tool("docker", "rm", "-f", node).exit()).isZero();
        Shell.Result reconciled = s.envctl("reconcile", name, "-o", "json");
        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        assertThat(reconciled.out()).contains("\"recreated\"");
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.lines("docker", "inspect", "--format", "{{.State.Running}}", node)).containsExactly("true");

        assertThat(s.tool("docker", "rm", "-f", node).exit()).isZero();
        Shell.Result started = s.envctl("start", name);
        assertThat(started.exit()).as(started.toString()).isZero();
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.lines("docker", "inspect", "--format", "{{.State.Running}}", node)).containsExactly("true");

        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }
}
