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

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replacement keeps the record's options the request leaves out, so the new provider must take them: one it
 * refuses is invalid input before anything changes, never a deleted cluster and a new one that cannot be made.
 */
class ApplyProviderChangeTest {
    private final Fixture f = new Fixture();
    private final ScriptedClusterProvider kind = new ScriptedClusterProvider("kind");
    private final LifecycleEngine engine = new LifecycleEngine(f.store, f.allocator,
            Map.<String, ClusterProvider>of("k3d", f.k3d, "kind", kind), List.of(f.hook), EngineOptions.defaults());

    @Test
    void aKeptOptionTheNewProviderRefusesIsInvalidInputAndTheOldClusterStays() {
        Instant t = Instant.parse("2026-11-26T08:00:00Z");
        // an option only the old provider takes ("refused" stands for k3d's k3s-args, which kind does not know)
        f.store.insert(new Environment("dev", "k3d", null, new HostPorts(18080, 18400, 19000, 26443), 30080,
                Map.of(), Map.of("refused", "1"), DesiredState.PRESENT, ActualState.RUNNING, null, t, t, 1));
        f.k3d.putCluster("dev", true);
        List<Environment> before = f.store.list(EnvironmentFilter.ALL);
        List<EnvironmentSpec> toKind = List.of(EnvironmentSpec.of("dev", "kind"));

        assertThatThrownBy(() -> engine.plan(toKind, false)).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageStartingWith("environment 'dev': environment dev has option(s) [refused] that kind does "
                        + "not know");
        assertThatThrownBy(() -> engine.apply(toKind, false, true, ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));

        assertThat(f.k3d.has("dev")).as("the old cluster is not deleted").isTrue();
        assertThat(kind.count("create dev")).isZero();
        assertThat(f.store.list(EnvironmentFilter.ALL)).isEqualTo(before);
    }

    @Test
    void aKeptRecordsOptionTheNewProviderRefusesIsInvalidInputAndTheRecordStaysKept() {
        Instant t = Instant.parse("2026-11-26T08:00:00Z");
        // delete --keep-record left it: no cluster, desired absent
        f.store.insert(new Environment("dev", "k3d", null, new HostPorts(18080, 18400, 19000, 26443), 30080,
                Map.of(LifecycleEngine.KEEP_RECORD_LABEL, "true"), Map.of("refused", "1"), DesiredState.ABSENT,
                ActualState.UNKNOWN, null, t, t, 1));
        List<Environment> before = f.store.list(EnvironmentFilter.ALL);
        List<EnvironmentSpec> toKind = List.of(EnvironmentSpec.of("dev", "kind"));

        assertThatThrownBy(() -> engine.plan(toKind, false)).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageStartingWith("environment 'dev': environment dev has option(s) [refused] that kind does "
                        + "not know");
        assertThatThrownBy(() -> engine.apply(toKind, false, false, ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));

        assertThat(kind.count("create dev")).isZero();
        assertThat(f.store.list(EnvironmentFilter.ALL)).isEqualTo(before);
    }
}
