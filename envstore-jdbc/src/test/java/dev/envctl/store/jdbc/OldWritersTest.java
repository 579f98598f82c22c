package dev.envctl.store.jdbc;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The Kindler scripts' psql writers next to envctl (V5): an old write that changes a row bumps its version and
 * gets a UTC {@code updated_at}, whatever the session's time zone; envctl's own writes bump once. Labels another
 * tool wrote are read as string maps, or the row is reported corrupt.
 */
class OldWritersTest {
    /** A zone 8 hours ahead of UTC: a timestamp kept in it and read as UTC would be 8 hours in the future. */
    private static final String ZONE = "Asia/Shanghai";

    private String schema;
    private JdbcEnvironmentStore store;
    private final Allocator allocator = new Allocator(AllocationPolicy.defaults());

    @BeforeEach
    void openStoreWhoseSessionsAreInShanghai() {
        schema = TestDatabase.freshSchemaName("oldw");
        store = JdbcEnvironmentStore.open(new SessionZone(TestDatabase.dataSource(), ZONE),
                JdbcStoreOptions.defaults().withSchema(schema), TestDatabase.url());
    }

    @AfterEach
    void dropSchema() {
        store.close();
        TestDatabase.dropSchema(schema);
    }

    /** {@code db_insert_cluster} of scripts/lib_db.sh, as it reaches psql, in a session in {@link #ZONE}. */
    private void oldUpsert(String name, String provider, int nodePort, int pf, int http, int https) {
        TestDatabase.sql("SET TimeZone TO '" + ZONE + "'", "SET search_path TO " + schema,
                "INSERT INTO clusters (name, provider, node_port, pf_port, http_port, https_port)\n"
                        + "    VALUES ('" + name + "', '" + provider + "', " + nodePort + ", " + pf + ", " + http + ", "
                        + https + ")\n"
                        + "    ON CONFLICT (name) DO UPDATE SET\n"
                        + "      provider = EXCLUDED.provider,\n"
                        + "      subnet = EXCLUDED.subnet,\n"
                        + "      node_port = EXCLUDED.node_port,\n"
                        + "      pf_port = EXCLUDED.pf_port,\n"
                        + "      http_port = EXCLUDED.http_port,\n"
                        + "      https_port = EXCLUDED.https_port,\n"
                        + "      updated_at = CURRENT_TIMESTAMP;");
    }

    @Test
    void anOldUpsertBumpsTheVersionOnceAndWritesUtcWhateverTheSessionZone() {
        Environment created = store.create(EnvironmentSpec.of("dev", "k3d")
                .withPorts(new HostPorts(18150, 18450, 19150, null)), allocator);
        assertThat(created.version()).isEqualTo(1);

        oldUpsert("dev", "k3d", 30080, 19150, 18160, 18450);

        Environment seen = store.get("dev");
        assertThat(seen.ports()).isEqualTo(new HostPorts(18160, 18450, 19150, created.ports().api()));
        assertThat(seen.version()).isEqualTo(2);
        assertThat(seen.updatedAt()).isCloseTo(Instant.now(), within(Duration.ofMinutes(1)));
        assertThat(seen.createdAt()).isEqualTo(created.createdAt());
        assertThat(seen.labels()).isEqualTo(created.labels());
    }

