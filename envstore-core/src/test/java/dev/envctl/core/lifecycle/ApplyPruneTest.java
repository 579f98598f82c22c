package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.DelegatingStore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An apply with prune: it finishes the deletes an earlier one recorded and did not carry out, and when it races an
 * apply of a list naming the same environment, the last desired state recorded wins and each report says what became
 * of its own.
 */
class ApplyPruneTest {
    private final Fixture f = new Fixture();
    private final LifecycleEngine engine = f.engine();

    /**
     * The prober's race: one apply (A) creates {@code dev}, which its list names; while it does, an apply with prune
     * (B) of a list without {@code dev} records its delete and finds it locked.
     */
    @Test
    void aPruneRecordedWhileAnotherApplyCreatesTheEnvironmentIsPendingThereAndAConflictForThatApply() {
        LifecycleEngine a = f.engine();
        LifecycleEngine b = f.engine();
        engine.create(Fixture.spec("web"), ProgressListener.NONE);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        f.k3d.duringCreate(e -> {
            if (e.name().equals("dev")) {
                entered.countDown();
                Await.inside(gate);
            }
        });
        CompletableFuture<ReconcileReport> applying = CompletableFuture.supplyAsync(
                () -> a.apply(List.of(Fixture.spec("dev"), Fixture.spec("web")), false, ProgressListener.NONE));
        Await.latch(entered);

        ReconcileReport pruning = b.apply(List.of(Fixture.spec("web")), true, ProgressListener.NONE);

        assertThat(pruning.outcomes()).containsExactly(
                new Outcome("dev", Action.PENDING, ActualState.CREATING, null),
                new Outcome("web", Action.UNCHANGED, ActualState.RUNNING, null));
        assertThat(pruning.ok()).isTrue();
        assertThat(f.store.get("dev").desiredState()).isEqualTo(DesiredState.ABSENT);

        gate.countDown();
        ReconcileReport applied = applying.join();

        assertThat(applied.outcomes()).extracting(Outcome::name, Outcome::action).containsExactly(
                org.assertj.core.groups.Tuple.tuple("dev", Action.SUPERSEDED),
                org.assertj.core.groups.Tuple.tuple("web", Action.UNCHANGED));
        assertThat(applied.outcomes().get(0)).satisfies(o -> {
            assertThat(o.state()).isNull();
            assertThat(o.code()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(o.error()).isEqualTo("environment 'dev' was deleted while it was being applied: another "
                    + "writer recorded its delete after this apply recorded it, and the last desired state recorded "
                    + "wins; its cluster was deleted too");
        });
        assertThat(applied.ok()).isFalse();
        assertThat(applied.failure()).contains(ErrorCode.CONFLICT);
        assertThat(f.store.find("dev")).as("the prune, recorded last, wins").isEmpty();
        assertThat(f.k3d.has("dev")).isFalse();
        assertThat(f.k3d.overlaps()).isEmpty();
    }

    @Test
    void aPruneAnotherWriterUndoesBeforeItsConvergeIsAConflictNotAnUnchangedEnvironment() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        AtomicBoolean listedAgain = new AtomicBoolean();
        LifecycleEngine b = new LifecycleEngine(new DelegatingStore(f.store) {
            @Override
            public Optional<EnvironmentLock> tryLock(String name) {
                if (listedAgain.compareAndSet(false, true)) { // an apply naming dev marks it present again
                    Environment now = f.store.get("dev");
                    f.store.update(ApplyPlan.markedPresent(now), now.version());
                }
                return super.tryLock(name);
            }
        }, f.allocator, Map.<String, ClusterProvider>of("k3d", f.k3d), List.of(f.hook), EngineOptions.defaults());

        ReconcileReport r = b.apply(List.of(), true, ProgressListener.NONE);

        assertThat(r.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.action()).isEqualTo(Action.SUPERSEDED);
            assertThat(o.state()).isEqualTo(ActualState.RUNNING);
            assertThat(o.error()).isEqualTo("the delete of environment 'dev' this apply recorded was undone by "
                    + "another writer, which recorded it desired present after it, and the last desired state "
                    + "recorded wins; its cluster was not deleted");
        });
        assertThat(r.failure()).contains(ErrorCode.CONFLICT);
        assertThat(f.store.get("dev").desiredState()).isEqualTo(DesiredState.PRESENT);
        assertThat(f.k3d.running("dev")).isTrue();
    }

    /**
     * A prune cut short (the process was killed after it recorded the deletes, before or while it carried them out):
     * running it again finishes them; a record a delete kept once its cluster was gone is left alone.
     */
    @Test
    void aPruneRunAgainFinishesTheDeletesAnEarlierOneRecordedAndDidNotCarryOut() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.leave("old", 1, DesiredState.ABSENT, ActualState.RUNNING);
        f.k3d.putCluster("old", true);
        f.leave("half", 2, DesiredState.ABSENT, ActualState.DELETING);
        f.k3d.putCluster("half", true);
        f.leave("refused", 3, DesiredState.ABSENT, ActualState.FAILED);
        keep(f.leave("keeping", 4, DesiredState.ABSENT, ActualState.RUNNING));
        f.k3d.putCluster("keeping", true);
        Environment kept = keep(f.leave("kept", 5, DesiredState.ABSENT, ActualState.UNKNOWN));
        List<dev.envctl.core.EnvironmentSpec> list = List.of(Fixture.spec("dev"));

        assertThat(engine.plan(list, false).toDelete()).as("without prune, left to reconcile").isEmpty();
        ApplyPlan plan = engine.plan(list, true);
        assertThat(plan.toDelete()).containsExactly("half", "keeping", "old", "refused");
        assertThat(plan.empty()).isFalse();

        ReconcileReport r = engine.apply(list, true, ProgressListener.NONE);

        assertThat(r.outcomes()).containsExactly(
                new Outcome("dev", Action.UNCHANGED, ActualState.RUNNING, null),
                new Outcome("half", Action.DELETED, null, null),
                new Outcome("keeping", Action.DELETED, ActualState.UNKNOWN, null),
                new Outcome("old", Action.DELETED, null, null),
                new Outcome("refused", Action.DELETED, null, null));
        assertThat(f.store.find("old")).isEmpty();
        assertThat(f.store.find("half")).isEmpty();
        assertThat(f.k3d.has("old")).isFalse();
        assertThat(f.k3d.has("half")).isFalse();
        assertThat(f.k3d.has("keeping")).isFalse();
        assertThat(f.store.get("keeping").labels()).as("the delete keeps the record it was asked to keep")
                .containsEntry(LifecycleEngine.KEEP_RECORD_LABEL, "true");
        assertThat(f.store.get("kept")).isEqualTo(kept);
        assertThat(engine.plan(list, true).empty()).isTrue();
    }

    @Test
    void aDeleteAnEarlierPruneRecordedThatAnotherProcessIsCarryingOutIsPending() {
        f.leave("old", 1, DesiredState.ABSENT, ActualState.DELETING);
        f.k3d.putCluster("old", true);

        ReconcileReport r;
        try (EnvironmentLock held = f.store.tryLock("old").orElseThrow()) {
            r = engine.apply(List.of(), true, ProgressListener.NONE);
        }

        assertThat(r.outcomes()).containsExactly(new Outcome("old", Action.PENDING, ActualState.DELETING, null));
        assertThat(r.ok()).isTrue();
        assertThat(f.k3d.calls()).doesNotContain("delete old");
    }

    /** {@code e} as a delete that keeps the record writes it. */
    private Environment keep(Environment e) {
        return f.store.update(e.withLabels(Map.of("haproxy_route", "true", LifecycleEngine.KEEP_RECORD_LABEL,
                "true")), e.version());
    }
}
