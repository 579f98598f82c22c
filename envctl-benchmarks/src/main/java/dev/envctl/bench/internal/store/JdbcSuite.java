package dev.envctl.bench.internal.store;

import dev.envctl.bench.internal.harness.Context;
import dev.envctl.bench.internal.harness.Figure;
import dev.envctl.bench.internal.harness.Results;
import dev.envctl.bench.internal.harness.Stats;
import dev.envctl.bench.internal.harness.Suite;
import dev.envctl.bench.internal.harness.Target;
import dev.envctl.bench.internal.harness.WidePools;
import dev.envctl.bench.internal.replaced.ReplacedSuite;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.EnvironmentStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Issue 4's figures: creates per second with auto-allocation from 1 and 8 threads at 100 and 10,000 existing
 * environments against a plain INSERT of the same shape; a pre-resolved insert (no allocation) to show what
 * a create spends where; 4 worker processes; and envctl's side of the replaced-system comparison.
 */
public final class JdbcSuite implements Suite {
    private static final String GROUP = "PostgreSQL store (library, embedded PostgreSQL 17)";

    @Override
    public String id() {
        return "jdbc";
    }

    @Override
    public void run(Context context) throws Exception {
        String db = context.pg().createDatabase("bench_jdbc");
        JdbcTarget target = new JdbcTarget(context.pg(), db, "envctl");
        target.reset(0);
        PlainInsert plain = new PlainInsert(target.dataSource(), target.schema());
        CreateBench bench = new CreateBench(context);
        Results results = context.results();
        int rounds = context.options().pick(3, 5);
        int single = context.options().pick(100, 400);
        int multi = context.options().pick(160, 800);
        bench.warmUp(target, 200);
        plain.rate(100, 1, 400, 1);

        for (int existing : new int[] {100, 10_000}) {
            // the same samples at both sizes: with a few creates per round (as when a create with a subnet
            // cost 0.57 s at 10,000), each connection's first create (10-30 ms) made most of the figure
            String at = String.format(java.util.Locale.ROOT, "%,d existing", existing);
            context.progress("jdbc: %s", at);
            // each figure and its baseline take their rounds in turn, so that a slow spell of the machine
            // (the plain INSERT alone varied 1.5x between runs) weighs on both alike
            double[] one = interleaved(rounds,
                    () -> plain.rate(existing, 1, single, 1),
                    () -> bench.threads(target, existing, 1, single, 1),
                    () -> bench.threads(target, existing, 1, single, 1, SubnetRequest.NONE),
                    () -> insertRate(target, existing, single, 1));
            Figure p1 = results.add(Figure.plain("jdbc.plain.1t.at" + existing, GROUP,
                    "plain single-row INSERT, 1 thread, " + at, one[0], "inserts/s"));
            results.add(Figure.against("jdbc.create.1t.at" + existing, GROUP,
                    "envctl create (auto ports + /24), 1 thread, " + at + " (vs plain)", one[1], "creates/s", p1)
                    .withTarget(Target.atLeast(1.0 / 3)));
            results.add(Figure.against("jdbc.createPorts.1t.at" + existing, GROUP,
                    "envctl create (auto ports, no subnet), 1 thread, " + at + " (vs plain)", one[2], "creates/s",
                    p1).withTarget(Target.atLeast(1.0 / 3)));
            results.add(Figure.against("jdbc.insert.1t.at" + existing, GROUP,
                    "envctl insert of a resolved record (no allocation), 1 thread, " + at + " (vs plain)",
                    one[3], "creates/s", p1));
            double[] eight = interleaved(rounds,
                    () -> plain.rate(existing, 8, multi, 1),
                    () -> bench.threads(target, existing, 8, multi, 1),
                    () -> bench.threads(target, existing, 8, multi, 1, SubnetRequest.NONE));
            Figure p8 = results.add(Figure.plain("jdbc.plain.8t.at" + existing, GROUP,
                    "plain single-row INSERT, 8 threads, " + at, eight[0], "inserts/s"));
            results.add(Figure.against("jdbc.create.8t.at" + existing, GROUP,
                    "envctl create (auto ports + /24), 8 threads, " + at + " (vs plain 8 threads)", eight[1],
                    "creates/s", p8));
            results.add(Figure.against("jdbc.createPorts.8t.at" + existing, GROUP,
                    "envctl create (auto ports, no subnet), 8 threads, " + at + " (vs plain 8 threads)", eight[2],
                    "creates/s", p8));
        }
        growth(results, "jdbc.create.1t", "auto ports + /24, 1 thread");
        growth(results, "jdbc.createPorts.1t", "auto ports, no subnet, 1 thread");
        growth(results, "jdbc.create.8t", "auto ports + /24, 8 threads");

        Figure procBase = results.find("jdbc.create.1t.at100").orElseThrow();
        double procs = bench.processes(target, 100, 4, context.options().pick(160, 400), rounds);
        results.add(Figure.against("jdbc.create.4p.at100", GROUP,
                "envctl create, 4 processes, 100 existing (vs 1 thread)", procs, "creates/s", procBase));

        replacedComparison(context, target, bench);
    }

