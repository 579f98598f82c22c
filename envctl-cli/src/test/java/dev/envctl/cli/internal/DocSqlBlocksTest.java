package dev.envctl.cli.internal;

import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.store.jdbc.JdbcStoreFactory;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code sql} blocks of docs/stores/postgresql.md, run as a user would with psql against an embedded
 * PostgreSQL: the first is the Kindler scripts' table (and the store's V1 migration, which the page says it is
 * exactly); the second fixes, after adoption, the local times the scripts wrote, and the store reads them back
 * as UTC.
 */
class DocSqlBlocksTest {
    private static final String PAGE = "docs/stores/postgresql.md";
    private static final Path V1 = Path.of(
            "../envstore-jdbc/src/main/resources/dev/envctl/store/jdbc/migration/V1__replaced_system_clusters.sql");

    @Test
    void theOldTableAndTheTimeFixRunAsWritten() throws Exception {
        List<DocBlocksTest.Block> sql = DocBlocksTest.blocks().stream()
                .filter(b -> b.page().equals(PAGE) && b.kind().equals("sql") && !b.text().contains("GRANT")).toList();
        assertThat(sql).as(PAGE + " sql blocks").hasSize(2);
        String table = sql.get(0).text();
        String fix = sql.get(1).text();
        assertThat(words(table)).as("the page's table is V1's").isEqualTo(words(withoutComments(
                Files.readString(V1, StandardCharsets.UTF_8))));

        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres?user=postgres";
            LocalDateTime shanghai = LocalDateTime.of(2026, 11, 20, 16, 30);
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute(table);
                // a row as the scripts' sessions in Asia/Shanghai wrote it: local wall-clock times
                s.execute("INSERT INTO clusters (name, provider, node_port, pf_port, http_port, https_port, created_at,"
                        + " updated_at) VALUES ('old', 'k3d', 30080, 19000, 18090, 18443, '" + shanghai + "', '"
                        + shanghai + "')");
            }
            try (EnvironmentStore store = new JdbcStoreFactory().open(url, Map.of(), Map.of())) {
                Environment before = store.get("old");
                assertThat(before.createdAt()).hasToString("2026-11-20T16:30:00Z");

                try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    assertThat(s.executeUpdate(fix)).as("rows the fix updates").isEqualTo(1);
                }

                Environment after = store.get("old");
                assertThat(Duration.between(after.createdAt(), before.createdAt())).isEqualTo(Duration.ofHours(8));
                assertThat(after.createdAt()).hasToString("2026-11-20T08:30:00Z");
                assertThat(after.version()).isGreaterThan(before.version());
                assertThat(store.list(EnvironmentFilter.ALL)).hasSize(1);
            }
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT count(*) FROM clusters WHERE api_port IS NULL")) {
                r.next();
                assertThat(r.getInt(1)).as("the fix narrows itself to the scripts' rows").isEqualTo(1);
            }
        }
    }

    /**
     * The least-privilege section's GRANTs, run as written by the owner of a migrated schema {@code envctl}, are all
     * an application role needs to create, list and delete, and its health names no problem.
     */
    @Test
    void theLeastPrivilegeGrantsRunAsWrittenAndSuffice() throws Exception {
        List<DocBlocksTest.Block> grants = DocBlocksTest.blocks().stream()
                .filter(b -> b.page().equals(PAGE) && b.kind().equals("sql") && b.text().contains("GRANT")).toList();
        assertThat(grants).as(PAGE + " least-privilege block").hasSize(1);

        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE ROLE envctl_owner LOGIN");
                s.execute("CREATE ROLE envctl_app LOGIN");
                s.execute("CREATE DATABASE envctl OWNER envctl_owner");
            }
            String at = "jdbc:postgresql://localhost:" + pg.getPort() + "/envctl?user=";
            Map<String, String> settings = Map.of("jdbc.schema", "envctl");
            new JdbcStoreFactory().open(at + "envctl_owner", settings, Map.of()).close();
            try (Connection c = pg.getDatabase("envctl_owner", "envctl").getConnection();
                 Statement s = c.createStatement()) {
                s.execute(grants.get(0).text());
            }
            for (String migrate : List.of("auto", "validate")) {
                try (EnvironmentStore store = new JdbcStoreFactory().open(at + "envctl_app",
                        Map.of("jdbc.schema", "envctl", "jdbc.migrate", migrate), Map.of())) {
                    store.create(dev.envctl.core.EnvironmentSpec.of("app", "k3d"),
                            new dev.envctl.core.alloc.Allocator(dev.envctl.core.alloc.AllocationPolicy.defaults()));
                    assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("app");
                    assertThat(store.health().problem()).isNull();
                    assertThat(store.delete("app")).isTrue();
                }
            }
        }
    }

    private static String withoutComments(String sql) {
        return sql.lines().filter(l -> !l.strip().startsWith("--")).reduce("", (a, b) -> a + b + "\n");
    }

    /** The SQL as words and punctuation, whitespace folded, without the trailing semicolon. */
    private static String words(String sql) {
        return sql.replaceAll("\\s+", " ").replaceAll(" ?([(),]) ?", "$1").replaceAll(";\\s*$", "").strip();
    }
}
