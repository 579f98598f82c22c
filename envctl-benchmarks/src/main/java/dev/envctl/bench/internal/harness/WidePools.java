package dev.envctl.bench.internal.harness;

import dev.envctl.core.Cidr;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.HostPorts;
import dev.envctl.core.PortRole;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.PortRange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Pools wide enough for 10,000 environments (12,000 ports per role, /24 blocks of 10.0.0.0/8), and seed
 * environments laid out exactly as lowest-free allocation from empty pools would lay them out: the i-th
 * holds the i-th port of each pool and the i-th /24 block.
 */
public final class WidePools {
    public static final int PER_ROLE = 12_000;

    private WidePools() {
    }

    public static AllocationPolicy policy() {
        Map<PortRole, PortRange> pools = new EnumMap<>(PortRole.class);
        pools.put(PortRole.HTTP, new PortRange(10_000, 10_000 + PER_ROLE - 1));
        pools.put(PortRole.HTTPS, new PortRange(22_000, 22_000 + PER_ROLE - 1));
        pools.put(PortRole.PF, new PortRange(34_000, 34_000 + PER_ROLE - 1));
        pools.put(PortRole.API, new PortRange(46_000, 46_000 + PER_ROLE - 1));
        return new AllocationPolicy(pools, Cidr.parse("10.0.0.0/8"), 24);
    }

    /** The {@code i}-th seed environment, named {@code prefix-i}, of the given provider. */
    public static Environment seed(String prefix, int i, String provider, Instant now) {
        AllocationPolicy p = policy();
        HostPorts ports = new HostPorts(p.pool(PortRole.HTTP).from() + i, p.pool(PortRole.HTTPS).from() + i,
                p.pool(PortRole.PF).from() + i, p.pool(PortRole.API).from() + i);
        Cidr subnet = new Cidr(p.subnetPool().first() + 256L * i, 24);
        EnvironmentSpec spec = EnvironmentSpec.of(prefix + "-" + i, provider)
                .withLabels(Map.of("team", "bench", "tier", i % 2 == 0 ? "dev" : "uat"));
        return Environment.created(spec, ports, subnet, now);
    }

    public static List<Environment> seeds(String prefix, int count, String provider) {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        List<Environment> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(seed(prefix, i, provider, now));
        }
        return out;
    }
}
