package dev.envctl.provider.k3d;

import dev.envctl.core.Cidr;
import dev.envctl.core.Envctl;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.Host;
import dev.envctl.core.HostRequest;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.lifecycle.ApplyPlan;
import dev.envctl.core.lifecycle.PlannedStep;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.provider.DockerNetworks;
import dev.envctl.core.spi.PlannedCommand;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import dev.envctl.core.testing.StandInTools;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Apply's dry run (diff) over the k3d provider and stand-in k3d and docker, on two hosts. */
class K3dDryRunTest {
    private static final String LIST = "docker network ls --format " + DockerNetworks.NAME_LABEL_TEMPLATE;

    @TempDir
    Path dir;

    private StandInTools tools;
    private Envctl envctl;
    /** Six environments with subnets, made by envctl, alternately on local and on host two, to be replaced. */
    private final List<EnvironmentSpec> replaced = new ArrayList<>();

    @BeforeEach
    void sixEnvironmentsOnTwoHosts() {
        tools = new StandInTools(dir, "k3d", "docker");
        InMemoryEnvironmentStore store = new InMemoryEnvironmentStore();
        store.addHost(new Host("two", "tcp://two.example:2375", null, Map.of(), null));
        envctl = Envctl.builder().store(store).environment(tools.environment())
                .plugins(PluginRegistry.of(List.of(), List.of(new K3dProviderFactory()), List.of())).build();
        for (int i = 0; i < 6; i++) {
            EnvironmentSpec spec = EnvironmentSpec.of("e" + i, "k3d").withSubnet(SubnetRequest.AUTO)
                    .withHost(HostRequest.of(i % 2 == 0 ? "local" : "two"));
            envctl.create(spec);
            replaced.add(spec.withOptions(Map.of("agents", "1")));
        }
    }

    @Test
    void aPlanReplacingManyEnvironmentsWithSubnetsAsksDockerForItsNetworksOncePerHost() {
        ApplyPlan plan = envctl.plan(replaced, false);
        tools.forgetCalls();

        List<PlannedStep> steps = envctl.dryRun(plan);

        assertThat(steps).extracting(PlannedStep::kind).containsOnly(PlannedStep.Kind.REPLACE).hasSize(6);
        assertThat(steps).allSatisfy(s -> assertThat(removedNetworks(s)).containsExactly("k3d-"
                + s.environment().name()));
        // each host's networks are listed once for the plan, not once per environment
        assertThat(tools.calls()).filteredOn(c -> c.get(0).equals("docker") && c.get(1).equals("network"))
                .extracting(c -> String.join(" ", c)).containsExactly(LIST, LIST);
    }

    @Test
    void networksOfTheirNamesWithoutTheirLabelAreInspectedInOneCallAndPlannedAsTheDeleteWouldRemoveThem() {
        Cidr e0 = envctl.get("e0").subnet();
        tools.flag("networks/k3d-e0", e0 + "\n\n" + e0.gateway() + "\n"); // the Kindler scripts' network
        tools.flag("networks/k3d-e2", "10.250.0.0/24\n\n10.250.0.1\n"); // someone else's
        tools.flag("networks/k3d-e4-old", "10.251.0.0/24\ndev.envctl.environment=e4\n10.251.0.1\n");
        ApplyPlan plan = envctl.plan(replaced, false);
        tools.forgetCalls();

        Map<String, List<String>> removed = new TreeMap<>();
        envctl.dryRun(plan).forEach(s -> removed.put(s.environment().name(), removedNetworks(s)));

        assertThat(removed).containsExactlyEntriesOf(new TreeMap<>(Map.of("e0", List.of("k3d-e0"), "e1",
                List.of("k3d-e1"), "e2", List.of(), "e3", List.of("k3d-e3"), "e4", List.of("k3d-e4", "k3d-e4-old"),
                "e5", List.of("k3d-e5"))));
        assertThat(tools.calls()).filteredOn(c -> c.get(0).equals("docker") && c.get(1).equals("network"))
                .extracting(c -> String.join(" ", c)).containsExactlyInAnyOrder(LIST, "docker network inspect --format "
                        + DockerNetworks.NAME_BLOCKS_TEMPLATE + " k3d-e0 k3d-e2", LIST);
        // the delete removes exactly those
        envctl.delete("e0");
        envctl.delete("e4");
        assertThat(tools.has("networks/k3d-e0")).isFalse();
        assertThat(tools.has("networks/k3d-e4-old")).isFalse();
        envctl.delete("e2");
        assertThat(tools.has("networks/k3d-e2")).isTrue();
    }

    private List<String> removedNetworks(PlannedStep step) {
        return step.commands().stream().map(PlannedCommand::argv).filter(a -> a.subList(1, 3).equals(List.of(
                "network", "rm"))).map(a -> a.get(3)).toList();
    }
}
