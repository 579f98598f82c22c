package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An apply of a list naming environments whose spec matches but whose record a converge still acts on ({@code
 * failed}, or a create left {@code creating} by a store that went away): the plan says so, as the apply then
 * converges them as reconcile would.
 */
class ApplyResumeTest {
    private final Fixture f = new Fixture();
    private final LifecycleEngine engine = f.engine();

    @Test
    void aFailedEnvironmentTheListNamesIsPlannedForTheConvergeApplyGivesIt() {
        f.k3d.failNextCreate("port is already allocated");
        assertThat(engine.create(Fixture.spec("dev"), ProgressListener.NONE).actualState())
                .isEqualTo(ActualState.FAILED);
        engine.create(Fixture.spec("web"), ProgressListener.NONE);

        ApplyPlan plan = engine.plan(List.of(Fixture.spec("dev"), Fixture.spec("web")), false);

        assertThat(plan.toResume()).containsExactly("dev");
        assertThat(plan.unchanged()).containsExactly("web");
        assertThat(plan.empty()).isFalse();
        assertThat(engine.apply(List.of(Fixture.spec("dev"), Fixture.spec("web")), false, ProgressListener.NONE)
                .outcomes()).extracting(Outcome::name, Outcome::action).containsExactly(
                org.assertj.core.groups.Tuple.tuple("dev", Action.CREATED),
                org.assertj.core.groups.Tuple.tuple("web", Action.UNCHANGED));
        assertThat(engine.plan(List.of(Fixture.spec("dev"), Fixture.spec("web")), false).empty()).isTrue();
    }

