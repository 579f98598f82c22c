package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.HostPorts;
import dev.envctl.core.PortRole;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.HeldSnapshot;
import dev.envctl.core.alloc.PortRange;
import dev.envctl.core.lifecycle.internal.MissingPorts;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.StoreInvariants;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rows of the Kindler scripts record no api port (their 6-column CSV rows no http or https either); when such a
 * record's cluster must be made, the missing ports are allocated like any auto port and recorded first.
 */
class MissingPortsTest {
    private static final Instant T = Instant.parse("2026-11-26T08:00:00Z");
    private final Fixture f = new Fixture();

    private Environment legacy(String name, HostPorts ports, ActualState actual) {
        return f.store.insert(new Environment(name, "k3d", null, ports, 30080, Map.of(), Map.of(),
                DesiredState.PRESENT, actual, null, T, T, 1));
    }

    @Test
    void aRecordWithoutAnApiPortGetsTheLowestFreeOneBeforeItsClusterIsMade() {
        f.leave("holder", 0, DesiredState.PRESENT, ActualState.RUNNING);
        f.k3d.putCluster("holder", true);
        f.store.insert(new Environment("other", "k3d", null, new HostPorts(18300, 18700, 19300, 26443), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.RUNNING, null, T, T, 1));
        f.k3d.putCluster("other", true);
        legacy("dev", new HostPorts(18090, 18443, 19001, null), ActualState.UNKNOWN);

        ReconcileReport report = f.engine().reconcile(List.of("dev"), ProgressListener.NONE);

        assertThat(report.outcomes()).extracting(Outcome::action).containsExactly(Action.CREATED);
        Environment dev = f.store.get("dev");
        assertThat(dev.ports()).isEqualTo(new HostPorts(18090, 18443, 19001, 26444));
        assertThat(dev.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.k3d.has("dev")).isTrue();
        StoreInvariants.assertHold(f.store.list(EnvironmentFilter.ALL));
    }

    @Test
    void aSixColumnRowWithoutHttpAndHttpsGetsThemToo() {
        legacy("old", new HostPorts(null, null, 19001, null), ActualState.RUNNING);

        f.engine().reconcile(List.of("old"), ProgressListener.NONE);

        assertThat(f.store.get("old").ports()).isEqualTo(new HostPorts(18080, 18400, 19001, 26443));
        assertThat(f.store.get("old").actualState()).isEqualTo(ActualState.RUNNING);
    }

    @Test
    void aRecordWhoseClusterRunsKeepsItsMissingPortUnrecorded() {
        legacy("dev", new HostPorts(18090, 18443, 19001, null), ActualState.UNKNOWN);
        f.k3d.putCluster("dev", true);

        f.engine().reconcile(List.of("dev"), ProgressListener.NONE);

        assertThat(f.store.get("dev").ports().api()).isNull();
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.RUNNING);
    }

    @Test
    void anExhaustedPoolMarksTheRecordFailedAndMakesNothing() {
        Map<PortRole, PortRange> pools = new EnumMap<>(AllocationPolicy.defaults().portPools());
        pools.put(PortRole.API, new PortRange(26443, 26443));
        Allocator tight = new Allocator(new AllocationPolicy(pools, Cidr.parse("10.100.0.0/14"), 24));
        f.store.insert(new Environment("other", "k3d", null, new HostPorts(18300, 18700, 19300, 26443), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.RUNNING, null, T, T, 1));
        f.k3d.putCluster("other", true);
        legacy("dev", new HostPorts(18090, 18443, 19001, null), ActualState.UNKNOWN);
        LifecycleEngine engine = new LifecycleEngine(f.store, tight, Map.<String, ClusterProvider>of("k3d", f.k3d),
                List.of(), EngineOptions.defaults());

        ReconcileReport report = engine.reconcile(List.of("dev"), ProgressListener.NONE);

        assertThat(report.outcomes()).extracting(Outcome::action).containsExactly(Action.FAILED);
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.FAILED);
        assertThat(f.store.get("dev").lastError()).contains("could not record the host ports it lacks")
                .contains("no free api port");
        assertThat(f.k3d.has("dev")).isFalse();
    }

    @Test
    void aRowSharingAPortWithAnotherAsTheScriptsLeftItStillGetsItsMissingPorts() {
        Environment a = new Environment("a", "kind", null, new HostPorts(18090, 18443, 19001, null), 30080, Map.of(),
                Map.of(), DesiredState.PRESENT, ActualState.UNKNOWN, null, T, T, 1);
        Environment b = new Environment("b", "kind", null, new HostPorts(18090, 18444, 19002, 26443), 30081,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.UNKNOWN, null, T, T, 1);

        Environment filled = MissingPorts.filled(a, new Allocator(AllocationPolicy.defaults()),
                HeldSnapshot.of(List.of(b)));

        assertThat(filled.ports()).isEqualTo(new HostPorts(18090, 18443, 19001, 26444));
    }
}
