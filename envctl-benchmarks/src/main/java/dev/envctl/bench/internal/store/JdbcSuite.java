package dev.envctl.bench.internal.store;

import dev.envctl.bench.internal.harness.Context;
import dev.envctl.bench.internal.harness.Figure;
import dev.envctl.bench.internal.harness.Results;
import dev.envctl.bench.internal.harness.Stats;
import dev.envctl.bench.internal.harness.Suite;
import dev.envctl.bench.internal.harness.Target;
import dev.envctl.bench.internal.harness.WidePools;
import dev.envctl.bench.internal.replaced.ReplacedSuite;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.EnvironmentStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The PostgreSQL store's figures: creates per second with auto-allocation from 1 and 8 threads at 100 and 10,000 existing
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
        // the figures with targets: rounds of one measure varied up to 1.6x within a run on this 2-core machine,
        // so more of them, each ratio taken round by round
        int paired = context.options().pick(3, 9);
        int single = context.options().pick(100, 400);
        int multi = context.options().pick(160, 800);
        int warm = context.options().pick(200, 2_000);
        bench.warmUp(target, warm);
        plain.rate(100, 1, warm, 1);

        // each figure takes its rounds in turn with its baseline's and with its other size's: a slow spell of
        // the machine (the plain INSERT alone varies by half between runs) then weighs on a ratio's two sides
        // alike, including the growth from 100 to 10,000. The same samples at both sizes: with a few creates per
        // round, each connection's first create, many times a later one, would make most of the figure
        int[] sizes = {100, 10_000};
        List<Round> singles = new ArrayList<>();
        List<Round> multis = new ArrayList<>();
        for (int existing : sizes) {
            singles.add(() -> plain.rate(existing, 1, single, 1));
            singles.add(() -> bench.threads(target, existing, 1, single, 1));
            singles.add(() -> bench.threads(target, existing, 1, single, 1, SubnetRequest.NONE));
            singles.add(() -> insertRate(target, existing, single, 1));
            singles.add(() -> bareRate(target, existing, single));
            multis.add(() -> plain.rate(existing, 8, multi, 1));
            multis.add(() -> bench.threads(target, existing, 8, multi, 1));
            multis.add(() -> bench.threads(target, existing, 8, multi, 1, SubnetRequest.NONE));
        }
        context.progress("jdbc: 1 thread, 100 and 10,000 existing, %d rounds", paired);
        Rounds one = interleaved(paired, singles.toArray(Round[]::new));
        context.progress("jdbc: 8 threads, 100 and 10,000 existing, %d rounds", paired);
        Rounds eight = interleaved(paired, multis.toArray(Round[]::new));
        for (int k = 0; k < sizes.length; k++) {
            int existing = sizes[k];
            String at = String.format(java.util.Locale.ROOT, "%,d existing", existing);
            int o = 5 * k;
            Figure p1 = results.add(Figure.plain("jdbc.plain.1t.at" + existing, GROUP,
                    "plain single-row INSERT, 1 thread, " + at, one.median(o), "inserts/s"));
            results.add(one.against(o + 1, o, "jdbc.create.1t.at" + existing,
                    "envctl create (auto ports + /24), 1 thread, " + at + " (vs plain)", "creates/s", p1)
                    .withTarget(Target.atLeast(1.0 / 6)));
            results.add(one.against(o + 2, o, "jdbc.createPorts.1t.at" + existing,
                    "envctl create (auto ports, no subnet), 1 thread, " + at + " (vs plain)", "creates/s", p1));
            results.add(one.against(o + 3, o, "jdbc.insert.1t.at" + existing,
                    "envctl insert of a resolved record (no allocation), 1 thread, " + at + " (vs plain)",
                    "creates/s", p1));
            Figure bare = results.add(one.against(o + 4, o, "jdbc.bare.1t.at" + existing,
                    "the create's transaction without envctl (lock, INSERT through the store's triggers, commit; plain "
                    + "JDBC), 1 thread, " + at + " (vs plain)", "creates/s", p1));
            results.add(one.against(o + 1, o + 4, "jdbc.createVsBare.1t.at" + existing,
                    "envctl create (auto ports + /24), 1 thread, " + at + " (vs that transaction)", "creates/s",
                    bare));
            int e = 3 * k;
            Figure p8 = results.add(Figure.plain("jdbc.plain.8t.at" + existing, GROUP,
                    "plain single-row INSERT, 8 threads, " + at, eight.median(e), "inserts/s"));
            results.add(eight.against(e + 1, e, "jdbc.create.8t.at" + existing,
                    "envctl create (auto ports + /24), 8 threads, " + at + " (vs plain 8 threads)", "creates/s", p8));
            results.add(eight.against(e + 2, e, "jdbc.createPorts.8t.at" + existing,
                    "envctl create (auto ports, no subnet), 8 threads, " + at + " (vs plain 8 threads)", "creates/s",
                    p8));
        }
        results.add(Figure.plain("jdbc.firstCreate.1t", GROUP, "first create on a connection new to the store, "
                + "1 thread (median of the rounds; not in the rates above)", Stats.median(bench.firstCreates()), "ms"));
        growth(results, one, 1, 6, "jdbc.create.1t", "auto ports + /24, 1 thread");
        growth(results, one, 2, 7, "jdbc.createPorts.1t", "auto ports, no subnet, 1 thread");
        growth(results, eight, 1, 4, "jdbc.create.8t", "auto ports + /24, 8 threads");

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

    /** The rates of each measure, by measure and round. */
    private record Rounds(double[][] rates) {
        double median(int m) {
            return Stats.median(list(rates[m]));
        }

        /**
         * Measure {@code m} against measure {@code base}: the median of the rounds' own ratios, each round's
         * two rates measured in turn (a slow spell weighs on both), and the range of those ratios in the label.
         */
        Figure against(int m, int base, String id, String label, String unit, Figure baseFigure) {
            double[] ratios = ratios(m, base);
            return Figure.paired(id, GROUP, label + spread(ratios), median(m), unit, baseFigure,
                    Stats.median(list(ratios)));
        }

        /** Rates of measure {@code m} over those of {@code base}, round by round. */
        double[] ratios(int m, int base) {
            double[] out = new double[rates[m].length];
            for (int r = 0; r < out.length; r++) {
                out[r] = rates[m][r] / rates[base][r];
            }
            return out;
        }

        static String spread(double[] ratios) {
            double min = Double.MAX_VALUE;
            double max = 0;
            for (double x : ratios) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            return String.format(java.util.Locale.ROOT, " [rounds %.2f-%.2f]", min, max);
        }

        private static List<Double> list(double[] xs) {
            List<Double> out = new ArrayList<>();
            for (double x : xs) {
                out.add(x);
            }
            return out;
        }
    }

    /** Each measure's rate in {@code rounds} passes, each pass one round of every measure in turn. */
    private static Rounds interleaved(int rounds, Round... measures) throws Exception {
        double[][] rates = new double[measures.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int m = 0; m < measures.length; m++) {
                rates[m][r] = measures[m].rate();
            }
        }
        return new Rounds(rates);
    }

    /**
     * Time per create at 10,000 over time per create at 100: the median of the rounds' own ratios (the two
     * sizes take their rounds in turn).
     */
    private static void growth(Results results, Rounds rounds, int small, int large, String prefix, String what) {
        double ms100 = 1000 / rounds.median(small);
        double ms10k = 1000 / rounds.median(large);
        // rate at 100 over rate at 10,000: time at 10,000 over time at 100
        double[] slowdown = rounds.ratios(small, large);
        Figure base = Figure.plain(prefix + ".ms.at100", GROUP, "time per create, " + what + ", 100 existing",
                ms100, "ms/create");
        results.add(base);
        results.add(Figure.paired(prefix + ".ms.at10000", GROUP, "time per create, " + what
                        + ", 10,000 existing (vs 100)" + Rounds.spread(slowdown), ms10k, "ms/create", base,
                Stats.median(Rounds.list(slowdown))).withTarget(Target.atMost(1.5)));
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
                // one unmeasured insert first, as the creates' rounds make one unmeasured create
                store.insert(WidePools.seed("ins", existing + count, "k3d", now));
                long t0 = System.nanoTime();
                for (var e : rows) {
                    store.insert(e);
                }
                rates.add(count / ((System.nanoTime() - t0) / 1e9));
            }
        }
        return Stats.median(rates);
    }

    /**
     * The least a create's transaction costs with the store's schema, without envctl's client: on one connection,
     * per row the store's write lock ({@code pg_advisory_xact_lock}), an INSERT of the row (the store's triggers
     * fill {@code held_ports} and {@code held_subnets}) with values chosen by the client, and the commit, as
     * prepared statements; no lookups, no allocation, no checks. The ceiling of a create's rate against the
     * plain INSERT.
     */
    private static double bareRate(JdbcTarget target, int existing, int count) throws Exception {
        target.reset(existing);
        String table = target.schema() + ".clusters";
        Instant now = Instant.now();
        try (Connection c = target.dataSource().getConnection();
             PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)");
             PreparedStatement insert = c.prepareStatement(PlainInsert.insertSql(table))) {
            c.setAutoCommit(false);
            // one unmeasured row first, as the creates' rounds make one unmeasured create
            long t0 = 0;
            for (int i = existing; i <= existing + count; i++) {
                if (i == existing + 1) {
                    t0 = System.nanoTime();
                }
                Environment e = WidePools.seed("bare", i, "k3d", now);
                lock.setLong(1, 42);
                lock.executeQuery().close();
                insert.setString(1, e.name());
                insert.setString(2, e.subnet().toString());
                insert.setInt(3, e.ports().http());
                insert.setInt(4, e.ports().https());
                insert.setInt(5, e.ports().pf());
                insert.setInt(6, e.ports().api());
                insert.setString(7, "{\"team\": \"bench\", \"tier\": \"" + e.labels().get("tier") + "\"}");
                insert.executeUpdate();
                c.commit();
            }
            return count / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** envctl's figures of the Kindler scripts' two shapes, in that suite's group, against its figures. */
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
