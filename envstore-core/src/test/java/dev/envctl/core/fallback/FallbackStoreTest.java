package dev.envctl.core.fallback;

import dev.envctl.core.ActualState;
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
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.spi.StoreHealth;
import dev.envctl.core.testing.DelegatingStore;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import dev.envctl.core.testing.ScriptedClusterProvider;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

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
