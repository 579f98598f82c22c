package dev.envctl.realtools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.HostPorts;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.provider.k3d.K3dProviderFactory;
import dev.envctl.provider.kind.KindProviderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A provider asked to create a cluster that already exists leaves it and its network as they are: the providers
 * do not list before they create, and rely on the real tools refusing an existing name before they make
 * anything, with the messages they recognise.
 */
@ExtendWith(RealToolsExtension.class)
class NameCollisionIT {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d,10.230.9.0/24", "kind,10.230.10.0/24"})
    void aSecondCreateOfTheSameClusterRemovesNothing(String providerId, String subnet, Sandbox s) {
        String name = s.name("twice");
        Shell.Result created = s.envctl("create", name, "--provider", providerId, "--subnet", subnet);
        assertThat(created.exit()).as(created.toString()).isZero();
        JsonNode e = s.get(name);
        JsonNode ports = e.get("ports");
        Environment again = creating(name, providerId, Cidr.parse(subnet), new HostPorts(ports.get("http").asInt(),
                ports.get("https").asInt(), ports.get("pf").asInt(), ports.get("api").asInt()),
                ports.get("node").asInt());
        ClusterProvider provider = provider(s, providerId);

        assertThatThrownBy(() -> provider.create(again, ProgressListener.NONE))
                .isInstanceOf(EnvctlException.class)
                .hasMessageContaining("existed before, so envctl removed nothing");

        String network = providerId.equals("k3d") ? "k3d-" + name : "kind-" + name + "-net";
        assertThat(s.lines("docker", "network", "inspect", "--format",
                "{{range .IPAM.Config}}{{.Subnet}}{{end}}", network)).containsExactly(subnet);
        assertListedRunning(provider, name);
        s.deleteLeavesNothing(name);
    }

    /**
     * While another program's {@code k3d cluster create} has made only its tools node, k3d refuses the name and
     * lists no cluster, as after a create killed early: a young tools node is watched, not removed, and once the
     * other create has its cluster listed, the refusal stands and the cluster is the other program's.
     */
    @Test
    void aK3dCreateRefusedWhileAnotherProgramsCreateOfTheNameIsInFlightRemovesNothing(Sandbox s) throws Exception {
        String name = s.name("race");
        List<String> steps = Collections.synchronizedList(new ArrayList<>());
        ProgressListener progress = new ProgressListener() {
            @Override
            public void step(String environment, String message) {
                steps.add(message);
            }
        };
        ClusterProvider provider = provider(s, "k3d");
        Environment env = creating(name, "k3d", null, new HostPorts(29181, 29182, 29183, 29184), 30080);
        Thread other = anotherProgramCreating(s, name, 29431);

        assertThatThrownBy(() -> provider.create(env, progress))
                .isInstanceOf(EnvctlException.class)
                .hasMessageContaining("because a cluster with that name already exists")
                .hasMessageContaining("existed before, so envctl removed nothing");
        other.join();

        assertThat(steps).anyMatch(m -> m.startsWith("k3d refuses the name " + name + " but lists no such cluster: "
                + "all there is of it is its tools node, made "));
        assertThat(steps).noneMatch(m -> m.startsWith("removing what an interrupted create"));
        assertListedRunning(provider, name);
        assertThat(s.lines("docker", "port", "k3d-" + name + "-serverlb", "6443/tcp"))
                .as("the other program's cluster, not one envctl made").containsExactly("127.0.0.1:29431");
        assertThat(s.tool("k3d", "cluster", "delete", name).exit()).isZero();
    }

