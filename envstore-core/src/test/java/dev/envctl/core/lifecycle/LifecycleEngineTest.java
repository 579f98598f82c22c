package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.Stderr;
import dev.envctl.core.testing.StoreInvariants;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LifecycleEngineTest {
    private final Fixture f = new Fixture();
    private final LifecycleEngine engine = f.engine();

    @Test
    void createRecordsAllocatesCreatesRunsPostCreateHooksAndEndsRunning() {
        Environment e = engine.create(Fixture.spec("dev"), ProgressListener.NONE);

        assertThat(e.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(e.desiredState()).isEqualTo(DesiredState.PRESENT);
        assertThat(e.lastError()).isNull();
        assertThat(e.ports().complete()).isTrue();
        assertThat(e.subnet()).isNotNull();
        assertThat(f.k3d.has("dev")).isTrue();
        assertThat(f.k3d.calls()).containsExactly("list", "create dev");
        assertThat(f.hook.calls()).containsExactly("post-create dev creating");
        assertThat(f.store.get("dev")).isEqualTo(e);
    }

    @Test
    void createOfATakenNameIsAConflictAndCallsNoProvider() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        assertThatThrownBy(() -> engine.create(Fixture.spec("dev"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
    }

    @Test
    void createRefusesANameAnUnmanagedClusterHasAndRecordsNothing() {
        f.k3d.putCluster("dev", true);
        assertThatThrownBy(() -> engine.create(Fixture.spec("dev"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("no envctl record owns it");
        assertThat(f.store.find("dev")).isEmpty();
    }

    @Test
    void createWithAnUnconfiguredProviderIsAProviderErrorAndRecordsNothing() {
        assertThatThrownBy(() -> engine.create(dev.envctl.core.EnvironmentSpec.of("dev", "kind"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED))
                .hasMessageContaining("no provider 'kind' is configured; known: k3d");
        assertThat(f.store.find("dev")).isEmpty();
    }

    @Test
    void failedProviderCreateKeepsTheRecordFailedWithItsAllocationAndReconcileRetries() {
        f.k3d.failNextCreate("port is already allocated");
        Environment failed = engine.create(Fixture.spec("dev"), ProgressListener.NONE);

        assertThat(failed.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(failed.lastError()).contains("port is already allocated");
        assertThat(failed.failure()).contains(dev.envctl.core.ErrorCode.PROVIDER_FAILED);
        assertThat(failed.ports().complete()).isTrue();
        assertThat(f.hook.calls()).isEmpty();

        ReconcileReport report = engine.reconcile(List.of(), ProgressListener.NONE);
        assertThat(report.outcomes()).containsExactly(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        Environment after = f.store.get("dev");
        assertThat(after.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(after.lastError()).isNull();
        assertThat(after.ports()).isEqualTo(failed.ports());
        assertThat(after.subnet()).isEqualTo(failed.subnet());
    }

    @Test
    void deleteRunsHooksAroundTheProviderDeleteAndRemovesTheRecord() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        Optional<Environment> left = engine.delete("dev", false, ProgressListener.NONE);

        assertThat(left).isEmpty();
        assertThat(f.store.find("dev")).isEmpty();
        assertThat(f.k3d.has("dev")).isFalse();
        assertThat(f.hook.calls()).containsExactly("post-create dev creating", "pre-delete dev deleting",
                "post-delete dev deleting");
    }

    @Test
    void deleteKeepingTheRecordDeletesTheClusterButKeepsRecordAndAllocation() {
        Environment created = engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        Environment kept = engine.delete("dev", true, ProgressListener.NONE).orElseThrow();

        assertThat(f.k3d.has("dev")).isFalse();
        assertThat(kept.desiredState()).isEqualTo(DesiredState.ABSENT);
        assertThat(kept.actualState()).isEqualTo(ActualState.UNKNOWN);
        assertThat(kept.labels()).containsEntry(LifecycleEngine.KEEP_RECORD_LABEL, "true");
        assertThat(kept.ports()).isEqualTo(created.ports());
        assertThat(kept.subnet()).isEqualTo(created.subnet());

        ReconcileReport again = engine.reconcile(List.of(), ProgressListener.NONE);
        assertThat(again.outcomes()).extracting(Outcome::action).containsExactly(Action.UNCHANGED);
        assertThat(f.store.find("dev")).isPresent();
        assertThat(f.k3d.count("delete dev")).isEqualTo(1);
    }

    @Test
    void aKeptRecordAppliedAgainIsMarkedPresentAndCreatedWithItsOldPorts() {
        Environment created = engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        engine.delete("dev", true, ProgressListener.NONE);

        ReconcileReport r = engine.apply(List.of(Fixture.spec("dev")), false, ProgressListener.NONE);

        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        Environment back = f.store.get("dev");
        assertThat(back.labels()).doesNotContainKey(LifecycleEngine.KEEP_RECORD_LABEL);
        assertThat(back.ports()).isEqualTo(created.ports());
        assertThat(f.k3d.has("dev")).isTrue();
    }

    @Test
    void deleteOfAnUnknownNameIsNotFound() {
        assertThatThrownBy(() -> engine.delete("ghost", false, ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void failedProviderDeleteKeepsTheRecordFailedAndDesiredAbsentUntilReconcileFinishesIt() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.failNextDelete("docker is not running");

        Environment left = engine.delete("dev", false, ProgressListener.NONE).orElseThrow();
        assertThat(left.desiredState()).isEqualTo(DesiredState.ABSENT);
        assertThat(left.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(left.lastError()).contains("docker is not running");

        ReconcileReport r = engine.reconcile(List.of(), ProgressListener.NONE);
        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.DELETED, null, null));
        assertThat(f.store.find("dev")).isEmpty();
        assertThat(f.k3d.has("dev")).isFalse();
    }

    /**
     * Several names: two deletes at once at a concurrency of 2, never more (each that removes its cluster waits in the
     * provider for a second to arrive, so done one after another, the first would wait in vain and fail); one that
     * fails leaves its record
     * failed and keeps none of the others from being deleted; the records left by name, in the order given.
     */
    @Test
    void severalNamesAreDeletedUpToTheConcurrencyAtOnceEachEvenWhenAnotherFails() {
        LifecycleEngine two = f.engine(EngineOptions.defaults().withConcurrency(2));
        List.of("a", "b", "c", "d", "e").forEach(n -> two.create(Fixture.spec(n), ProgressListener.NONE));
        CyclicBarrier pair = new CyclicBarrier(2);
        f.k3d.duringDelete(e -> {
            try {
                pair.await(10, TimeUnit.SECONDS);
            } catch (Exception notTwo) {
                throw new IllegalStateException("no second delete arrived while " + e.name() + "'s ran", notTwo);
            }
        });
        f.k3d.failNextDelete("docker is not running");

        Map<String, Optional<Environment>> left = two.delete(List.of("a", "b", "c", "d", "e", "a"), false,
                ProgressListener.NONE);

        assertThat(left.keySet()).containsExactly("a", "b", "c", "d", "e");
        assertThat(left.values().stream().flatMap(Optional::stream)).singleElement().satisfies(failed -> {
            assertThat(failed.actualState()).isEqualTo(ActualState.FAILED);
            assertThat(failed.desiredState()).isEqualTo(DesiredState.ABSENT);
            assertThat(failed.lastError()).contains("docker is not running");
            assertThat(f.k3d.has(failed.name())).isTrue();
        });
        assertThat(f.store.list(EnvironmentFilter.ALL)).hasSize(1);
        assertThat(f.k3d.maxInFlight()).isEqualTo(2);
        assertThat(f.k3d.overlaps()).isEmpty();
    }

    /**
     * A delete asks the provider to delete without listing its clusters first (a cluster already gone is no failure),
     * so a delete of several names lists none, as a delete of one lists none: the provider is asked only to delete.
     */
    @Test
    void aDeleteOfOneNameOrOfSeveralListsNoClusters() {
        List.of("a", "b", "c", "d").forEach(n -> engine.create(Fixture.spec(n), ProgressListener.NONE));
        f.store.update(f.store.get("d").withActualState(ActualState.FAILED, "made half"), f.store.get("d").version());
        int before = f.k3d.calls().size();

        engine.delete("a", false, ProgressListener.NONE);
        engine.delete(List.of("b", "c", "d"), true, ProgressListener.NONE);

        assertThat(f.k3d.calls().subList(before, f.k3d.calls().size()))
                .containsExactlyInAnyOrder("delete a", "delete b", "delete c", "delete d");
    }

    /**
     * Every name is checked before any is deleted, as the CLI checks them: an unknown one among several is
     * {@code NOT_FOUND} for the first in the order given, and so is one whose provider is not configured
     * ({@code PROVIDER_FAILED}); nothing is deleted, so a caller that mistyped one name has no half-done delete.
     */
    @Test
    void anUnknownNameOrAnUnconfiguredProviderAmongSeveralIsThrownBeforeAnyIsDeleted() {
        engine.create(Fixture.spec("a"), ProgressListener.NONE);
        engine.create(Fixture.spec("b"), ProgressListener.NONE);
        f.store.create(EnvironmentSpec.of("old", "gone"), f.allocator);
        List<Environment> before = f.store.list(EnvironmentFilter.ALL);
        int calls = f.k3d.calls().size();

        assertThatThrownBy(() -> engine.delete(List.of("a", "ghost", "b", "phantom"), true, ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).contains("'ghost'");
                });
        assertThatThrownBy(() -> engine.delete(List.of("a", "old", "b"), false, ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED))
                .hasMessageContaining("'gone'");

        assertThat(f.store.list(EnvironmentFilter.ALL)).isEqualTo(before);
        assertThat(f.k3d.calls()).hasSize(calls);
        assertThat(List.of("a", "b")).allSatisfy(n -> assertThat(f.k3d.has(n)).isTrue());
    }

    @Test
    void reconcileOfAnUnknownNameIsNotFoundAndChangesNothing() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        assertThatThrownBy(() -> engine.reconcile(List.of("dev", "ghost"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void planListsWhatApplyWouldDoAndChangesNothing() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        engine.create(Fixture.spec("old"), ProgressListener.NONE);
        List<Environment> before = f.store.list(EnvironmentFilter.ALL);

        ApplyPlan plan = engine.plan(List.of(Fixture.spec("dev"), Fixture.spec("qa")), true);

        assertThat(plan.toCreate()).extracting(s -> s.name()).containsExactly("qa");
        assertThat(plan.toDelete()).containsExactly("old");
        assertThat(plan.unchanged()).containsExactly("dev");
        assertThat(f.store.list(EnvironmentFilter.ALL)).isEqualTo(before);
    }

    @Test
    void applyRefusesAFileTheStoreWouldRejectBeforePruningOrCreatingAnything() {
        Environment old = engine.create(Fixture.spec("old"), ProgressListener.NONE);
        var clash = Fixture.spec("clash").withPorts(new dev.envctl.core.HostPorts(old.ports().http(), null, null, null));
        List<Environment> before = f.store.list(EnvironmentFilter.ALL);

        assertThatThrownBy(() -> engine.apply(List.of(Fixture.spec("qa"), clash), true, ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).startsWith("apply refused, nothing was changed: clash: http port "
                            + old.ports().http() + " is already held by environment 'old'");
                });
        assertThat(f.store.list(EnvironmentFilter.ALL)).isEqualTo(before);
        assertThat(f.k3d.has("old")).isTrue();
        assertThat(f.k3d.has("qa")).isFalse();

        ReconcileReport r = engine.apply(List.of(Fixture.spec("qa")), true, ProgressListener.NONE);

        assertThat(r.outcomes()).extracting(Outcome::name, Outcome::action).containsExactly(
                org.assertj.core.groups.Tuple.tuple("old", Action.DELETED),
                org.assertj.core.groups.Tuple.tuple("qa", Action.CREATED));
        assertThat(r.ok()).isTrue();
        assertThat(f.store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("qa");
        StoreInvariants.assertHold(f.store.list(EnvironmentFilter.ALL));
    }

    @Test
    void anApplyWithNothingToDoReportsEveryListedEnvironmentAsUnchanged() {
        engine.apply(List.of(Fixture.spec("dev"), Fixture.spec("qa")), false, ProgressListener.NONE);

        ReconcileReport again = engine.apply(List.of(Fixture.spec("dev"), Fixture.spec("qa")), false,
                ProgressListener.NONE);

        assertThat(again.outcomes()).containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.RUNNING, null),
                new Outcome("qa", Action.UNCHANGED, ActualState.RUNNING, null));
        assertThat(again.ok()).isTrue();
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
    }

    @Test
    void applyAdoptsAnExistingClusterForANewRecordInsteadOfCreatingIt() {
        f.k3d.putCluster("legacy", true);
        ReconcileReport r = engine.apply(List.of(Fixture.spec("legacy")), false, ProgressListener.NONE);

        assertThat(r.outcomes()).containsExactly(new Outcome("legacy", Action.UNCHANGED, ActualState.RUNNING, null));
        assertThat(f.k3d.count("create legacy")).isZero();
        assertThat(f.store.get("legacy").actualState()).isEqualTo(ActualState.RUNNING);
    }

    @Test
    void aDesiredStateWrittenDuringACreateIsReadAgainNotOverwrittenAndThenConverged() {
        f.k3d.duringCreate(e -> {
            Environment now = f.store.get("dev");
            f.store.update(now.withDesiredState(DesiredState.ABSENT), now.version());
        });

        // a create is never "no such environment" (exit 3 is only that): the delete meanwhile is a conflict
        assertThatThrownBy(() -> engine.create(Fixture.spec("dev"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessage("environment 'dev' was deleted while it was being created (a delete recorded meanwhile); "
                        + "its cluster was deleted too");

        assertThat(f.k3d.calls()).containsSubsequence("create dev", "delete dev");
        assertThat(f.k3d.has("dev")).isFalse();
        assertThat(f.hook.calls()).containsExactly("post-create dev creating", "pre-delete dev deleting",
                "post-delete dev deleting");
    }

    /** A prober's case: delete_env.sh rewrote the file without the new row before the converge read it. */
    @Test
    void aRowRemovedByAnotherWriterBeforeTheClusterWasMadeIsAConflictSayingNoClusterWasCreated() {
        java.util.concurrent.atomic.AtomicBoolean removed = new java.util.concurrent.atomic.AtomicBoolean();
        dev.envctl.core.spi.EnvironmentStore racing = new dev.envctl.core.testing.DelegatingStore(f.store) {
            @Override
            public java.util.Optional<dev.envctl.core.spi.EnvironmentLock> tryLock(String name) {
                if (removed.compareAndSet(false, true)) {
                    f.store.delete(name);
                }
                return super.tryLock(name);
            }
        };
        LifecycleEngine racy = new LifecycleEngine(racing, f.allocator,
                java.util.Map.<String, dev.envctl.core.spi.ClusterProvider>of("k3d", f.k3d), List.of(f.hook),
                EngineOptions.defaults());

        assertThatThrownBy(() -> racy.create(Fixture.spec("dev"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessage("environment 'dev' was deleted while it was being created: its record was removed before "
                        + "its cluster was made (by another writer without envctl's locks, such as the Kindler "
                        + "scripts' delete_env.sh); no cluster was created");
        assertThat(f.k3d.count("create dev")).isZero();
        assertThat(f.hook.calls()).isEmpty();
    }

    @Test
    void aRoundListsEachProviderOnceWhenNoRecordChangedSinceItWasRead() {
        for (String name : List.of("a", "b", "c", "d", "e")) {
            engine.create(Fixture.spec(name), ProgressListener.NONE);
        }
        long before = f.k3d.count("list");

        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).ok()).isTrue();

        assertThat(f.k3d.count("list") - before).isEqualTo(1);
    }

    @Test
    void aRecordWrittenAfterTheRoundReadItIsObservedAfresh() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.afterNextList(() -> {
            f.k3d.removeCluster("dev");
            Environment now = f.store.get("dev");
            f.store.update(now.withLabels(java.util.Map.of("touched", "yes")), now.version());
        });

        ReconcileReport r = engine.reconcile(List.of(), ProgressListener.NONE);

        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.RECREATED, ActualState.RUNNING, null));
        assertThat(f.k3d.has("dev")).isTrue();
    }

    @Test
    void aListNamingOneEnvironmentTwiceIsInvalidInput() {
        assertThatThrownBy(() -> engine.plan(List.of(Fixture.spec("dev"), Fixture.spec("dev")), false))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageContaining("'dev' is listed twice");
    }

    /**
     * Issue 19, finding 1: the write of {@code running} after the provider call fails once; the store is back for
     * the failed state (a PostgreSQL restart during the create, as a prober saw it exit 6): the store's error.
     */
    @Test
    void aFailedStoreWriteAfterTheProviderCallIsTheStoresErrorAndTheRecordSaysFailed() {
        FailingWrites store = new FailingWrites(f.store);
        LifecycleEngine failing = new LifecycleEngine(store, f.allocator,
                java.util.Map.<String, dev.envctl.core.spi.ClusterProvider>of("k3d", f.k3d), List.of(),
                EngineOptions.defaults());
        store.failWriteOf(ActualState.RUNNING, 1);
        store.withRemedy(dev.envctl.core.Remedy.RAISE_LOCK_TIMEOUT);

        assertThatThrownBy(() -> failing.create(Fixture.spec("dev"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, ex -> {
                    assertThat(ex.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                    assertThat(ex.remedy()).as("the store's remedy, for the CLI's hint")
                            .contains(dev.envctl.core.Remedy.RAISE_LOCK_TIMEOUT);
                })
                .hasMessageContaining("disk full")
                .hasMessageContaining("environment 'dev' was recorded before the store failed and its cluster may "
                        + "exist: reconcile it once the store is back");

        Environment e = f.store.get("dev");
        assertThat(e.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(e.lastError()).contains("disk full");
        assertThat(failing.reconcile(List.of(), ProgressListener.NONE).outcomes()).singleElement()
                .satisfies(o -> assertThat(o.state()).isEqualTo(ActualState.RUNNING));
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
    }

    @Test
    void aFailedCreateThatCannotEvenBeRecordedIsThrownWithTheStoresCode() {
        FailingWrites store = new FailingWrites(f.store);
        LifecycleEngine failing = new LifecycleEngine(store, f.allocator,
                java.util.Map.<String, dev.envctl.core.spi.ClusterProvider>of("k3d", f.k3d), List.of(),
                EngineOptions.defaults());
        store.failWriteOf(ActualState.RUNNING, 1);
        store.failWriteOf(ActualState.FAILED, 100);

        assertThatThrownBy(() -> failing.create(Fixture.spec("dev"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class,
                        ex -> assertThat(ex.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE))
                .hasMessageContaining("disk full")
                .hasMessageContaining("was recorded before the store failed and its cluster may exist")
                .satisfies(ex -> assertThat(ex.getMessage().split("disk full", -1)).as("the store's error, once: "
                        + ex.getMessage()).hasSize(2));
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.CREATING);
    }

    @Test
    void aToolFailureWithNulAndEscapeBytesIsStoredWithThemReplaced() {
        f.k3d.failNextCreate("boom\u0000\u001b[31mred\nsecond line");

        Environment e = engine.create(Fixture.spec("dev"), ProgressListener.NONE);

        assertThat(e.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(e.lastError()).endsWith("boom\uFFFD\uFFFD[31mred\nsecond line");
    }

    /**
     * A store that fails a converge's write is said once, by the outcome (the CLI's report row, create's or stop's
     * error): a log line beside it would put the same error on stderr a second time.
     */
    @Test
    void aStoreFailureInAConvergeIsReportedByItsOutcomeAndNotLoggedAsWell() {
        FailingWrites store = new FailingWrites(f.store);
        LifecycleEngine failing = new LifecycleEngine(store, f.allocator,
                java.util.Map.<String, dev.envctl.core.spi.ClusterProvider>of("k3d", f.k3d), List.of(),
                EngineOptions.defaults());
        f.store.create(Fixture.spec("dev"), f.allocator);
        store.failWriteOf(ActualState.CREATING, 1);
        ReconcileReport[] report = new ReconcileReport[1];

        String stderr = Stderr.of(() -> report[0] = failing.reconcile(List.of(), ProgressListener.NONE));

        assertThat(report[0].outcomes()).singleElement().satisfies(o -> {
            assertThat(o.action()).isEqualTo(Action.FAILED);
            assertThat(o.error()).contains("disk full");
        });
        assertThat(stderr).doesNotContain("disk full");
    }

    /**
     * A delete keeping the record whose provider delete failed leaves the cluster, and the record failed with the
     * label: an apply naming it with other ports is no re-creation of a kept record, which has no cluster. The record
     * is marked present with its allocation, as any record desired absent a list names, and its cluster finished:
     * it never takes ports that cluster does not bind (the next plan shows the difference).
     */
    @Test
    void anApplyOfOtherPortsAfterAFailedKeptDeleteNeverRecordsPortsItsClusterDoesNotBind() {
        Environment created = engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.failNextDelete("daemon busy");
        engine.delete("dev", true, ProgressListener.NONE);
        assertThat(f.k3d.has("dev")).isTrue();

        engine.apply(List.of(Fixture.spec("dev").withPorts(new dev.envctl.core.HostPorts(18300, null, null, null))),
                false, true, ProgressListener.NONE);

        Environment after = f.store.get("dev");
        assertThat(after.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(after.ports()).as("the ports its cluster binds").isEqualTo(created.ports());
        assertThat(f.k3d.madeWith("dev").get(dev.envctl.core.PortRole.HTTP)).isEqualTo(after.ports().http());
    }

}
