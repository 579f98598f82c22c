package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.AutoPorts;
import dev.envctl.core.Cidr;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.PortRole;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.PortRange;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.DelegatingStore;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A port another program takes between allocation and the tool's bind: when the tool reports it taken, an
 * allocated port is replaced by the next free one and the create retried once; a port the user gave is not.
 */
class TakenPortRetryTest {
    private final Fixture f = new Fixture();

    @Test
    void anAllocatedPortTheToolFindsTakenIsReplacedAndTheCreateRetriedOnce() {
        f.k3d.failNextCreate("Error response from daemon: driver failed programming external connectivity on "
                + "endpoint k3d-dev-serverlb: Bind for 0.0.0.0:18080 failed: port is already allocated");

        java.util.List<String> steps = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProgressListener progress = new ProgressListener() {
            @Override
            public void step(String environment, String message) {
                steps.add(message);
            }
        };

        Environment dev = f.engine().create(EnvironmentSpec.of("dev", "k3d"), progress);

        assertThat(dev.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(dev.ports()).isEqualTo(new HostPorts(18081, 18400, 19000, 26443));
        // the user sees why a second create runs
        assertThat(steps).contains("http port 18080 was taken on the host meanwhile; creating again once with 18081");
        assertThat(f.k3d.count("create dev")).isEqualTo(2);
        assertThat(f.k3d.has("dev")).isTrue();
    }

    @Test
    void aPortTheUserGaveStaysAndTheCreateFails() {
        f.k3d.failNextCreate("listen tcp4 0.0.0.0:18080: bind: address already in use");

        Environment dev = f.engine().create(EnvironmentSpec.of("dev", "k3d").withPorts(new HostPorts(18080, null,
                null, null)), ProgressListener.NONE);

        assertThat(dev.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(dev.ports().http()).isEqualTo(18080);
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
    }

    /** A new environment's given port: nothing about old records or replacements, which do not apply to it. */
    @Test
    void aGivenPortTakenSaysItWasGivenWhenTheRecordMarksTheOthersAsAllocated() {
        f.k3d.failNextCreate("listen tcp4 0.0.0.0:18080: bind: address already in use");

        Environment dev = f.engine().create(EnvironmentSpec.of("dev", "k3d").withPorts(new HostPorts(18080, null,
                null, null)), ProgressListener.NONE);

        assertThat(dev.labels()).containsKey(AutoPorts.LABEL);
        assertThat(dev.lastError()).endsWith("; envctl keeps http port 18080, as it was given: free it on the host "
                + "and try again, or give the environment another http port");
    }

    /** Without the mark nothing tells a given port from one recorded before envctl marked its own. */
    @Test
    void aTakenPortOfARecordWithoutTheMarkSaysWhyItCannotTell() {
        f.k3d.failNextCreate("listen tcp4 0.0.0.0:18080: bind: address already in use");

        Environment dev = f.engine().create(EnvironmentSpec.of("dev", "k3d").withPorts(new HostPorts(18080, 18443,
                19000, 26443)), ProgressListener.NONE);

        assertThat(dev.labels()).doesNotContainKey(AutoPorts.LABEL);
        assertThat(dev.lastError()).endsWith("; envctl keeps http port 18080, as its record marks no port as "
                + "allocated by envctl (every port given, or recorded before envctl marked them): free it on the host "
                + "and try again, or give the environment another http port");
    }

    @Test
    void onlyOnceWhenTheNextPortIsTakenToo() {
        f.k3d.failNextCreate("Bind for 0.0.0.0:18080 failed: port is already allocated");
        f.k3d.failNextCreate("Bind for 0.0.0.0:18081 failed: port is already allocated");

        Environment dev = f.engine().create(EnvironmentSpec.of("dev", "k3d"), ProgressListener.NONE);

        assertThat(dev.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(dev.ports().http()).isEqualTo(18081);
        assertThat(dev.lastError()).contains("18081");
        assertThat(f.k3d.count("create dev")).isEqualTo(2);
    }

    @Test
    void whenThePoolHasNoOtherPortTheToolsErrorIsTheOutcome() {
        java.util.Map<dev.envctl.core.PortRole, dev.envctl.core.alloc.PortRange> pools =
                new java.util.EnumMap<>(dev.envctl.core.alloc.AllocationPolicy.defaults().portPools());
        pools.put(dev.envctl.core.PortRole.HTTP, new dev.envctl.core.alloc.PortRange(18080, 18080));
        LifecycleEngine engine = new LifecycleEngine(f.store, new dev.envctl.core.alloc.Allocator(
                new dev.envctl.core.alloc.AllocationPolicy(pools, dev.envctl.core.Cidr.parse("10.100.0.0/14"), 24)),
                java.util.Map.<String, dev.envctl.core.spi.ClusterProvider>of("k3d", f.k3d), java.util.List.of(),
                EngineOptions.defaults());
        f.k3d.failNextCreate("Bind for 0.0.0.0:18080 failed: port is already allocated");

        Environment dev = engine.create(EnvironmentSpec.of("dev", "k3d"), ProgressListener.NONE);

        assertThat(dev.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(dev.ports().http()).isEqualTo(18080);
        assertThat(dev.lastError()).contains("Bind for 0.0.0.0:18080 failed: port is already allocated");
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
    }

    /** The failure is written once, as it ends: not the tool's error first, then the pool's over it. */
    @Test
    void aTakenPortWithNoOtherInItsPoolIsWrittenFailedOnce() {
        List<String> failedWrites = new CopyOnWriteArrayList<>();
        EnvironmentStore counting = new DelegatingStore(f.store) {
            @Override
            public Environment update(Environment next, long expectedVersion) {
                if (next.actualState() == ActualState.FAILED) {
                    failedWrites.add(next.lastError());
                }
                return super.update(next, expectedVersion);
            }
        };
        Map<PortRole, PortRange> pools = new EnumMap<>(AllocationPolicy.defaults().portPools());
        pools.put(PortRole.HTTP, new PortRange(18080, 18080));
        LifecycleEngine engine = new LifecycleEngine(counting, new Allocator(new AllocationPolicy(pools,
                Cidr.parse("10.100.0.0/14"), 24)), Map.<String, ClusterProvider>of("k3d", f.k3d), List.of(),
                EngineOptions.defaults());
        f.k3d.failNextCreate("Bind for 0.0.0.0:18080 failed: port is already allocated");

        Environment dev = engine.create(EnvironmentSpec.of("dev", "k3d"), ProgressListener.NONE);

        assertThat(dev.failure()).contains(ErrorCode.POOL_EXHAUSTED);
        assertThat(dev.lastError()).startsWith(Environment.POOL_FAILURE_PREFIX + "http port 18080, which envctl "
                + "allocated, was taken on the host and ").contains("port is already allocated");
        assertThat(failedWrites).containsExactly(dev.lastError());
    }
}
