package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.AutoPorts;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.PortRole;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A row of the Kindler scripts (no api port, state {@code unknown}) whose cluster exists: envctl adopts the cluster
 * once it runs, with the ports it publishes; a stopped one's record holds the ports it binds meanwhile, and a failed
 * read does not count.
 */
class LegacyAdoptionTest {
    private static final Instant T = Instant.parse("2026-11-26T08:00:00Z");
    private static final HostPorts ROW = new HostPorts(18090, 18443, 19001, null);
    private static final Map<PortRole, Integer> PUBLISHED = Map.of(PortRole.HTTP, 18090, PortRole.HTTPS, 18443,
            PortRole.API, 26999);
    private final Fixture f = new Fixture();
    private final LifecycleEngine engine = f.engine();

    @BeforeEach
    void rowOfTheScriptsWithItsCluster() {
        legacy(ActualState.UNKNOWN);
        f.k3d.putCluster("dev", true);
        f.k3d.publish("dev", PUBLISHED);
    }

    private void legacy(ActualState actual) {
        f.store.insert(new Environment("dev", "k3d", null, ROW, 30080, Map.of(), Map.of(), DesiredState.PRESENT,
                actual, null, T, T, 1));
    }

    private ReconcileReport reconcile() {
        return engine.reconcile(List.of(), ProgressListener.NONE);
    }

