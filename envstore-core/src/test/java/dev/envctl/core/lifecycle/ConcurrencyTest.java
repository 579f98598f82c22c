package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.StoreInvariants;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrencyTest {
    private final Fixture f = new Fixture();

    private void record(int n) {
        for (int i = 0; i < n; i++) {
            f.store.create(Fixture.spec("env-" + i), f.allocator);
        }
    }

    @Test
    void atMostTheDefaultThreeEnvironmentsAreInFlightAndTheRestWaitForASlot() {
        record(7);
        LifecycleEngine engine = f.engine();
        CountDownLatch gate = new CountDownLatch(1);
        f.k3d.duringCreate(e -> Await.inside(gate));

        CompletableFuture<ReconcileReport> round = CompletableFuture.supplyAsync(
                () -> engine.reconcile(List.of(), ProgressListener.NONE));
        Await.until("3 creates in flight and 4 waiting", () -> f.k3d.inFlight() == 3 && engine.waitingForSlot() == 4);

        assertThat(f.k3d.calls().stream().filter(c -> c.startsWith("create"))).hasSize(3);
        gate.countDown();
        ReconcileReport report = round.join();

        assertThat(f.k3d.maxInFlight()).isEqualTo(3);
        assertThat(report.outcomes()).hasSize(7).allSatisfy(o -> assertThat(o.action()).isEqualTo(Action.CREATED));
        assertThat(engine.waitingForSlot()).isZero();
    }

    @Test
    void aBoundOfOneConvergesOneAtATime() {
        record(4);
        LifecycleEngine engine = f.engine(EngineOptions.defaults().withConcurrency(1));
        CountDownLatch gate = new CountDownLatch(1);
        f.k3d.duringCreate(e -> Await.inside(gate));

        CompletableFuture<ReconcileReport> round = CompletableFuture.supplyAsync(
                () -> engine.reconcile(List.of(), ProgressListener.NONE));
        Await.until("1 create in flight and 3 waiting", () -> f.k3d.inFlight() == 1 && engine.waitingForSlot() == 3);
        gate.countDown();

        assertThat(round.join().ok()).isTrue();
        assertThat(f.k3d.maxInFlight()).isEqualTo(1);
    }

    @Test
    void twoEnginesOnOneStoreNeverActOnOneEnvironmentButProceedOnOthers() {
        LifecycleEngine a = f.engine();
        LifecycleEngine b = f.engine();
        f.store.create(Fixture.spec("qa"), f.allocator);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        f.k3d.duringCreate(e -> {
            if (e.name().equals("dev")) {
                entered.countDown();
                Await.inside(gate);
            }
        });

        CompletableFuture<Environment> creating = CompletableFuture.supplyAsync(
                () -> a.create(Fixture.spec("dev"), ProgressListener.NONE));
        Await.latch(entered);

        ReconcileReport other = b.reconcile(List.of("dev", "qa"), ProgressListener.NONE);
        assertThat(other.outcomes()).containsExactly(
                new Outcome("dev", Action.SKIPPED_LOCKED, ActualState.CREATING, null),
                new Outcome("qa", Action.CREATED, ActualState.RUNNING, null));
        Environment marked = b.delete("dev", false, ProgressListener.NONE).orElseThrow();
        assertThat(marked.desiredState()).isEqualTo(DesiredState.ABSENT);
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
        assertThat(f.k3d.count("delete dev")).isZero();

        gate.countDown();
        Throwable thrown = creating.handle((env, err) -> err).join();
        assertThat(thrown).isNotNull();   // A converged dev to absent, so create's final read finds no record
        assertThat(f.store.find("dev")).isEmpty();
        assertThat(f.k3d.has("dev")).isFalse();
        assertThat(f.k3d.overlaps()).isEmpty();
    }

    @Test
    void manyReconcilersAndWritersKeepExclusionAndInvariantsAndConvergeInTheEnd() throws Exception {
        record(12);
        List<LifecycleEngine> engines = List.of(f.engine(), f.engine(), f.engine(EngineOptions.defaults().withConcurrency(2)));
        AtomicBoolean stop = new AtomicBoolean();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (LifecycleEngine engine : engines) {
            workers.add(CompletableFuture.runAsync(() -> {
                while (!stop.get()) {
                    engine.reconcile(List.of(), ProgressListener.NONE);
                }
            }));
        }
        workers.add(CompletableFuture.runAsync(() -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int i = 0; i < 300; i++) {
                String name = "env-" + rnd.nextInt(12);
                DesiredState want = rnd.nextBoolean() ? DesiredState.PRESENT : DesiredState.ABSENT;
                f.store.find(name).ifPresent(e -> {
                    try {
                        f.store.update(e.withDesiredState(want).withLabels(java.util.Map.of(
                                LifecycleEngine.KEEP_RECORD_LABEL, "true")), e.version());
                    } catch (dev.envctl.core.EnvctlException conflict) {
                        // another writer won; that is the point
                    }
                });
            }
        }));
        workers.get(3).join();
        stop.set(true);
        for (CompletableFuture<Void> w : workers) {
            w.join();
        }
        engines.get(0).reconcile(List.of(), ProgressListener.NONE);

        assertThat(f.k3d.overlaps()).isEmpty();
        List<Environment> all = f.store.list(EnvironmentFilter.ALL);
        StoreInvariants.assertHold(all);
        assertThat(all).hasSize(12);
        for (Environment e : all) {
            boolean present = e.desiredState() == DesiredState.PRESENT;
            assertThat(f.k3d.has(e.name())).as(e.name()).isEqualTo(present);
            assertThat(e.actualState()).as(e.name()).isEqualTo(present ? ActualState.RUNNING : ActualState.UNKNOWN);
        }
    }
}
