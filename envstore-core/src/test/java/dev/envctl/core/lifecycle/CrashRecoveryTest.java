package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.provider.CreateFailure;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.StoreInvariants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A process dies at every point of create and delete (a {@link VirtualMachineError} thrown from inside a provider
 * call or a hook stops the engine as a crash would; any other failure there is the plugin's, recorded); a fresh
 * engine then resumes from what the store says.
 */
class CrashRecoveryTest {
    private final Fixture f = new Fixture();

    static final class Crash extends VirtualMachineError {
        private static final long serialVersionUID = 1L;

        Crash() {
            super("process died");
        }
    }

    private static void crash(Environment e) {
        throw new Crash();
    }

    private Outcome resume(String name) {
        f.k3d.duringCreate(e -> { });
        f.k3d.duringDelete(e -> { });
        for (HookPhase p : HookPhase.values()) {
            f.hook.clear(p);
        }
        List<Outcome> outcomes = f.engine().reconcile(List.of(), ProgressListener.NONE).outcomes();
        StoreInvariants.assertHold(f.store.list(EnvironmentFilter.ALL));
        return outcomes.stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
    }

    enum CreateCrash { IN_PROVIDER_AFTER_CLUSTER_MADE, IN_POST_CREATE_HOOK }

    @ParameterizedTest
    @EnumSource(CreateCrash.class)
    void aCreateThatDiedIsFinishedWithoutASecondCluster(CreateCrash where) {
        if (where == CreateCrash.IN_PROVIDER_AFTER_CLUSTER_MADE) {
            f.k3d.duringCreate(CrashRecoveryTest::crash);
        } else {
            f.hook.on(HookPhase.POST_CREATE, CrashRecoveryTest::crash);
        }
        assertThatThrownBy(() -> f.engine().create(Fixture.spec("dev"), ProgressListener.NONE)).isInstanceOf(Crash.class);
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.CREATING);

        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
        int hookRuns = where == CreateCrash.IN_POST_CREATE_HOOK ? 2 : 1;
        assertThat(f.hook.calls()).hasSize(hookRuns).containsOnly("post-create dev creating");
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.RUNNING);
    }

    enum DeleteCrash { IN_PRE_DELETE_HOOK, IN_PROVIDER_AFTER_CLUSTER_REMOVED, IN_POST_DELETE_HOOK }

    @ParameterizedTest
    @EnumSource(DeleteCrash.class)
    void aDeleteThatDiedIsFinishedAndFreesTheAllocation(DeleteCrash where) {
        Environment created = f.engine().create(Fixture.spec("dev"), ProgressListener.NONE);
        switch (where) {
            case IN_PRE_DELETE_HOOK -> f.hook.on(HookPhase.PRE_DELETE, CrashRecoveryTest::crash);
            case IN_PROVIDER_AFTER_CLUSTER_REMOVED -> f.k3d.duringDelete(CrashRecoveryTest::crash);
            default -> f.hook.on(HookPhase.POST_DELETE, CrashRecoveryTest::crash);
        }
        assertThatThrownBy(() -> f.engine().delete("dev", false, ProgressListener.NONE)).isInstanceOf(Crash.class);
        Environment left = f.store.get("dev");
        assertThat(left.actualState()).isEqualTo(ActualState.DELETING);
        assertThat(left.desiredState()).isEqualTo(DesiredState.ABSENT);

        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.DELETED, null, null));
        assertThat(f.store.find("dev")).isEmpty();
        assertThat(f.k3d.has("dev")).isFalse();
        Environment reuse = f.engine().create(Fixture.spec("next").withPorts(created.ports()), ProgressListener.NONE);
        assertThat(reuse.ports()).isEqualTo(created.ports());
    }

    /**
     * Delete hooks run at least once: a delete cut after the tool removed the cluster runs both delete phases again,
     * as envctl cannot tell which of them had run (a pre-delete hook such as the HAProxy example's removes a route).
     */
    @Test
    void aDeleteCutAfterTheClusterWasRemovedRunsBothDeleteHooksAgain() {
        f.engine().create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.duringDelete(CrashRecoveryTest::crash);
        assertThatThrownBy(() -> f.engine().delete("dev", false, ProgressListener.NONE)).isInstanceOf(Crash.class);
        assertThat(f.k3d.has("dev")).isFalse();
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.DELETING);

        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.DELETED, null, null));

        assertThat(f.hook.calls()).containsExactly("post-create dev creating", "pre-delete dev deleting",
                "pre-delete dev deleting", "post-delete dev deleting");
        assertThat(f.k3d.count("delete dev")).isEqualTo(2);
    }

    @Test
    void unknownAndDesiredPresentWithNoClusterIsCreated() {
        f.leave("dev", 1, DesiredState.PRESENT, ActualState.UNKNOWN);
        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.has("dev")).isTrue();
    }

    @Test
    void creatingWithNoClusterIsCreated() {
        f.leave("dev", 1, DesiredState.PRESENT, ActualState.CREATING);
        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.calls()).containsSubsequence("create dev").doesNotContain("delete dev");
    }

    @Test
    void creatingWithAHalfMadeClusterIsClearedAndCreatedAgain() {
        f.leave("dev", 1, DesiredState.PRESENT, ActualState.CREATING);
        f.k3d.putCluster("dev", false);
        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.calls()).containsSubsequence("delete dev", "create dev");
        assertThat(f.k3d.list()).singleElement().satisfies(c -> assertThat(c.running()).isTrue());
    }

    @Test
    void creatingWithARunningClusterWhoseCreateDidNotFinishIsClearedAndCreatedAgain() {
        f.leave("dev", 1, DesiredState.PRESENT, ActualState.CREATING);
        f.k3d.putUnfinishedCluster("dev");

        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));

        assertThat(f.k3d.calls()).containsSubsequence("delete dev", "create dev");
        assertThat(f.k3d.createFinished(f.store.get("dev"))).isTrue();
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
    }

    /** Docker down when the resume lists: failed, the next pass would take the half-made cluster for a finished one. */
    @Test
    void aCreatingRecordWhoseListingFailsStaysCreatingAndItsUnfinishedClusterIsMadeAgain() {
        f.leave("dev", 1, DesiredState.PRESENT, ActualState.CREATING);
        f.k3d.putUnfinishedCluster("dev");
        f.k3d.failNextList("docker unreachable");   // the round's listing
        f.k3d.failNextList("docker unreachable");   // the creating record's own

        Outcome failed = resume("dev");

        assertThat(failed.action()).isEqualTo(Action.FAILED);
        assertThat(failed.state()).isEqualTo(ActualState.CREATING);
        assertThat(failed.error()).contains("could not list k3d clusters", "docker unreachable");
        assertThat(failed.code()).as("the provider could not be asked").isEqualTo(ErrorCode.PROVIDER_FAILED);
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.CREATING);
        assertThat(f.store.get("dev").lastError()).contains("docker unreachable");

        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.calls()).containsSubsequence("delete dev", "create dev");
        assertThat(f.k3d.createFinished(f.store.get("dev"))).isTrue();
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
    }

    /** The half-made cluster cannot be removed now: still a create to finish, not a failed record whose cluster runs. */
    @Test
    void aCreatingRecordWhoseUnfinishedClusterCannotBeDeletedStaysCreatingUntilItIsMadeAgain() {
        f.leave("dev", 1, DesiredState.PRESENT, ActualState.CREATING);
        f.k3d.putUnfinishedCluster("dev");
        f.k3d.failNextDelete("container is in use");

        Outcome failed = resume("dev");

        assertThat(failed.action()).isEqualTo(Action.FAILED);
        assertThat(failed.state()).isEqualTo(ActualState.CREATING);
        assertThat(failed.error()).contains("container is in use");
        assertThat(failed.code()).as("its tool failed: not a provider that could not be asked").isNull();
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.CREATING);
        assertThat(f.store.get("dev").lastError()).contains("container is in use");
        assertThat(f.hook.calls()).isEmpty();

        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.calls()).containsSubsequence("delete dev", "delete dev", "create dev");
        assertThat(f.k3d.createFinished(f.store.get("dev"))).isTrue();
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
    }

    /**
     * A failed record whose cluster runs is finished without asking for the mark: its cluster may be one envctl did
     * not make (an adoption whose ports another environment held), or one made before envctl left marks, and neither
     * has a mark; taking them for half-made would delete a complete cluster.
     */
    @Test
    void aFailedRecordWhoseClusterRunsWithoutTheMarkIsFinishedNotMadeAgain() {
        f.leave("dev", 1, DesiredState.PRESENT, ActualState.FAILED);
        f.k3d.putUnfinishedCluster("dev");

        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));

        assertThat(f.k3d.calls()).doesNotContain("delete dev", "create dev");
        assertThat(f.hook.calls()).containsExactly("post-create dev failed");
    }

    /**
     * What a provider's failed create throws through {@link CreateFailure}: the tool failed once the cluster's nodes
     * ran, and removing them failed too ({@code cleanupFails}), or the name was another cluster's already.
     */
    private void failNextCreateLeaving(boolean cleanupFails, boolean nameTaken) {
        failNextCreateLeaving(cleanupFails, nameTaken, "Failed to create cluster >>> Rolling Back");
    }

    private void failNextCreateLeaving(boolean cleanupFails, boolean nameTaken, String toolSaid) {
        f.k3d.duringCreate(e -> {
            f.k3d.duringCreate(next -> { });
            f.k3d.putUnfinishedCluster(e.name());
            CreateFailure failure = new CreateFailure("could not create k3d cluster '" + e.name() + "'",
                    new EnvctlException(ErrorCode.PROVIDER_FAILED, "k3d cluster create failed with exit code 1: "
                            + toolSaid));
            if (nameTaken) {
                failure.leftUntouched();
            } else {
                failure.attempt(() -> {
                    if (cleanupFails) {
                        throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "k3d cluster delete failed: device or "
                                + "resource busy");
                    }
                }, "k3d cluster delete " + e.name());
            }
            throw failure.toException();
        });
    }

    /** Its nodes run before its tool finished: as failed, the next pass would take it as made and run the hooks. */
    @Test
    void aCreateWhoseCleanupFailedStaysCreatingAndItsHalfMadeClusterIsMadeAgain() {
        f.leave("dev", 1, DesiredState.PRESENT, ActualState.UNKNOWN);
        failNextCreateLeaving(true, false);

        Outcome failed = f.engine().reconcile(List.of("dev"), ProgressListener.NONE).outcomes().get(0);

        assertThat(failed.action()).isEqualTo(Action.FAILED);
        assertThat(failed.state()).isEqualTo(ActualState.CREATING);
        assertThat(failed.error()).contains("cleanup failed too: ", "remove the leftovers by hand: k3d cluster delete");
        Environment left = f.store.get("dev");
        assertThat(left.actualState()).isEqualTo(ActualState.CREATING);
        assertThat(left.lastError()).isEqualTo(failed.error());
        assertThat(left.failure()).contains(ErrorCode.PROVIDER_FAILED);
        assertThat(f.hook.calls()).isEmpty();

        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.calls()).containsSubsequence("create dev", "delete dev", "create dev");
        assertThat(f.k3d.createFinished(f.store.get("dev"))).isTrue();
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
    }

    /** The create returns the record as the converge left it: marked failed, it would be taken as made. */
    @Test
    void aCreateWhoseCleanupFailedReturnsItsRecordCreating() {
        failNextCreateLeaving(true, false);

        Environment left = f.engine().create(Fixture.spec("dev"), ProgressListener.NONE);

        assertThat(left.actualState()).isEqualTo(ActualState.CREATING);
        assertThat(left.lastError()).contains("cleanup failed too: ");
        assertThat(left.failure()).contains(ErrorCode.PROVIDER_FAILED);
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.CREATING);

        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.calls()).containsSubsequence("create dev", "delete dev", "create dev");
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
    }

    /** Desired stopped again, its half-made cluster would be recorded stopped, and a start would start it. */
    @Test
    void aStartWhoseCreateOfAVanishedClusterCouldNotBeCleanedUpLeavesItCreatingAndDesiredPresent() {
        f.engine().create(Fixture.spec("dev"), ProgressListener.NONE);
        f.engine().stop("dev", ProgressListener.NONE);
        f.k3d.removeCluster("dev");
        failNextCreateLeaving(true, false);

        Environment left = f.engine().start("dev", ProgressListener.NONE);

        assertThat(left.actualState()).isEqualTo(ActualState.CREATING);
        assertThat(left.desiredState()).isEqualTo(DesiredState.PRESENT);
        assertThat(left.failure()).contains(ErrorCode.PROVIDER_FAILED);
        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.createFinished(f.store.get("dev"))).isTrue();
    }

    /**
     * A stop of a record whose create did not finish keeps it creating: recorded stopped, a start would start the
     * half-made cluster and take it as made, without asking for the mark or running the post-create hooks.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aStopOfACreateWhoseCleanupFailedKeepsItCreatingAndTheStartMakesTheHalfMadeClusterAgain(boolean running) {
        failNextCreateLeaving(true, false);
        f.engine().create(Fixture.spec("dev"), ProgressListener.NONE);
        if (!running) {
            f.k3d.putCluster("dev", false); // its nodes stopped outside envctl (a reboot)
        }

        Environment stopped = f.engine().stop("dev", ProgressListener.NONE);

        assertThat(stopped.desiredState()).isEqualTo(DesiredState.STOPPED);
        assertThat(stopped.actualState()).isEqualTo(ActualState.CREATING);
        assertThat(stopped.lastError()).isNull();
        assertThat(stopped.failure()).isEmpty();
        assertThat(f.k3d.has("dev")).isTrue();
        assertThat(f.k3d.running("dev")).isFalse();
        assertThat(f.engine().reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.CREATING, null));
        assertThat(f.hook.calls()).isEmpty();

        Environment started = f.engine().start("dev", ProgressListener.NONE);

        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(started.lastError()).isNull();
        assertThat(f.k3d.calls()).filteredOn(c -> !c.equals("list")).endsWith("start dev", "delete dev",
                "create dev");
        assertThat(f.k3d.createFinished(f.store.get("dev"))).isTrue();
        assertThat(f.k3d.running("dev")).isTrue();
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
    }

    /** The create finished before the process died: the start runs the post-create hooks on that cluster. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aStopOfACreateThatDiedInItsHooksKeepsItCreatingAndTheStartFinishesTheCreate(boolean running) {
        f.hook.on(HookPhase.POST_CREATE, CrashRecoveryTest::crash);
        assertThatThrownBy(() -> f.engine().create(Fixture.spec("dev"), ProgressListener.NONE)).isInstanceOf(Crash.class);
        f.hook.clear(HookPhase.POST_CREATE);
        if (!running) {
            f.k3d.putCluster("dev", false);
        }

        Environment stopped = f.engine().stop("dev", ProgressListener.NONE);

        assertThat(stopped.actualState()).isEqualTo(ActualState.CREATING);
        assertThat(f.k3d.running("dev")).isFalse();
        assertThat(f.hook.calls()).as("the one the process died in").hasSize(1);

        Environment started = f.engine().start("dev", ProgressListener.NONE);

        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.k3d.calls()).filteredOn(c -> !c.equals("list")).endsWith("start dev")
                .containsOnlyOnce("create dev").doesNotContain("delete dev");
        assertThat(f.k3d.running("dev")).isTrue();
        assertThat(f.hook.calls()).containsExactly("post-create dev creating", "post-create dev creating");
    }

    /** A failed stop leaves it creating with the stop's error: as failed, a start would take the cluster as made. */
    @Test
    void aFailedStopOfACreateThatDidNotFinishLeavesItCreatingWithTheStopsError() {
        failNextCreateLeaving(true, false);
        f.engine().create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.failNextStop("docker daemon went away");

        Environment left = f.engine().stop("dev", ProgressListener.NONE);

        assertThat(left.desiredState()).isEqualTo(DesiredState.STOPPED);
        assertThat(left.actualState()).isEqualTo(ActualState.CREATING);
        assertThat(left.lastError()).contains("k3d cluster stop failed: docker daemon went away");
        assertThat(left.failure()).contains(ErrorCode.PROVIDER_FAILED);
        assertThat(f.engine().reconcile(List.of(), ProgressListener.NONE).outcomes())
                .containsExactly(new Outcome("dev", Action.STOPPED, ActualState.CREATING, null));
        assertThat(f.k3d.running("dev")).isFalse();

        assertThat(f.engine().start("dev", ProgressListener.NONE).actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.k3d.calls()).filteredOn(c -> !c.equals("list")).endsWith("delete dev", "create dev");
        assertThat(f.k3d.createFinished(f.store.get("dev"))).isTrue();
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
    }

    /** A half-made cluster that does not start is removed and made again. */
    @Test
    void aStartOfAStoppedUnfinishedCreateWhoseClusterDoesNotStartMakesItAgain() {
        failNextCreateLeaving(true, false);
        f.engine().create(Fixture.spec("dev"), ProgressListener.NONE);
        f.engine().stop("dev", ProgressListener.NONE);
        f.k3d.failNextStart("port is already allocated");

        Environment started = f.engine().start("dev", ProgressListener.NONE);

        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.k3d.calls()).filteredOn(c -> !c.equals("list")).endsWith("start dev", "delete dev",
                "create dev");
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
    }

    /** Reconcile starts no stopped cluster: a creating record's is removed and made again, as documented. */
    @Test
    void aReconcileOfACreatingRecordWhoseClusterIsStoppedMakesItAgainWithoutStartingIt() {
        f.hook.on(HookPhase.POST_CREATE, CrashRecoveryTest::crash);
        assertThatThrownBy(() -> f.engine().create(Fixture.spec("dev"), ProgressListener.NONE)).isInstanceOf(Crash.class);
        f.k3d.putCluster("dev", false);

        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.calls()).doesNotContain("start dev").containsSubsequence("delete dev", "create dev");
    }

    /** A port envctl allocated was taken: what the failed create left goes before the retry, or it stays creating. */
    @Test
    void aCreateWhoseCleanupFailedAndWhoseLeftoversCannotBeRemovedForTheRetryStaysCreating() {
        failNextCreateLeaving(true, false, "Bind for 0.0.0.0:18080 failed: port is already allocated");
        f.k3d.failNextDelete("device or resource busy");

        Environment left = f.engine().create(Fixture.spec("dev"), ProgressListener.NONE);

        assertThat(left.actualState()).isEqualTo(ActualState.CREATING);
        assertThat(left.lastError()).contains("device or resource busy");
        assertThat(left.ports().http()).isEqualTo(18081);
        assertThat(f.k3d.calls()).containsSubsequence("create dev", "delete dev").doesNotContain("start dev");
        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.createFinished(f.store.get("dev"))).isTrue();
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
    }

    /**
     * Only a failed cleanup keeps it creating: a cluster that was there before this create is never removed. A create
     * that removed what it made leaves the record failed; one that found the name taken leaves a row envctl has not
     * made a cluster for unknown again, so the next pass adopts that cluster (another program made it after the
     * listing) rather than taking it as its own create's.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aCreateThatRemovedWhatItMadeStaysFailedAndOneThatFoundTheNameTakenUnknown(boolean nameTaken) {
        f.leave("dev", 1, DesiredState.PRESENT, ActualState.UNKNOWN);
        failNextCreateLeaving(false, nameTaken);

        Outcome failed = f.engine().reconcile(List.of("dev"), ProgressListener.NONE).outcomes().get(0);

        ActualState left = nameTaken ? ActualState.UNKNOWN : ActualState.FAILED;
        assertThat(failed.action()).isEqualTo(Action.FAILED);
        assertThat(failed.state()).isEqualTo(left);
        assertThat(f.store.get("dev").actualState()).isEqualTo(left);
        assertThat(failed.error()).doesNotContain("cleanup failed too");
        if (nameTaken) {
            assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.UNCHANGED, ActualState.RUNNING, null));
            assertThat(f.k3d.calls()).doesNotContain("delete dev");
            assertThat(f.hook.calls()).isEmpty();
        }
    }

    @Test
    void deletingWithTheClusterStillThereIsDeleted() {
        f.leave("dev", 1, DesiredState.ABSENT, ActualState.DELETING);
        f.k3d.putCluster("dev", true);
        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.DELETED, null, null));
        assertThat(f.k3d.has("dev")).isFalse();
        assertThat(f.hook.calls()).containsExactly("pre-delete dev deleting", "post-delete dev deleting");
    }

    @ParameterizedTest
    @EnumSource(value = ActualState.class)
    void everyStateDesiredAbsentEndsWithTheRecordAndClusterGone(ActualState state) {
        f.leave("dev", 1, DesiredState.ABSENT, state);
        f.k3d.putCluster("dev", true);
        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.DELETED, null, null));
        assertThat(f.store.find("dev")).isEmpty();
        assertThat(f.k3d.has("dev")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = ActualState.class)
    void everyStateDesiredPresentEndsRunningWithExactlyOneCluster(ActualState state) {
        f.leave("dev", 1, DesiredState.PRESENT, state);
        Outcome o = resume("dev");
        assertThat(o.state()).isEqualTo(ActualState.RUNNING);
        assertThat(o.error()).isNull();
        assertThat(f.k3d.list()).singleElement().satisfies(c -> assertThat(c.name()).isEqualTo("dev"));
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.RUNNING);
    }

    @Test
    void aStoreOutageRightAfterTheProviderCreatedIsResumedWithoutASecondCluster() {
        f.k3d.duringCreate(e -> f.store.setAvailable(false));

        assertThatThrownBy(() -> f.engine().create(Fixture.spec("dev"), ProgressListener.NONE))
                .isInstanceOfSatisfying(dev.envctl.core.EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(dev.envctl.core.ErrorCode.STORE_UNAVAILABLE))
                // not "retry": a second create is refused, the name being recorded
                .hasMessageEndingWith("; environment 'dev' was recorded before the store failed and its cluster "
                        + "may exist: reconcile it once the store is back (a create of the same name is refused "
                        + "while the record exists)");
        f.store.setAvailable(true);
        assertThatThrownBy(() -> f.engine().create(Fixture.spec("dev"), ProgressListener.NONE))
                .isInstanceOfSatisfying(dev.envctl.core.EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(dev.envctl.core.ErrorCode.CONFLICT));
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.CREATING);

        assertThat(resume("dev")).isEqualTo(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
    }
}