    @Test
    void aRunningClusterIsAdoptedWithTheApiPortItPublishes() {
        assertThat(reconcile().outcomes()).containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.RUNNING,
                null));

        assertThat(f.store.get("dev").ports()).isEqualTo(new HostPorts(18090, 18443, 19001, 26999));
    }

    /** As reconcile adopts it: apply allocates it no port from the pools, so none is marked as envctl's. */
    @Test
    void anApplyNamingTheRowAdoptsItsRunningClusterWithThePortsItPublishesAndNoPoolPort() {
        ReconcileReport r = engine.apply(List.of(EnvironmentSpec.of("dev", "k3d")), false, ProgressListener.NONE);

        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.RUNNING, null));
        Environment adopted = f.store.get("dev");
        assertThat(adopted.ports()).isEqualTo(new HostPorts(18090, 18443, 19001, 26999));
        assertThat(adopted.labels()).as("no port came from a pool").doesNotContainKey(AutoPorts.LABEL);
        assertThat(f.k3d.count("create dev")).isZero();
    }

    /** The plan could not list: the row got a pool port first, which the adoption replaces, mark included. */
    @Test
    void anAdoptionReplacingAPortEnvctlAllocatedDropsItsMark() {
        f.k3d.failNextList("Cannot connect to the Docker daemon"); // the plan's listing

        engine.apply(List.of(EnvironmentSpec.of("dev", "k3d")), false, ProgressListener.NONE);

        Environment adopted = f.store.get("dev");
        assertThat(adopted.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(adopted.ports()).isEqualTo(new HostPorts(18090, 18443, 19001, 26999));
        assertThat(adopted.labels()).as("26443 was envctl's; 26999 is the cluster's")
                .doesNotContainKey(AutoPorts.LABEL);
    }

    /** A row an apply deletes is given no port: its delete needs none, and the pool's first goes to a new one. */
    @Test
    void anApplyPruningTheRowGivesItNoPoolPortWhileItIsDeleted() {
        f.k3d.failNextDelete("Cannot connect to the Docker daemon"); // keeps the record to look at

        engine.apply(List.of(EnvironmentSpec.of("next", "k3d")), true, ProgressListener.NONE);

        Environment pruned = f.store.get("dev");
        assertThat(pruned.desiredState()).isEqualTo(DesiredState.ABSENT);
        assertThat(pruned.ports()).isEqualTo(ROW);
        assertThat(pruned.labels()).doesNotContainKey(AutoPorts.LABEL);
        assertThat(f.store.get("next").ports().api()).as("the pool's first: the pruned row took none")
                .isEqualTo(26443);
    }

    /** A row whose delete was recorded and not carried out: the apply finishing it gives it no port either. */
    @Test
    void anApplyFinishingTheRowsRecordedDeleteGivesItNoPoolPort() {
        f.store.delete("dev");
        f.store.insert(new Environment("dev", "k3d", null, ROW, 30080, Map.of(), Map.of(), DesiredState.ABSENT,
                ActualState.UNKNOWN, null, T, T, 1));
        f.k3d.failNextDelete("Cannot connect to the Docker daemon");

        engine.apply(List.of(EnvironmentSpec.of("next", "k3d")), true, ProgressListener.NONE);

        assertThat(f.store.get("dev").ports()).isEqualTo(ROW);
        assertThat(f.store.get("dev").labels()).doesNotContainKey(AutoPorts.LABEL);
        assertThat(f.store.get("next").ports().api()).isEqualTo(26443);
    }

    /**
     * A row whose delete was recorded and not carried out, named again: marked present, its running cluster is
     * adopted with the ports it publishes, and it takes no port from a pool first.
     */
    @Test
    void anApplyNamingTheRowWhoseDeleteIsPendingAdoptsItsRunningClusterWithoutAPoolPort() {
        f.store.delete("dev");
        f.store.insert(new Environment("dev", "k3d", null, ROW, 30080, Map.of(), Map.of(), DesiredState.ABSENT,
                ActualState.UNKNOWN, null, T, T, 1));
        List<EnvironmentSpec> list = List.of(EnvironmentSpec.of("dev", "k3d"), EnvironmentSpec.of("next", "k3d"));

        engine.apply(list, false, ProgressListener.NONE);

        Environment adopted = f.store.get("dev");
        assertThat(adopted.desiredState()).isEqualTo(DesiredState.PRESENT);
        assertThat(adopted.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(adopted.ports()).isEqualTo(new HostPorts(18090, 18443, 19001, 26999));
        assertThat(adopted.labels()).doesNotContainKey(AutoPorts.LABEL);
        assertThat(f.store.get("next").ports().api()).as("the pool's first: the adopted row took none")
                .isEqualTo(26443);
        assertThat(f.k3d.count("create dev")).isZero();
    }

    @Test
    void aStoppedClusterIsLeftStoppedAndTheRowUnknownUntilItRunsHoldingThePortsItBinds() {
        f.k3d.putCluster("dev", false);

        ReconcileReport r = reconcile();

        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.UNKNOWN, null));
        assertThat(r.ok()).isTrue();
        Environment left = f.store.get("dev");
        assertThat(left.actualState()).as("not running: its cluster is stopped").isEqualTo(ActualState.UNKNOWN);
        assertThat(left.ports()).isEqualTo(new HostPorts(18090, 18443, 19001, 26999));
        assertThat(f.k3d.running("dev")).as("reconcile leaves a cluster stopped outside envctl alone").isFalse();
        assertThat(f.k3d.count("start dev")).isZero();
        long version = left.version();
        reconcile();
        assertThat(f.store.get("dev").version()).as("nothing more to record while it stays stopped")
                .isEqualTo(version);

        f.k3d.putCluster("dev", true); // k3d cluster start
        assertThat(reconcile().outcomes()).containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.RUNNING,
                null));
        assertThat(f.store.get("dev").ports().api()).isEqualTo(26999);
    }

    @Test
    void aNewEnvironmentIsNotGivenTheApiPortOfAClusterThatIsStopped() {
        f.k3d.publish("dev", Map.of(PortRole.API, 26443)); // the first port of pool.api
        f.k3d.putCluster("dev", false);
        reconcile();

        Environment next = engine.create(EnvironmentSpec.of("next", "k3d"), ProgressListener.NONE);

        assertThat(f.store.get("dev").ports().api()).isEqualTo(26443);
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.UNKNOWN);
        assertThat(next.ports().api()).isEqualTo(26444);
    }

    @Test
    void aStoppedClusterBindingAPortAnotherEnvironmentHoldsFailsTheRowNamingIt() {
        engine.create(EnvironmentSpec.of("first", "k3d"), ProgressListener.NONE); // given api 26443
        f.k3d.publish("dev", Map.of(PortRole.API, 26443));
        f.k3d.putCluster("dev", false);

        Outcome o = reconcile().outcomes().stream().filter(x -> x.name().equals("dev")).findFirst().orElseThrow();

        assertThat(o.state()).isEqualTo(ActualState.FAILED);
        assertThat(o.error()).startsWith("its existing k3d cluster binds api port 26443 (recorded none)");
        assertThat(f.k3d.count("start dev")).isZero();
    }

    @Test
    void startOfTheRowStartsItsStoppedClusterAndAdoptsIt() {
        f.k3d.putCluster("dev", false);
        reconcile();

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(f.k3d.count("start dev")).isEqualTo(1);
        assertThat(f.k3d.running("dev")).isTrue();
        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(started.desiredState()).isEqualTo(DesiredState.PRESENT);
        assertThat(started.ports()).isEqualTo(new HostPorts(18090, 18443, 19001, 26999));
        assertThat(f.k3d.count("create dev")).isZero();
        assertThat(f.hook.calls()).as("adopted: no create hooks").isEmpty();
    }

    @Test
    void aFailedPortReadLeavesTheRowUnknownAndTheNextReconcileAdoptsIt() {
        f.k3d.failNextPublishedPorts("Cannot connect to the Docker daemon");

        assertThat(reconcile().outcomes()).containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.UNKNOWN,
                null));
        assertThat(f.store.get("dev").ports().api()).isNull();

        reconcile();
        Environment adopted = f.store.get("dev");
        assertThat(adopted.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(adopted.ports().api()).isEqualTo(26999);
    }

    /** Docker down once: failed, the next pass would finish the cluster as its own (hooks, the row's ports). */
    @Test
    void aFailedListingLeavesTheRowUnknownAndTheNextReconcileAdoptsItWithoutHooks() {
        f.k3d.failNextList("Cannot connect to the Docker daemon");   // the round's listing

        Outcome failed = reconcile().outcomes().get(0);
        assertThat(failed.action()).isEqualTo(Action.FAILED);
        assertThat(failed.error()).contains("could not list k3d clusters", "Cannot connect to the Docker daemon");
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.UNKNOWN);
        assertThat(f.store.get("dev").lastError()).contains("Cannot connect to the Docker daemon");

        assertThat(reconcile().outcomes()).containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.RUNNING,
                null));
        assertThat(f.store.get("dev").ports()).isEqualTo(new HostPorts(18090, 18443, 19001, 26999));
        assertThat(f.hook.calls()).isEmpty();
    }

    @Test
    void aRowAnEarlierEnvctlRecordedRunningWithoutItsPortsGetsThemOnceItsClusterRuns() {
        f.store.delete("dev");
        legacy(ActualState.RUNNING);
        f.k3d.putCluster("dev", false);

        reconcile(); // starts the cluster stopped outside envctl, then reads what it publishes

        assertThat(f.k3d.count("start dev")).isEqualTo(1);
        assertThat(f.k3d.running("dev")).isTrue();
        assertThat(f.store.get("dev").ports()).isEqualTo(new HostPorts(18090, 18443, 19001, 26999));
        long version = f.store.get("dev").version();
        reconcile();
        assertThat(f.store.get("dev").version()).as("nothing left to record: nothing written").isEqualTo(version);
    }

    /**
     * An adoption refused because another environment holds a port the cluster binds says to delete that environment
     * (or the cluster); once that one is gone, the next reconcile adopts the cluster as it would have: the record
     * takes the ports the cluster binds, and no post-create hook runs for a cluster envctl did not make.
     */
    @Test
    void aRowWhoseAdoptionAPortHeldElsewhereRefusedIsAdoptedOnceThatPortIsFree() {
        engine.create(EnvironmentSpec.of("first", "k3d").withPorts(new HostPorts(18095, null, null, null)),
                ProgressListener.NONE);
        f.k3d.publish("dev", Map.of(PortRole.HTTP, 18095, PortRole.HTTPS, 18443, PortRole.API, 26999));
        assertThat(reconcile().outcomes()).filteredOn(o -> o.name().equals("dev")).singleElement()
                .satisfies(o -> assertThat(o.error()).startsWith("its existing k3d cluster binds ")
                        .contains("http port 18095 (recorded 18090)"));

        engine.delete("first", false, ProgressListener.NONE);
        reconcile();

        Environment dev = f.store.get("dev");
        assertThat(dev.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(dev.ports()).as("the ports its cluster binds").isEqualTo(new HostPorts(18095, 18443, 19001, 26999));
        assertThat(f.hook.calls()).as("no post-create hook for a cluster envctl did not make")
                .noneMatch(c -> c.startsWith("post-create dev"));
    }

    /** A stop and a start of such a row neither delete its cluster nor make another in its place. */
    @Test
    void aStopAndStartOfARowWhoseAdoptionWasRefusedKeepItsCluster() {
        f.k3d.putUnfinishedCluster("dev"); // no mark of a finished create: envctl did not make it
        engine.create(EnvironmentSpec.of("first", "k3d").withPorts(new HostPorts(18095, null, null, null)),
                ProgressListener.NONE);
        f.k3d.publish("dev", Map.of(PortRole.HTTP, 18095, PortRole.HTTPS, 18443, PortRole.API, 26999));
        reconcile();

        engine.stop("dev", ProgressListener.NONE);
        try {
            engine.start("dev", ProgressListener.NONE);
        } catch (RuntimeException e) {
            // the start may say the port is still held
        }

        assertThat(f.k3d.calls()).as("the cluster envctl did not make is neither deleted nor made again")
                .doesNotContain("delete dev", "create dev");
    }

    /** An apply naming such a row adopts it as reconcile does: it allocates the row no pool port while it waits. */
    @Test
    void anApplyNamingARowWhoseAdoptionWasRefusedGivesItNoPoolPort() {
        engine.create(EnvironmentSpec.of("first", "k3d").withPorts(new HostPorts(18095, null, null, null)),
                ProgressListener.NONE);
        f.k3d.publish("dev", Map.of(PortRole.HTTP, 18095, PortRole.HTTPS, 18443, PortRole.API, 26999));
        reconcile();

        engine.apply(List.of(EnvironmentSpec.of("dev", "k3d")), false, ProgressListener.NONE);

        assertThat(f.store.get("dev").ports()).as("the row's own ports: none from the pools").isEqualTo(ROW);
    }

    /**
     * A delete keeping the record of a row no reconcile has adopted yet deletes its cluster as for any record: the row
     * is {@code unknown}, as a record a kept delete leaves, but its cluster runs.
     */
    @Test
    void aDeleteKeepingTheRecordOfARowNotAdoptedYetDeletesItsCluster() {
        Environment kept = engine.delete("dev", true, ProgressListener.NONE).orElseThrow();

        assertThat(f.k3d.has("dev")).as("the cluster is deleted").isFalse();
        assertThat(kept.desiredState()).isEqualTo(DesiredState.ABSENT);
        assertThat(kept.actualState()).isEqualTo(ActualState.UNKNOWN);
        assertThat(kept.labels()).containsEntry(LifecycleEngine.KEEP_RECORD_LABEL, "true");
        assertThat(kept.ports()).isEqualTo(ROW);
    }

    /**
     * {@code envctl stop} of a row whose cluster no converge adopted yet records it stopped holding the ports that
     * cluster binds, as a reconcile that finds the cluster stopped does: a new environment is not given its api port.
     */
    @Test
    void aStopOfARowNotAdoptedYetKeepsThePortsItsClusterBindsFromNewEnvironments() {
        f.k3d.publish("dev", Map.of(PortRole.API, 26443)); // the first port of pool.api

        engine.stop("dev", ProgressListener.NONE);
        Environment next = engine.create(EnvironmentSpec.of("next", "k3d"), ProgressListener.NONE);

        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.STOPPED);
        assertThat(f.store.get("dev").ports().api()).isEqualTo(26443);
        assertThat(next.ports().api()).isEqualTo(26444);
    }

    /**
     * A cluster that cannot be adopted because another environment holds a port it binds is a conflict (exit 4, as for
     * a port in use), not a provider's failure (exit 6): the provider answered, and what is in the way is the other
     * environment's record.
     */
    @Test
    void aRefusedAdoptionIsAConflictNotAProviderFailure() {
        engine.create(EnvironmentSpec.of("first", "k3d").withPorts(new HostPorts(18095, null, null, null)),
                ProgressListener.NONE);
        f.k3d.publish("dev", Map.of(PortRole.HTTP, 18095, PortRole.HTTPS, 18443, PortRole.API, 26999));
        f.k3d.putCluster("dev", false);

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(started.lastError()).contains("http port 18095 is already held by environment 'first'");
        assertThat(started.failure()).contains(ErrorCode.CONFLICT);
    }

    /**
     * A row whose delete failed (its pre-delete hook), named again by an apply: its cluster, which envctl did not
     * make, is finished with the ports it binds (the api port the row lacks included), never with one from a pool,
     * and the post-create hooks are told those.
     */
    @Test
    void anApplyNamingARowWhoseDeleteFailedFinishesItWithThePortsItsClusterBinds() {
        f.hook.on(HookPhase.PRE_DELETE, e -> {
            throw new IllegalStateException("portainer unreachable");
        });
        engine.delete("dev", false, ProgressListener.NONE);
        f.hook.clear(HookPhase.PRE_DELETE);
        List<Integer> told = new java.util.ArrayList<>();
        f.hook.on(HookPhase.POST_CREATE, e -> told.add(e.ports().api()));

        engine.apply(List.of(EnvironmentSpec.of("dev", "k3d")), false, ProgressListener.NONE);

        Environment dev = f.store.get("dev");
        assertThat(dev.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(dev.ports()).as("the ports its cluster binds").isEqualTo(new HostPorts(18090, 18443, 19001, 26999));
        assertThat(told).as("the api port the post-create hooks were told").containsOnly(26999);
    }

    /**
     * A stop of a row whose cluster binds a port another environment holds stops it and says so; once that port is
     * free, the start adopts the cluster with the ports it binds (the row's own http port included), as a start of a
     * row not adopted yet does, instead of recording it running with the row's ports.
     */
    @Test
    void aStartAfterAStopThatCouldNotHoldThePortsAdoptsTheClusterOnceThePortIsFree() {
        f.store.insert(new Environment("web", "k3d", null, new HostPorts(18120, 18520, 19120, 26520), 30080, Map.of(),
                Map.of(), DesiredState.PRESENT, ActualState.UNKNOWN, null, T, T, 1));
        f.k3d.putCluster("web", true);
        f.k3d.publish("web", Map.of(PortRole.HTTP, 18095, PortRole.HTTPS, 18520, PortRole.API, 26520));
        engine.create(EnvironmentSpec.of("first", "k3d").withPorts(new HostPorts(18095, null, null, null)),
                ProgressListener.NONE);
        assertThat(engine.stop("web", ProgressListener.NONE).failure()).contains(ErrorCode.CONFLICT);
        engine.delete("first", false, ProgressListener.NONE);

        Environment started = engine.start("web", ProgressListener.NONE);

        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(started.ports()).as("the ports its cluster binds").isEqualTo(new HostPorts(18095, 18520, 19120,
                26520));
    }
}