    /** One round of a measure: a rate. */
    private interface Round {
        double rate() throws Exception;
    }

    /** The median rate of each measure over {@code rounds} passes, each pass one round of every measure in turn. */
    private static double[] interleaved(int rounds, Round... measures) throws Exception {
        List<List<Double>> rates = new ArrayList<>();
        for (Round ignored : measures) {
            rates.add(new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (int m = 0; m < measures.length; m++) {
                rates.get(m).add(measures[m].rate());
            }
        }
        double[] medians = new double[measures.length];
        for (int m = 0; m < measures.length; m++) {
            medians[m] = Stats.median(rates.get(m));
        }
        return medians;
    }

    /** Time per create at 10,000 over time per create at 100 (the inverse ratio of the rates). */
    static void growth(Results results, String prefix, String what) {
        var small = results.find(prefix + ".at100");
        var large = results.find(prefix + ".at10000");
        if (small.isPresent() && large.isPresent()) {
            double ms100 = 1000 / small.get().value();
            double ms10k = 1000 / large.get().value();
            Figure base = Figure.plain(prefix + ".ms.at100", GROUP, "time per create, " + what + ", 100 existing",
                    ms100, "ms/create");
            results.add(base);
            results.add(Figure.against(prefix + ".ms.at10000", GROUP, "time per create, " + what
                    + ", 10,000 existing (vs 100)", ms10k, "ms/create", base).withTarget(Target.atMost(1.5)));
        }
    }

    private static double insertRate(JdbcTarget target, int existing, int count, int rounds) throws Exception {
        List<Double> rates = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            target.reset(existing);
            try (EnvironmentStore store = target.open()) {
                Instant now = Instant.now();
                var rows = new ArrayList<dev.envctl.core.Environment>();
                for (int i = existing; i < existing + count; i++) {
                    rows.add(WidePools.seed("ins", i, "k3d", now));
                }
                long t0 = System.nanoTime();
                for (var e : rows) {
                    store.insert(e);
                }
                rates.add(count / ((System.nanoTime() - t0) / 1e9));
            }
        }
        return Stats.median(rates);
    }

    /** envctl's figures of the replaced system's two shapes, in that suite's group, against its figures. */
    private static void replacedComparison(Context context, JdbcTarget target, CreateBench bench) throws Exception {
        Results results = context.results();
        Allocator allocator = new Allocator(WidePools.policy());
        String group = ReplacedSuite.GROUP;
        target.reset(ReplacedSuite.HELD);
        List<Double> ms = new ArrayList<>();
        try (EnvironmentStore store = target.open()) {
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                store.create(EnvironmentSpec.of("probe", "k3d"), allocator);
                ms.add(Stats.millis(System.nanoTime() - t0));
                store.delete("probe");
            }
        }
        double one = Stats.median(ms);
        var legacyOne = results.find("replaced.create.1.at50");
        results.add(legacyOne.isPresent()
                ? Figure.against("envctl.create.1.at50", group, "envctl: one create, 50 held (vs replaced)", one,
                "ms/create", legacyOne.get())
                : Figure.plain("envctl.create.1.at50", group, "envctl: one create, 50 held", one, "ms/create"));

        int per = context.options().pick(5, 10);
        int creators = ReplacedSuite.CREATORS;
        target.reset(0);
        double rate = bench.threads(target, 0, creators, creators * per, 1);
        int dupHttp;
        int dupAny;
        try (EnvironmentStore store = target.open()) {
            var all = store.list(EnvironmentFilter.ALL);
            Set<Integer> http = new HashSet<>();
            Set<Integer> any = new HashSet<>();
            int ports = 0;
            for (var e : all) {
                http.add(e.ports().http());
                for (Integer p : e.ports().values()) {
                    any.add(p);
                    ports++;
                }
            }
            dupHttp = all.size() - http.size();
            dupAny = ports - any.size();
        }
        String shape = creators + " concurrent creators x " + per;
        var legacyWall = results.find("replaced.create.8c.wall");
        double wallPerCreate = 1000 / rate;
        results.add(legacyWall.isPresent()
                ? Figure.against("envctl.create.8c.wall", group, "envctl: " + shape + ", wall time / creates "
                + "(vs replaced)", wallPerCreate, "ms/create", legacyWall.get())
                : Figure.plain("envctl.create.8c.wall", group, "envctl: " + shape + ", wall time / creates",
                wallPerCreate, "ms/create"));
        results.add(Figure.plain("envctl.create.8c.dupHttp", group, "envctl: " + shape + ", duplicate http ports",
                dupHttp, "rows").withTarget(Target.atMost(0)));
        results.add(Figure.plain("envctl.create.8c.dupAny", group, "envctl: " + shape + ", duplicate ports, any role",
                dupAny, "ports").withTarget(Target.atMost(0)));
    }
}
