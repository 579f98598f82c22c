package dev.envctl.bench.internal.store;

import dev.envctl.bench.internal.pg.Pg;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.store.jdbc.JdbcEnvironmentStore;
import dev.envctl.store.jdbc.JdbcStoreOptions;
import dev.envctl.store.jdbc.MigrateMode;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;

/**
 * The PostgreSQL store in schema {@code schema} of one database of the run's server. Seeds are written with
 * one set-based INSERT into {@code clusters}; the store's own triggers fill {@code held_ports}, as they do
 * for the Kindler scripts' writers.
 */
public final class JdbcTarget implements StoreTarget {
    private final Pg pg;
    private final String database;
    private final String schema;
    private final MigrateMode migrate;

    public JdbcTarget(Pg pg, String database, String schema) {
        this(pg, database, schema, MigrateMode.AUTO);
    }

    /** A target whose store objects open with {@code migrate}: OFF when another jar (the CLI's) owns the schema. */
    public JdbcTarget(Pg pg, String database, String schema, MigrateMode migrate) {
        this.pg = pg;
        this.database = database;
        this.schema = schema;
        this.migrate = migrate;
    }

    @Override
    public String id() {
        return "jdbc";
    }

    public DataSource dataSource() {
        return pg.dataSource(database);
    }

    public String schema() {
        return schema;
    }

    @Override
    public EnvironmentStore open() {
        return JdbcEnvironmentStore.open(dataSource(), JdbcStoreOptions.defaults().withSchema(schema).withMigrate(migrate),
                location());
    }

    @Override
    public String location() {
        return pg.jdbcUrl(database);
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("jdbc.user", Pg.USER, "jdbc.schema", schema, "jdbc.connect-timeout", "30s");
    }

    @Override
    public Map<String, String> processEnvironment() {
        return Map.of("ENVCTL_DB_PASSWORD", pg.password());
    }

    @Override
    public void reset(int count) throws Exception {
        open().close();
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + schema + ".clusters CASCADE");
        }
        seed(dataSource(), schema, "clusters", count);
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE " + schema + ".clusters");
            s.execute("VACUUM ANALYZE " + schema + ".held_ports");
            s.execute("VACUUM ANALYZE " + schema + ".held_subnets");
        }
    }

    /**
     * Writes {@code count} rows {@code held-I} laid out as {@code WidePools.seed} lays them out, in one
     * statement; schema and table are this code's constants.
     */
    static void seed(DataSource ds, String schema, String table, int count) throws Exception {
        String sql = "INSERT INTO " + schema + "." + table + " (name, provider, subnet, node_port, http_port, "
                + "https_port, pf_port, api_port, labels, options, desired_state, actual_state, version, created_at, "
                + "updated_at) SELECT 'held-' || i, 'k3d', ('10.' || (i / 256) || '.' || (i % 256) || '.0/24')::cidr, "
                + "30080, 10000 + i, 22000 + i, 34000 + i, 46000 + i, "
                + "jsonb_build_object('team', 'bench', 'tier', CASE WHEN i % 2 = 0 THEN 'dev' ELSE 'uat' END), "
                + "'{}'::jsonb, 'present', 'unknown', 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC' "
                + "FROM generate_series(0, ? - 1) AS i";
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, count);
            ps.executeUpdate();
        }
    }
}
