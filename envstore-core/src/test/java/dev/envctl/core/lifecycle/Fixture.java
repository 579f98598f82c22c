package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.HostPorts;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import dev.envctl.core.testing.ScriptedClusterProvider;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An engine over the in-memory store with a scripted {@code k3d} provider and a recording hook. */
final class Fixture {
    final InMemoryEnvironmentStore store = new InMemoryEnvironmentStore();
    final ScriptedClusterProvider k3d = new ScriptedClusterProvider("k3d");
    final RecordingHook hook = new RecordingHook("recorder");
    final Allocator allocator = new Allocator(AllocationPolicy.defaults());

    LifecycleEngine engine() {
        return engine(EngineOptions.defaults());
    }

    LifecycleEngine engine(EngineOptions options) {
        return new LifecycleEngine(store, allocator, Map.<String, ClusterProvider>of("k3d", k3d), List.of(hook),
                options);
    }

    static EnvironmentSpec spec(String name) {
        return EnvironmentSpec.of(name, "k3d").withSubnet(SubnetRequest.AUTO)
                .withLabels(Map.of("haproxy_route", "true"));
    }

    /** Writes a record as a crashed process would have left it. */
    Environment leave(String name, int index, DesiredState desired, ActualState actual) {
        Instant t = Instant.parse("2026-11-26T08:00:00Z");
        return store.insert(new Environment(name, "k3d", Cidr.parse("10.101." + index + ".0/24"),
                new HostPorts(18100 + index, 18500 + index, 19100 + index, 26500 + index), 30080,
                Map.of("haproxy_route", "true"), Map.of(), desired, actual, null, t, t, 3));
    }
}