    /**
     * The same race through the CLI, for a record envctl has made no cluster for (a row added by hand, here one
     * recorded with --no-wait): the reconcile refused the name leaves it unknown, and the next adopts the other
     * program's cluster with the API port that cluster binds.
     */
    @Test
    void aRowWhoseClusterAnotherProgramMakesMeanwhileIsAdoptedByTheNextReconcile(Sandbox s) throws Exception {
        String name = s.name("row");
        Shell.Result recorded = s.envctl("create", name, "--no-wait", "--http-port", "29191", "--https-port", "29192");
        assertThat(recorded.exit()).as(recorded.toString()).isZero();
        Thread other = anotherProgramCreating(s, name, 29432, "-p", "29191:80@loadbalancer", "-p",
                "29192:443@loadbalancer");

        Shell.Result refused = s.envctl("reconcile", name, "-o", "json");
        other.join();

        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.out()).contains("existed before, so envctl removed nothing");
        JsonNode left = s.get(name);
        assertThat(left.get("actualState").asText()).isEqualTo("unknown");
        Shell.Result adopted = s.envctl("reconcile", name, "-o", "json");
        assertThat(adopted.exit()).as(adopted.toString()).isZero();
        assertThat(adopted.out()).contains("\"unchanged\"");
        JsonNode web = s.get(name);
        assertThat(web.get("actualState").asText()).isEqualTo("running");
        assertThat(web.get("lastError").isNull()).isTrue();
        assertThat(web.get("ports").get("api").asInt()).as("the API port the other program's cluster binds")
                .isEqualTo(29432);
        s.deleteLeavesNothing(name);
    }

    @Test
    void aCreateOfANameAnotherProgramIsCreatingIsRefusedAndLeavesNoRecord(Sandbox s) throws Exception {
        String name = s.name("race");
        Thread other = anotherProgramCreating(s, name, 29433);

        Shell.Result refused = s.envctl("create", name, "--http-port", "29193", "--https-port", "29194");
        other.join();

        assertThat(refused.exit()).as(refused.toString()).isEqualTo(4);
        assertThat(refused.err()).contains("a k3d cluster named '" + name + "' was made by another program while "
                + "envctl created it, and no envctl record owns it");
        assertThat(s.envctl("get", name).exit()).as("no record left").isEqualTo(3);
        assertThat(s.lines("k3d", "cluster", "list", "--no-headers")).anyMatch(l -> l.startsWith(name + " "));
        assertThat(s.tool("k3d", "cluster", "delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    /** {@code provider} lists cluster {@code name}, running. */
    private static void assertListedRunning(ClusterProvider provider, String name) {
        assertThat(provider.list()).anySatisfy(c -> {
            assertThat(c.name()).isEqualTo(name);
            assertThat(c.running()).isTrue();
        });
    }

    /** The real provider {@code providerId} as envctl makes it, with the sandbox's variables and node image. */
    private static ClusterProvider provider(Sandbox s, String providerId) {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(s.env);
        return providerId.equals("k3d")
                ? new K3dProviderFactory().create(Map.of("image", s.machine.k3dImage, "timeout", "120s"), environment)
                : new KindProviderFactory().create(Map.of("image", s.machine.kindImage, "timeout", "120s"),
                environment);
    }

    /** The record of {@code name} as the engine hands it to the provider's create. */
    private static Environment creating(String name, String providerId, Cidr subnet, HostPorts ports, int node) {
        return new Environment(name, providerId, subnet, ports, node, Map.of(), Map.of(), DesiredState.PRESENT,
                ActualState.CREATING, null, Instant.now(), Instant.now(), 1);
    }

    /**
     * Another program's {@code k3d cluster create NAME} in flight: its tools node, with k3d's labels, made now by
     * hand (k3d makes it about a second before the server node, longer while it pulls the node image), and in 5 s
     * that program's real create, on API port {@code api}, with {@code more} arguments: time enough for envctl's
     * create to start, in a JVM of its own, and be refused while the tools node is all there is.
     */
    private static Thread anotherProgramCreating(Sandbox s, String name, int api, String... more) {
        String toolsNode = "k3d-" + name + "-tools";
        s.lines("docker", "create", "--name", toolsNode, "--label", "app=k3d", "--label", "k3d.cluster=" + name,
                "--label", "k3d.role=noRole", s.machine.k3dImage);
        List<String> create = new ArrayList<>(List.of("k3d", "cluster", "create", name, "--image", s.machine.k3dImage,
                "--api-port", "127.0.0.1:" + api, "--wait", "--timeout", "120s"));
        create.addAll(List.of(more));
        Thread other = new Thread(() -> {
            try {
                Thread.sleep(5000);
                s.lines("docker", "rm", "-f", toolsNode);
                Shell.Result made = s.tool(create.toArray(String[]::new));
                assertThat(made.exit()).as(made.toString()).isZero();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        other.start();
        return other;
    }
}
