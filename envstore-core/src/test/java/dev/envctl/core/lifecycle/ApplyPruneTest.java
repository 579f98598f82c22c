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
 * An apply with prune racing an apply of a list naming the same environment: the last desired state recorded wins,
 * and each report says what became of its own.
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
}
