package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Envctl;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.HostPorts;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.testing.DelegatingStore;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import dev.envctl.core.testing.StoreInvariants;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An apply of records that lack host ports (rows of the Kindler scripts have no api port) gives each the ports its
 * dry run showed, however its parallel converges interleave.
 */
class ApplyMissingPortsTest {
    private static final Instant T = Instant.parse("2026-11-26T08:00:00Z");
    private final InMemoryEnvironmentStore memory = new InMemoryEnvironmentStore();
    /** Converges that start in the reverse of the plan's order: a's waits for b's ports, b's for c's. */
    private final DelegatingStore store = new DelegatingStore(memory) {
        @Override
        public Optional<EnvironmentLock> tryLock(String name) {
            String after = name.equals("a") ? "b" : name.equals("b") ? "c" : null;
            if (after != null) {
                Await.until(after + " has every host port", () -> memory.get(after).ports().complete());
            }
            return super.tryLock(name);
        }
    };
    private final PerHostFactory provider = new PerHostFactory();
    private final Envctl envctl = Envctl.builder().store(store)
            .plugins(PluginRegistry.of(List.of(), List.of(provider), List.of()))
            .environment(Map.of("PATH", "/usr/bin")).build();

    @Test
    void rowsOfTheScriptsResumedAtOnceGetExactlyThePortsTheDryRunShowed() {
        List<EnvironmentSpec> listed = List.of("a", "b", "c").stream().map(n -> EnvironmentSpec.of(n, "k3d"))
                .toList();
        for (int i = 0; i < 3; i++) {
            memory.insert(new Environment(listed.get(i).name(), "k3d", null, new HostPorts(18090 + i, 18443 + i,
                    19001 + i, null), 30080, Map.of(), Map.of(), DesiredState.PRESENT, ActualState.UNKNOWN, null,
                    T, T, 1));
        }
        List<PlannedStep> steps = envctl.dryRun(envctl.plan(listed, false));
        assertThat(steps).extracting(s -> s.kind() + " " + s.environment().name())
                .containsExactly("RESUME a", "RESUME b", "RESUME c");

        ReconcileReport r = envctl.apply(listed, false);

        assertThat(r.outcomes()).extracting(Outcome::action).containsOnly(Action.CREATED);
        for (PlannedStep s : steps) {
            assertThat(envctl.get(s.environment().name()).ports()).as(s.environment().name())
                    .isEqualTo(s.environment().ports());
        }
        StoreInvariants.assertHold(memory.list(dev.envctl.core.EnvironmentFilter.ALL));
    }
}
