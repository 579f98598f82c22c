package dev.envctl.store.jdbc;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.HostPorts;
import dev.envctl.core.migration.MigrationReport;
import dev.envctl.core.migration.StoreMigration;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migrating into a {@code clusters} table that the Kindler scripts' {@code init_database.sh} made and envctl
 * adopted: its port columns stay {@code NOT NULL}, so rows without a pf, http or https port fail, and a dry run
 * says so as the real run does.
 */
class MigrateIntoScriptsTableTest {
    /** init_database.sh's DDL, as the scripts run it through psql. */
    private static final String SCRIPTS_DDL = "CREATE TABLE IF NOT EXISTS clusters (name VARCHAR(63) PRIMARY KEY, "
            + "provider VARCHAR(10) NOT NULL CHECK (provider IN ('k3d', 'kind')), subnet CIDR, node_port INT NOT NULL, "
            + "pf_port INT NOT NULL, http_port INT NOT NULL, https_port INT NOT NULL, "
            + "created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)";

    private String schema;
    private final InMemoryEnvironmentStore csv = new InMemoryEnvironmentStore();

    @BeforeEach
    void adoptTheScriptsTable() {
        schema = TestDatabase.freshSchemaName("nn");
        TestDatabase.sql("CREATE SCHEMA " + schema, "SET search_path TO " + schema, SCRIPTS_DDL);
        open(MigrateMode.AUTO).close();
    }

    @AfterEach
    void dropSchema() {
        TestDatabase.dropSchema(schema);
    }

    private JdbcEnvironmentStore open(MigrateMode mode) {
        return TestDatabase.open(schema, mode);
    }

    private static Environment row(String name, Integer http, Integer https, Integer pf) {
        Instant t = Instant.parse("2025-03-01T10:15:30.123Z");
        return new Environment(name, "kind", null, new HostPorts(http, https, pf, null), 30080, Map.of(), Map.of(),
                DesiredState.PRESENT, ActualState.UNKNOWN, null, t, t, 1);
    }

    private int count(String table) {
        try (Connection c = TestDatabase.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + "." + table)) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aDryRunFailsTheRowsWithoutAPortTheTableRequiresWithTheReasonTheRealRunGives() {
        csv.insert(row("dev", 18090, 18443, 19001));
        // a 6-column row of the scripts' file: no http or https port
        csv.insert(row("six", null, null, 19002));
        // an empty pf_port
        csv.insert(row("nopf", 18091, 18444, null));

        MigrationReport dry;
        try (JdbcEnvironmentStore toRead = open(MigrateMode.READ)) {
            dry = StoreMigration.migrate(csv, toRead, Set.of(), true);
        }
        assertThat(count("clusters")).isZero();
        assertThat(count("held_ports")).isZero();
        MigrationReport real;
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
            real = StoreMigration.migrate(csv, store, Set.of(), false);
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("dev");
        }

        assertThat(real.rows()).extracting(MigrationReport.Row::outcome)
                .containsExactly("migrated", "failed", "failed");
        assertThat(real.rows().get(1).reason()).contains("nopf", "pf_port", "not-null");
        assertThat(real.rows().get(2).reason()).contains("six", "http_port", "not-null");
        assertThat(dry.rows()).extracting(MigrationReport.Row::outcome)
                .containsExactly("would-migrate", "failed", "failed");
        for (int i = 1; i < 3; i++) {
            assertThat(dry.rows().get(i).reason()).isEqualTo(real.rows().get(i).reason());
        }
        assertThat(List.of(dry.migrated(), dry.failed(), dry.ok())).containsExactly(1, 2, false);
    }

    @Test
    void intoATableThatCannotBeAdoptedYetADryRunFailsEveryRowAsTheRealRunDoes() {
        String other = TestDatabase.freshSchemaName("nn");
        try {
            TestDatabase.sql("CREATE SCHEMA " + other, "SET search_path TO " + other, SCRIPTS_DDL,
                    "INSERT INTO clusters (name, provider, node_port, pf_port, http_port, https_port) VALUES "
                            + "('a', 'k3d', 30080, 19001, 18090, 18443), ('b', 'k3d', 30080, 18090, 18091, 18444)");
            csv.insert(row("dev", 18092, 18445, 19003));
            JdbcStoreOptions options = JdbcStoreOptions.defaults().withSchema(other);

            MigrationReport dry;
            try (JdbcEnvironmentStore toRead = JdbcEnvironmentStore.open(TestDatabase.dataSource(),
                    options.withMigrate(MigrateMode.READ), TestDatabase.url())) {
                dry = StoreMigration.migrate(csv, toRead, Set.of(), true);
            }
            MigrationReport real;
            try (JdbcEnvironmentStore store = JdbcEnvironmentStore.open(TestDatabase.dataSource(), options,
                    TestDatabase.url())) {
                real = StoreMigration.migrate(csv, store, Set.of(), false);
            }

            assertThat(real.rows().get(0).outcome()).isEqualTo("failed");
            assertThat(real.rows().get(0).reason()).contains("cannot be adopted yet", "port 18090 is held by a (http) "
                    + "and b (pf)");
            assertThat(dry.rows()).isEqualTo(real.rows());
        } finally {
            TestDatabase.dropSchema(other);
        }
    }
}
