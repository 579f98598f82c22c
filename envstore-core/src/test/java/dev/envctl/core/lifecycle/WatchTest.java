package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.Stderr;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WatchTest {
    private final Fixture f = new Fixture();

    @Test
    void aFailingEnvironmentIsRetriedWithBackoffWhileHealthyOnesAreVisitedEveryRound() {
        f.store.create(Fixture.spec("bad"), f.allocator);
        f.store.create(Fixture.spec("good"), f.allocator);
        LifecycleEngine engine = f.engine();
        engine.reconcile(List.of("good"), ProgressListener.NONE);
        for (int i = 0; i < 50; i++) {
            f.k3d.failNextCreate("image pull failed");
        }
        List<Integer> badRounds = new ArrayList<>();
        List<Integer> goodRounds = new ArrayList<>();
        AtomicInteger round = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();

        engine.watch(Duration.ofMillis(1), stop, ProgressListener.NONE, report -> {
            int n = round.incrementAndGet();
            report.outcomes().forEach(o -> (o.name().equals("bad") ? badRounds : goodRounds).add(n));
            if (n == 12) {
                stop.set(true);
            }
        });

        assertThat(badRounds).containsExactly(1, 2, 4, 8);
        assertThat(goodRounds).hasSize(12);
        assertThat(f.k3d.count("create bad")).isEqualTo(4);
        assertThat(f.store.get("bad").lastError()).contains("image pull failed");
    }

    /**
     * Another writer deletes a failing environment (envctl delete in another process) and records one of the same
     * name: the new one is converged in the next round, not after the sitting out the old one's failures earned.
     */
    @Test
    void anEnvironmentRecordedAgainUnderTheNameOfAFailedOneIsConvergedInTheNextRound() {
        f.store.create(Fixture.spec("web"), f.allocator);
        LifecycleEngine engine = f.engine();
        for (int i = 0; i < 3; i++) {
            f.k3d.failNextCreate("image pull failed");
        }
        List<Integer> webRounds = new ArrayList<>();
        AtomicInteger round = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();

        engine.watch(Duration.ofMillis(1), stop, ProgressListener.NONE, report -> {
            int n = round.incrementAndGet();
            report.outcomes().stream().filter(o -> o.name().equals("web")).forEach(o -> webRounds.add(n));
            if (n == 4) { // failed in rounds 1, 2 and 4: it would sit out rounds 5 to 7
                f.store.delete("web");
                f.store.create(Fixture.spec("web"), f.allocator);
            }
            if (n == 6) {
                stop.set(true);
            }
        });

        assertThat(webRounds).containsExactly(1, 2, 4, 5, 6);
        assertThat(f.store.get("web").actualState()).isEqualTo(ActualState.RUNNING);
    }

    /**
     * Each round's report gives the creation time of every record it covers, those sitting out the round after a
     * failure included: what a caller keeps per record (the CLI's last printed failure) is told apart from what it
     * kept for a record deleted, or deleted and made again under its name.
     */
    @Test
    void eachRoundTellsTheRecordsItCoversThoseSittingOutIncluded() {
        Instant first = f.store.create(Fixture.spec("web"), f.allocator).createdAt();
        f.store.create(Fixture.spec("good"), f.allocator);
        LifecycleEngine engine = f.engine();
        for (int i = 0; i < 3; i++) {
            f.k3d.failNextCreate("image pull failed");
        }
        List<Map<String, Instant>> records = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();

        engine.watch(Duration.ofMillis(1), stop, ProgressListener.NONE, report -> {
            records.add(report.records());
            if (records.size() == 4) {
                f.store.delete("web");
                f.store.create(Fixture.spec("web"), f.allocator);
            }
            if (records.size() == 6) {
                stop.set(true);
            }
        });

        Instant again = f.store.get("web").createdAt();
        assertThat(again).isNotEqualTo(first);
        // web sat out round 3 after its failures in rounds 1 and 2
        assertThat(records).extracting(r -> r.get("web")).containsExactly(first, first, first, first, again, again);
        assertThat(records).allSatisfy(r -> assertThat(r).containsOnlyKeys("web", "good"));
    }

    /**
     * A store that stops answering fails every round that tries it: stderr says so once, when it starts (not at every
     * retry, 1, 2, 4, 8 and 16 rounds apart), and once when a round reads it again, as for Docker not answering.
     */
    @Test
    void aStoreThatStopsAnsweringIsWarnedOfOnceAndSaidOnceToAnswerAgain() {
        FailingListings store = new FailingListings(f.store);
        f.store.create(Fixture.spec("dev"), f.allocator);
        LifecycleEngine engine = new LifecycleEngine(store, f.allocator,
                Map.<String, dev.envctl.core.spi.ClusterProvider>of("k3d", f.k3d), List.of(),
                EngineOptions.defaults());
        List<Integer> rounds = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();

        String stderr = Stderr.of(() -> engine.watch(Duration.ofMillis(1), stop, ProgressListener.NONE, report -> {
            rounds.add(rounds.size() + 1);
            if (rounds.size() == 1) {
                store.failNext(5, () -> new EnvctlException(ErrorCode.STORE_UNAVAILABLE,
                        "store memory: is unavailable: connection refused"));
            }
            if (rounds.size() == 2) {
                stop.set(true);
            }
        }));

        assertThat(rounds).containsExactly(1, 2);
        assertThat(stderr.lines().filter(l -> l.contains("connection refused"))).as(stderr).singleElement()
                .asString().contains("WARN");
        assertThat(stderr.lines().filter(l -> l.contains("the store answers again"))).as(stderr).singleElement()
                .asString().contains("INFO");
    }

    /**
     * A third-party store's bug (a RuntimeException that is no EnvctlException) in a round does not end the watch:
     * one WARN line names its class and message, and the store is retried with the same backoff as one that does not
     * answer.
     */
    @Test
    void aStoreThrowingOtherThanAnEnvctlExceptionIsWarnedOfAndTheWatchGoesOn() {
        FailingListings store = new FailingListings(f.store);
        f.store.create(Fixture.spec("dev"), f.allocator);
        LifecycleEngine engine = new LifecycleEngine(store, f.allocator,
                Map.<String, dev.envctl.core.spi.ClusterProvider>of("k3d", f.k3d), List.of(),
                EngineOptions.defaults());
        List<Integer> rounds = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();

        String stderr = Stderr.of(() -> engine.watch(Duration.ofMillis(1), stop, ProgressListener.NONE, report -> {
            rounds.add(rounds.size() + 1);
            if (rounds.size() == 1) {
                store.failNext(3, () -> new IllegalStateException("pool of the plugin is shut down"));
            }
            if (rounds.size() == 2) {
                stop.set(true);
            }
        }));

        assertThat(rounds).containsExactly(1, 2);
        assertThat(stderr.lines().filter(l -> l.contains("pool of the plugin"))).as(stderr).singleElement()
                .asString().contains("WARN", "java.lang.IllegalStateException: pool of the plugin is shut down");
        assertThat(stderr).as("no stack trace below DEBUG").doesNotContain("\tat ");
        assertThat(stderr.lines().filter(l -> l.contains("the store answers again"))).as(stderr).hasSize(1);
    }

    /** A store plugin's EnvctlException without a message is warned of by its class, and the watch goes on. */
    @Test
    void aStoreErrorWithoutAMessageIsWarnedOfAndTheWatchGoesOn() {
        FailingListings store = new FailingListings(f.store);
        LifecycleEngine engine = new LifecycleEngine(store, f.allocator,
                Map.<String, dev.envctl.core.spi.ClusterProvider>of("k3d", f.k3d), List.of(),
                EngineOptions.defaults());
        List<Integer> rounds = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();

        String stderr = Stderr.of(() -> engine.watch(Duration.ofMillis(1), stop, ProgressListener.NONE, report -> {
            rounds.add(rounds.size() + 1);
            if (rounds.size() == 1) {
                store.failNext(2, () -> new EnvctlException(ErrorCode.STORE_UNAVAILABLE, null));
            }
            if (rounds.size() == 2) {
                stop.set(true);
            }
        }));

        assertThat(rounds).containsExactly(1, 2);
        assertThat(stderr.lines().filter(l -> l.contains("failed: " + EnvctlException.class.getName())))
                .as(stderr).singleElement().asString().contains("WARN");
    }

    /**
     * What afterEachRound throws ends the watch and is thrown from it, an EnvctlException too (a callback that
     * reads the store, or ends the watch with an error of envctl's own): it is not a round that could not read
     * the store, to be logged and retried.
     */
    @Test
    void anEnvctlExceptionThrownByAfterEachRoundEndsTheWatchAndIsThrown() {
        f.store.create(Fixture.spec("dev"), f.allocator);
        LifecycleEngine engine = f.engine();
        AtomicInteger rounds = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        EnvctlException thrown = EnvctlException.notFound("environment 'gone' not found");

        assertThatThrownBy(() -> engine.watch(Duration.ofMillis(1), stop, ProgressListener.NONE, report -> {
            if (rounds.incrementAndGet() == 5) {
                stop.set(true); // the watch did not end: give up without hanging the build
            }
            throw thrown;
        })).isSameAs(thrown);
        assertThat(rounds.get()).isEqualTo(1);
    }

    @Test
    void aWatchOverNamesConvergesOnlyThoseAndAnUnknownNameIsNotFoundBeforeAnything() {
        f.store.create(Fixture.spec("named"), f.allocator);
        f.store.create(Fixture.spec("other"), f.allocator);
        LifecycleEngine engine = f.engine();
        AtomicInteger rounds = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();

        engine.watch(List.of("named"), Duration.ofMillis(1), stop, ProgressListener.NONE, report -> {
            assertThat(report.outcomes()).extracting(o -> o.name()).containsExactly("named");
            if (rounds.incrementAndGet() == 3) {
                stop.set(true);
            }
        });

        assertThat(f.k3d.has("named")).isTrue();
        assertThat(f.k3d.has("other")).isFalse();
        assertThat(f.store.get("other").actualState()).isEqualTo(ActualState.UNKNOWN);
        assertThatThrownBy(() -> engine.watch(List.of("named", "ghost"), Duration.ofMillis(1), new AtomicBoolean(),
                ProgressListener.NONE, report -> { }))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void stoppingFinishesTheEnvironmentInFlightAndAbandonsTheOnesNotStarted() {
        for (String name : List.of("a", "b", "c")) {
            f.store.create(Fixture.spec(name), f.allocator);
        }
        LifecycleEngine engine = f.engine(EngineOptions.defaults().withConcurrency(1));
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        f.k3d.duringCreate(e -> {
            entered.countDown();
            Await.inside(gate);
        });
        List<ReconcileReport> reports = Collections.synchronizedList(new ArrayList<>());
        Thread watcher = new Thread(() -> engine.watch(Duration.ofSeconds(30), stop, ProgressListener.NONE, reports::add));
        watcher.start();
        Await.latch(entered);

        stop.set(true);          // what the CLI's SIGINT/SIGTERM handler does
        gate.countDown();
        Await.until("watch returned", () -> !watcher.isAlive());

        assertThat(reports).singleElement().satisfies(r -> assertThat(r.outcomes())
                .containsExactly(new Outcome("a", Action.CREATED, ActualState.RUNNING, null)));
        assertThat(f.store.get("b").actualState()).isEqualTo(ActualState.UNKNOWN);
        assertThat(f.store.get("c").actualState()).isEqualTo(ActualState.UNKNOWN);
        assertThat(f.k3d.calls()).doesNotContain("create b", "create c");
    }

    @Test
    void aStopThatEndsTheListingOfARoundDeliversNothingOfThatRound() {
        f.store.create(Fixture.spec("dev"), f.allocator);
        f.k3d.putCluster("orphan", true);
        LifecycleEngine engine = f.engine();
        AtomicBoolean stop = new AtomicBoolean();
        List<ReconcileReport> reports = new ArrayList<>();

        engine.watch(Duration.ofMillis(1), stop, ProgressListener.NONE, report -> {
            reports.add(report);
            // the next round's listing is ended by the stop, as a signal to envctl ends a k3d cluster list in flight
            f.k3d.duringNextList(() -> stop.set(true));
            f.k3d.failNextList("k3d cluster list was ended: envctl is stopping (SIGINT or SIGTERM)");
        });

        // not a round without environments or unmanaged clusters: that listing failed because envctl stopped
        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.outcomes()).extracting(Outcome::name).containsExactly("dev");
            assertThat(r.unmanaged()).extracting(ClusterStatus::name).containsExactly("orphan");
        });
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.store.get("dev").lastError()).isNull();
    }

    @Test
    void aStopBeforeTheFirstRoundConvergedAnythingDeliversNoRound() {
        f.store.create(Fixture.spec("dev"), f.allocator);
        LifecycleEngine engine = f.engine();
        AtomicBoolean stop = new AtomicBoolean();
        f.k3d.afterNextList(() -> stop.set(true));
        List<ReconcileReport> reports = new ArrayList<>();

        engine.watch(Duration.ofMillis(1), stop, ProgressListener.NONE, reports::add);

        assertThat(reports).isEmpty();
        assertThat(f.k3d.calls()).doesNotContain("create dev");
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.UNKNOWN);
    }

    @Test
    void anInterruptedWatchReturnsBetweenRounds() {
        f.store.create(Fixture.spec("a"), f.allocator);
        LifecycleEngine engine = f.engine();
        AtomicInteger rounds = new AtomicInteger();
        Thread watcher = new Thread(() -> engine.watch(Duration.ofSeconds(30), new AtomicBoolean(),
                ProgressListener.NONE, r -> rounds.incrementAndGet()));
        watcher.start();
        Await.until("one round done", () -> rounds.get() == 1);

        watcher.interrupt();
        Await.until("watch returned", () -> !watcher.isAlive());

        assertThat(rounds.get()).isEqualTo(1);
        assertThat(f.store.get("a").actualState()).isEqualTo(ActualState.RUNNING);
    }

    /**
     * An interrupt reaches what the environments converged side by side wait for (a store's lock another process
     * holds, in the CLI once a signal's tools were ended), as it reaches a converge on the watch's own thread.
     */
    @Test
    void anInterruptOfAWatchReachesTheEnvironmentsInFlightOnItsWorkerThreads() throws Exception {
        f.store.create(Fixture.spec("a"), f.allocator);
        f.store.create(Fixture.spec("b"), f.allocator);
        LifecycleEngine engine = f.engine();
        CountDownLatch bothInFlight = new CountDownLatch(2);
        List<String> interrupted = Collections.synchronizedList(new ArrayList<>());
        f.k3d.duringCreate(e -> {
            bothInFlight.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException ie) {
                interrupted.add(e.name());
                Thread.currentThread().interrupt();
            }
        });
        Thread watcher = new Thread(() -> engine.watch(Duration.ofSeconds(30), new AtomicBoolean(),
                ProgressListener.NONE, r -> { }));
        watcher.start();
        bothInFlight.await();

        watcher.interrupt();
        watcher.join(20_000);

        assertThat(watcher.isAlive()).as("the watch waits for its converges").isFalse();
        assertThat(interrupted).containsExactlyInAnyOrder("a", "b");
    }

    /**
     * The longest interval the config takes ({@code 999999999h}, 9 digits) is more nanoseconds than a long holds:
     * the watch waits (until stopped) instead of failing with "long overflow" after its first round.
     */
    @Test
    void theLongestIntervalTheConfigTakesWaitsUntilStopped() throws Exception {
        f.store.create(Fixture.spec("dev"), f.allocator);
        LifecycleEngine engine = f.engine();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger rounds = new AtomicInteger();
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop.set(true);
        });
        stopper.start();

        engine.watch(Duration.ofHours(999_999_999), stop, ProgressListener.NONE, report -> rounds.incrementAndGet());

        stopper.join();
        assertThat(rounds).hasValue(1);
    }

}
