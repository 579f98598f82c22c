package dev.envctl.core.fallback;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.Remedy;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.lifecycle.EngineOptions;
import dev.envctl.core.lifecycle.LifecycleEngine;
import dev.envctl.core.spi.BatchWriteException;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.spi.StoreHealth;
import dev.envctl.core.testing.DelegatingStore;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import dev.envctl.core.testing.ScriptedClusterProvider;
import dev.envctl.core.testing.Stderr;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FallbackStoreTest {
    private final InMemoryEnvironmentStore pg = new InMemoryEnvironmentStore();
    private final InMemoryEnvironmentStore csv = new InMemoryEnvironmentStore();
    private final Allocator allocator = new Allocator(AllocationPolicy.defaults());

    @Test
    void readsComeFromThePrimaryWhileItIsUp() {
        pg.create(EnvironmentSpec.of("dev", "k3d"), allocator);
        csv.create(EnvironmentSpec.of("old", "k3d"), allocator);
        FallbackStore store = new FallbackStore(pg, csv, false);

        assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("dev");
        assertThat(store.lastReadWasStale()).isFalse();
    }

    @Test
    void readsFallBackWhenThePrimaryIsDownAndSayTheDataMayBeStale() {
        FallbackStore store = new FallbackStore(pg, csv, true);
        store.create(EnvironmentSpec.of("dev", "k3d"), allocator);
        pg.setAvailable(false);

        assertThat(store.find("dev")).isPresent();
        assertThat(store.lastReadWasStale()).isTrue();
        assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("dev");
        assertThat(store.health().available()).isFalse();
        assertThat(store.health().detail()).contains("reads served from the fallback");

        pg.setAvailable(true);
        store.find("dev");
        assertThat(store.lastReadWasStale()).isFalse();
    }

    /** A primary's warning (a schema its next opening migrates) is the whole store's, as its problem is. */
    @Test
    void thePrimarysWarningIsTheStoresWarning() {
        DelegatingStore warned = new DelegatingStore(pg) {
            @Override
            public StoreHealth health() {
                return super.health().withWarning("the schema is migrated at the next opening", Remedy.MIGRATE_SCHEMA);
            }
        };
        StoreHealth h = new FallbackStore(warned, csv, false).health();

        assertThat(h.warning()).isEqualTo("the schema is migrated at the next opening");
        assertThat(h.remedy()).isEqualTo(Remedy.MIGRATE_SCHEMA);
        assertThat(h.problem()).isNull();
        // the forms from before warning existed have none
        assertThat(new StoreHealth(true, "d", "1", "p", null).warning()).isNull();
        assertThat(StoreHealth.up("d", "1").withProblem("p", Remedy.FIX_STORE_SETTINGS)
                .withWarning("w", Remedy.MIGRATE_SCHEMA).remedy()).as("the problem's remedy stays")
                .isEqualTo(Remedy.FIX_STORE_SETTINGS);
    }

    @Test
    void getOfANameTheFallbackLacksWhileThePrimaryIsDownIsUnavailableNotNotFound() {
        FallbackStore store = new FallbackStore(pg, csv, false);
        store.create(EnvironmentSpec.of("dev", "k3d"), allocator);
        assertThatThrownBy(() -> store.get("qa")).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        pg.setAvailable(false);

        assertThatThrownBy(() -> store.get("dev")).isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE))
                .hasMessageStartingWith("environment 'dev' is not in the fallback store " + csv.location() + ", read "
                        + "because ")
                .hasMessageEndingWith("; it may exist there: retry once the store answers");
    }

    @Test
    void forWorkThatWritesReadsDoNotFallBack() {
        FallbackStore store = new FallbackStore(pg, csv, true, false);
        store.create(EnvironmentSpec.of("dev", "k3d"), allocator);
        pg.setAvailable(false);

        assertThatThrownBy(() -> store.find("dev")).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
        assertThatThrownBy(() -> store.list(EnvironmentFilter.ALL)).isInstanceOf(EnvctlException.class);
        assertThat(store.lastReadWasStale()).isFalse();
    }

    @Test
    void aCreateWhosePrimaryGoesDownMidwayKeepsItsClusterAndSaysReconcileFinishesIt() {
        ScriptedClusterProvider k3d = new ScriptedClusterProvider("k3d");
        FallbackStore store = new FallbackStore(pg, csv, false, false);
        LifecycleEngine engine = new LifecycleEngine(store, allocator, Map.<String, ClusterProvider>of("k3d", k3d),
                List.of(), EngineOptions.defaults());
        k3d.duringCreate(e -> pg.setAvailable(false));

        assertThatThrownBy(() -> engine.create(EnvironmentSpec.of("dev", "k3d"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE))
                .hasMessageContaining("was recorded before the store failed");
        assertThat(k3d.has("dev")).as("not taken for a record deleted meanwhile").isTrue();
        assertThat(k3d.count("delete dev")).isZero();

        pg.setAvailable(true);
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).ok()).isTrue();
        assertThat(store.get("dev").actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(k3d.count("create dev")).isEqualTo(1);
    }

    @Test
    void checkingAnInsertAsksThePrimaryWhereWritesGo() {
        Environment dev = pg.create(EnvironmentSpec.of("dev", "k3d"), allocator);
        FallbackStore store = new FallbackStore(pg, csv, true);

        assertThatThrownBy(() -> store.checkInsert(dev)).isInstanceOf(EnvctlException.class)
                .hasMessageContaining("'dev' already exists");
        assertThat(csv.list(EnvironmentFilter.ALL)).isEmpty();
    }

    @Test
    void writesFailWhileThePrimaryIsDownAndTouchNeitherStore() {
        FallbackStore store = new FallbackStore(pg, csv, true);
        pg.setAvailable(false);

        assertThatThrownBy(() -> store.create(EnvironmentSpec.of("dev", "k3d"), allocator))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
        assertThat(csv.list(EnvironmentFilter.ALL)).isEmpty();
    }

    @Test
    void inMirrorModeEveryWriteIsRepeatedOnTheFallback() {
        FallbackStore store = new FallbackStore(pg, csv, true);
        Environment created = store.create(EnvironmentSpec.of("dev", "k3d"), allocator);
        assertThat(csv.get("dev")).isEqualTo(created);

        Environment running = store.update(created.withActualState(ActualState.RUNNING, null), created.version());
        assertThat(csv.get("dev").actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(csv.get("dev").ports()).isEqualTo(running.ports());

        store.delete("dev", running.version());
        assertThat(pg.find("dev")).isEmpty();
        assertThat(csv.find("dev")).isEmpty();
    }

    @Test
    void aMirrorFailureIsOnlyAWarningAndThePrimarysResultStands() {
        FallbackStore store = new FallbackStore(pg, csv, true);
        csv.setAvailable(false);

        Environment created = store.create(EnvironmentSpec.of("dev", "k3d"), allocator);

        assertThat(pg.get("dev")).isEqualTo(created);
        csv.setAvailable(true);
        assertThat(csv.find("dev")).isEmpty();
    }

    /**
     * A change the fallback missed leaves it holding ports the primary gives away again; the copy of the environment
     * given them is refused by the fallback, whose copy of the changed record is then brought in step.
     */
    @Test
    void aMirrorThatMissedAChangeIsBroughtInStepWhenTheFreedPortsAreGivenAway() {
        FallbackStore store = new FallbackStore(pg, csv, true);
        Environment moved = store.create(EnvironmentSpec.of("moved", "k3d"), allocator);
        Environment kept = store.create(EnvironmentSpec.of("kept", "k3d"), allocator);
        csv.setAvailable(false);
        Environment movedNow = store.update(moved.withPorts(new HostPorts(18500, 18600, 19500, 26500)),
                moved.version());
        csv.setAvailable(true);

        Environment next = store.create(EnvironmentSpec.of("next", "k3d").withPorts(moved.ports()), allocator);

        assertThat(csv.list(EnvironmentFilter.ALL)).extracting(Environment::name)
                .containsExactlyInAnyOrder("kept", "moved", "next");
        assertThat(csv.get("next").ports()).isEqualTo(next.ports());
        assertThat(csv.get("moved").ports()).isEqualTo(movedNow.ports());
        assertThat(csv.get("kept")).isEqualTo(kept);
    }

    /**
     * Two changes the fallback missed, one after the other: b moved off its ports, then a took them. Bringing a's copy
     * in step first is refused while b's copy still holds them; once b's is brought in step, a's is.
     */
    @Test
    void copiesThatMissedChangesAreBroughtInStepWhateverTheOrderOfTheirNames() {
        FallbackStore store = new FallbackStore(pg, csv, true);
        Environment a = store.create(EnvironmentSpec.of("a", "k3d"), allocator);
        Environment b = store.create(EnvironmentSpec.of("b", "k3d"), allocator);
        csv.setAvailable(false);
        Environment bNow = store.update(b.withPorts(new HostPorts(18500, 18600, 19500, 26500)), b.version());
        Environment aNow = store.update(a.withPorts(b.ports()), a.version());
        csv.setAvailable(true);

        Environment next = store.create(EnvironmentSpec.of("next", "k3d").withPorts(a.ports()), allocator);

        assertThat(csv.get("next").ports()).isEqualTo(next.ports());
        assertThat(csv.get("a").ports()).isEqualTo(aNow.ports());
        assertThat(csv.get("b").ports()).isEqualTo(bNow.ports());
    }

    /**
     * A record the primary does not hold may be kept outside it on purpose (the Kindler scripts' management cluster,
     * which a migration skips): it is never removed from the fallback, so the copy it blocks stays out (a warning).
     */
    @Test
    void aFallbackRecordThePrimaryLacksIsNeverRemovedToMakeRoom() {
        FallbackStore store = new FallbackStore(pg, csv, true);
        Environment devops = csv.create(EnvironmentSpec.of("devops", "k3d"), allocator);

        Environment next = store.create(EnvironmentSpec.of("next", "k3d").withPorts(devops.ports()), allocator);

        assertThat(pg.get("next").ports()).isEqualTo(next.ports());
        assertThat(csv.list(EnvironmentFilter.ALL)).containsExactly(devops);
        assertThat(store.blockers(next)).isEqualTo(" (the fallback's devops, which the primary does not hold, holds "
                + "what the primary gave it; remove that record from the fallback if it is stale)");
        assertThat(store.blockers(pg.create(EnvironmentSpec.of("other", "k3d"), allocator))).isEmpty();
    }

    /**
     * A batch ({@code migrate}'s inserts, {@code apply}'s in-place updates) is copied to the fallback with one batch
     * write of its own: a CSV fallback is rewritten once, not once per record.
     */
    @Test
    void inMirrorModeABatchIsOneWriteOfTheFallback() {
        CountingWrites mirrored = new CountingWrites(csv);
        FallbackStore store = new FallbackStore(pg, mirrored, true);

        List<Environment> inserted = store.insertAll(resolved(20));
        List<Environment> updated = store.updateAll(inserted.stream()
                .map(e -> e.withLabels(Map.of("team", "b"))).toList());

        assertThat(mirrored.writes).isEqualTo(2);
        assertThat(csv.list(EnvironmentFilter.ALL)).hasSize(20).allSatisfy(c -> {
            Environment stored = pg.get(c.name());
            assertThat(c.labels()).isEqualTo(stored.labels()).containsEntry("team", "b");
            assertThat(c.ports()).isEqualTo(stored.ports());
            assertThat(c.subnet()).isEqualTo(stored.subnet());
        });
        assertThat(updated).containsExactlyInAnyOrderElementsOf(pg.list(EnvironmentFilter.ALL));
    }

    /**
     * A label only the fallback's copy has (the Kindler scripts' file's flags, which their table has no column for) is
     * kept when the primary's record is written over the copy, singly and in a batch; envctl's own labels are the
     * primary's.
     */
    @Test
    void inMirrorModeALabelOnlyTheFallbacksCopyHasIsKept() {
        Environment dev = pg.create(EnvironmentSpec.of("dev", "k3d"), allocator);
        csv.insert(dev.withLabels(Map.of("register_portainer", "false", "envctl.keep-record", "true")));
        FallbackStore store = new FallbackStore(pg, csv, true);

        Environment stopped = store.update(dev.withDesiredState(DesiredState.STOPPED), dev.version());
        assertThat(csv.get("dev").labels()).containsEntry("register_portainer", "false")
                .doesNotContainKey("envctl.keep-record");
        assertThat(csv.get("dev").desiredState()).isEqualTo(DesiredState.STOPPED);

        store.updateAll(List.of(stopped.withLabels(Map.of("team", "a"))));
        assertThat(csv.get("dev").labels()).isEqualTo(Map.of("register_portainer", "false", "team", "a"));
        assertThat(pg.get("dev").labels()).isEqualTo(Map.of("team", "a"));
    }

    /** The records a batch stored on the primary before it stopped reach the fallback; the others do not. */
    @Test
    void aBatchThePrimaryStopsPartWayIsMirroredUpToWhereItStopped() {
        CountingWrites mirrored = new CountingWrites(csv);
        FallbackStore store = new FallbackStore(pg, mirrored, true);
        List<Environment> read = store.insertAll(resolved(5));
        pg.update(read.get(2).withDesiredState(DesiredState.ABSENT), read.get(2).version());

        assertThatThrownBy(() -> store.updateAll(read.stream().map(e -> e.withLabels(Map.of("team", "b"))).toList()))
                .isInstanceOfSatisfying(BatchWriteException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VERSION_CONFLICT);
                    assertThat(e.stored()).extracting(Environment::name).containsExactly("e0", "e1");
                });

        assertThat(mirrored.writes).isEqualTo(2);
        assertThat(csv.list(EnvironmentFilter.ALL)).extracting(c -> c.labels().get("team"))
                .containsExactly("b", "b", null, null, null);
    }

    /**
     * A record of a batch the fallback refuses is copied as a single write's is: a copy that missed a change is
     * brought in step first, and one a record the primary lacks blocks stays out with a warning, while the records
     * after it are still copied.
     */
    @Test
    void aRecordOfABatchTheFallbackRefusesIsCopiedAsASingleWritesIs() {
        FallbackStore store = new FallbackStore(pg, csv, true);
        Environment moved = store.create(EnvironmentSpec.of("moved", "k3d"), allocator);
        Environment devops = csv.create(EnvironmentSpec.of("devops", "k3d"), allocator);
        csv.setAvailable(false);
        Environment movedNow = store.update(moved.withPorts(new HostPorts(18500, 18600, 19500, 26500)),
                moved.version());
        csv.setAvailable(true);
        InMemoryEnvironmentStore source = new InMemoryEnvironmentStore();
        List<Environment> batch = List.of(
                source.create(EnvironmentSpec.of("a", "k3d").withPorts(moved.ports()), allocator),
                source.create(EnvironmentSpec.of("b", "k3d").withPorts(devops.ports()), allocator),
                source.create(EnvironmentSpec.of("c", "k3d").withPorts(new HostPorts(18700, 18800, 19700, 26700)),
                        allocator));

        store.insertAll(batch);

        assertThat(pg.list(EnvironmentFilter.ALL)).extracting(Environment::name)
                .containsExactly("a", "b", "c", "moved");
        assertThat(csv.list(EnvironmentFilter.ALL)).extracting(Environment::name)
                .containsExactly("a", "c", "devops", "moved");
        assertThat(csv.get("a").ports()).isEqualTo(moved.ports());
        assertThat(csv.get("moved").ports()).isEqualTo(movedNow.ports());
    }

    /**
     * A primary that breaks off a batch with an error other than {@link BatchWriteException} (a store's or a plugin's
     * bug: the SPI's default batch passes it on as it is, the records before it stored) does not say which records it
     * stored: its error is thrown as it is, and a WARN names the batch's records, which the fallback may lack.
     */
    @Test
    void aBatchThePrimaryBreaksOffWithoutSayingWhatItStoredNamesTheRecordsTheFallbackMayLack() {
        IllegalStateException bug = new IllegalStateException("a plugin's bug");
        EnvironmentStore buggy = new DelegatingStore(pg) {
            @Override
            public Environment update(Environment next, long expectedVersion) {
                if (next.name().equals("e2")) {
                    throw bug;
                }
                return super.update(next, expectedVersion);
            }
        };
        FallbackStore store = new FallbackStore(buggy, csv, true);
        List<Environment> read = store.insertAll(resolved(4));

        String stderr = Stderr.of(() -> assertThatThrownBy(() -> store.updateAll(read.stream()
                .map(e -> e.withLabels(Map.of("team", "b"))).toList())).isSameAs(bug));

        assertThat(pg.list(EnvironmentFilter.ALL)).extracting(e -> e.labels().get("team"))
                .containsExactly("b", "b", null, null);
        assertThat(stderr.lines().filter(l -> l.contains("WARN"))).as(stderr).singleElement().asString()
                .contains("e0, e1, e2, e3", csv.location()).doesNotContain("a plugin's bug");
    }

    /**
     * A fallback that breaks off its copy of a batch with an error other than a refusal (a bug of its own) is one WARN
     * naming every record whose copy it may lack, as for a fallback that cannot be written; the primary's result
     * stands.
     */
    @Test
    void aBatchWhoseFallbackBreaksOffItsCopyNamesTheRecordsItMayLack() {
        EnvironmentStore buggy = new DelegatingStore(csv) {
            @Override
            public Environment update(Environment next, long expectedVersion) {
                if (next.name().equals("e1")) {
                    throw new IllegalStateException("a plugin's bug");
                }
                return super.update(next, expectedVersion);
            }
        };
        FallbackStore store = new FallbackStore(pg, buggy, true);
        List<Environment> read = store.insertAll(resolved(3));
        AtomicReference<List<Environment>> stored = new AtomicReference<>();

        String stderr = Stderr.of(() -> stored.set(store.updateAll(read.stream()
                .map(e -> e.withLabels(Map.of("team", "b"))).toList())));

        assertThat(stored.get()).isEqualTo(pg.list(EnvironmentFilter.ALL)).allSatisfy(e ->
                assertThat(e.labels()).containsEntry("team", "b"));
        assertThat(stderr.lines().filter(l -> l.contains("WARN"))).as(stderr).singleElement().asString()
                .contains("could not mirror e0, e1, e2 to the fallback", "a plugin's bug");
    }

    @Test
    void aBatchWhoseMirrorFailsIsOnlyAWarningAndThePrimarysResultStands() {
        FallbackStore store = new FallbackStore(pg, csv, true);
        csv.setAvailable(false);

        List<Environment> inserted = store.insertAll(resolved(3));

        assertThat(pg.list(EnvironmentFilter.ALL)).isEqualTo(inserted);
        csv.setAvailable(true);
        assertThat(csv.list(EnvironmentFilter.ALL)).isEmpty();
    }


    /** {@code n} fully resolved records e0, e1, ..., each with its own ports and subnet. */
    private List<Environment> resolved(int n) {
        InMemoryEnvironmentStore source = new InMemoryEnvironmentStore();
        List<Environment> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(source.create(EnvironmentSpec.of("e" + i, "k3d"), allocator));
        }
        return records;
    }

    /** Counts the writes that reach a store: each record written, and each batch as one. */
    private static final class CountingWrites extends DelegatingStore {
        private final EnvironmentStore delegate;
        private int writes;

        CountingWrites(EnvironmentStore delegate) {
            super(delegate);
            this.delegate = delegate;
        }

        @Override
        public Environment insert(Environment environment) {
            writes++;
            return super.insert(environment);
        }

        @Override
        public Environment update(Environment next, long expectedVersion) {
            writes++;
            return super.update(next, expectedVersion);
        }

        @Override
        public List<Environment> insertAll(List<Environment> environments) {
            writes++;
            return delegate.insertAll(environments);
        }

        @Override
        public List<Environment> updateAll(List<Environment> environments) {
            writes++;
            return delegate.updateAll(environments);
        }
    }

    @Test
    void withoutMirrorTheFallbackIsNeverWritten() {
        FallbackStore store = new FallbackStore(pg, csv, false);
        store.create(EnvironmentSpec.of("dev", "k3d"), allocator);
        assertThat(csv.list(EnvironmentFilter.ALL)).isEmpty();
        assertThat(store.location()).isEqualTo("memory: (fallback memory:)");
    }

    @Test
    void otherPrimaryErrorsAreNotHiddenByTheFallback() {
        FallbackStore store = new FallbackStore(pg, csv, false);
        assertThatThrownBy(() -> store.get("ghost"))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(store.lastReadWasStale()).isFalse();
    }

    @Test
    void aPrimaryThatRefusesItsSettingsIsNotHiddenByTheFallback() {
        csv.create(EnvironmentSpec.of("old", "k3d"), allocator);
        FallbackStore store = new FallbackStore(pg, csv, false);
        pg.setUnavailable(Remedy.FIX_STORE_SETTINGS);

        assertThatThrownBy(() -> store.list(EnvironmentFilter.ALL))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                    assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
                });
        assertThatThrownBy(() -> store.find("old")).isInstanceOf(EnvctlException.class);
        assertThatThrownBy(store::hosts).isInstanceOf(EnvctlException.class);
        assertThat(store.lastReadWasStale()).isFalse();
        assertThat(store.health().available()).isFalse();
        assertThat(store.health().remedy()).isEqualTo(Remedy.FIX_STORE_SETTINGS);
        // no read is served from the fallback then: the health must not say so
        assertThat(store.health().detail()).doesNotContain("reads served from the fallback");
    }
}
