package dev.envctl.bench.internal.store;

import dev.envctl.bench.internal.harness.Parallel;
import dev.envctl.bench.internal.harness.Stats;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The baseline of the PostgreSQL store's creates: a plain single-row INSERT of the same shape, into a copy of
 * the store's {@code clusters} table with the same columns, constraints and indexes (primary key, gist
 * exclusion on the subnet) but without envctl's triggers, lock or allocation; values chosen by the client,
 * one autocommitted statement per row on a connection each thread keeps, after one unmeasured insert on it.
 */
public final class PlainInsert {
    private static final String SCHEMA = "bench_plain";
    private final DataSource ds;

    public PlainInsert(DataSource ds, String storeSchema) throws Exception {
        this.ds = ds;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + SCHEMA);
            s.execute("CREATE TABLE " + SCHEMA + ".clusters (LIKE " + storeSchema + ".clusters INCLUDING ALL)");
        }
    }

    /**
     * An INSERT of one row into {@code table} (the store's {@code clusters} columns) binding, in this order, the
     * name, the subnet, the http, https, pf and api ports, and the labels (JSON); the other columns are fixed.
     */
    static String insertSql(String table) {
        return "INSERT INTO " + table + " (name, provider, subnet, node_port, http_port, https_port, pf_port, "
                + "api_port, labels, options, desired_state, actual_state, version, created_at, updated_at) "
                + "VALUES (?, 'k3d', ?::cidr, 30080, ?, ?, ?, ?, ?::jsonb, '{}'::jsonb, 'present', 'unknown', 1, "
                + "now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')";
    }

    /** Inserts per second from {@code threads} threads on a table holding {@code existing} rows. */
    public double rate(int existing, int threads, int total, int rounds) throws Exception {
        List<Double> rates = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("TRUNCATE " + SCHEMA + ".clusters");
            }
            JdbcTarget.seed(ds, SCHEMA, "clusters", existing);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE " + SCHEMA + ".clusters");
            }
            rates.add(total / run(existing, threads, total / threads));
        }
        return Stats.median(rates);
    }

    private double run(int existing, int threads, int each) throws Exception {
        return Parallel.seconds(threads, (t, start) -> {
            int first = existing + t * each;
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement(insertSql(SCHEMA + ".clusters"))) {
                ps.setString(7, "{}");
                // one unmeasured insert on the thread's connection first (it plans the statement), as the
                // envctl measures make one unmeasured create per thread
                ps.setString(1, "plain-warm-" + t);
                ps.setString(2, "11." + t + ".0.0/24");
                ps.setInt(3, 1);
                ps.setInt(4, 2);
                ps.setInt(5, 3);
                ps.setInt(6, 4);
                ps.executeUpdate();
                start.await();
                for (int k = first; k < first + each; k++) {
                    ps.setString(1, "plain-" + k);
                    ps.setString(2, "10." + (k / 256) + "." + (k % 256) + ".0/24");
                    ps.setInt(3, 10_000 + k);
                    ps.setInt(4, 22_000 + k);
                    ps.setInt(5, 34_000 + k);
                    ps.setInt(6, 46_000 + k);
                    ps.executeUpdate();
                }
            }
        });
    }
}
