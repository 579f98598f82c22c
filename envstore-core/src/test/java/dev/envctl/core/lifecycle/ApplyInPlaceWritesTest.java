package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.DelegatingStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code apply}'s in-place updates: one store write for all of them, however many environments they change. */
class ApplyInPlaceWritesTest {

    @Test
    void inPlaceUpdatesOfManyEnvironmentsAreOneStoreWrite() {
        assertThat(writesToUpdateInPlace(1)).isEqualTo(1);
        assertThat(writesToUpdateInPlace(30)).isEqualTo(1);
    }

    @Test
    void aRecordAnotherWriterChangesMeanwhileIsReadAgainAndItsChangeKept() {
        Fixture f = new Fixture();
        List<EnvironmentSpec> specs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            specs.add(specOf(f, i));
        }
        CountingWrites store = new CountingWrites(f.store);
        // another writer records a label of e1 between apply's read and its write
        store.beforeBatch = () -> {
            Environment e1 = f.store.get("e1");
            f.store.update(e1.withLabels(Map.of("haproxy_route", "true", "owner", "qa")), e1.version());
        };
        LifecycleEngine engine = new LifecycleEngine(store, f.allocator, Map.<String, ClusterProvider>of("k3d", f.k3d),
                List.of(), EngineOptions.defaults());

        ReconcileReport r = engine.apply(specs, false, ProgressListener.NONE);

        assertThat(r.outcomes()).extracting(Outcome::name, Outcome::action).containsExactly(
                org.assertj.core.groups.Tuple.tuple("e0", Action.UPDATED),
                org.assertj.core.groups.Tuple.tuple("e1", Action.UPDATED),
                org.assertj.core.groups.Tuple.tuple("e2", Action.UPDATED));
        assertThat(f.store.get("e1").labels()).containsEntry("owner", "qa").containsEntry("team", "b");
        assertThat(f.store.get("e1").version()).isEqualTo(5);
        assertThat(store.writes).as("the batch stopped at e1, then e1 and e2 written again together").isEqualTo(2);
    }

    /** A spec of running environment {@code e<i>}, recorded in {@code f}, that changes its label {@code team}. */
    private static EnvironmentSpec specOf(Fixture f, int i) {
        Environment e = f.leave("e" + i, i, DesiredState.PRESENT, ActualState.RUNNING);
        f.k3d.putCluster(e.name(), true);
        return EnvironmentSpec.of(e.name(), "k3d").withPorts(e.ports()).withSubnet(SubnetRequest.of(e.subnet()))
                .withLabels(Map.of("haproxy_route", "true", "team", "b"));
    }

    /** The store writes of an apply that changes a label of each of {@code n} running environments. */
    private static int writesToUpdateInPlace(int n) {
        Fixture f = new Fixture();
        List<EnvironmentSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            specs.add(specOf(f, i));
        }
        CountingWrites store = new CountingWrites(f.store);
        LifecycleEngine engine = new LifecycleEngine(store, f.allocator, Map.<String, ClusterProvider>of("k3d", f.k3d),
                List.of(), EngineOptions.defaults());

        ReconcileReport r = engine.apply(specs, false, ProgressListener.NONE);

        assertThat(r.outcomes()).hasSize(n).extracting(Outcome::action).containsOnly(Action.UPDATED);
        assertThat(f.store.list(EnvironmentFilter.ALL)).allSatisfy(e -> {
            assertThat(e.labels()).containsEntry("team", "b");
            assertThat(e.version()).isEqualTo(4);
        });
        return store.writes;
    }

    /** Counts the writes that reach the store: each update, and each batch of updates as one. */
    private static final class CountingWrites extends DelegatingStore {
        private final EnvironmentStore delegate;
        private int writes;
        private Runnable beforeBatch = () -> { };

        CountingWrites(EnvironmentStore delegate) {
            super(delegate);
            this.delegate = delegate;
        }

        @Override
        public Environment update(Environment next, long expectedVersion) {
            writes++;
            return super.update(next, expectedVersion);
        }

        @Override
        public List<Environment> updateAll(List<Environment> environments) {
            writes++;
            Runnable once = beforeBatch;
            beforeBatch = () -> { };
            once.run();
            return delegate.updateAll(environments);
        }
    }
}
