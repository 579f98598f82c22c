package dev.envctl.store.jdbc;

import dev.envctl.core.Remedy;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Kindler scripts log in as the role that made their {@code clusters} table; envctl migrates it logged in as
 * another role (a member of that one), which then owns the held tables. The triggers that keep those in step run
 * as the role writing {@code clusters}, so the scripts' writes fail until their role gets the held tables' grants:
 * the health warns naming the role and the grants, and once they are given the scripts' writes go through and the
 * warning is gone. On an embedded server of its own, for its roles.
 */
class ScriptsRoleGrantsTest {
    private static final String HELD_GRANTS = "GRANT SELECT, INSERT, UPDATE, DELETE ON held_ports, held_subnets TO "
            + "kindler";
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void theScriptsMadeTheirTableAndAnotherRoleMigratedIt() throws IOException, SQLException {
        postgres = EmbeddedPostgres.builder().start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE kindler LOGIN");
            s.execute("CREATE ROLE envctl LOGIN IN ROLE kindler");
            s.execute("CREATE DATABASE k OWNER kindler");
        }
        sqlAs("kindler", "CREATE TABLE clusters (name varchar(63) primary key, provider varchar(10), subnet cidr,"
                        + " node_port int, pf_port int, http_port int, https_port int, created_at timestamp,"
                        + " updated_at timestamp)",
                "INSERT INTO clusters VALUES ('dev', 'k3d', null, 30080, 19001, 18081, 18441, now(), now())",
                "GRANT CREATE ON SCHEMA public TO envctl");
        open().close();
    }

    @AfterAll
    static void stop() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void healthWarnsOfARoleThatMayWriteClustersButNotTheHeldTablesUntilItIsGranted() throws SQLException {
        assertThatThrownBy(() -> sqlAs("kindler", scriptsInsert("qa", 18082)))
                .as("the scripts' insert, before the grants").hasMessageContaining("permission denied for table held_");
        try (JdbcEnvironmentStore store = open()) {
            StoreHealth h = store.health();
            assertThat(h.problem()).isNull();
            assertThat(h.remedy()).isEqualTo(Remedy.FIX_STORE_SETTINGS);
            assertThat(h.warning()).startsWith("role kindler may write table clusters but lacks SELECT on held_ports,")
                    .contains("DELETE on held_subnets", "grant kindler SELECT, INSERT, UPDATE and DELETE on held_ports "
                            + "and held_subnets")
                    .doesNotContain("role envctl ", "\n");
        }

        sqlAs("envctl", HELD_GRANTS);
        sqlAs("kindler", scriptsInsert("qa", 18082), "DELETE FROM clusters WHERE name = 'qa'");

        try (JdbcEnvironmentStore store = open()) {
            assertThat(store.health().warning()).isNull();
        }
    }

    /** The scripts' {@code db_insert_cluster}: an upsert by name. */
    private static String scriptsInsert(String name, int http) {
        return "INSERT INTO clusters (name, provider, node_port, pf_port, http_port, https_port) VALUES ('" + name
                + "', 'k3d', 30080, " + (http + 1000) + ", " + http + ", " + (http + 400) + ") ON CONFLICT (name) DO "
                + "UPDATE SET provider = EXCLUDED.provider";
    }

    private static void sqlAs(String user, String... statements) throws SQLException {
        try (Connection c = postgres.getDatabase(user, "k").getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static JdbcEnvironmentStore open() {
        return (JdbcEnvironmentStore) new JdbcStoreFactory().open("jdbc:postgresql://localhost:" + postgres.getPort()
                + "/k?user=envctl", Map.of(), Map.of());
    }
}
