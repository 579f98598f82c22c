package dev.envctl.differential;

import dev.envctl.store.jdbc.JdbcEnvironmentStore;
import dev.envctl.store.jdbc.JdbcStoreOptions;
import dev.envctl.store.jdbc.MigrateMode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * The PostgreSQL of the run: one embedded server (or {@code ENVCTL_TEST_JDBC_URL}), one migrated schema per
 * role, emptied for every new store, as the jdbc module's tests do.
 */
final class Postgres {
    private static EmbeddedPostgres embedded;
    private static String url;
    private static DataSource dataSource;
    private static final Set<String> MIGRATED = new HashSet<>();

    private Postgres() {
    }

    static synchronized JdbcEnvironmentStore emptyStore(String role) {
        start();
        String schema = "envctl_diff_" + ProcessHandle.current().pid() + "_" + role;
        if (MIGRATED.add(schema)) {
            sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            JdbcEnvironmentStore.open(dataSource, JdbcStoreOptions.defaults().withSchema(schema), url).close();
        }
        sql("TRUNCATE " + schema + ".clusters CASCADE");
        return JdbcEnvironmentStore.open(dataSource,
                JdbcStoreOptions.defaults().withSchema(schema).withMigrate(MigrateMode.OFF), url);
    }

    private static void start() {
        if (dataSource != null) {
            return;
        }
        String external = System.getenv("ENVCTL_TEST_JDBC_URL");
        if (external != null && !external.isBlank()) {
            url = external;
        } else {
            try {
                embedded = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
            url = embedded.getJdbcUrl("postgres", "postgres");
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        dataSource = ds;
    }

    /** Plain SQL the suite writes itself (schema names of its own, never input). */
    private static void sql(String statement) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
