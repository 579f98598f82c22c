package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class HookFailureTest {
    private final Fixture f = new Fixture();
    private final LifecycleEngine engine = f.engine();

    private static void fail(Environment e) {
        throw new EnvctlException(ErrorCode.HOOK_FAILED, "haproxy reload failed");
    }

    @Test
    void aFailingPostCreateHookMarksTheEnvironmentFailedWithTheHooksNameAndMessage() {
        f.hook.on(HookPhase.POST_CREATE, HookFailureTest::fail);

        Environment e = engine.create(Fixture.spec("dev"), ProgressListener.NONE);

        assertThat(e.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(e.lastError()).isEqualTo("hook 'recorder' failed in post-create: haproxy reload failed");
        assertThat(e.failure()).contains(ErrorCode.HOOK_FAILED);
        assertThat(f.k3d.has("dev")).isTrue();

        f.hook.clear(HookPhase.POST_CREATE);
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
        assertThat(f.store.get("dev").failure()).isEmpty();
    }

    /**
     * A stop keeps a post-create hook's failure as the record's last error (the cluster was made, its hooks did not
     * pass), without the stopped record counting as failed; the start runs the hooks once the cluster runs again.
     */
    @Test
    void aStopKeepsAFailedPostCreateHooksErrorAndTheStartRunsTheHooksAgain() {
        f.hook.on(HookPhase.POST_CREATE, HookFailureTest::fail);
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);

        Environment stopped = engine.stop("dev", ProgressListener.NONE);

        assertThat(stopped.actualState()).isEqualTo(ActualState.STOPPED);
        assertThat(stopped.desiredState()).isEqualTo(DesiredState.STOPPED);
        assertThat(stopped.lastError()).isEqualTo("hook 'recorder' failed in post-create: haproxy reload failed");
        assertThat(stopped.failure()).as("the stop did not fail").isEmpty();
        assertThat(f.k3d.running("dev")).isFalse();
        ReconcileReport left = engine.reconcile(List.of(), ProgressListener.NONE);
        assertThat(left.outcomes()).extracting(Outcome::action, Outcome::state)
                .containsExactly(tuple(Action.UNCHANGED, ActualState.STOPPED));
        assertThat(left.ok()).isTrue();
        f.hook.on(HookPhase.POST_CREATE, e -> assertThat(f.k3d.running("dev")).as("hooks run on a started cluster")
                .isTrue());

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(started.lastError()).isNull();
        assertThat(f.hook.calls()).containsExactly("post-create dev creating", "post-create dev stopped");
        assertThat(f.k3d.count("start dev")).isEqualTo(1);
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
        // the hooks passed: a later stop and start runs them no more
        engine.stop("dev", ProgressListener.NONE);
        assertThat(engine.start("dev", ProgressListener.NONE).actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.hook.calls()).hasSize(2);
    }

    @Test
    void aStartWhosePostCreateHookFailsAgainLeavesItFailedWithTheHooksErrorAndReconcileRetriesTheHooks() {
        f.hook.on(HookPhase.POST_CREATE, HookFailureTest::fail);
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        engine.stop("dev", ProgressListener.NONE);

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(started.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(started.desiredState()).as("as a create its hooks failed").isEqualTo(DesiredState.PRESENT);
        assertThat(started.lastError()).isEqualTo("hook 'recorder' failed in post-create: haproxy reload failed");
        assertThat(started.failure()).contains(ErrorCode.HOOK_FAILED);
        assertThat(f.k3d.running("dev")).isTrue();
        f.hook.clear(HookPhase.POST_CREATE);
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.hook.calls()).hasSize(3);
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
    }

    /** The stop is recorded while the provider cannot list: the start after it still runs the failed hooks. */
    @Test
    void aStartAfterAStopThatCouldNotListRunsTheFailedPostCreateHooks() {
        f.hook.on(HookPhase.POST_CREATE, HookFailureTest::fail);
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.failNextList("Cannot connect to the Docker daemon");
        assertThatThrownBy(() -> engine.stop("dev", ProgressListener.NONE)).isInstanceOf(EnvctlException.class);
        assertThat(f.store.get("dev").desiredState()).isEqualTo(DesiredState.STOPPED);
        f.hook.clear(HookPhase.POST_CREATE);

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.hook.calls()).containsExactly("post-create dev creating", "post-create dev stopped");
    }

    /**
     * A stop that fails on a record whose post-create hooks failed records its own error and keeps the hooks'
     * failure beside it: the reconcile that then stops the cluster keeps that failure, and the start runs the hooks.
     */
    @Test
    void aFailedStopOfARecordWhoseHooksFailedKeepsTheSignThatTheHooksMustRun() {
        f.hook.on(HookPhase.POST_CREATE, HookFailureTest::fail);
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.failNextStop("docker daemon went away");

        Environment failed = engine.stop("dev", ProgressListener.NONE);

        assertThat(failed.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(failed.lastError()).isEqualTo("k3d cluster stop failed: docker daemon went away; the post-create "
                + "hooks have not passed since: hook 'recorder' failed in post-create: haproxy reload failed");
        assertThat(failed.failure()).as("the stop is what failed last").contains(ErrorCode.PROVIDER_FAILED);
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.STOPPED, ActualState.STOPPED, null));
        assertThat(f.store.get("dev").lastError())
                .isEqualTo("hook 'recorder' failed in post-create: haproxy reload failed");
        f.hook.clear(HookPhase.POST_CREATE);

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(started.lastError()).isNull();
        assertThat(f.hook.calls()).containsExactly("post-create dev creating", "post-create dev stopped");
    }

    /**
     * A start that fails on a stopped record whose post-create hooks failed keeps the hooks' failure beside its own,
     * through a second failure and the reconcile that stops what the failed start left: the start that works runs
     * the hooks.
     */
    @Test
    void aFailedStartOfARecordWhoseHooksFailedKeepsTheSignThroughAnotherFailure() {
        f.hook.on(HookPhase.POST_CREATE, HookFailureTest::fail);
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        engine.stop("dev", ProgressListener.NONE);
        f.k3d.failNextStart("port is already allocated");

        Environment failed = engine.start("dev", ProgressListener.NONE);

        assertThat(failed.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(failed.desiredState()).isEqualTo(DesiredState.STOPPED);
        assertThat(failed.lastError()).isEqualTo("k3d cluster start failed: port is already allocated; the "
                + "post-create hooks have not passed since: hook 'recorder' failed in post-create: haproxy reload "
                + "failed");
        f.k3d.failNextStart("port is already allocated again");
        assertThat(engine.start("dev", ProgressListener.NONE).lastError()).as("joined once, to the latest failure")
                .isEqualTo("k3d cluster start failed: port is already allocated again; the post-create hooks have "
                        + "not passed since: hook 'recorder' failed in post-create: haproxy reload failed");
        engine.reconcile(List.of(), ProgressListener.NONE);
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.STOPPED);
        assertThat(f.store.get("dev").lastError())
                .isEqualTo("hook 'recorder' failed in post-create: haproxy reload failed");
        f.hook.clear(HookPhase.POST_CREATE);

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.hook.calls()).containsExactly("post-create dev creating", "post-create dev stopped");
    }

    /**
     * A start that creates a cluster vanished while stopped, whose post-create hooks then fail: the cluster runs, so
     * the record stays desired present, as a create they fail, and reconcile runs the hooks again rather than stop it.
     */
    @Test
    void aStartThatMakesAVanishedClusterWhoseHooksFailLeavesItDesiredPresentAndReconcileRunsThemAgain() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        engine.stop("dev", ProgressListener.NONE);
        f.k3d.removeCluster("dev");
        f.hook.on(HookPhase.POST_CREATE, HookFailureTest::fail);

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(started.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(started.desiredState()).isEqualTo(DesiredState.PRESENT);
        assertThat(started.lastError()).isEqualTo("hook 'recorder' failed in post-create: haproxy reload failed");
        assertThat(f.k3d.running("dev")).isTrue();
        f.hook.clear(HookPhase.POST_CREATE);
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.running("dev")).isTrue();
        assertThat(f.k3d.count("create dev")).isEqualTo(2);
        assertThat(f.hook.calls()).containsExactly("post-create dev creating", "post-create dev creating",
                "post-create dev failed");
    }

    /**
     * A create whose post-create hooks failed made its cluster whole: stopped outside envctl since (a Docker restart,
     * after which kind's nodes stay stopped), it is started, under either drift policy, not deleted and made again.
     */
    @Test
    void theStoppedClusterOfARecordWhoseHooksFailedIsStartedNotMadeAgain() {
        f.hook.on(HookPhase.POST_CREATE, HookFailureTest::fail);
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        engine.create(Fixture.spec("qa"), ProgressListener.NONE);
        f.k3d.putCluster("dev", false);
        f.k3d.putCluster("qa", false);
        f.hook.clear(HookPhase.POST_CREATE);

        assertThat(engine.reconcile(List.of("dev"), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.STARTED, ActualState.RUNNING, null));
        LifecycleEngine markFailed = f.engine(EngineOptions.defaults().withDriftPolicy(DriftPolicy.MARK_FAILED));
        assertThat(markFailed.start("qa", ProgressListener.NONE).actualState()).isEqualTo(ActualState.RUNNING);

        assertThat(f.k3d.calls()).filteredOn(c -> !c.equals("list")).containsExactly("create dev", "create qa",
                "start dev", "start qa");
        assertThat(f.k3d.running("dev")).isTrue();
        assertThat(f.k3d.running("qa")).isTrue();
        assertThat(f.hook.calls()).containsExactly("post-create dev creating", "post-create qa creating",
                "post-create dev failed", "post-create qa failed");
    }

    /** A start of it that fails is a failed start: desired stopped, and the hooks' failure kept after its error. */
    @Test
    void aFailedStartOfTheStoppedClusterOfARecordWhoseHooksFailedKeepsTheSignThatTheyMustRun() {
        f.hook.on(HookPhase.POST_CREATE, HookFailureTest::fail);
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.putCluster("dev", false);
        f.k3d.failNextStart("port is already allocated");

        Environment failed = engine.start("dev", ProgressListener.NONE);

        assertThat(failed.desiredState()).isEqualTo(DesiredState.STOPPED);
        assertThat(failed.lastError()).isEqualTo("k3d cluster start failed: port is already allocated; the post-create "
                + "hooks have not passed since: hook 'recorder' failed in post-create: haproxy reload failed");
        assertThat(f.k3d.count("delete dev")).isZero();
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
        f.hook.clear(HookPhase.POST_CREATE);
        assertThat(engine.start("dev", ProgressListener.NONE).actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.hook.calls()).containsExactly("post-create dev creating", "post-create dev stopped");
    }

    /** A start that recorded desired present and died before its converge: reconcile starts it and runs the hooks. */
    @Test
    void reconcileOfAStartCutShortRunsTheFailedPostCreateHooks() {
        f.hook.on(HookPhase.POST_CREATE, HookFailureTest::fail);
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        Environment stopped = engine.stop("dev", ProgressListener.NONE);
        f.store.update(stopped.withDesiredState(DesiredState.PRESENT), stopped.version());
        f.hook.clear(HookPhase.POST_CREATE);

        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.STARTED, ActualState.RUNNING, null));
        assertThat(f.hook.calls()).containsExactly("post-create dev creating", "post-create dev stopped");
    }

    @Test
    void aHookMissingAClassFromItsJarMarksTheEnvironmentFailedNotCreating() {
        f.hook.on(HookPhase.POST_CREATE, e -> {
            throw new NoClassDefFoundError("org/example/HaproxyClient");
        });

        Environment e = engine.create(Fixture.spec("dev"), ProgressListener.NONE);

        assertThat(e.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(e.lastError()).isEqualTo("hook 'recorder' failed in post-create: "
                + "NoClassDefFoundError: org/example/HaproxyClient");
    }

    @Test
    void aHookThrowingAnErrorMarksTheEnvironmentFailedAndAReconcileFinishesIt() {
        for (Error error : List.of(new StackOverflowError("deep"), new AssertionError("expected a route"))) {
            String name = error instanceof StackOverflowError ? "deep" : "asserted";
            f.hook.on(HookPhase.POST_CREATE, e -> {
                throw error;
            });

            Environment e = engine.create(Fixture.spec(name), ProgressListener.NONE);

            assertThat(e.actualState()).isEqualTo(ActualState.FAILED);
            assertThat(e.lastError()).isEqualTo("hook 'recorder' failed in post-create: "
                    + error.getClass().getSimpleName() + ": " + error.getMessage());
            f.hook.clear(HookPhase.POST_CREATE);
            assertThat(engine.reconcile(List.of(name), ProgressListener.NONE).outcomes())
                    .containsExactly(new Outcome(name, Action.CREATED, ActualState.RUNNING, null));
        }
    }

    @Test
    void outOfMemoryInAHookIsNotTakenForTheHooksFailure() {
        f.hook.on(HookPhase.POST_CREATE, e -> {
            throw new OutOfMemoryError("Java heap space");
        });

        assertThatThrownBy(() -> engine.create(Fixture.spec("dev"), ProgressListener.NONE))
                .isInstanceOf(OutOfMemoryError.class);
    }

    @Test
    void aFailingPreDeleteHookKeepsTheClusterAndTheRecordUntilItSucceeds() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.hook.on(HookPhase.PRE_DELETE, HookFailureTest::fail);

        Environment left = engine.delete("dev", false, ProgressListener.NONE).orElseThrow();

        assertThat(left.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(left.desiredState()).isEqualTo(DesiredState.ABSENT);
        assertThat(left.lastError()).isEqualTo("hook 'recorder' failed in pre-delete: haproxy reload failed");
        assertThat(left.failure()).contains(ErrorCode.HOOK_FAILED);
        assertThat(f.k3d.has("dev")).isTrue();
        assertThat(f.k3d.count("delete dev")).isZero();

        f.hook.clear(HookPhase.PRE_DELETE);
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.DELETED, null, null));
        assertThat(f.k3d.has("dev")).isFalse();
    }

    @Test
    void aFailingPostDeleteHookLeavesTheRecordFailedAfterTheClusterIsGone() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.hook.on(HookPhase.POST_DELETE, e -> {
            throw new IllegalStateException("argocd unreachable");
        });

        Environment left = engine.delete("dev", false, ProgressListener.NONE).orElseThrow();

        assertThat(f.k3d.has("dev")).isFalse();
        assertThat(left.lastError()).isEqualTo(
                "hook 'recorder' failed in post-delete: IllegalStateException: argocd unreachable");
        f.hook.clear(HookPhase.POST_DELETE);
        engine.reconcile(List.of(), ProgressListener.NONE);
        assertThat(f.store.find("dev")).isEmpty();
    }

    @Test
    void hooksRunInOrderAndAFailureStopsTheOnesAfterIt() {
        RecordingHook first = new RecordingHook("first");
        RecordingHook second = new RecordingHook("second");
        first.on(HookPhase.POST_CREATE, HookFailureTest::fail);
        LifecycleEngine two = new LifecycleEngine(f.store, f.allocator, Map.<String, ClusterProvider>of("k3d", f.k3d),
                List.of(first, second), EngineOptions.defaults());

        Environment e = two.create(Fixture.spec("dev"), ProgressListener.NONE);

        assertThat(e.lastError()).startsWith("hook 'first' failed");
        assertThat(first.calls()).hasSize(1);
        assertThat(second.calls()).isEmpty();
    }
}