    /** The prober's case: a failed record whose label the list changes is written in place, then converged. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(DriftPolicy.class)
    void aFailedEnvironmentChangedInPlaceIsPlannedForTheConvergeTooAndConvergedOnce(DriftPolicy policy) {
        LifecycleEngine engine = f.engine(EngineOptions.defaults().withDriftPolicy(policy));
        f.hook.on(HookPhase.POST_CREATE, e -> {
            throw new IllegalStateException("haproxy reload failed");
        });
        assertThat(engine.create(Fixture.spec("dev"), ProgressListener.NONE).actualState())
                .isEqualTo(ActualState.FAILED);
        f.hook.clear(HookPhase.POST_CREATE);
        EnvironmentSpec fixed = Fixture.spec("dev").withLabels(Map.of("haproxy_route", "true", "hook", "ok"));

        ApplyPlan plan = engine.plan(List.of(fixed), false);

        assertThat(plan.toUpdate()).extracting(ApplyPlan.Update::name).containsExactly("dev");
        assertThat(plan.toUpdate().get(0).replace()).isFalse();
        assertThat(plan.toResume()).as("the cluster runs: apply reruns the hooks under either policy")
                .containsExactly("dev");
        assertThat(plan.unchanged()).isEmpty();
        ReconcileReport r = engine.apply(List.of(fixed), false, ProgressListener.NONE);
        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.hook.calls()).as("once more, not twice").containsExactly("post-create dev creating",
                "post-create dev failed");
        assertThat(f.store.get("dev").labels()).containsEntry("hook", "ok");
        assertThat(engine.plan(List.of(fixed), false).empty()).isTrue();
    }

    @Test
    void anApplyCutShortByTheStoreIsFinishedByTheSameApplyWithoutASecondCluster() {
        FailingWrites store = new FailingWrites(f.store);
        LifecycleEngine failing = new LifecycleEngine(store, f.allocator,
                Map.<String, ClusterProvider>of("k3d", f.k3d), List.of(f.hook), EngineOptions.defaults());
        store.failWriteOf(ActualState.RUNNING, 1);
        store.failWriteOf(ActualState.FAILED, 1);

        ReconcileReport first = failing.apply(List.of(Fixture.spec("dev")), false, ProgressListener.NONE);

        assertThat(first.failure()).contains(ErrorCode.STORE_UNAVAILABLE);
        assertThat(first.outcomes()).singleElement().satisfies(o -> assertThat(o.error())
                .contains("disk full", "was recorded before the store failed and its cluster may exist",
                        "reconcile it once the store is back"));
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.CREATING);
        assertThat(f.k3d.running("dev")).isTrue();

        ApplyPlan plan = failing.plan(List.of(Fixture.spec("dev")), false);
        assertThat(plan.toResume()).containsExactly("dev");
        assertThat(plan.unchanged()).isEmpty();
        ReconcileReport again = failing.apply(List.of(Fixture.spec("dev")), false, ProgressListener.NONE);

        assertThat(again.outcomes()).containsExactly(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.k3d.count("create dev")).as("the cluster the first apply made is kept").isEqualTo(1);
    }

    @Test
    void aCreatingRecordAnotherProcessIsConvergingIsLeftToItAsReconcileLeavesIt() {
        f.leave("dev", 1, DesiredState.PRESENT, ActualState.CREATING);

        ReconcileReport r;
        try (EnvironmentLock held = f.store.tryLock("dev").orElseThrow()) {
            r = engine.apply(List.of(Fixture.spec("dev")), false, ProgressListener.NONE);
        }

        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.SKIPPED_LOCKED, ActualState.CREATING,
                null));
        assertThat(f.k3d.calls()).doesNotContain("create dev");
        assertThat(engine.apply(List.of(Fixture.spec("dev")), false, ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
    }

    /**
     * Another process's apply of the same list, creating the record: its cluster is listed before it runs, as a
     * stopped one is, but the environment is that process's, not left alone.
     */
    @Test
    void anUnknownRecordAnotherProcessIsCreatingIsSkippedLockedNotUnchanged() {
        f.leave("dev", 1, DesiredState.PRESENT, ActualState.UNKNOWN);
        f.k3d.putCluster("dev", false);

        ReconcileReport r;
        try (EnvironmentLock held = f.store.tryLock("dev").orElseThrow()) {
            r = engine.apply(List.of(Fixture.spec("dev")), false, ProgressListener.NONE);
        }

        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.SKIPPED_LOCKED, ActualState.UNKNOWN,
                null));
        assertThat(r.ok()).isTrue();
        assertThat(f.k3d.calls()).filteredOn(c -> !c.equals("list")).isEmpty();
    }

    /**
     * Records nothing has converged yet ({@code unknown}: rows of the Kindler scripts, a create that did not wait):
     * apply adopts a running cluster and creates a missing one, as reconcile does, and leaves a stopped cluster
     * stopped, which the plan says too.
     */
    @Test
    void anUnknownRecordTheListNamesIsAdoptedOrCreatedAsReconcileWouldAndOneWithAStoppedClusterIsUnchanged() {
        f.leave("adopted", 1, DesiredState.PRESENT, ActualState.UNKNOWN);
        f.k3d.putCluster("adopted", true);
        f.leave("missing", 2, DesiredState.PRESENT, ActualState.UNKNOWN);
        f.leave("stopped", 3, DesiredState.PRESENT, ActualState.UNKNOWN);
        f.k3d.putCluster("stopped", false);
        List<EnvironmentSpec> list = List.of(Fixture.spec("adopted"), Fixture.spec("missing"),
                Fixture.spec("stopped"));

        ApplyPlan plan = engine.plan(list, false);

        assertThat(plan.toResume()).containsExactly("adopted", "missing");
        assertThat(plan.unchanged()).containsExactly("stopped");
        assertThat(engine.apply(list, false, ProgressListener.NONE).outcomes()).containsExactly(
                new Outcome("adopted", Action.UNCHANGED, ActualState.RUNNING, null),
                new Outcome("missing", Action.CREATED, ActualState.RUNNING, null),
                new Outcome("stopped", Action.UNCHANGED, ActualState.UNKNOWN, null));
        assertThat(f.k3d.calls()).filteredOn(c -> !c.equals("list")).containsExactly("create missing");
        assertThat(f.hook.calls()).as("an adopted cluster gets no post-create hook")
                .containsExactly("post-create missing creating");
        assertThat(f.k3d.running("stopped")).isFalse();
        assertThat(engine.plan(list, false).empty()).isTrue();
    }

    /**
     * A stop of a create that did not finish leaves it creating with its cluster stopped, which apply leaves alone
     * (it never starts a stopped environment), so the plan says it is unchanged.
     */
    @Test
    void aCreatingRecordDesiredStoppedWhoseClusterIsStoppedIsUnchanged() {
        f.leave("dev", 1, DesiredState.STOPPED, ActualState.CREATING);
        f.k3d.putCluster("dev", false);
        List<EnvironmentSpec> list = List.of(Fixture.spec("dev"));

        ApplyPlan plan = engine.plan(list, false);

        assertThat(plan.toResume()).isEmpty();
        assertThat(plan.unchanged()).containsExactly("dev");
        assertThat(engine.apply(list, false, ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.CREATING, null));
        assertThat(f.k3d.calls()).filteredOn(c -> !c.equals("list")).isEmpty();
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.CREATING);
        assertThat(engine.plan(list, false).empty()).isTrue();
    }

    /** The names a converge leaves alone take their place among the unchanged ones, not after them. */
    @Test
    void theUnchangedNamesAreInTheListsOrderWithTheOnesTheConvergeLeavesAlone() {
        f.leave("alpha", 1, DesiredState.PRESENT, ActualState.UNKNOWN);
        f.k3d.putCluster("alpha", false);
        f.leave("beta", 2, DesiredState.PRESENT, ActualState.RUNNING);
        f.k3d.putCluster("beta", true);
        f.leave("gamma", 3, DesiredState.PRESENT, ActualState.RUNNING);
        f.k3d.putCluster("gamma", true);

        ApplyPlan plan = engine.plan(List.of(Fixture.spec("gamma"), Fixture.spec("alpha"), Fixture.spec("beta")),
                false);

        assertThat(plan.toResume()).isEmpty();
        assertThat(plan.unchanged()).containsExactly("gamma", "alpha", "beta");
    }

    /** An unknown record whose labels the list changes is written in place, then adopted. */
    @Test
    void anUnknownRecordChangedInPlaceIsConvergedTooAndOneWithAStoppedClusterIsOnlyUpdated() {
        f.leave("adopted", 1, DesiredState.PRESENT, ActualState.UNKNOWN);
        f.k3d.putCluster("adopted", true);
        f.leave("stopped", 2, DesiredState.PRESENT, ActualState.UNKNOWN);
        f.k3d.putCluster("stopped", false);
        List<EnvironmentSpec> list = List.of(Fixture.spec("adopted").withLabels(Map.of("team", "a")),
                Fixture.spec("stopped").withLabels(Map.of("team", "a")));

        ApplyPlan plan = engine.plan(list, false);

        assertThat(plan.toUpdate()).extracting(ApplyPlan.Update::name).containsExactly("adopted", "stopped");
        assertThat(plan.toResume()).containsExactly("adopted");
        assertThat(engine.apply(list, false, ProgressListener.NONE).outcomes()).containsExactly(
                new Outcome("adopted", Action.UNCHANGED, ActualState.RUNNING, null),
                new Outcome("stopped", Action.UPDATED, ActualState.UNKNOWN, null));
        assertThat(f.store.get("adopted").labels()).containsEntry("team", "a");
        assertThat(f.store.get("stopped").labels()).containsEntry("team", "a");
        assertThat(engine.plan(list, false).empty()).isTrue();
    }

    /**
     * A running environment whose cluster was stopped outside envctl ({@code k3d cluster stop}, a Docker restart): the
     * plan lists the provider once and says so, and apply starts it as reconcile does, with no hook.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(DriftPolicy.class)
    void aRunningEnvironmentWhoseClusterWasStoppedOutsideEnvctlIsStartedAsReconcileStartsIt(DriftPolicy policy) {
        LifecycleEngine engine = f.engine(EngineOptions.defaults().withDriftPolicy(policy));
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        engine.create(Fixture.spec("web"), ProgressListener.NONE);
        f.k3d.putCluster("dev", false);
        List<String> hooks = List.copyOf(f.hook.calls());
        List<EnvironmentSpec> list = List.of(Fixture.spec("web"), Fixture.spec("dev"));
        long lists = f.k3d.count("list");

        ApplyPlan plan = engine.plan(list, false);

        assertThat(f.k3d.count("list") - lists).as("once for both records").isEqualTo(1);
        assertThat(plan.toResume()).containsExactly("dev");
        assertThat(plan.unchanged()).containsExactly("web");
        assertThat(plan.empty()).isFalse();
        assertThat(engine.apply(list, false, ProgressListener.NONE).outcomes()).containsExactly(
                new Outcome("dev", Action.STARTED, ActualState.RUNNING, null),
                new Outcome("web", Action.UNCHANGED, ActualState.RUNNING, null));
        assertThat(f.k3d.running("dev")).isTrue();
        assertThat(f.k3d.count("start dev")).isEqualTo(1);
        assertThat(f.k3d.count("create dev")).as("started, not created again").isEqualTo(1);
        assertThat(f.hook.calls()).as("a start runs no hook").isEqualTo(hooks);
        assertThat(engine.plan(list, false).empty()).isTrue();
    }

    /**
     * A plan made by {@link LifecycleEngine#plan} and then applied as it is: the apply does what the plan says, and
     * lists the provider once for its round, not again for a plan of its own.
     */
    @Test
    void aPlanAppliedAsItIsIsCarriedOutWithoutASecondPlan() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        engine.create(Fixture.spec("web"), ProgressListener.NONE);
        f.k3d.putCluster("dev", false);
        List<EnvironmentSpec> list = List.of(Fixture.spec("web"), Fixture.spec("dev"), Fixture.spec("api"));
        ApplyPlan plan = engine.plan(list, false);
        long lists = f.k3d.count("list");

        ReconcileReport r = engine.apply(plan, false, ProgressListener.NONE);

        assertThat(f.k3d.count("list") - lists).as("the round's listing only").isEqualTo(1);
        assertThat(r.outcomes()).extracting(Outcome::name, Outcome::action).containsExactly(
                org.assertj.core.groups.Tuple.tuple("api", Action.CREATED),
                org.assertj.core.groups.Tuple.tuple("dev", Action.STARTED),
                org.assertj.core.groups.Tuple.tuple("web", Action.UNCHANGED));
        assertThat(f.k3d.running("dev")).isTrue();
        assertThat(f.k3d.running("api")).isTrue();
        assertThat(engine.plan(list, false).empty()).isTrue();
    }

    /** A plan built by hand is checked as {@link LifecycleEngine#plan} checks one: options refused, nothing written. */
    @Test
    void aPlanWithOptionsTheProviderRefusesIsRefusedChangingNothing() {
        EnvironmentSpec refused = Fixture.spec("api").withOptions(Map.of("refused", "x"));
        ApplyPlan plan = new ApplyPlan(List.of(Fixture.spec("web"), refused), List.of(), List.of(), List.of());

        assertThatThrownBy(() -> engine.apply(plan, false, ProgressListener.NONE))
                .isInstanceOfSatisfying(dev.envctl.core.EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageStartingWith("environment 'api': ");
        assertThat(f.store.find("web")).isEmpty();
        assertThat(f.k3d.count("create")).isZero();
    }

    /** As a failed start of reconcile's: the record failed and desired stopped, what was started stopped again. */
    @Test
    void aFailedStartOfAClusterStoppedOutsideEnvctlLeavesTheRecordFailedAndDesiredStopped() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.putCluster("dev", false);
        f.k3d.failNextStart("port is already allocated");

        ReconcileReport r = engine.apply(List.of(Fixture.spec("dev")), false, ProgressListener.NONE);

        assertThat(r.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.action()).isEqualTo(Action.FAILED);
            assertThat(o.error()).contains("port is already allocated");
        });
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.FAILED);
        assertThat(f.store.get("dev").desiredState()).isEqualTo(DesiredState.STOPPED);
        assertThat(f.k3d.running("dev")).isFalse();
    }

    /** Changed in place and stopped outside envctl: the label is written and the cluster started, one outcome. */
    @Test
    void aRunningEnvironmentChangedInPlaceWhoseClusterWasStoppedOutsideEnvctlIsUpdatedAndStarted() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.putCluster("dev", false);
        List<EnvironmentSpec> list = List.of(Fixture.spec("dev").withLabels(Map.of("team", "a")));

        ApplyPlan plan = engine.plan(list, false);

        assertThat(plan.toUpdate()).extracting(ApplyPlan.Update::name).containsExactly("dev");
        assertThat(plan.toResume()).containsExactly("dev");
        assertThat(engine.apply(list, false, ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.STARTED, ActualState.RUNNING, null));
        assertThat(f.store.get("dev").labels()).containsEntry("team", "a");
        assertThat(f.k3d.running("dev")).isTrue();
        assertThat(engine.plan(list, false).empty()).isTrue();
    }

    @Test
    void underMarkFailedAFailedRecordWithoutARunningClusterIsUnchangedAndOneWhoseHookFailedIsRetried() {
        LifecycleEngine marking = f.engine(EngineOptions.defaults().withDriftPolicy(DriftPolicy.MARK_FAILED));
        f.leave("gone", 1, DesiredState.PRESENT, ActualState.FAILED);
        f.leave("hooked", 2, DesiredState.PRESENT, ActualState.FAILED);
        f.k3d.putCluster("hooked", true);
        // a cluster that runs but lacks a node its record asks for is not running, for the plan as for the converge
        f.leave("partial", 3, DesiredState.PRESENT, ActualState.FAILED);
        f.k3d.putCluster("partial", true);
        f.k3d.removeNodes("partial", 0, 0);
        List<EnvironmentSpec> both = List.of(Fixture.spec("gone"), Fixture.spec("hooked"), Fixture.spec("partial"));

        ApplyPlan plan = marking.plan(both, false);

        assertThat(plan.toResume()).containsExactly("hooked");
        assertThat(plan.unchanged()).containsExactly("gone", "partial");
        assertThat(marking.apply(both, false, ProgressListener.NONE).outcomes()).containsExactly(
                new Outcome("gone", Action.UNCHANGED, ActualState.FAILED, null),
                new Outcome("hooked", Action.CREATED, ActualState.RUNNING, null),
                new Outcome("partial", Action.UNCHANGED, ActualState.FAILED, null));
        assertThat(f.hook.calls()).containsExactly("post-create hooked failed");
    }
}
