package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.HostPorts;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.DelegatingStore;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import dev.envctl.core.testing.ScriptedClusterProvider;
import dev.envctl.core.testing.StoreInvariants;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Apply allocates its creates before it changes anything; a port another writer takes after that check fails only
 * the environment asking for it.
 */
class ApplyRaceTest {
    private final ScriptedClusterProvider k3d = new ScriptedClusterProvider("k3d");
    private final InMemoryEnvironmentStore memory = new InMemoryEnvironmentStore();

    /** The store apply writes to: another writer runs {@code other} once, before apply creates {@code name}. */
    private DelegatingStore withWriterBefore(String name, Consumer<Allocator> other) {
        return new DelegatingStore(memory) {
            private boolean done;

            @Override
            public Environment create(EnvironmentSpec spec, Allocator allocator) {
                if (spec.name().equals(name) && !done) {
                    done = true;
                    other.accept(allocator);
                }
                return super.create(spec, allocator);
            }
        };
    }

    private LifecycleEngine engine(DelegatingStore store) {
        return new LifecycleEngine(store, new Allocator(AllocationPolicy.defaults()),
                Map.<String, ClusterProvider>of("k3d", k3d), List.of(), EngineOptions.defaults());
    }

    @Test
    void aPortTakenByAnotherWriterAfterTheCheckFailsOnlyThatEnvironment() {
        // another writer, between apply's check and its write
        DelegatingStore store = withWriterBefore("qa", allocator -> memory.create(EnvironmentSpec.of("racer", "k3d")
                .withPorts(new HostPorts(18090, null, null, null)), allocator));
        LifecycleEngine engine = engine(store);

        ReconcileReport r = engine.apply(List.of(EnvironmentSpec.of("ci", "k3d"),
                EnvironmentSpec.of("qa", "k3d").withPorts(new HostPorts(18090, null, null, null))), false,
                ProgressListener.NONE);

        assertThat(r.outcomes()).extracting(Outcome::name, Outcome::action)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ci", Action.CREATED),
                        org.assertj.core.groups.Tuple.tuple("qa", Action.FAILED));
        assertThat(r.outcomes().get(1).error()).contains("http port 18090 is already held by environment 'racer'");
        assertThat(store.find("qa")).isEmpty();
        assertThat(store.get("ci").actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(k3d.has("qa")).isFalse();
        StoreInvariants.assertHold(store.list(dev.envctl.core.EnvironmentFilter.ALL));
    }

    /**
     * Two applies of the same file at once: the one whose create finds the name recorded by the other since its
     * plan takes that record as it is (converging it, or reporting it skipped while the other holds it), instead of
     * failing the environment with "already exists".
     */
    @Test
    void aNameAnotherApplyRecordedAfterThePlanIsTakenAsItIsNotFailed() {
        // the other apply, between this one's plan and its write
        DelegatingStore store = withWriterBefore("web", allocator -> memory.create(EnvironmentSpec.of("web", "k3d"),
                allocator));
        LifecycleEngine engine = engine(store);

        ReconcileReport r = engine.apply(List.of(EnvironmentSpec.of("web", "k3d")), false, ProgressListener.NONE);

        assertThat(r.outcomes()).extracting(Outcome::name, Outcome::action, Outcome::error)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web", Action.CREATED, null));
        assertThat(store.get("web").actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(k3d.count("create web")).isEqualTo(1);
        StoreInvariants.assertHold(store.list(dev.envctl.core.EnvironmentFilter.ALL));
    }
}
