package dev.envctl.realtools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static java.util.stream.Collectors.joining;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code envctl stop} and {@code start} with the real tools: the containers stop and start again, the record
 * keeps its ports (another environment cannot take them), reconcile leaves a stopped environment alone, and the
 * ports are published again after start; reconcile starts a cluster stopped outside envctl; a cluster whose node
 * container was removed (k3d's load balancer included) is made again, not taken for
 * running; a stopped cluster the Kindler scripts made holds the ports it binds until start adopts it; several
 * environments of both providers stop and start in one command; clusters of several nodes (k3d with three servers)
 * stop, start and are made whole again.
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
        assertThat(s.running(node)).containsExactly("false");

        Shell.Result taken = s.envctl("create", s.name("thief"), "--provider", provider, "--http-port",
                String.valueOf(http));
        assertThat(taken.exit()).as(taken.toString()).isEqualTo(4);

        Shell.Result reconciled = s.envctl("reconcile", "-o", "json");
        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("stopped");
        assertThat(s.running(node)).containsExactly("false");

        Shell.Result started = s.envctl("start", name);
        assertThat(started.exit()).as(started.toString()).isZero();
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.running(node)).containsExactly("true");
        String lb = provider.equals("k3d") ? "k3d-" + name + "-serverlb" : name + "-control-plane";
        assertThat(s.published(lb, 80)).containsExactly("0.0.0.0:" + http);

        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    /**
     * One stop and one start of several environments of both providers: they run at once (up to
     * {@code reconcile.concurrency}), each is stopped and started, and says so in the order given.
     */
    @Test
    void severalEnvironmentsOfBothProvidersStopAndStartInOneCommand(Sandbox s) {
        List<String> names = List.of(s.name("sa"), s.name("sb"), s.name("sc"));
        List<String> providers = List.of("k3d", "kind", "k3d");
        for (int i = 0; i < names.size(); i++) {
            Shell.Result created = s.envctl("create", names.get(i), "--provider", providers.get(i));
            assertThat(created.exit()).as(created.toString()).isZero();
        }
        List<String> nodes = List.of("k3d-" + names.get(0) + "-server-0", names.get(1) + "-control-plane",
                "k3d-" + names.get(2) + "-server-0");

        Shell.Result stopped = s.envctl("stop", names.get(0), names.get(1), names.get(2));
        assertThat(stopped.exit()).as(stopped.toString()).isZero();
        assertThat(stopped.out()).isEqualTo(names.stream().map(n -> "stopped " + n + "\n").collect(joining()));
        for (int i = 0; i < names.size(); i++) {
            assertThat(s.get(names.get(i)).get("actualState").asText()).isEqualTo("stopped");
            assertThat(s.running(nodes.get(i)))
                    .containsExactly("false");
        }

        Shell.Result started = s.envctl("start", names.get(0), names.get(1), names.get(2));
        assertThat(started.exit()).as(started.toString()).isZero();
        assertThat(started.out()).isEqualTo(names.stream().map(n -> "started " + n + "\n").collect(joining()));
        for (int i = 0; i < names.size(); i++) {
            JsonNode e = s.get(names.get(i));
            assertThat(e.get("actualState").asText()).isEqualTo("running");
            assertThat(s.running(nodes.get(i)))
                    .containsExactly("true");
            String lb = providers.get(i).equals("k3d") ? "k3d-" + names.get(i) + "-serverlb" : nodes.get(i);
            assertThat(s.published(lb, 80)).containsExactly("0.0.0.0:" + e.get("ports").get("http").asInt());
        }

        for (String name : names) {
            assertThat(s.envctl("delete", name).exit()).isZero();
            assertThat(s.leftovers(name)).isEmpty();
        }
    }

    /**
     * A running environment's cluster stopped outside envctl ({@code k3d cluster stop}; for kind {@code docker stop}
     * of its nodes, as a Docker restart leaves them) is started by reconcile, the same containers, no new cluster.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void reconcileStartsAClusterStoppedOutsideEnvctlWithoutMakingItAgain(String provider, Sandbox s) {
        String name = s.name("outside");
        assertThat(s.envctl("create", name, "--provider", provider, "--agents", "1").exit()).isZero();
        int http = s.get(name).get("ports").get("http").asInt();
        String node = provider.equals("k3d") ? "k3d-" + name + "-server-0" : name + "-control-plane";
        String id = s.lines("docker", "inspect", "--format", "{{.Id}}", node).get(0);
        Shell.Result stoppedOutside = provider.equals("k3d") ? s.tool("k3d", "cluster", "stop", name)
                : s.tool("docker", "stop", name + "-control-plane", name + "-worker");
        assertThat(stoppedOutside.exit()).as(stoppedOutside.toString()).isZero();
        assertThat(s.running(node)).containsExactly("false");

        Shell.Result reconciled = s.envctl("reconcile", name, "-o", "json");

        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        assertThat(reconciled.out()).contains("\"started\"").doesNotContain("\"recreated\"");
        assertThat(reconciled.err()).contains("its " + provider + " cluster was stopped outside envctl; starting it");
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.lines("docker", "inspect", "--format", "{{.Id}} {{.State.Running}}", node))
                .containsExactly(id + " true");
        String lb = provider.equals("k3d") ? "k3d-" + name + "-serverlb" : name + "-control-plane";
        assertThat(s.published(lb, 80)).containsExactly("0.0.0.0:" + http);

        // an apply of a file naming it starts it as reconcile does
        Shell.Result again = provider.equals("k3d") ? s.tool("k3d", "cluster", "stop", name)
                : s.tool("docker", "stop", name + "-control-plane", name + "-worker");
        assertThat(again.exit()).as(again.toString()).isZero();
        Path file = s.dir.resolve("outside.yaml");
        Sandbox.write(file, "- name: " + name + "\n  provider: " + provider + "\n  options: {agents: \"1\"}\n");
        Shell.Result diff = s.envctl("diff", "-f", file.toString());
        assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
        assertThat(diff.out()).contains("resume " + name + " (" + provider + ")  running");

        Shell.Result applied = s.envctl("apply", "-f", file.toString(), "-o", "json");

        assertThat(applied.exit()).as(applied.toString()).isZero();
        assertThat(applied.out()).contains("\"started\"").doesNotContain("\"recreated\"", "\"created\"");
        assertThat(s.lines("docker", "inspect", "--format", "{{.Id}} {{.State.Running}}", node))
                .containsExactly(id + " true");
        assertThat(s.published(lb, 80)).containsExactly("0.0.0.0:" + http);

        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    /**
     * Clusters of several nodes: k3d with three servers (k3d starts the first with {@code --cluster-init} and waits
     * on it for other log lines, on create and on start) and an agent; kind with two workers. Every node runs after
     * the create and the start and none after the stop, and a node removed behind envctl's back, one that is not the
     * first, leaves a cluster lacking nodes that reconcile makes again whole.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d, 3, 1", "kind, 1, 2"})
    void clustersOfSeveralNodesStopStartAndAreMadeWholeAgain(String provider, int servers, int agents, Sandbox s) {
        String name = s.name("multi");
        Shell.Result created = s.envctl("create", name, "--provider", provider, "--servers",
                String.valueOf(servers), "--agents", String.valueOf(agents));
        assertThat(created.exit()).as(created.toString()).isZero();
        List<String> list = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            list.add(node(provider, name, true, i));
        }
        for (int i = 0; i < agents; i++) {
            list.add(node(provider, name, false, i));
        }
        String[] nodes = list.toArray(String[]::new);
        assertThat(s.running(nodes)).as(list.toString()).containsOnly("true").hasSize(servers + agents);

        Shell.Result stopped = s.envctl("stop", name);
        assertThat(stopped.exit()).as(stopped.toString()).isZero();
        assertThat(s.running(nodes)).containsOnly("false");
        Shell.Result started = s.envctl("start", name);
        assertThat(started.exit()).as(started.toString()).isZero();
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.running(nodes)).containsOnly("true");

        // k3d's last server, kind's last worker
        String removed = provider.equals("k3d") ? node(provider, name, true, servers - 1)
                : node(provider, name, false, agents - 1);
        assertThat(s.tool("docker", "rm", "-f", "-v", removed).exit()).isZero();
        Shell.Result reconciled = s.envctl("reconcile", name, "-o", "json");
        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        assertThat(reconciled.out()).contains("\"recreated\"");
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.running(nodes)).containsOnly("true").hasSize(servers + agents);

        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    /**
     * k3d v5.7.4 lists a cluster whose load balancer container was removed with its server running and the counts
     * 1/1, as a whole one, and {@code k3d cluster start} does not make the load balancer again: nothing publishes
     * the http, https and API ports any more. reconcile and start make the cluster again, with its ports.
     */
    @Test
    void aK3dClusterWhoseLoadBalancerWasRemovedIsMadeAgainWithItsPorts(Sandbox s) {
        String name = s.name("lb");
        assertThat(s.envctl("create", name).exit()).isZero();
        int http = s.get(name).get("ports").get("http").asInt();
        String lb = "k3d-" + name + "-serverlb";

        assertThat(s.tool("docker", "rm", "-f", "-v", lb).exit()).isZero();
        Shell.Result reconciled = s.envctl("reconcile", name, "-o", "json");
        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        assertThat(reconciled.out()).contains("\"recreated\"");
        assertThat(s.running(lb)).containsExactly("true");
        assertThat(s.published(lb, 80)).containsExactly("0.0.0.0:" + http);

        assertThat(s.tool("docker", "rm", "-f", "-v", lb).exit()).isZero();
        Shell.Result started = s.envctl("start", name);
        assertThat(started.exit()).as(started.toString()).isZero();
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.running(lb)).containsExactly("true");
        assertThat(s.published(lb, 80)).containsExactly("0.0.0.0:" + http);

        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    /**
     * The container of the {@code i}th (from 0) server or agent node: k3d's {@code k3d-NAME-server-0},
     * {@code k3d-NAME-agent-1}; kind's {@code NAME-control-plane}, {@code NAME-worker2}.
     */
    private static String node(String provider, String name, boolean server, int i) {
        return provider.equals("k3d") ? "k3d-" + name + (server ? "-server-" : "-agent-") + i
                : name + (server ? "-control-plane" : "-worker") + (i == 0 ? "" : String.valueOf(i + 1));
    }

    /** k3d still lists the cluster with 0/0 servers and its load balancer running; kind lists the nodes left. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void aClusterWhoseNodeContainerWasRemovedIsRecreatedByReconcileAndByStartNotCalledRunning(String provider,
                                                                                             Sandbox s) {
        String name = s.name("nodes");
        assertThat(s.envctl("create", name, "--provider", provider, "--agents", "1").exit()).isZero();
        String node = provider.equals("k3d") ? "k3d-" + name + "-server-0" : name + "-worker";

        assertThat(s.tool("docker", "rm", "-f", "-v", node).exit()).isZero();
        Shell.Result reconciled = s.envctl("reconcile", name, "-o", "json");
        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        assertThat(reconciled.out()).contains("\"recreated\"");
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.running(node)).containsExactly("true");

        assertThat(s.tool("docker", "rm", "-f", "-v", node).exit()).isZero();
        Shell.Result started = s.envctl("start", name);
        assertThat(started.exit()).as(started.toString()).isZero();
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.running(node)).containsExactly("true");

        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    /**
     * A row of the Kindler scripts (no API port) whose cluster, made by the bare tool with an API port the tool
     * chose, is stopped: reconcile records the API port it binds (read from Docker, not published while stopped),
     * so no create is given it, and start starts and adopts the cluster.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void aStoppedClusterOfTheScriptsHoldsTheApiPortItBindsAndStartAdoptsIt(String provider, Sandbox s) {
        String name = s.name("old");
        String front;
        if (provider.equals("k3d")) {
            assertThat(s.tool("k3d", "cluster", "create", name, "--image", s.machine.k3dImage, "-p",
                    "28199:80@loadbalancer", "-p", "28599:443@loadbalancer").exit()).isZero();
            assertThat(s.tool("k3d", "cluster", "stop", name).exit()).isZero();
            front = "k3d-" + name + "-serverlb";
        } else {
            Sandbox.write(s.dir.resolve("kind.yaml"), String.join("\n", "kind: Cluster",
                    "apiVersion: kind.x-k8s.io/v1alpha4", "nodes:", "- role: control-plane", "  extraPortMappings:",
                    "  - containerPort: 80", "    hostPort: 28199", "  - containerPort: 443", "    hostPort: 28599",
                    ""));
            assertThat(s.tool("kind", "create", "cluster", "--name", name, "--image", s.machine.kindImage,
                    "--config", s.dir.resolve("kind.yaml").toString()).exit()).isZero();
            assertThat(s.tool("docker", "stop", name + "-control-plane").exit()).isZero();
            front = name + "-control-plane";
        }
        int api = boundApiPort(s, front);
        Sandbox.write(s.store, "# env,provider,node_port,pf_port,register_portainer,haproxy_route,http_port,"
                + "https_port,cluster_subnet\n" + name + "," + provider + ",30080,29199,false,false,28199,28599,\n");

        Shell.Result reconciled = s.envctl("reconcile");
        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        JsonNode row = s.get(name);
        assertThat(row.get("actualState").asText()).isEqualTo("unknown");
        assertThat(row.get("ports").get("api").asInt()).isEqualTo(api);
        assertThat(s.running(front)).containsExactly("false");
        Shell.Result taken = s.envctl("create", s.name("thief"), "--provider", provider, "--api-port",
                String.valueOf(api), "--no-wait");
        assertThat(taken.exit()).as(taken.toString()).isEqualTo(4);

        Shell.Result started = s.envctl("start", name);
        assertThat(started.exit()).as(started.toString()).isZero();
        JsonNode adopted = s.get(name);
        assertThat(adopted.get("actualState").asText()).isEqualTo("running");
        assertThat(adopted.get("ports").get("api").asInt()).isEqualTo(api);
        assertThat(s.published(front, 6443)).anyMatch(b -> b.endsWith(":" + api));

        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    /** The host port container port 6443 of {@code container} is bound to, from Docker's configuration. */
    private static int boundApiPort(Sandbox s, String container) {
        String json = String.join("", s.lines("docker", "inspect", "--format", "{{json .HostConfig.PortBindings}}",
                container));
        try {
            Iterator<Map.Entry<String, JsonNode>> bindings = Sandbox.JSON.readTree(json).fields();
            while (bindings.hasNext()) {
                Map.Entry<String, JsonNode> b = bindings.next();
                if (b.getKey().startsWith("6443")) {
                    return b.getValue().get(0).get("HostPort").asInt();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError(container + " binds no API port: " + json);
    }
}
