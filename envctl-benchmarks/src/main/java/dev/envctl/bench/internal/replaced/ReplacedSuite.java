package dev.envctl.bench.internal.replaced;

import dev.envctl.bench.internal.harness.Context;
import dev.envctl.bench.internal.harness.Figure;
import dev.envctl.bench.internal.harness.Stats;
import dev.envctl.bench.internal.harness.Suite;
import dev.envctl.bench.internal.pg.Pg;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures the Kindler scripts' create ({@link ReplacedSystem}) on the run's PostgreSQL: time per create with
 * 50 environments held, time per create and duplicate ports under 8 concurrent creators starting from an
 * empty table, and the total of 20 creates one after another from an empty table. envctl's figures of the same shapes are added by the PostgreSQL
 * store suite, against these.
 */
public final class ReplacedSuite implements Suite {
    public static final String GROUP = "The Kindler scripts (psql per query) vs envctl, same PostgreSQL";
    public static final String DATABASE = "bench_replaced";
    public static final int HELD = 50;
    public static final int CREATORS = 8;
    /** The shape a user with a handful of environments meets: creates one after another from an empty table. */
    public static final int SEQUENTIAL = 20;
    public static final String SEQUENTIAL_ID = "replaced.create.seq";

    @Override
    public String id() {
        return "replaced";
    }

    @Override
    public void run(Context context) throws Exception {
        Pg pg = context.pg();
        pg.createDatabase(DATABASE);
        DataSource ds = pg.dataSource(DATABASE);
        resetSchema(ds);
        ReplacedSystem legacy = new ReplacedSystem(pg, DATABASE, "replaced");

        seed(ds, HELD);
        int samples = context.options().pick(3, 6);
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            legacy.create("legacy-probe", "k3d");
            ms.add(Stats.millis(System.nanoTime() - t0));
            execute(ds, "DELETE FROM replaced.clusters WHERE name = 'legacy-probe'");
        }
        context.results().add(Figure.plain("replaced.create.1.at50", GROUP,
                "replaced: one create, 50 held (median of " + samples + ")", Stats.median(ms), "ms/create"));
        context.progress("replaced: %.0f ms per create at %d held", Stats.median(ms), HELD);

        resetSchema(ds);
        int perCreator = context.options().pick(5, 10);
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(CREATORS);
        List<Future<?>> done = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < CREATORS; c++) {
            int creator = c;
            done.add(pool.submit(() -> {
                for (int j = 0; j < perCreator; j++) {
                    long s = System.nanoTime();
                    legacy.create("legacy-c" + creator + "-" + j, "k3d");
                    latencies.add(Stats.millis(System.nanoTime() - s));
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double wall = Stats.millis(System.nanoTime() - t0);
        pool.shutdown();
        int rows = count(ds, "SELECT count(*) FROM replaced.clusters");
        int dupHttp = rows - count(ds, "SELECT count(DISTINCT http_port) FROM replaced.clusters");
        int dupAny = count(ds, "SELECT count(*) - count(DISTINCT p) FROM (SELECT http_port p FROM replaced.clusters "
                + "UNION ALL SELECT https_port FROM replaced.clusters UNION ALL SELECT pf_port FROM replaced.clusters) x");
        String shape = CREATORS + " concurrent creators x " + perCreator;
        context.results().add(Figure.plain("replaced.create.8c.latency", GROUP,
                "replaced: " + shape + ", median time per create", Stats.median(latencies), "ms/create"));
        context.results().add(Figure.plain("replaced.create.8c.wall", GROUP,
                "replaced: " + shape + ", wall time / creates", wall / rows, "ms/create"));
        context.results().add(Figure.plain("replaced.create.8c.dupHttp", GROUP,
                "replaced: " + shape + ", duplicate http ports in " + rows + " rows", dupHttp, "rows"));
        context.results().add(Figure.plain("replaced.create.8c.dupAny", GROUP,
                "replaced: " + shape + ", duplicate ports, any role", dupAny, "ports"));
        context.progress("replaced: %d duplicate http ports in %d rows", dupHttp, rows);

        resetSchema(ds);
        long s0 = System.nanoTime();
        for (int i = 0; i < SEQUENTIAL; i++) {
            legacy.create("legacy-s" + i, "k3d");
        }
        double total = Stats.millis(System.nanoTime() - s0);
        context.results().add(Figure.plain(SEQUENTIAL_ID, GROUP, "replaced: " + SEQUENTIAL
                + " creates one after another from an empty table, total", total, "ms"));
        context.progress("replaced: %d sequential creates in %.0f ms", SEQUENTIAL, total);
    }

    static void resetSchema(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS replaced CASCADE");
            s.execute("CREATE SCHEMA replaced");
            s.execute("SET search_path = replaced");
            for (String ddl : ReplacedSystem.V1_DDL) {
                s.execute(ddl);
            }
        }
    }

    /** Rows laid out as the Kindler scripts' scans would have left them: the lowest ports of each pool. */
    static void seed(DataSource ds, int n) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO replaced.clusters (name, provider, node_port, pf_port, http_port, https_port, created_at, "
                        + "updated_at) VALUES (?, 'k3d', 30080, ?, ?, ?, now(), now())")) {
            for (int i = 0; i < n; i++) {
                ps.setString(1, "held-" + i);
                ps.setInt(2, ReplacedSystem.PF_START + i);
                ps.setInt(3, ReplacedSystem.HTTP_START + i);
                ps.setInt(4, ReplacedSystem.HTTPS_START + i);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static int count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
