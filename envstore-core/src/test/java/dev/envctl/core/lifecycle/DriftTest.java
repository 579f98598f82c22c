package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.ScriptedClusterProvider;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DriftTest {
    private final Fixture f = new Fixture();

    @Test
    void aRunningRecordWhoseClusterVanishedIsRecreatedWithItsOwnPortsByDefault() {
        Environment before = f.engine().create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.removeCluster("dev");

        ReconcileReport r = f.engine().reconcile(List.of(), ProgressListener.NONE);

        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.RECREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.has("dev")).isTrue();
        assertThat(f.store.get("dev").ports()).isEqualTo(before.ports());
        assertThat(f.hook.calls()).containsExactly("post-create dev creating", "post-create dev creating");
    }

    @Test
    void underMarkFailedAVanishedClusterMarksTheRecordFailedAndIsNotRecreatedLater() {
        LifecycleEngine engine = f.engine(EngineOptions.defaults().withDriftPolicy(DriftPolicy.MARK_FAILED));
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.removeCluster("dev");

        ReconcileReport first = engine.reconcile(List.of(), ProgressListener.NONE);
        assertThat(first.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.action()).isEqualTo(Action.MARKED_FAILED);
            assertThat(o.error()).isEqualTo("its k3d cluster is gone (k3d lists no cluster of this name, though "
                    + "the record said running); the mark-failed drift policy leaves it failed: start the environment "
                    + "to create the cluster again with the record's ports and subnet, or delete it");
        });
        assertThat(first.ok()).isFalse();
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.FAILED);

        ReconcileReport second = engine.reconcile(List.of(), ProgressListener.NONE);
        assertThat(second.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.action()).isEqualTo(Action.UNCHANGED);
            assertThat(o.state()).isEqualTo(ActualState.FAILED);
        });
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
    }

    @Test
    void underMarkFailedAStartOfTheMarkedRecordCreatesItsClusterAgain() {
        LifecycleEngine engine = f.engine(EngineOptions.defaults().withDriftPolicy(DriftPolicy.MARK_FAILED));
        Environment before = engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.removeCluster("dev");
        engine.reconcile(List.of(), ProgressListener.NONE);

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(started.lastError()).isNull();
        assertThat(started.ports()).isEqualTo(before.ports());
        assertThat(f.k3d.running("dev")).isTrue();
        assertThat(f.k3d.count("create dev")).isEqualTo(2);
    }

    @Test
    void underMarkFailedAFailedHookIsStillRetriedBecauseTheClusterRuns() {
        LifecycleEngine engine = f.engine(EngineOptions.defaults().withDriftPolicy(DriftPolicy.MARK_FAILED));
        f.hook.on(HookPhase.POST_CREATE, e -> {
            throw new IllegalStateException("portainer down");
        });
        assertThat(engine.create(Fixture.spec("dev"), ProgressListener.NONE).actualState()).isEqualTo(ActualState.FAILED);
        f.hook.clear(HookPhase.POST_CREATE);

        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
    }

    @Test
    void aClusterNoRecordOwnsIsReportedAsUnmanagedAndNeverDeleted() {
        ScriptedClusterProvider kind = new ScriptedClusterProvider("kind");
        LifecycleEngine engine = new LifecycleEngine(f.store, f.allocator,
                Map.<String, ClusterProvider>of("k3d", f.k3d, "kind", kind), List.of(), EngineOptions.defaults());
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.putCluster("stray", true);
        kind.putCluster("dev", true);

        ReconcileReport r = engine.reconcile(List.of(), ProgressListener.NONE);

        assertThat(r.unmanaged()).containsExactlyInAnyOrder(new ClusterStatus("stray", "k3d", true, "running"),
                new ClusterStatus("dev", "kind", true, "running"));
        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.RUNNING, null));
        assertThat(r.ok()).isTrue();
        assertThat(f.k3d.has("stray")).isTrue();
        assertThat(kind.has("dev")).isTrue();
        assertThat(f.k3d.calls()).doesNotContain("delete stray");
        assertThat(kind.calls()).containsOnly("list");
    }

    @Test
    void aClusterStoppedOutsideEnvctlIsStartedNotCreatedAgain() {
        f.engine().create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.putCluster("dev", false);

        assertThat(f.engine().reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.STARTED, ActualState.RUNNING, null));
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
        assertThat(f.k3d.count("start dev")).isEqualTo(1);
    }

    @Test
    void aProviderThatCannotListFailsTheOutcomeButDoesNotMarkARunningRecord() {
        f.engine().create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.failNextList("docker unreachable");   // taken by the round's listing of unmanaged clusters
        f.k3d.failNextList("docker unreachable");   // would be taken by a listing of the environment's own

        ReconcileReport r = f.engine().reconcile(List.of(), ProgressListener.NONE);

        assertThat(r.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.action()).isEqualTo(Action.FAILED);
            assertThat(o.error()).contains("could not list k3d clusters", "docker unreachable");
        });
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.RUNNING);
    }

    /** Docker down: one listing fails the round, not one more per environment (each waiting on Docker again). */
    @Test
    void aRoundWhoseListingFailsFailsEachEnvironmentWithThatErrorWithoutListingAgain() {
        for (String name : List.of("a", "b", "c", "d", "e")) {
            f.engine().create(Fixture.spec(name), ProgressListener.NONE);
        }
        f.store.create(EnvironmentSpec.of("new", "k3d"), f.allocator);
        int before = f.k3d.calls().size();
        for (int i = 0; i < 7; i++) {
            f.k3d.failNextList("docker unreachable");
        }

        ReconcileReport r = f.engine().reconcile(List.of(), ProgressListener.NONE);

        assertThat(f.k3d.calls().subList(before, f.k3d.calls().size())).containsExactly("list");
        assertThat(r.outcomes()).hasSize(6).allSatisfy(o -> {
            assertThat(o.action()).isEqualTo(Action.FAILED);
            assertThat(o.error()).contains("could not list k3d clusters", "docker unreachable");
        });
        assertThat(f.store.get("a").actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.store.get("new").actualState()).isEqualTo(ActualState.UNKNOWN);
        assertThat(f.store.get("new").lastError()).contains("could not list k3d clusters", "docker unreachable");
    }

    /** Left unknown, not failed: a cluster it lists later is adopted (no hooks, its ports), not finished as made. */
    @Test
    void aProviderThatCannotListLeavesANotYetCreatedRecordUnknownWithTheReason() {
        f.store.create(EnvironmentSpec.of("dev", "k3d"), f.allocator);
        f.k3d.failNextList("docker unreachable");
        f.k3d.failNextList("docker unreachable");

        f.engine().reconcile(List.of(), ProgressListener.NONE);

        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.UNKNOWN);
        assertThat(f.store.get("dev").lastError()).contains("docker unreachable");
        assertThat(f.k3d.count("create dev")).isZero();
    }
}
