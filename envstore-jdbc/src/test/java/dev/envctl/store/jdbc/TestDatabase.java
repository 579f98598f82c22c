package dev.envctl.store.jdbc;

import dev.envctl.store.jdbc.internal.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL server of this test run: one embedded PostgreSQL 17 started on first use, or the server
 * {@code ENVCTL_TEST_JDBC_URL} names (password from {@code ENVCTL_DB_PASSWORD}/{@code PGPASSWORD}/pgpass).
 * Tests isolate themselves in fresh schemas.
 */
public final class TestDatabase {
    public static final String EXTERNAL_URL = System.getenv("ENVCTL_TEST_JDBC_URL");
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static EmbeddedPostgres embedded;
    private static String url;
    private static DataSource dataSource;

    private TestDatabase() {
    }

    public static synchronized String url() {
        start();
        return url;
    }

    public static synchronized DataSource dataSource() {
        start();
        return dataSource;
    }

    public static boolean external() {
        return EXTERNAL_URL != null && !EXTERNAL_URL.isBlank();
    }

    private static void start() {
        if (dataSource != null) {
            return;
        }
        if (external()) {
            url = EXTERNAL_URL;
        } else {
            try {
                embedded = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
            url = embedded.getJdbcUrl("postgres", "postgres");
        }
        dataSource = dataSourceFor(url);
    }

    /** A data source like the one the factory builds for {@code jdbcUrl}. */
    public static PGSimpleDataSource dataSourceFor(String jdbcUrl) {
        return new JdbcStoreFactory().dataSource(jdbcUrl, Map.of(), JdbcStoreOptions.defaults());
    }

    /** A schema name no other test uses. */
    public static String freshSchemaName(String prefix) {
        return "envctl_t_" + prefix + "_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    }

    /** Runs plain SQL written by the test itself (never with input), as an old psql user would. */
    public static void sql(String... statements) {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            // a test's own setup (10,000 rows through the triggers) may outlast the store's socket timeout of 60 s
            // on a loaded machine; the statements under test keep it
            c.setNetworkTimeout(Runnable::run, 0);
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of the first row {@code query} (the test's own SQL) returns, or null when none. */
    public static String value(String query) {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(query)) {
            return r.next() ? r.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of the first row {@code query} (the test's own SQL) returns on {@code c}, or null. */
    public static String query(Connection c, String query) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            return r.next() ? r.getString(1) : null;
        }
    }

    /** A call on a connection {@link #wrapping} hands out: {@code real} is the connection it wraps. */
    public interface ConnectionCall {
        Object handle(Connection real, Method method, Object[] args) throws Throwable;
    }

    /** {@code base}, whose connections pass every call to {@code call}, which may {@link #invoke} the real one. */
    public static DataSource wrapping(DataSource base, ConnectionCall call) {
        return (DataSource) Proxy.newProxyInstance(TestDatabase.class.getClassLoader(),
                new Class<?>[]{DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(base, method, args);
                    return result instanceof Connection real ? Proxy.newProxyInstance(
                            TestDatabase.class.getClassLoader(), new Class<?>[]{Connection.class},
                            (p, m, a) -> call.handle(real, m, a)) : result;
                });
    }

    /** {@code method} on {@code target}, throwing what it threw (not the reflection's wrapper). */
    public static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    public static void dropSchema(String schema) {
        sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    /**
     * One migrated schema for a test class, emptied for each test: a fresh, empty store per test without a
     * migration per test. Call {@link #drop()} after the class.
     */
    public static final class ClassSchema {
        private final String prefix;
        private String schema;

        public ClassSchema(String prefix) {
            this.prefix = prefix;
        }

        public synchronized JdbcEnvironmentStore emptyStore() {
            if (schema == null) {
                schema = freshSchemaName(prefix);
                JdbcEnvironmentStore.open(dataSource(), JdbcStoreOptions.defaults().withSchema(schema), url()).close();
            }
            sql("TRUNCATE " + schema + ".clusters CASCADE", "DELETE FROM " + schema + ".hosts WHERE name <> 'local'");
            return JdbcEnvironmentStore.open(dataSource(),
                    JdbcStoreOptions.defaults().withSchema(schema).withMigrate(MigrateMode.OFF), url());
        }

        public synchronized void drop() {
            if (schema != null) {
                dropSchema(schema);
            }
        }
    }

    /** Migrates {@code schema} to {@code version} and no further, as an envctl of that version left it. */
    public static void migrateTo(String schema, String version) {
        Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource())
                .locations(Migrations.LOCATION)
                .table(Migrations.HISTORY_TABLE)
                .schemas(schema)
                .defaultSchema(schema)
                .target(version)
                .load()
                .migrate();
    }

    /** The store of {@code schema} in the test database, opened with {@code mode}. */
    public static JdbcEnvironmentStore open(String schema, MigrateMode mode) {
        return JdbcEnvironmentStore.open(dataSource(), JdbcStoreOptions.defaults().withSchema(schema)
                .withMigrate(mode), url());
    }

    public static JdbcEnvironmentStore openFresh(String prefix) {
        return JdbcEnvironmentStore.open(dataSource(), JdbcStoreOptions.defaults().withSchema(freshSchemaName(prefix)),
                url());
    }
}