    @Test
    void labelsAnotherToolWroteAreReadAsTextOrTheRowIsReportedCorrupt() {
        store.create(EnvironmentSpec.of("dev", "k3d").withPorts(new HostPorts(18170, 18470, 19170, null)), allocator);
        String path = "SET search_path TO " + schema;

        TestDatabase.sql(path, "UPDATE clusters SET labels = '{\"tier\": 2, \"public\": true, \"team\": \"web\"}'");
        assertThat(store.get("dev").labels()).isEqualTo(Map.of("tier", "2", "public", "true", "team", "web"));

        for (String labels : List.of("{\"team\": {\"name\": \"web\"}}", "{\"team\": [\"web\"]}",
                "{\"team\": null}", "[\"web\"]", "\"web\"")) {
            TestDatabase.sql(path, "UPDATE clusters SET labels = '" + labels + "'");
            assertThatThrownBy(() -> store.get("dev")).as(labels).isInstanceOf(EnvctlException.class)
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.STORE_CORRUPT))
                    .hasMessageContaining("row 'dev' of table clusters");
        }
    }

    @Test
    void anOldInsertGetsUtcTimestampsWhateverTheSessionZone() {
        oldUpsert("legacy", "kind", 30080, 19500, 18500, 18900);

        Environment legacy = store.get("legacy");
        assertThat(legacy.version()).isEqualTo(1);
        assertThat(legacy.createdAt()).isCloseTo(Instant.now(), within(Duration.ofMinutes(1)));
        assertThat(legacy.updatedAt()).isEqualTo(legacy.createdAt());
        assertThat(legacy.ports()).isEqualTo(new HostPorts(18500, 18900, 19500, null));
    }

    @Test
    void envctlWritesBumpTheVersionExactlyOnceAndKeepTheirUtcTimes() {
        Environment created = store.create(EnvironmentSpec.of("dev", "k3d"), allocator);
        assertThat(created.createdAt()).isCloseTo(Instant.now(), within(Duration.ofMinutes(1)));
        assertThat(store.get("dev")).isEqualTo(created);

        Environment running = store.update(created.withActualState(ActualState.RUNNING, null), 1);
        assertThat(running.version()).isEqualTo(2);
        assertThat(store.get("dev")).isEqualTo(running);
        Environment failed = store.update(running.withActualState(ActualState.FAILED, "boom"), 2);
        assertThat(failed.version()).isEqualTo(3);
        assertThat(store.get("dev").version()).isEqualTo(3);
        assertThat(store.get("dev").updatedAt()).isEqualTo(failed.updatedAt())
                .isCloseTo(Instant.now(), within(Duration.ofMinutes(1)));
    }

    @Test
    void anOldWriteDuringAReconcileMakesEnvctlsUpdateAVersionConflict() {
        // the engine read the record (version 1) and is creating the cluster with http 18150 ...
        Environment read = store.create(EnvironmentSpec.of("slow", "k3d")
                .withPorts(new HostPorts(18150, 18450, 19150, null)), allocator);
        // ... when an old script moves http to 18160
        oldUpsert("slow", "k3d", 30080, 19150, 18160, 18450);

        assertThatThrownBy(() -> store.update(read.withActualState(ActualState.RUNNING, null), read.version()))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VERSION_CONFLICT);
                    assertThat(e.getMessage()).contains("'slow'", "stored version 2", "expected 1");
                });
        Environment stored = store.get("slow");
        assertThat(stored.ports().http()).isEqualTo(18160);
        assertThat(stored.actualState()).isEqualTo(ActualState.UNKNOWN);
        assertThat(stored.version()).isEqualTo(2);
        assertThatThrownBy(() -> store.delete("slow", read.version())).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.VERSION_CONFLICT));
    }

    @Test
    void anOldUpsertThatChangesNoDataKeepsTheVersionButWritesUtc() {
        Environment created = store.create(EnvironmentSpec.of("dev", "kind")
                .withPorts(new HostPorts(18150, 18450, 19150, null)), allocator);

        oldUpsert("dev", "kind", 30080, 19150, 18150, 18450);

        Environment seen = store.get("dev");
        assertThat(seen.version()).isEqualTo(1);
        assertThat(seen.updatedAt()).isCloseTo(Instant.now(), within(Duration.ofMinutes(1)))
                .isAfterOrEqualTo(created.updatedAt());
    }

    @Test
    void aRawUpdateOfEnvctlsColumnsBumpsTheVersionToo() {
        store.create(EnvironmentSpec.of("dev", "k3d"), allocator);

        TestDatabase.sql("UPDATE " + schema + ".clusters SET actual_state = 'failed', last_error = 'by hand'");

        assertThat(store.get("dev").version()).isEqualTo(2);
        assertThat(store.get("dev").lastError()).isEqualTo("by hand");
    }

    @Test
    void stoppedDesiredAndActualStatesRoundTrip() {
        Environment created = store.create(EnvironmentSpec.of("dev", "k3d"), allocator);

        Environment stopped = store.update(created.withDesiredState(DesiredState.STOPPED)
                .withActualState(ActualState.STOPPED, null), created.version());

        assertThat(stopped.desiredState()).isEqualTo(DesiredState.STOPPED);
        assertThat(stopped.actualState()).isEqualTo(ActualState.STOPPED);
        assertThat(store.get("dev")).isEqualTo(stopped);
        Environment inserted = store.insert(new Environment("copy", "kind", null, new HostPorts(18700, 18701, 18702,
                18703), 30080, null, null, DesiredState.STOPPED, ActualState.STOPPED, null, stopped.createdAt(),
                stopped.updatedAt(), 4));
        assertThat(store.get("copy")).isEqualTo(inserted);
    }

    /** A data source whose connections are in {@code zone}, as psql sessions are in the server's zone. */
    private static final class SessionZone implements DataSource {
        private final DataSource delegate;
        private final String zone;

        SessionZone(DataSource delegate, String zone) {
            this.delegate = delegate;
            this.zone = zone;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return zoned(delegate.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return zoned(delegate.getConnection(username, password));
        }

        private Connection zoned(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("SET TimeZone TO '" + zone + "'");
            }
            return c;
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return delegate.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            delegate.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            delegate.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return delegate.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return delegate.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            return delegate.unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return delegate.isWrapperFor(type);
        }
    }
}
