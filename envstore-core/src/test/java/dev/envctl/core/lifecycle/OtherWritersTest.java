package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.DelegatingStore;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Writers without envctl's lock (the Kindler scripts) changing a record while envctl converges it. */
class OtherWritersTest {
    private final Fixture f = new Fixture();
    private final LifecycleEngine engine = f.engine();

    @Test
    void portsAndSubnetAnUpsertWritesDuringACreateArePutBackToWhatTheClusterWasMadeWith() {
        AtomicReference<Environment> made = new AtomicReference<>();
        f.k3d.duringCreate(e -> {
            made.set(e);
            // db_insert_cluster's upsert: provider, subnet, node port and host ports; a label written as well
            Environment now = f.store.get("race");
            Map<String, String> labels = new HashMap<>(now.labels());
            labels.put("team", "web");
            f.store.update(new Environment(now.name(), now.provider(), Cidr.parse("10.200.0.0/24"),
                    new HostPorts(18555, 18556, 19500, now.ports().api()), now.nodePort(), labels, now.options(),
                    now.desiredState(), now.actualState(), now.lastError(), now.createdAt(), now.updatedAt(),
                    now.version(), now.host()), now.version());
        });

        Environment result = engine.create(Fixture.spec("race"), ProgressListener.NONE);

        assertThat(result.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(result.ports()).isEqualTo(made.get().ports());
        assertThat(result.subnet()).isEqualTo(made.get().subnet());
        assertThat(result.labels()).containsEntry("team", "web");
        f.k3d.duringCreate(e -> { });
        Environment next = engine.create(Fixture.spec("next"), ProgressListener.NONE);
        assertThat(next.ports().values()).doesNotContainAnyElementsOf(made.get().ports().values());
        assertThat(next.subnet()).isNotEqualTo(made.get().subnet());
    }

    @Test
    void portsTakenByAnotherEnvironmentBeforeTheyCanBeWrittenBackLeaveTheRecordFailedSayingSo() {
        AtomicReference<Environment> made = new AtomicReference<>();
        f.k3d.duringCreate(e -> {
            made.set(e);
            Environment now = f.store.get("race");
            f.store.update(now.withPorts(new HostPorts(18555, 18556, 19500, now.ports().api())), now.version());
            // a script's row for another name, given the http port the upsert freed
            f.store.insert(new Environment("thief", "k3d", Cidr.parse("10.201.0.0/24"),
                    new HostPorts(e.ports().http(), 18557, 19501, null), 30080, Map.of(), Map.of(),
                    DesiredState.PRESENT, ActualState.UNKNOWN, null, now.createdAt(), now.createdAt(), 1));
        });

        Environment result = engine.create(Fixture.spec("race"), ProgressListener.NONE);

        assertThat(result.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(result.lastError()).contains("another writer changed the record while its cluster was being "
                + "created (http port 18555 (made with " + made.get().ports().http() + ")",
                "cannot be recorded back", "delete this environment or the one holding those now");
        // a conflict with another writer, not a provider's failure (the CLI's exit 4, not 6)
        assertThat(result.failure()).contains(dev.envctl.core.ErrorCode.CONFLICT);
    }

    @Test
    void aRecordDeletedDuringItsCreateHasItsNewClusterRemovedAndTheCreateFailsWithAConflict() {
        f.k3d.duringCreate(e -> f.store.delete("race3"));

        assertThatThrownBy(() -> engine.create(Fixture.spec("race3"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).isEqualTo("environment 'race3' was deleted by another writer while "
                            + "its k3d cluster was being created; the cluster was removed again; create the "
                            + "environment again if it is still wanted");
                });
        assertThat(f.k3d.has("race3")).isFalse();
        assertThat(f.store.find("race3")).isEmpty();
    }

    @Test
    void aClusterThatCannotBeRemovedAfterItsRecordWasDeletedIsSaidToRemain() {
        f.k3d.duringCreate(e -> f.store.delete("race3"));
        f.k3d.failNextDelete("docker is gone");

        assertThatThrownBy(() -> engine.create(Fixture.spec("race3"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).contains("docker is gone", "remains",
                            "a reconcile lists it as unmanaged");
                });
        assertThat(f.k3d.has("race3")).isTrue();
    }

    @Test
    void aDeleteUndoneByAWriterOfAnOlderCopyAfterTheRecordWasRemovedFailsWithAConflict() {
        engine.create(Fixture.spec("gone"), ProgressListener.NONE);
        Environment snapshot = f.store.get("gone");
        // delete_env.sh rewriting the file from a copy it read before envctl removed the row
        DelegatingStore stale = new DelegatingStore(f.store) {
            @Override
            public void delete(String name, long expectedVersion) {
                super.delete(name, expectedVersion);
                f.store.insert(snapshot);
            }
        };
        LifecycleEngine over = new LifecycleEngine(stale, f.allocator, Map.<String, ClusterProvider>of("k3d", f.k3d),
                List.of(f.hook), EngineOptions.defaults());

        assertThatThrownBy(() -> over.delete("gone", false, ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).contains("the delete of environment 'gone' was undone by another "
                            + "writer", "desired present", "though its cluster was deleted",
                            "let it finish, look at the record, and delete it again");
                });
        assertThat(f.k3d.has("gone")).isFalse();
    }

    @Test
    void aDeleteUndoneByAWriterOfAnOlderCopyWhileTheClusterIsDeletedFailsWithAConflictAndCreatesNothing() {
        engine.create(Fixture.spec("gone"), ProgressListener.NONE);
        Environment snapshot = f.store.get("gone");
        f.k3d.duringDelete(e -> {
            f.store.delete("gone");
            f.store.insert(snapshot);
        });

        assertThatThrownBy(() -> engine.delete("gone", false, ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).contains("was undone by another writer", "desired present",
                            "version " + snapshot.version());
                });
        // the older copy says running, but it is no desired state for this delete to act on: no second create
        assertThat(f.k3d.count("create gone")).isEqualTo(1);
        assertThat(f.k3d.has("gone")).isFalse();
        assertThat(f.store.get("gone").desiredState()).isEqualTo(DesiredState.PRESENT);
    }

    @Test
    void aDeleteAnotherProcessCarriesOutIsReturnedPendingNotAConflict() {
        engine.create(Fixture.spec("held"), ProgressListener.NONE);

        try (var lock = f.store.tryLock("held").orElseThrow()) {
            assertThat(engine.delete("held", false, ProgressListener.NONE))
                    .hasValueSatisfying(e -> assertThat(e.desiredState()).isEqualTo(DesiredState.ABSENT));
        }
    }
}
