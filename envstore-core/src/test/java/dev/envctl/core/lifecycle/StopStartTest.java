package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link LifecycleEngine#stop} and {@link LifecycleEngine#start}, and how reconcile and apply treat a stopped record. */
class StopStartTest {
    private final Fixture f = new Fixture();
    private final LifecycleEngine engine = f.engine();

    private Environment stoppedDev() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        return engine.stop("dev", ProgressListener.NONE);
    }

    /** The provider calls other than listings. */
    private List<String> actions() {
        return f.k3d.calls().stream().filter(c -> !c.equals("list")).toList();
    }

    @Test
    void stopStopsTheClusterOnceAndKeepsPortsAndSubnet() {
        Environment created = engine.create(Fixture.spec("dev"), ProgressListener.NONE);

        Environment stopped = engine.stop("dev", ProgressListener.NONE);

        assertThat(f.k3d.count("stop dev")).isEqualTo(1);
        assertThat(f.k3d.has("dev")).isTrue();
        assertThat(f.k3d.running("dev")).isFalse();
        assertThat(stopped.desiredState()).isEqualTo(DesiredState.STOPPED);
        assertThat(stopped.actualState()).isEqualTo(ActualState.STOPPED);
        assertThat(stopped.lastError()).isNull();
        assertThat(stopped.ports()).isEqualTo(created.ports());
        assertThat(stopped.subnet()).isEqualTo(created.subnet()).isNotNull();
        assertThat(f.store.get("dev")).isEqualTo(stopped);
    }

    @Test
    void aStoppedEnvironmentStillHoldsItsPorts() {
        Environment stopped = stoppedDev();

        var clash = Fixture.spec("web").withPorts(new HostPorts(null, null, stopped.ports().pf(), null));

        assertThatThrownBy(() -> engine.create(clash, ProgressListener.NONE))
                .isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("'dev'");
        assertThat(f.store.find("web")).isEmpty();
        Environment next = engine.create(Fixture.spec("web"), ProgressListener.NONE);
        assertThat(next.subnet().overlaps(stopped.subnet())).isFalse();
        assertThat(List.of(next.ports().http(), next.ports().https(), next.ports().pf(), next.ports().api()))
                .doesNotContainAnyElementsOf(List.of(stopped.ports().http(), stopped.ports().https(),
                        stopped.ports().pf(), stopped.ports().api()));
    }

    @ParameterizedTest
    @EnumSource(DriftPolicy.class)
    void reconcileLeavesAStoppedEnvironmentAloneUnderEitherDriftPolicy(DriftPolicy policy) {
        Environment stopped = stoppedDev();
        List<String> before = actions();

        ReconcileReport r = f.engine(EngineOptions.defaults().withDriftPolicy(policy))
                .reconcile(List.of(), ProgressListener.NONE);

        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.STOPPED, null));
        assertThat(r.ok()).isTrue();
        assertThat(r.unmanaged()).isEmpty();
        assertThat(actions()).isEqualTo(before);
        assertThat(f.k3d.running("dev")).isFalse();
        assertThat(f.store.get("dev")).isEqualTo(stopped);
    }

    @ParameterizedTest
    @EnumSource(DriftPolicy.class)
    void aStoppedEnvironmentWhoseClusterVanishedIsLeftAloneByReconcile(DriftPolicy policy) {
        Environment stopped = stoppedDev();
        f.k3d.removeCluster("dev");
        List<String> before = actions();

        ReconcileReport r = f.engine(EngineOptions.defaults().withDriftPolicy(policy))
                .reconcile(List.of(), ProgressListener.NONE);

        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.STOPPED, null));
        assertThat(actions()).isEqualTo(before);
        assertThat(f.k3d.has("dev")).isFalse();
        assertThat(f.store.get("dev")).isEqualTo(stopped);
    }

    @Test
    void stopOfARunningEnvironmentWhoseClusterVanishedRecordsItStoppedAndStartCreatesIt() {
        Environment created = engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.removeCluster("dev");

        Environment stopped = engine.stop("dev", ProgressListener.NONE);

        assertThat(stopped.desiredState()).isEqualTo(DesiredState.STOPPED);
        assertThat(stopped.actualState()).isEqualTo(ActualState.STOPPED);
        assertThat(f.k3d.count("stop dev")).isZero();
        Environment started = engine.start("dev", ProgressListener.NONE);
        assertThat(f.k3d.count("create dev")).isEqualTo(2);
        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(started.ports()).isEqualTo(created.ports());
    }

    @Test
    void stopOfARecordMadeWithoutItsClusterRecordsItStoppedAndStartCreatesIt() {
        Environment recorded = engine.record(Fixture.spec("dev"));

        Environment stopped = engine.stop("dev", ProgressListener.NONE);

        assertThat(stopped.desiredState()).isEqualTo(DesiredState.STOPPED);
        assertThat(stopped.actualState()).as("no cluster runs: stopped, as cli.md says").isEqualTo(ActualState.STOPPED);
        assertThat(stopped.ports()).isEqualTo(recorded.ports());
        assertThat(actions()).isEmpty();
        Environment started = engine.start("dev", ProgressListener.NONE);
        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
    }

    /** Unknown: a row of the Kindler scripts, or never converged; creating: a create cut short before its tool ran. */
    @ParameterizedTest
    @EnumSource(value = ActualState.class, names = {"UNKNOWN", "CREATING", "FAILED"})
    void stopOfARecordWithoutAClusterRecordsItStoppedWhateverItSaidBefore(ActualState before) {
        f.leave("dev", 1, DesiredState.PRESENT, before);

        Environment stopped = engine.stop("dev", ProgressListener.NONE);

        assertThat(stopped.actualState()).isEqualTo(ActualState.STOPPED);
        assertThat(stopped.lastError()).isNull();
        assertThat(actions()).isEmpty();
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.STOPPED, null));
        assertThat(f.k3d.has("dev")).isFalse();
    }

    @Test
    void startOfARunningRecordWhoseClusterWasStoppedOutsideEnvctlStartsIt() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.putCluster("dev", false);

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(f.k3d.count("start dev")).isEqualTo(1);
        assertThat(f.k3d.running("dev")).isTrue();
        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
    }

    /** The start's own listing tells it the cluster is stopped and serves its converge too: one listing. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void startOfARunningRecordWhoseClusterWasStoppedOutsideEnvctlListsItsProviderOnce(boolean asList) {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.putCluster("dev", false);
        long before = f.k3d.count("list");

        Environment started = asList ? engine.start(List.of("dev"), ProgressListener.NONE).get(0)
                : engine.start("dev", ProgressListener.NONE);

        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.k3d.count("start dev")).isEqualTo(1);
        assertThat(f.k3d.count("list") - before).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(DriftPolicy.class)
    void reconcileStartsTheClusterOfARunningRecordStoppedOutsideEnvctlUnderEitherDriftPolicy(DriftPolicy policy) {
        LifecycleEngine engine = f.engine(EngineOptions.defaults().withDriftPolicy(policy));
        Environment created = engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.putCluster("dev", false);

        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.STARTED, ActualState.RUNNING, null));

        assertThat(f.k3d.count("start dev")).isEqualTo(1);
        assertThat(f.k3d.count("delete dev")).isZero();
        assertThat(f.k3d.running("dev")).isTrue();
        Environment after = f.store.get("dev");
        assertThat(after.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(after.desiredState()).isEqualTo(DesiredState.PRESENT);
        assertThat(after.ports()).isEqualTo(created.ports());
        assertThat(f.hook.calls()).as("a start runs no create hooks").containsExactly("post-create dev creating");
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.RUNNING, null));
    }

    @Test
    void aStartReconcileTriesOnAClusterStoppedOutsideEnvctlThatFailsLeavesItStoppedAndFailedNotHalfMade() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.putCluster("dev", false);
        f.k3d.failNextStart("port is already allocated");

        var outcome = engine.reconcile(List.of(), ProgressListener.NONE).outcomes().get(0);

        assertThat(outcome.action()).isEqualTo(Action.FAILED);
        assertThat(outcome.error()).contains("port is already allocated");
        Environment after = f.store.get("dev");
        assertThat(after.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(after.desiredState()).as("as a failed start: not read as a half-made create")
                .isEqualTo(DesiredState.STOPPED);
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes()).as("the next pass stops what the "
                + "failed start left, as after a failed start").containsExactly(
                new Outcome("dev", Action.STOPPED, ActualState.STOPPED, null));
        assertThat(f.k3d.count("delete dev")).isZero();
        assertThat(f.k3d.has("dev")).isTrue();
    }

    @Test
    void aStartWhoseProviderCannotListSaysSoAndLeavesTheStoppedClusterStoppedNotHalfMade() {
        stoppedDev();
        f.k3d.failNextList("Cannot connect to the Docker daemon");

        assertThatThrownBy(() -> engine.start("dev", ProgressListener.NONE)).isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.PROVIDER_FAILED))
                .hasMessageStartingWith("environment 'dev' is recorded desired present, but could not list k3d "
                        + "clusters")
                .hasMessageContaining("Cannot connect to the Docker daemon");

        Environment left = f.store.get("dev");
        assertThat(left.actualState()).isEqualTo(ActualState.STOPPED);
        assertThat(left.desiredState()).isEqualTo(DesiredState.PRESENT);
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.STARTED, ActualState.RUNNING, null));
        assertThat(f.k3d.count("delete dev")).isZero();
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
        assertThat(f.k3d.count("start dev")).isEqualTo(1);
    }

    @Test
    void aStopWhoseProviderCannotListSaysSoAndAReconcileStopsItLater() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.failNextList("Cannot connect to the Docker daemon");

        assertThatThrownBy(() -> engine.stop("dev", ProgressListener.NONE)).isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.PROVIDER_FAILED))
                .hasMessageContaining("recorded desired stopped, but could not list k3d clusters");

        Environment left = f.store.get("dev");
        assertThat(left.desiredState()).isEqualTo(DesiredState.STOPPED);
        assertThat(left.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.k3d.running("dev")).isTrue();
        f.k3d.failNextList("Cannot connect to the Docker daemon"); // the round's listing, which fails its converge
        Outcome notYet = engine.reconcile(List.of(), ProgressListener.NONE).outcomes().get(0);
        assertThat(notYet.action()).isEqualTo(Action.FAILED);
        assertThat(notYet.state()).isEqualTo(ActualState.RUNNING);
        assertThat(notYet.code()).as("the record does not say it").isEqualTo(ErrorCode.PROVIDER_FAILED);
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.STOPPED, ActualState.STOPPED, null));
        assertThat(f.k3d.running("dev")).isFalse();
    }

    /** Several names: one listing for them all, whose failure each one's stop says as a stop of it alone would. */
    @Test
    void aStopOfSeveralWhoseProviderCannotListSaysSoForEachFromOneListing() {
        engine.create(Fixture.spec("a"), ProgressListener.NONE);
        engine.create(Fixture.spec("b"), ProgressListener.NONE);
        long listed = f.k3d.count("list");
        f.k3d.failNextList("Cannot connect to the Docker daemon");

        assertThatThrownBy(() -> engine.stop(List.of("a", "b"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED);
                    assertThat(e.getMessage()).startsWith("environment 'a' is recorded desired stopped, but could "
                            + "not list k3d clusters").contains("Cannot connect to the Docker daemon");
                    assertThat(e.getSuppressed()).singleElement().satisfies(b -> assertThat(b.getMessage())
                            .isEqualTo(e.getMessage().replace("'a'", "'b'")));
                });

        assertThat(f.k3d.count("list") - listed).isEqualTo(1);
        assertThat(List.of("a", "b")).allSatisfy(n -> {
            assertThat(f.store.get(n).desiredState()).isEqualTo(DesiredState.STOPPED);
            assertThat(f.store.get(n).actualState()).isEqualTo(ActualState.RUNNING);
            assertThat(f.k3d.running(n)).isTrue();
        });
    }

    /**
     * A record a kept delete left has no cluster and no delete to finish: the stop or start said "is being deleted;
     * let the delete finish and create it again", though the delete had finished and a create of the name is a
     * conflict. It says what the record is and what brings the cluster back, and changes nothing.
     */
    @ParameterizedTest
    @EnumSource(value = DesiredState.class, names = {"STOPPED", "PRESENT"})
    void aStopOrStartOfAKeptRecordSaysItWasDeletedWithItsRecordKept(DesiredState asked) {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        Environment kept = engine.delete("dev", true, ProgressListener.NONE).orElseThrow();

        assertThatThrownBy(() -> change(engine, asked)).isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessage("environment 'dev' is not being deleted: its delete finished and kept the record "
                        + "(keepRecord), so it has no cluster to " + (asked == DesiredState.STOPPED ? "stop" : "start")
                        + "; apply a list that names it to create it again with its ports, or delete it to remove the "
                        + "record");

        assertThat(f.store.get("dev")).isEqualTo(kept);
        assertThat(f.k3d.has("dev")).isFalse();
    }

    /**
     * The prober's race: a delete recorded (desired absent) between a stop's or start's read and its write. The
     * write is retried on the fresh record, which must not undo the delete.
     */
    @ParameterizedTest
    @EnumSource(value = DesiredState.class, names = {"STOPPED", "PRESENT"})
    void aDeleteRecordedWhileAStopOrStartWritesIsNotUndone(DesiredState asked) {
        java.util.concurrent.atomic.AtomicBoolean deleted = new java.util.concurrent.atomic.AtomicBoolean();
        LifecycleEngine engine = racing(asked, store -> new dev.envctl.core.testing.DelegatingStore(store) {
            @Override
            public Environment update(Environment next, long expectedVersion) {
                if (deleted.compareAndSet(false, true)) { // another process's delete lands first
                    recordDelete();
                }
                return super.update(next, expectedVersion);
            }
        });

        assertThatThrownBy(() -> change(engine, asked)).isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("'dev' is being deleted (desired absent)");

        assertThat(f.store.get("dev").desiredState()).isEqualTo(DesiredState.ABSENT);
        engine.reconcile(List.of(), ProgressListener.NONE);
        assertThat(f.store.find("dev")).as("the delete is carried out").isEmpty();
        assertThat(f.k3d.has("dev")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = DesiredState.class, names = {"STOPPED", "PRESENT"})
    void aDeleteRecordedAfterAStopOrStartWroteIsCarriedOutAndSaidSo(DesiredState asked) {
        java.util.concurrent.atomic.AtomicBoolean deleted = new java.util.concurrent.atomic.AtomicBoolean();
        LifecycleEngine engine = racing(asked, store -> new dev.envctl.core.testing.DelegatingStore(store) {
            @Override
            public Optional<EnvironmentLock> tryLock(String name) {
                if (deleted.compareAndSet(false, true)) { // a delete recorded before the converge locks the record
                    recordDelete();
                }
                return super.tryLock(name);
            }
        });

        assertThatThrownBy(() -> change(engine, asked)).isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessage("environment 'dev' was deleted while it was being "
                        + (asked == DesiredState.STOPPED ? "stopped" : "started") + " (a delete recorded meanwhile); its "
                        + "cluster was deleted too");
        assertThat(f.store.find("dev")).isEmpty();
        assertThat(f.k3d.has("dev")).isFalse();
    }

    /** {@code dev} made (and stopped, for a start), and an engine over the store {@code racing} wraps. */
    private LifecycleEngine racing(DesiredState asked, java.util.function.UnaryOperator<EnvironmentStore> racing) {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        if (asked == DesiredState.PRESENT) {
            engine.stop("dev", ProgressListener.NONE);
        }
        return new LifecycleEngine(racing.apply(f.store), f.allocator, Map.<String, ClusterProvider>of("k3d", f.k3d),
                List.of(f.hook), EngineOptions.defaults());
    }

    /** Another process's {@code envctl delete dev}, as far as it records desired absent. */
    private void recordDelete() {
        Environment now = f.store.get("dev");
        f.store.update(now.withDesiredState(DesiredState.ABSENT), now.version());
    }

    private static Environment change(LifecycleEngine engine, DesiredState asked) {
        return asked == DesiredState.STOPPED ? engine.stop("dev", ProgressListener.NONE)
                : engine.start("dev", ProgressListener.NONE);
    }

    @Test
    void startOfARunningEnvironmentLeavesItsRunningClusterAlone() {
        Environment created = engine.create(Fixture.spec("dev"), ProgressListener.NONE);

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(f.k3d.count("start dev")).isZero();
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(started.ports()).isEqualTo(created.ports());
        // nothing to do, nothing written: the same record, version and timestamps included
        assertThat(f.store.get("dev")).isEqualTo(created);
        // nothing to do, nothing written: the same record, version and timestamps included
        assertThat(f.store.get("dev")).isEqualTo(created);
    }

    @Test
    void startStartsTheClusterWithoutRunningCreateHooksAgain() {
        Environment stopped = stoppedDev();

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(f.k3d.count("start dev")).isEqualTo(1);
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
        assertThat(f.k3d.running("dev")).isTrue();
        assertThat(started.desiredState()).isEqualTo(DesiredState.PRESENT);
        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(started.ports()).isEqualTo(stopped.ports());
        assertThat(started.subnet()).isEqualTo(stopped.subnet());
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.RUNNING, null));
    }

    /**
     * A create that failed (a provider that does not use CreateFailure) and left its cluster listed: its post-create
     * hooks never ran, so a stop and a start must not make it running without them, whether the cluster was made
     * whole (the start runs the hooks) or not (the start makes it again, hooks included).
     */
    @ParameterizedTest
    @EnumSource(names = {"FINISHED", "HALF_MADE"})
    void aStopAndStartOfAFailedCreateWhoseClusterIsListedRunThePostCreateHooks(Made made) {
        f.k3d.failNextCreate("the provider gave up after making the cluster");
        Environment failed = engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        assertThat(failed.actualState()).isEqualTo(ActualState.FAILED);
        if (made == Made.FINISHED) {
            f.k3d.putCluster("dev", true);
        } else {
            f.k3d.putUnfinishedCluster("dev");
        }

        Environment stopped = engine.stop("dev", ProgressListener.NONE);
        assertThat(f.k3d.running("dev")).isFalse();
        assertThat(stopped.desiredState()).isEqualTo(DesiredState.STOPPED);
        // as a stop of a create that did not finish: the start asks whether it finished
        assertThat(stopped.actualState()).isEqualTo(ActualState.CREATING);
        assertThat(f.hook.calls()).isEmpty();

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(started.lastError()).isNull();
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
        assertThat(f.k3d.count("create dev")).isEqualTo(made == Made.FINISHED ? 1 : 2);
    }

    enum Made { FINISHED, HALF_MADE }

    @Test
    void startOfAStoppedEnvironmentWhoseClusterVanishedCreatesItWithItsOwnPorts() {
        Environment stopped = stoppedDev();
        f.k3d.removeCluster("dev");

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(f.k3d.count("create dev")).isEqualTo(2);
        assertThat(f.k3d.count("start dev")).isZero();
        assertThat(f.k3d.running("dev")).isTrue();
        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(started.ports()).isEqualTo(stopped.ports());
        assertThat(f.hook.calls()).containsExactly("post-create dev creating", "post-create dev creating");
    }

    @Test
    void aFailedStartOfAStoppedEnvironmentWhoseClusterVanishedLeavesItDesiredStopped() {
        stoppedDev();
        f.k3d.removeCluster("dev");
        f.k3d.failNextCreate("port is already allocated");

        Environment e = engine.start("dev", ProgressListener.NONE);

        assertThat(e.desiredState()).isEqualTo(DesiredState.STOPPED);
        assertThat(e.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(e.lastError()).contains("port is already allocated");
        // a later reconcile records it stopped and makes no cluster: only a start brings it up
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .extracting(Outcome::state).containsExactly(ActualState.STOPPED);
        assertThat(f.k3d.count("create dev")).isEqualTo(2);
        assertThat(f.k3d.running("dev")).isFalse();
        assertThat(engine.start("dev", ProgressListener.NONE).actualState()).isEqualTo(ActualState.RUNNING);
    }

    @Test
    void aFailedStartOfARunningEnvironmentWhoseClusterVanishedLeavesItDesiredPresentForReconcile() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.removeCluster("dev");
        f.k3d.failNextCreate("port is already allocated");

        Environment e = engine.start("dev", ProgressListener.NONE);

        assertThat(e.desiredState()).isEqualTo(DesiredState.PRESENT);
        assertThat(e.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
    }

    @Test
    void stopAndStartOfARunningOrStoppedEnvironmentAgainChangeNothing() {
        Environment stopped = stoppedDev();
        assertThat(engine.stop("dev", ProgressListener.NONE).actualState()).isEqualTo(ActualState.STOPPED);
        assertThat(f.k3d.count("stop dev")).isEqualTo(1);
        assertThat(f.store.get("dev").version()).isGreaterThanOrEqualTo(stopped.version());

        Environment started = engine.start("dev", ProgressListener.NONE);
        assertThat(engine.start("dev", ProgressListener.NONE).actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.k3d.count("start dev")).isEqualTo(1);
        assertThat(f.store.get("dev")).isEqualTo(started);
    }

    @Test
    void stopOrStartOfAnEnvironmentBeingDeletedIsAConflict() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        engine.delete("dev", true, ProgressListener.NONE);
        f.leave("old", 7, DesiredState.ABSENT, ActualState.FAILED);
        Environment dev = f.store.get("dev");
        Environment old = f.store.get("old");
        List<String> before = actions();

        for (String name : List.of("dev", "old")) {
            assertThatThrownBy(() -> engine.stop(name, ProgressListener.NONE))
                    .isInstanceOf(EnvctlException.class).hasMessageContaining("being deleted")
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
            assertThatThrownBy(() -> engine.start(name, ProgressListener.NONE))
                    .isInstanceOf(EnvctlException.class)
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        }
        assertThat(f.store.get("dev")).isEqualTo(dev);
        assertThat(f.store.get("old")).isEqualTo(old);
        assertThat(actions()).isEqualTo(before);
    }

    @Test
    void stopOrStartOfAnUnknownNameIsNotFound() {
        for (Runnable call : List.<Runnable>of(() -> engine.stop("nope", ProgressListener.NONE),
                () -> engine.start("nope", ProgressListener.NONE))) {
            assertThatThrownBy(call::run).isInstanceOf(EnvctlException.class).hasMessageContaining("nope")
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        }
        assertThat(f.store.list(EnvironmentFilter.ALL)).isEmpty();
        assertThat(actions()).isEmpty();
    }

    @Test
    void aFailedProviderStopLeavesTheRecordFailedWithTheErrorAndAReconcileRetriesIt() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.failNextStop("docker daemon went away");

        Environment e = engine.stop("dev", ProgressListener.NONE);

        assertThat(e.desiredState()).isEqualTo(DesiredState.STOPPED);
        assertThat(e.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(e.lastError()).contains("k3d cluster stop failed: docker daemon went away");
        assertThat(f.k3d.running("dev")).isTrue();

        ReconcileReport r = engine.reconcile(List.of(), ProgressListener.NONE);
        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.STOPPED, ActualState.STOPPED, null));
        assertThat(f.k3d.running("dev")).isFalse();
        assertThat(f.store.get("dev").lastError()).isNull();
    }

    @ParameterizedTest
    @EnumSource(DriftPolicy.class)
    void startAfterAFailedStopStartsTheClusterAndNeverRecreatesIt(DriftPolicy policy) {
        LifecycleEngine engine = f.engine(EngineOptions.defaults().withDriftPolicy(policy));
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.failNextStop("timed out after 120s");
        assertThat(engine.stop("dev", ProgressListener.NONE).actualState()).isEqualTo(ActualState.FAILED);
        f.k3d.putCluster("dev", false); // the tool stopped the nodes although it reported a failure

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(started.lastError()).isNull();
        assertThat(f.k3d.running("dev")).isTrue();
        assertThat(actions()).containsExactly("create dev", "stop dev", "start dev");
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
    }

    @Test
    void startAfterAFailedStopOfAClusterThatKeptRunningRunsNoCreateHooks() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.failNextStop("timed out after 120s");
        engine.stop("dev", ProgressListener.NONE);

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(actions()).doesNotContain("delete dev").containsOnlyOnce("create dev");
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
    }

    @ParameterizedTest
    @EnumSource(DriftPolicy.class)
    void aFailedProviderStartLeavesTheRecordFailedAndStoppedAndStopsWhatItStarted(DriftPolicy policy) {
        LifecycleEngine engine = f.engine(EngineOptions.defaults().withDriftPolicy(policy));
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        engine.stop("dev", ProgressListener.NONE);
        f.k3d.failNextStart("port is already allocated");

        Environment e = engine.start("dev", ProgressListener.NONE);

        assertThat(e.desiredState()).isEqualTo(DesiredState.STOPPED);
        assertThat(e.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(e.lastError()).contains("k3d cluster start failed: port is already allocated");
        // the failed start may have left a node running (k3d's server, its load balancer not bound): stopped at once
        assertThat(actions()).containsExactly("create dev", "stop dev", "start dev", "stop dev");
        assertThat(f.k3d.running("dev")).isFalse();
        // reconcile records it stopped (stopping it once more: a failed record's cluster may have nodes up)
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.STOPPED, ActualState.STOPPED, null));
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.STOPPED, null));

        assertThat(engine.start("dev", ProgressListener.NONE).actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(actions()).containsExactly("create dev", "stop dev", "start dev", "stop dev", "stop dev",
                "start dev");
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
    }

    @Test
    void aStopAfterAFailedStartThatFailsTooIsLeftToReconcile() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        engine.stop("dev", ProgressListener.NONE);
        f.k3d.failNextStart("port is already allocated");
        f.k3d.failNextStop("timed out after 120s");

        Environment e = engine.start("dev", ProgressListener.NONE);

        assertThat(e.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(e.lastError()).as("the start's failure, not the stop's").contains("port is already allocated")
                .doesNotContain("timed out");
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.STOPPED, ActualState.STOPPED, null));
    }

    /**
     * A stop asked after a start whose own stop of what it started failed too: the stop stops the cluster, as the
     * reconcile would (a provider lists a cluster with one node up as not running), before it records it stopped.
     */
    @Test
    void aStopAfterAFailedStartWhoseStopFailedTooStopsTheClusterAsReconcileWould() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        engine.stop("dev", ProgressListener.NONE);
        f.k3d.failNextStart("port is already allocated");
        f.k3d.failNextStop("timed out after 120s");
        engine.start("dev", ProgressListener.NONE);

        Environment stopped = engine.stop("dev", ProgressListener.NONE);

        assertThat(stopped.actualState()).isEqualTo(ActualState.STOPPED);
        assertThat(stopped.lastError()).isNull();
        assertThat(actions()).containsExactly("create dev", "stop dev", "start dev", "stop dev", "stop dev");
    }

    @Test
    void applyWithPruneDeletesAStoppedEnvironmentTheFileDoesNotList() {
        stoppedDev();

        ReconcileReport r = engine.apply(List.of(Fixture.spec("qa")), true, ProgressListener.NONE);

        assertThat(r.outcomes()).extracting(Outcome::name, Outcome::action).containsExactly(
                org.assertj.core.groups.Tuple.tuple("dev", Action.DELETED),
                org.assertj.core.groups.Tuple.tuple("qa", Action.CREATED));
        assertThat(f.store.find("dev")).isEmpty();
        assertThat(f.k3d.has("dev")).isFalse();
        assertThat(f.hook.calls()).contains("pre-delete dev deleting", "post-delete dev deleting");
    }

    @Test
    void applyOfAFileListingAStoppedEnvironmentLeavesItStopped() {
        Environment stopped = stoppedDev();
        List<String> before = actions();

        ApplyPlan plan = engine.plan(List.of(Fixture.spec("dev")), true);
        ReconcileReport r = engine.apply(List.of(Fixture.spec("dev")), true, ProgressListener.NONE);

        assertThat(plan.unchanged()).containsExactly("dev");
        assertThat(plan.toCreate()).isEmpty();
        assertThat(plan.toDelete()).isEmpty();
        assertThat(r.ok()).isTrue();
        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.STOPPED, null));
        assertThat(actions()).isEqualTo(before);
        assertThat(f.k3d.running("dev")).isFalse();
        assertThat(f.store.get("dev")).isEqualTo(stopped);
    }

    /**
     * Several names: two at once at a concurrency of 2, never more. Each stop (then start) waits in the provider
     * for a second one to arrive, so done one after another, the first would wait in vain and fail.
     */
    @Test
    void severalNamesAreStoppedAndStartedUpToTheConcurrencyAtOnce() {
        LifecycleEngine two = f.engine(EngineOptions.defaults().withConcurrency(2));
        List<String> names = List.of("a", "b", "c", "d");
        names.forEach(n -> two.create(Fixture.spec(n), ProgressListener.NONE));
        CyclicBarrier pair = new CyclicBarrier(2);
        f.k3d.duringStopOrStart(e -> {
            try {
                pair.await(10, TimeUnit.SECONDS);
            } catch (Exception notTwo) {
                throw new IllegalStateException("no second stop or start arrived while " + e.name() + "'s ran", notTwo);
            }
        });

        List<Environment> stopped = two.stop(List.of("a", "b", "c", "d", "a"), ProgressListener.NONE);

        assertThat(stopped).extracting(Environment::name).containsExactlyElementsOf(names);
        assertThat(stopped).allSatisfy(e -> {
            assertThat(e.actualState()).isEqualTo(ActualState.STOPPED);
            assertThat(e.lastError()).isNull();
            assertThat(f.k3d.running(e.name())).isFalse();
        });
        assertThat(f.k3d.maxInFlight()).isEqualTo(2);

        List<Environment> started = two.start(names, ProgressListener.NONE);

        assertThat(started).extracting(Environment::name).containsExactlyElementsOf(names);
        assertThat(started).extracting(Environment::actualState).containsOnly(ActualState.RUNNING);
        assertThat(names).allSatisfy(n -> assertThat(f.k3d.running(n)).isTrue());
        assertThat(f.k3d.maxInFlight()).isEqualTo(2);
        assertThat(f.k3d.overlaps()).isEmpty();
    }

    /**
     * Every name is checked before any is changed, as the CLI checks them: an unknown one among several is
     * {@code NOT_FOUND} for the first in the order given, and nothing is stopped or started, so a caller that mistyped
     * one name has no half-done change to undo.
     */
    @Test
    void anUnknownNameAmongSeveralIsNotFoundAndNothingIsStoppedOrStarted() {
        engine.create(Fixture.spec("a"), ProgressListener.NONE);
        engine.create(Fixture.spec("b"), ProgressListener.NONE);
        engine.create(Fixture.spec("s"), ProgressListener.NONE);
        engine.stop("s", ProgressListener.NONE);
        List<Environment> before = f.store.list(EnvironmentFilter.ALL);
        List<String> actions = actions();

        assertThatThrownBy(() -> engine.stop(List.of("a", "ghost", "b", "phantom"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).contains("'ghost'");
                });
        assertThatThrownBy(() -> engine.start(List.of("s", "ghost"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));

        assertThat(f.store.list(EnvironmentFilter.ALL)).isEqualTo(before);
        assertThat(actions()).isEqualTo(actions);
        assertThat(f.k3d.running("a")).isTrue();
        assertThat(f.k3d.running("s")).isFalse();
    }

    /** So is one being deleted among several: its CONFLICT is thrown before any other is stopped. */
    @Test
    void anEnvironmentBeingDeletedAmongSeveralIsAConflictAndNothingIsStopped() {
        engine.create(Fixture.spec("a"), ProgressListener.NONE);
        f.leave("old", 7, DesiredState.ABSENT, ActualState.FAILED);
        List<Environment> before = f.store.list(EnvironmentFilter.ALL);
        List<String> actions = actions();

        assertThatThrownBy(() -> engine.stop(List.of("a", "old"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("'old' is being deleted");

        assertThat(f.store.list(EnvironmentFilter.ALL)).isEqualTo(before);
        assertThat(actions()).isEqualTo(actions);
    }

    /**
     * Once every name is checked, one that fails keeps none of the others from being stopped; the first failure in
     * the order given is thrown, the later ones suppressed in it.
     */
    @Test
    void aFailingNameAmongSeveralIsThrownOnceTheOthersAreStopped() {
        dev.envctl.core.testing.ScriptedClusterProvider kind = new dev.envctl.core.testing.ScriptedClusterProvider(
                "kind");
        LifecycleEngine both = new LifecycleEngine(f.store, f.allocator,
                Map.<String, ClusterProvider>of("k3d", f.k3d, "kind", kind), List.of(), EngineOptions.defaults());
        both.create(Fixture.spec("a"), ProgressListener.NONE);
        both.create(dev.envctl.core.EnvironmentSpec.of("k1", "kind"), ProgressListener.NONE);
        both.create(Fixture.spec("b"), ProgressListener.NONE);
        both.create(dev.envctl.core.EnvironmentSpec.of("k2", "kind"), ProgressListener.NONE);
        kind.failNextList("Cannot connect to the Docker daemon");

        assertThatThrownBy(() -> both.stop(List.of("k1", "a", "k2", "b"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED);
                    assertThat(e.getMessage()).contains("'k1'");
                    assertThat(e.getSuppressed()).singleElement().satisfies(later ->
                            assertThat(later.getMessage()).contains("'k2'"));
                });

        assertThat(f.store.get("a").actualState()).isEqualTo(ActualState.STOPPED);
        assertThat(f.store.get("b").actualState()).isEqualTo(ActualState.STOPPED);
        assertThat(f.k3d.running("a")).isFalse();
        assertThat(f.k3d.running("b")).isFalse();
        assertThat(kind.running("k1")).isTrue();
    }

    /**
     * One after another (a concurrency of 1, on the calling thread): an interrupt of that thread (the caller
     * cancelling) leaves the names not begun as they are, as the pool does when the waiting thread is interrupted,
     * and stays set.
     */
    @Test
    void anInterruptWhileStoppingSeveralOneAfterAnotherLeavesTheOthersAsTheyAre() {
        LifecycleEngine one = f.engine(EngineOptions.defaults().withConcurrency(1));
        one.create(Fixture.spec("a"), ProgressListener.NONE);
        one.create(Fixture.spec("b"), ProgressListener.NONE);
        f.k3d.duringStopOrStart(e -> Thread.currentThread().interrupt()); // the caller cancels during a's stop

        List<Environment> stopped;
        boolean interrupted;
        try {
            stopped = one.stop(List.of("a", "b"), ProgressListener.NONE);
        } finally {
            interrupted = Thread.interrupted();
        }

        assertThat(interrupted).as("the interrupt stays set").isTrue();
        assertThat(stopped).extracting(Environment::name).containsExactly("a");
        assertThat(f.k3d.running("b")).isTrue();
        assertThat(f.store.get("b").desiredState()).isEqualTo(DesiredState.PRESENT);
        assertThat(f.store.get("b").actualState()).isEqualTo(ActualState.RUNNING);
    }
}
