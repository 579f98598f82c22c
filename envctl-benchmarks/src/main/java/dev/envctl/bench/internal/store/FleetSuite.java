package dev.envctl.bench.internal.store;

import dev.envctl.bench.internal.harness.Context;
import dev.envctl.bench.internal.harness.Figure;
import dev.envctl.bench.internal.harness.Parallel;
import dev.envctl.bench.internal.harness.Results;
import dev.envctl.bench.internal.harness.Stats;
import dev.envctl.bench.internal.harness.Suite;
import dev.envctl.bench.internal.harness.Target;
import dev.envctl.bench.internal.harness.WidePools;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.Host;
import dev.envctl.core.HostRequest;
import dev.envctl.core.Invariants;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.EnvironmentStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Several Docker hosts in one PostgreSQL store: 8 threads creating (auto ports and a /24) with automatic
 * placement over 8 hosts, against the same 8 threads creating on the one host {@code local}, rounds taken in
 * turn. Afterwards: no port twice on a host, and how evenly placement spread the creates.
 */
public final class FleetSuite implements Suite {
    private static final String GROUP = "Several Docker hosts (PostgreSQL store, library, embedded PostgreSQL 17)";
    private static final int THREADS = 8;
    private static final int HOSTS = 8;

    @Override
    public String id() {
        return "fleet";
    }

    @Override
    public void run(Context context) throws Exception {
        String db = context.pg().createDatabase("bench_fleet");
        JdbcTarget target = new JdbcTarget(context.pg(), db, "envctl");
        target.reset(0);
        Allocator allocator = new Allocator(WidePools.policy());
        int rounds = context.options().pick(3, 7);
        int each = context.options().pick(25, 100);
        List<Double> single = new ArrayList<>();
        List<Double> fleet = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        int violations = 0;
        int spread = 0;
        round(target, allocator, HostRequest.LOCAL, 5, "warm");
        for (int r = 0; r < rounds; r++) {
            double one = round(target, allocator, HostRequest.LOCAL, each, "s" + r);
            Outcome many = roundOnHosts(target, allocator, each, "f" + r);
            single.add(one);
            fleet.add(many.msPerCreate);
            ratios.add(many.msPerCreate / one);
            violations += many.violations;
            spread = Math.max(spread, many.spread);
            context.progress("fleet: round %d: %.3f ms/create on one host, %.3f on %d hosts", r, one,
                    many.msPerCreate, HOSTS);
        }
        Results results = context.results();
        String shape = THREADS + " threads x " + each + " creates";
        Figure base = results.add(Figure.plain("fleet.create.1host", GROUP, "time per create, " + shape
                + ", all on host local", Stats.median(single), "ms/create"));
        results.add(Figure.paired("fleet.create.8hosts", GROUP, "time per create, " + shape + ", placed "
                + "automatically over " + HOSTS + " hosts (vs one host)", Stats.median(fleet), "ms/create", base,
                Stats.median(ratios)));
        results.add(Figure.plain("fleet.violations", GROUP, "invariant violations (a port twice on a host, "
                + "overlapping subnets) after the " + HOSTS + "-host rounds", violations, "violations")
                .withTarget(Target.atMost(0)));
        results.add(Figure.plain("fleet.spread", GROUP, "most environments on a host less fewest on a host, per "
                + "round", spread, "environments").withTarget(Target.atMost(1)));
    }

    private record Outcome(double msPerCreate, int violations, int spread) {
    }

    /** Milliseconds per create of {@code THREADS} threads making {@code each} creates on {@code host}. */
    private static double round(JdbcTarget target, Allocator allocator, HostRequest host, int each, String tag)
            throws Exception {
        target.reset(0);
        try (EnvironmentStore store = target.open()) {
            return timed(store, allocator, host, each, tag);
        }
    }

    private static Outcome roundOnHosts(JdbcTarget target, Allocator allocator, int each, String tag)
            throws Exception {
        target.reset(0);
        try (EnvironmentStore store = target.open()) {
            for (int h = 1; h < HOSTS; h++) {
                String name = "bench-" + h;
                if (store.findHost(name).isEmpty()) {
                    store.addHost(new Host(name, "tcp://192.0.2." + h + ":2376", "192.0.2." + h, Map.of(), null));
                }
            }
            double ms = timed(store, allocator, HostRequest.AUTO, each, tag);
            List<Environment> all = store.list(EnvironmentFilter.ALL);
            Map<String, Integer> perHost = new TreeMap<>();
            all.forEach(e -> perHost.merge(e.host(), 1, Integer::sum));
            int spread = perHost.size() < HOSTS ? Integer.MAX_VALUE
                    : perHost.values().stream().mapToInt(Integer::intValue).max().orElse(0)
                    - perHost.values().stream().mapToInt(Integer::intValue).min().orElse(0);
            int violations = Invariants.violations(all).size() + (all.size() == THREADS * (each + 1) ? 0 : 1);
            return new Outcome(ms, violations, spread);
        }
    }

    /** One unmeasured create per thread (connections warm), then the timed creates; ms per create. */
    private static double timed(EnvironmentStore store, Allocator allocator, HostRequest host, int each, String tag)
            throws Exception {
        Parallel.seconds(THREADS, (t, start) -> {
            start.await();
            store.create(spec(tag + "w" + t, host), allocator);
        });
        double seconds = Parallel.seconds(THREADS, (t, start) -> {
            start.await();
            for (int i = 0; i < each; i++) {
                store.create(spec(tag + "t" + t + "-" + i, host), allocator);
            }
        });
        return seconds * 1000 / (THREADS * each);
    }

    private static EnvironmentSpec spec(String name, HostRequest host) {
        return EnvironmentSpec.of(name, "k3d").withSubnet(SubnetRequest.AUTO).withHost(host);
    }
}
