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
        Environment again = new Environment(name, providerId, Cidr.parse(subnet), new HostPorts(
                ports.get("http").asInt(), ports.get("https").asInt(), ports.get("pf").asInt(),
                ports.get("api").asInt()), ports.get("node").asInt(), Map.of(), Map.of(), DesiredState.PRESENT,
                ActualState.CREATING, null, Instant.now(), Instant.now(), 1);
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(s.env);
        ClusterProvider provider = providerId.equals("k3d")
                ? new K3dProviderFactory().create(Map.of("image", s.machine.k3dImage, "timeout", "120s"), environment)
                : new KindProviderFactory().create(Map.of("image", s.machine.kindImage, "timeout", "120s"),
                environment);

        assertThatThrownBy(() -> provider.create(again, ProgressListener.NONE))
                .isInstanceOf(EnvctlException.class)
                .hasMessageContaining("existed before, so envctl removed nothing");

        String network = providerId.equals("k3d") ? "k3d-" + name : "kind-" + name + "-net";
        assertThat(s.lines("docker", "network", "inspect", "--format",
                "{{range .IPAM.Config}}{{.Subnet}}{{end}}", network)).containsExactly(subnet);
        assertThat(provider.list()).anySatisfy(c -> {
            assertThat(c.name()).isEqualTo(name);
            assertThat(c.running()).isTrue();
        });
        Shell.Result deleted = s.envctl("delete", name);
        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    /**
     * While another program's {@code k3d cluster create} has made only its tools node, k3d refuses the name and
     * lists no cluster, as after a create killed early: a young tools node is watched, not removed, and once the
     * other create has its cluster listed, the refusal stands and the cluster is the other program's.
     */
    @Test
    void aK3dCreateRefusedWhileAnotherProgramsCreateOfTheNameIsInFlightRemovesNothing(Sandbox s) throws Exception {
        String name = s.name("race");
        String toolsNode = "k3d-" + name + "-tools";
        // the other program's create, at the moment after its tools node (k3d's labels) and before its server node
        s.lines("docker", "create", "--name", toolsNode, "--label", "app=k3d", "--label", "k3d.cluster=" + name,
                "--label", "k3d.role=noRole", s.machine.k3dImage);
        Thread other = new Thread(() -> {
            try {
                Thread.sleep(3000);
                s.lines("docker", "rm", "-f", toolsNode);
                Shell.Result made = s.tool("k3d", "cluster", "create", name, "--image", s.machine.k3dImage,
                        "--api-port", "127.0.0.1:29431", "--no-lb", "--wait", "--timeout", "120s");
                assertThat(made.exit()).as(made.toString()).isZero();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<String> steps = Collections.synchronizedList(new ArrayList<>());
        ProgressListener progress = new ProgressListener() {
            @Override
            public void step(String environment, String message) {
                steps.add(message);
            }
        };
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(s.env);
        ClusterProvider provider = new K3dProviderFactory().create(Map.of("image", s.machine.k3dImage, "timeout",
                "120s"), environment);
        Environment env = new Environment(name, "k3d", null, new HostPorts(29181, 29182, 29183, 29184), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.CREATING, null, Instant.now(), Instant.now(), 1);
        other.start();

        assertThatThrownBy(() -> provider.create(env, progress))
                .isInstanceOf(EnvctlException.class)
                .hasMessageContaining("because a cluster with that name already exists")
                .hasMessageContaining("existed before, so envctl removed nothing");
        other.join();

        assertThat(steps).anyMatch(m -> m.startsWith("k3d refuses the name " + name + " but lists no such cluster: "
                + "all there is of it is its tools node, made "));
        assertThat(steps).noneMatch(m -> m.startsWith("removing what an interrupted create"));
        assertThat(provider.list()).anySatisfy(c -> {
            assertThat(c.name()).isEqualTo(name);
            assertThat(c.running()).isTrue();
        });
        assertThat(s.lines("docker", "port", "k3d-" + name + "-server-0", "6443/tcp"))
                .as("the other program's cluster, not one envctl made").containsExactly("127.0.0.1:29431");
        assertThat(s.tool("k3d", "cluster", "delete", name).exit()).isZero();
    }
}
