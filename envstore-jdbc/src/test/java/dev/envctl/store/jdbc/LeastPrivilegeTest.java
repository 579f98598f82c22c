package dev.envctl.store.jdbc;

import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Remedy;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.fallback.FallbackStore;
import dev.envctl.core.spi.StoreHealth;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Roles with fewer privileges than the schema's owner, on an embedded server of its own: the owner migrates; an
 * application role with exactly the grants postgresql.md lists creates, lists and deletes; a role lacking one is
 * refused in one line naming the role and the table (STORE_UNAVAILABLE with {@link Remedy#FIX_STORE_SETTINGS}), and
 * its health names what it lacks, as does the health of a role that cannot adopt a legacy table it does not own; a
 * create or update by a role lacking a privilege a later step needs is refused before anything is stored.
 */
class LeastPrivilegeTest {
    /** The grants of postgresql.md's least-privilege section, for role %1$s on schema %2$s. */
    static final String[] APPLICATION_GRANTS = {
            "GRANT USAGE ON SCHEMA %2$s TO %1$s",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON %2$s.clusters, %2$s.hosts, %2$s.held_ports, %2$s.held_subnets "
                    + "TO %1$s",
            "GRANT SELECT ON %2$s.envctl_schema_history TO %1$s"};
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void ownerMigratesAndRolesGetTheirGrants() throws IOException, SQLException {
        postgres = EmbeddedPostgres.builder().start();
        sql("CREATE ROLE envctl_owner LOGIN", "CREATE DATABASE envctl OWNER envctl_owner",
                "CREATE ROLE envctl_app LOGIN", "CREATE ROLE envctl_ro LOGIN", "CREATE ROLE envctl_noheld LOGIN",
                "CREATE ROLE envctl_dml LOGIN", "CREATE ROLE envctl_nohistory LOGIN",
                "CREATE ROLE envctl_noupdate LOGIN", "CREATE ROLE envctl_nodelete LOGIN");
        open("envctl_owner", "envctl", "auto").close();
        for (String grant : APPLICATION_GRANTS) {
            sqlOnEnvctl(String.format(grant, "envctl_app", "envctl"), String.format(grant, "envctl_noheld", "envctl"),
                    String.format(grant, "envctl_nohistory", "envctl"),
                    String.format(grant, "envctl_noupdate", "envctl"),
                    String.format(grant, "envctl_nodelete", "envctl"));
        }
        sqlOnEnvctl("REVOKE INSERT ON envctl.held_ports FROM envctl_noheld",
                "REVOKE SELECT ON envctl.envctl_schema_history FROM envctl_nohistory",
                "REVOKE UPDATE ON envctl.clusters FROM envctl_noupdate",
                "REVOKE DELETE ON envctl.clusters FROM envctl_nodelete",
                "GRANT USAGE ON SCHEMA legacy TO envctl_dml",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON legacy.clusters TO envctl_dml",
                "GRANT USAGE ON SCHEMA envctl TO envctl_ro",
                "GRANT SELECT ON ALL TABLES IN SCHEMA envctl TO envctl_ro");
    }

    @AfterAll
    static void stop() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /** As the owner, on database envctl; a legacy schema with the replaced system's table first. */
    private static void sqlOnEnvctl(String... statements) throws SQLException {
        try (Connection c = postgres.getDatabase("envctl_owner", "envctl").getConnection();
             Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS legacy");
            s.execute("CREATE TABLE IF NOT EXISTS legacy.clusters (name varchar(63) primary key, provider varchar(10),"
                    + " subnet cidr, node_port int, pf_port int, http_port int, https_port int, created_at timestamp,"
                    + " updated_at timestamp)");
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static JdbcEnvironmentStore open(String user, String schema, String migrate) {
        return (JdbcEnvironmentStore) new JdbcStoreFactory().open("jdbc:postgresql://localhost:" + postgres.getPort()
                + "/envctl?user=" + user, Map.of("jdbc.schema", schema, "jdbc.migrate", migrate), Map.of());
    }

    private static final Allocator ALLOCATOR = new Allocator(AllocationPolicy.defaults());

    @Test
    void anApplicationRoleWithTheDocumentedGrantsCreatesListsAndDeletes() {
        for (String migrate : new String[] {"auto", "validate"}) {
            try (JdbcEnvironmentStore store = open("envctl_app", "envctl", migrate)) {
                store.create(EnvironmentSpec.of("app-" + migrate, "k3d"), ALLOCATOR);
                assertThat(store.list(EnvironmentFilter.ALL)).extracting(e -> e.name()).contains("app-" + migrate);
                assertThat(store.delete("app-" + migrate)).isTrue();
                StoreHealth h = store.health();
                assertThat(h.problem()).isNull();
            }
        }
    }

    @Test
    void aReadOnlyRoleIsRefusedInOneLineNamingTheRoleAndTable() {
        try (JdbcEnvironmentStore app = open("envctl_app", "envctl", "auto")) {
            app.create(EnvironmentSpec.of("kept", "k3d"), ALLOCATOR);
        }
        try (JdbcEnvironmentStore store = open("envctl_ro", "envctl", "auto")) {
            assertThat(store.list(EnvironmentFilter.ALL)).isNotNull();
            EnvctlException e = catchThrowableOfType(() -> store.delete("kept"), EnvctlException.class);

            assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
            assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
            assertThat(FallbackStore.isOutage(e)).isFalse();
            assertThat(e.getMessage()).contains("deleting environment 'kept' failed",
                    "role envctl_ro lacks a privilege on table clusters", "(a refused change stores nothing)",
                    "grant envctl_ro USAGE on the schema", "another user (jdbc.user)", "reconcile or delete")
                    .doesNotContain("\n");
            assertThat(store.find("kept")).isPresent();
        } finally {
            try (JdbcEnvironmentStore app = open("envctl_app", "envctl", "auto")) {
                app.delete("kept");
            }
        }
    }

    @Test
    void aRoleWithoutInsertOnHeldPortsGetsNoTriggerSql() {
        Environment e;
        try (JdbcEnvironmentStore app = open("envctl_app", "envctl", "auto")) {
            e = app.create(EnvironmentSpec.of("noheld", "k3d"), ALLOCATOR);
            app.delete("noheld");
        }
        try (JdbcEnvironmentStore store = open("envctl_noheld", "envctl", "auto")) {
            EnvctlException thrown = catchThrowableOfType(() -> store.insert(e), EnvctlException.class);

            assertThat(thrown.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
            assertThat(thrown.getMessage()).contains("role envctl_noheld lacks a privilege on table held_ports")
                    .doesNotContain("PL/pgSQL", "envctl_held_ports_sync", "insert into", "INSERT INTO", "\n");
            assertThat(store.find("noheld")).isEmpty();
        }
    }

    @Test
    void createChecksPrivilegesFirstSoNoRecordIsLeftHalfDone() {
        for (String role : new String[] {"envctl_noupdate", "envctl_noheld", "envctl_ro"}) {
            try (JdbcEnvironmentStore store = open(role, "envctl", "auto")) {
                EnvctlException e = catchThrowableOfType(() -> store.create(EnvironmentSpec.of("half", "k3d"),
                        ALLOCATOR), EnvctlException.class);

                assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
                assertThat(e.getMessage()).startsWith("creating environment 'half' refused before anything was stored")
                        .contains("role " + role + " lacks ");
                assertThat(store.find("half")).isEmpty();
            }
        }
    }

    @Test
    void updateChecksPrivilegesFirstSoADeleteIsRefusedBeforeItsClusterIsTouched() {
        Environment kept;
        try (JdbcEnvironmentStore app = open("envctl_app", "envctl", "auto")) {
            kept = app.create(EnvironmentSpec.of("marked", "k3d"), ALLOCATOR);
        }
        try {
            // a delete first records desired absent (an update), then deletes the cluster, then the record
            try (JdbcEnvironmentStore store = open("envctl_nodelete", "envctl", "auto")) {
                EnvctlException e = catchThrowableOfType(() -> store.update(kept.withDesiredState(
                        DesiredState.ABSENT), kept.version()), EnvctlException.class);

                assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
                assertThat(e.getMessage()).startsWith("updating environment 'marked' refused before anything was "
                        + "stored").contains("role envctl_nodelete lacks DELETE on clusters").doesNotContain("\n");
                assertThat(store.find("marked")).contains(kept);
            }
        } finally {
            try (JdbcEnvironmentStore app = open("envctl_app", "envctl", "auto")) {
                app.delete("marked");
            }
        }
    }

    @Test
    void healthNamesWhatARoleLacksToWrite() {
        try (JdbcEnvironmentStore store = open("envctl_ro", "envctl", "read")) {
            StoreHealth h = store.health();
            assertThat(h.available()).isTrue();
            assertThat(h.remedy()).isEqualTo(Remedy.FIX_STORE_SETTINGS);
            assertThat(h.problem()).contains("role envctl_ro lacks INSERT on clusters", "DELETE on held_subnets")
                    .doesNotContain("SELECT on clusters");
        }
        try (JdbcEnvironmentStore store = open("envctl_noheld", "envctl", "read")) {
            assertThat(store.health().problem()).startsWith("role envctl_noheld lacks INSERT on held_ports,");
        }
    }

    @Test
    void healthSaysADmlOnlyRoleCannotAdoptALegacyTable() {
        try (JdbcEnvironmentStore store = open("envctl_dml", "legacy", "read")) {
            StoreHealth h = store.health();
            assertThat(h.remedy()).isEqualTo(Remedy.FIX_STORE_SETTINGS);
            assertThat(h.problem()).contains("role envctl_dml lacks ownership of table clusters",
                    "adopting table clusters needs its owner");
        }
    }

    @Test
    void openingALegacyTableWithADmlOnlyRoleSaysItsOwnerMustAdoptIt() {
        EnvctlException e = catchThrowableOfType(() -> open("envctl_dml", "legacy", "auto"), EnvctlException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
        assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
        assertThat(e.getMessage()).contains("failed: role envctl_dml may not adopt the existing table clusters "
                + "(adopting it alters the table, which only its owner may do); migrate the schema once logged in "
                + "as the table's owner (jdbc.user), or read the table as it is with jdbc.migrate=read")
                .doesNotContain("grant", "half done", "\n");
        try (JdbcEnvironmentStore store = open("envctl_dml", "legacy", "read")) {
            assertThat(store.list(EnvironmentFilter.ALL)).as("read as it is").isNotNull();
        }
    }

    @Test
    void dbInfoSaysItWasReadingNotMigratingInOneLine() {
        try (JdbcEnvironmentStore store = open("envctl_nohistory", "envctl", "off")) {
            EnvctlException e = catchThrowableOfType(() -> store.admin().info(), EnvctlException.class);

            assertThat(e.getMessage()).startsWith("reading the schema history of schema envctl")
                    .contains("role envctl_nohistory lacks a privilege on table envctl_schema_history")
                    .doesNotContain("migrating", "-X", "SQL State", "----", "\n");
        }
    }

    @Test
    void currentSchemaAndSearchPathInTheUrlGiveWayToJdbcSchema() throws SQLException {
        String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/envctl?user=envctl_owner"
                + "&currentSchema=legacy&options=-c%20search_path%3Dlegacy";
        try (JdbcEnvironmentStore store = (JdbcEnvironmentStore) new JdbcStoreFactory().open(url,
                Map.of("jdbc.schema", "from_setting"), Map.of())) {
            store.create(EnvironmentSpec.of("where", "k3d"), ALLOCATOR);
        }
        try (Connection c = postgres.getDatabase("envctl_owner", "envctl").getConnection();
             Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM from_setting.clusters), "
                     + "(SELECT count(*) FROM legacy.clusters), to_regclass('legacy.held_ports') IS NULL")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getInt(2)).isZero();
            assertThat(rs.getBoolean(3)).isTrue();
        }
    }
}
