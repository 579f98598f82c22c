package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.ScriptedClusterProvider;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replacement by the same provider keeps the record's options the request leaves out, so the provider must still
 * take them: one it refuses is invalid input before anything changes, never a deleted cluster and a new one that
 * cannot be made. A change of provider keeps none of them: the new provider may read an option of the same name
 * otherwise (k3d's image or binary for kind).
 */
class ApplyProviderChangeTest {
    private static final Instant T = Instant.parse("2026-11-26T08:00:00Z");
    private final Fixture f = new Fixture();
    private final ScriptedClusterProvider kind = new ScriptedClusterProvider("kind");
    private final LifecycleEngine engine = new LifecycleEngine(f.store, f.allocator,
            Map.<String, ClusterProvider>of("k3d", f.k3d, "kind", kind), List.of(f.hook), EngineOptions.defaults());
    private final List<Map<String, String>> madeWith = new CopyOnWriteArrayList<>();

    ApplyProviderChangeTest() {
        kind.duringCreate(e -> madeWith.add(e.options()));
    }

    @Test
    void aProviderChangeMakesTheNewClusterWithOnlyTheOptionsTheRequestGives() {
        // "refused" stands for k3d's k3s-args, which kind does not know; image and servers kind reads too
        f.store.insert(new Environment("dev", "k3d", null, new HostPorts(18080, 18400, 19000, 26443), 30080,
                Map.of(), Map.of("refused", "1", "image", "rancher/k3s:v1.31.5-k3s1", "servers", "3"),
                DesiredState.PRESENT, ActualState.RUNNING, null, T, T, 1));
        f.k3d.putCluster("dev", true);
        List<EnvironmentSpec> toKind = List.of(EnvironmentSpec.of("dev", "kind").withOptions(Map.of("servers", "1")));

        assertThat(engine.plan(toKind, false).toUpdate()).singleElement()
                .satisfies(u -> assertThat(u.describe(false)).isEqualTo("provider k3d -> kind, option image: "
                        + "rancher/k3s:v1.31.5-k3s1 -> (none), option refused: 1 -> (none), option servers: 3 -> 1"));
        ReconcileReport r = engine.apply(toKind, false, true, ProgressListener.NONE);

        assertThat(r.outcomes()).singleElement().satisfies(o -> assertThat(o.action()).isEqualTo(Action.REPLACED));
        assertThat(f.k3d.has("dev")).as("the old cluster is deleted").isFalse();
        assertThat(madeWith).containsExactly(Map.of("servers", "1"));
        assertThat(f.store.get("dev").provider()).isEqualTo("kind");
        assertThat(f.store.get("dev").options()).isEqualTo(Map.of("servers", "1"));
    }

    @Test
    void aKeptOptionTheSameProviderRefusesIsInvalidInputAndTheOldClusterStays() {
        // an option the provider takes no more (a record written by hand, a plugin that changed)
        f.store.insert(new Environment("dev", "k3d", null, new HostPorts(18080, 18400, 19000, 26443), 30080,
                Map.of(), Map.of("refused", "1"), DesiredState.PRESENT, ActualState.RUNNING, null, T, T, 1));
        f.k3d.putCluster("dev", true);
        List<Environment> before = f.store.list(EnvironmentFilter.ALL);
        List<EnvironmentSpec> newPort = List.of(EnvironmentSpec.of("dev", "k3d")
                .withPorts(new HostPorts(18090, null, null, null)));

        assertThatThrownBy(() -> engine.plan(newPort, false)).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageStartingWith("environment 'dev': environment dev has option(s) [refused] that k3d does "
                        + "not know (the options the request leaves out are kept from the record");
        assertThatThrownBy(() -> engine.apply(newPort, false, true, ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));

        assertThat(f.k3d.has("dev")).as("the old cluster is not deleted").isTrue();
        assertThat(f.k3d.count("create dev")).isZero();
        assertThat(f.store.list(EnvironmentFilter.ALL)).isEqualTo(before);
    }

    @Test
    void aKeptRecordMadeAgainByAnotherProviderKeepsNoneOfItsOptions() {
        // delete --keep-record left it: no cluster, desired absent
        f.store.insert(new Environment("dev", "k3d", null, new HostPorts(18080, 18400, 19000, 26443), 30080,
                Map.of(LifecycleEngine.KEEP_RECORD_LABEL, "true"), Map.of("refused", "1", "image", "rancher/k3s"),
                DesiredState.ABSENT, ActualState.UNKNOWN, null, T, T, 1));

        engine.apply(List.of(EnvironmentSpec.of("dev", "kind")), false, false, ProgressListener.NONE);

        assertThat(madeWith).containsExactly(Map.of());
        assertThat(f.store.get("dev").provider()).isEqualTo("kind");
        assertThat(f.store.get("dev").options()).isEmpty();
        assertThat(f.store.get("dev").desiredState()).isEqualTo(DesiredState.PRESENT);
    }

    @Test
    void aKeptRecordsOptionTheSameProviderRefusesIsInvalidInputAndTheRecordStaysKept() {
        f.store.insert(new Environment("dev", "k3d", null, new HostPorts(18080, 18400, 19000, 26443), 30080,
                Map.of(LifecycleEngine.KEEP_RECORD_LABEL, "true"), Map.of("refused", "1"), DesiredState.ABSENT,
                ActualState.UNKNOWN, null, T, T, 1));
        List<Environment> before = f.store.list(EnvironmentFilter.ALL);
        List<EnvironmentSpec> again = List.of(EnvironmentSpec.of("dev", "k3d")
                .withPorts(new HostPorts(18090, null, null, null)));

        assertThatThrownBy(() -> engine.plan(again, false)).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageStartingWith("environment 'dev': environment dev has option(s) [refused] that k3d does "
                        + "not know");
        assertThatThrownBy(() -> engine.apply(again, false, false, ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));

        assertThat(f.k3d.count("create dev")).isZero();
        assertThat(f.store.list(EnvironmentFilter.ALL)).isEqualTo(before);
    }
}
