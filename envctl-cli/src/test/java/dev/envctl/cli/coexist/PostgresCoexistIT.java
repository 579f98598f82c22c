package dev.envctl.cli.coexist;

import com.fasterxml.jackson.databind.JsonNode;
import dev.envctl.cli.coexist.PostgresKindler.Run;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The replaced system's PostgreSQL scripts (scripts/lib_db.sh, init_database.sh, migrate_csv_to_db.sh, list_env.sh),
 * run unchanged against the database envctl uses, in both directions. The database's TimeZone is Asia/Shanghai
 * (what the scripts' psql sessions get) and envctl runs in America/Los_Angeles. Runs when
 * {@code ENVCTL_TEST_KINDLER_DIR} names the scripts' folder.
 */
class PostgresCoexistIT {
    private static final String PASSWORD = "kindler-Secret-17";
    private static final String SERVER_ZONE = "Asia/Shanghai";
    /** The database and role of the scripts' defaults (init_database.sh has them fixed in its psql calls). */
    private static final String KINDLER = "kindler";
    private static EmbeddedPostgres postgres;
    private static Path kindlerDir;

    @TempDir
    Path tmp;
    PostgresKindler k;
    final String database = KINDLER;

    @BeforeAll
    static void startPostgres() throws IOException, SQLException {
        kindlerDir = PostgresKindler.kindlerDir();
        assumeTrue(kindlerDir != null, "coexistence suite skipped: set " + PostgresKindler.DIR_VARIABLE
                + " to the replaced system's folder (e.g. ../shared/reference/kindler-813621e)");
        assumeTrue(Files.isRegularFile(kindlerDir.resolve("scripts/lib_db.sh")), "coexistence suite skipped: "
                + kindlerDir + " (" + PostgresKindler.DIR_VARIABLE + ") has no scripts/lib_db.sh");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/psql")), "coexistence suite skipped: no /usr/bin/psql");
        postgres = EmbeddedPostgres.builder().start();
        sql("postgres", "CREATE ROLE " + KINDLER + " LOGIN PASSWORD '" + PASSWORD + "'");
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void freshKindlerDatabaseInShanghai() throws SQLException {
        sql("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)",
                "CREATE DATABASE " + database + " OWNER " + KINDLER,
                "ALTER DATABASE " + database + " SET TimeZone TO '" + SERVER_ZONE + "'");
        k = new PostgresKindler(kindlerDir, tmp, postgres.getPort(), database, KINDLER, PASSWORD,
                "America/Los_Angeles");
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void everyOldReadFunctionAgreesWithEnvctlGetOnRowsEnvctlWrote() {
        ok(k.envctl("create", "dev-k3d", "--provider", "k3d", "--subnet", "10.101.0.0/16",
                "--label", "register_portainer=true"));
        ok(k.envctl("create", "dev", "--provider", "kind"));
        ok(k.envctl("create", "uat", "--provider", "k3d", "--http-port", "18150"));
        List<String> names = List.of("dev-k3d", "dev", "uat");
        List<JsonNode> envs = new ArrayList<>();
        for (String name : names) {
            JsonNode e = ok(k.envctl("get", name, "-o", "json")).json();
            envs.add(e);
            assertThat(ok(k.lib("db_get_cluster", name)).lines()).as(name).containsExactly(oldLine(e));
            assertThat(k.lib("db_cluster_exists", name).exit()).as(name).isZero();
            for (String role : List.of("http", "https", "pf")) {
                assertThat(k.lib("db_port_in_use", e.at("/ports/" + role).asText()).exit()).as(name + " " + role)
                        .isZero();
            }
        }
        assertThat(ok(k.lib("db_list_clusters")).lines()).containsExactlyElementsOf(envs.stream()
                .map(PostgresCoexistIT::oldLine).toList());
        assertThat(k.lib("db_cluster_exists", "nosuch").exit()).isEqualTo(1);
        assertThat(k.envctl("get", "nosuch").exit()).isEqualTo(3);
        assertThat(k.lib("db_subnet_in_use", "10.101.0.0/16").exit()).isZero();
        assertThat(k.lib("db_is_available").exit()).isZero();

        // db_next_available_port: the lowest port of the range in no old column of any row
        Set<Integer> oldHeld = new HashSet<>();
        for (JsonNode e : envs) {
            for (String role : List.of("http", "https", "pf", "node")) {
                oldHeld.add(e.at("/ports/" + role).asInt());
            }
        }
        int expected = 18080;
        while (oldHeld.contains(expected)) {
            expected++;
        }
        assertThat(ok(k.lib("db_next_available_port", "18080", "18200")).lines())
                .containsExactly(Integer.toString(expected));

        // list_env.sh prints each row in its columns
        List<List<String>> rows = ok(k.script("list_env.sh")).lines().stream()
                .map(l -> List.of(l.trim().split("\\s+"))).toList();
        for (JsonNode e : envs) {
            assertThat(rows).contains(List.of(e.get("name").asText(), e.get("provider").asText(),
                    e.get("subnet").isNull() ? "N/A" : e.get("subnet").asText(), e.at("/ports/node").asText(),
                    e.at("/ports/pf").asText(), e.at("/ports/http").asText(), e.at("/ports/https").asText()));
        }
    }

    @Test
    void rowsTheOldScriptsWriteAreReadAdoptedAndKeptByEnvctl() {
        Run init = ok(k.script("init_database.sh"));
        assertThat(init.out()).contains("clusters", "http_port");
        ok(k.lib("db_insert_cluster", "legacy-a", "k3d", "10.120.0.0/16", "30080", "19100", "18100", "18101"));
        ok(k.lib("db_insert_cluster", "legacy-b", "kind", "", "30081", "19101", "18102", "18103"));
        Run migrated = ok(k.script("migrate_csv_to_db.sh")); // the repository's own config/environments.csv
        assertThat(migrated.out()).contains("[SKIP] devops", "[SUCCESS] ✓ dev migrated", "[SUCCESS] ✓ prod-k3d migrated");
        List<String> oldView = ok(k.lib("db_list_clusters")).lines();
        assertThat(oldView).hasSize(8);

        // envctl adopts the table on first use and reads every row as the old functions do
        JsonNode all = ok(k.envctl("list", "-o", "json")).json();
        assertThat(all).hasSize(8);
        for (JsonNode e : all) {
            assertThat(oldView).contains(oldLine(e));
            assertThat(e.at("/ports/api").isNull()).isTrue();
            assertThat(e.get("desiredState").asText()).isEqualTo("present");
            assertThat(e.get("actualState").asText()).isEqualTo("unknown");
        }
        assertThat(ok(k.envctl("db", "info", "-o", "json")).out()).contains("\"5\"");
        assertThat(ok(k.envctl("get", "legacy-a", "-o", "json")).json().get("subnet").asText())
                .isEqualTo("10.120.0.0/16");

        // the old readers still read the adopted table as before
        assertThat(ok(k.lib("db_list_clusters")).lines()).isEqualTo(oldView);
        assertThat(ok(k.script("list_env.sh")).out()).contains("legacy-a", "prod-k3d", "10.103.0.0/16");

        // envctl keeps them: its allocation skips their ports, and old readers see its new row
        JsonNode fresh = ok(k.envctl("create", "fresh", "--provider", "k3d", "-o", "json")).json();
        JsonNode freshRow = ok(k.envctl("get", "fresh", "-o", "json")).json();
        for (String role : List.of("http", "https", "pf")) {
            String port = freshRow.at("/ports/" + role).asText();
            assertThat(oldView).noneMatch(l -> List.of(l.split("\\|", -1)).contains(port));
        }
        assertThat(fresh).isNotNull();
        assertThat(ok(k.lib("db_list_clusters")).lines()).hasSize(9).contains(oldLine(freshRow));
        assertThat(ok(k.envctl("list", "-o", "json")).json()).hasSize(9);
    }

    @Test
    void oldWritesAfterAdoptionAreSeenWithANewVersionAndUtcTimes() throws SQLException {
        ok(k.envctl("create", "slow", "--provider", "k3d", "--http-port", "18150"));
        JsonNode before = ok(k.envctl("get", "slow", "-o", "json")).json();
        long version = version("slow");

        // an old script moves http 18150 to 18160 (db_insert_cluster upserts an existing name)
        ok(k.lib("db_insert_cluster", "slow", "k3d", "", before.at("/ports/node").asText(),
                before.at("/ports/pf").asText(), "18160", before.at("/ports/https").asText()));

        JsonNode after = ok(k.envctl("get", "slow", "-o", "json")).json();
        assertThat(after.at("/ports/http").asInt()).isEqualTo(18160);
        assertThat(after.at("/ports/api").asInt()).isEqualTo(before.at("/ports/api").asInt());
        assertThat(after.get("createdAt")).isEqualTo(before.get("createdAt"));
        assertThat(Instant.parse(after.get("updatedAt").asText())).isCloseTo(Instant.now(), within(Duration.ofMinutes(2)));
        assertThat(version("slow")).isEqualTo(version + 1);

        // an old insert gets UTC times and version 1; an old delete is seen as gone
        ok(k.lib("db_insert_cluster", "legacy", "kind", "", "30080", "19170", "18170", "18171"));
        JsonNode legacy = ok(k.envctl("get", "legacy", "-o", "json")).json();
        assertThat(Instant.parse(legacy.get("createdAt").asText())).isCloseTo(Instant.now(), within(Duration.ofMinutes(2)));
        assertThat(legacy.get("updatedAt")).isEqualTo(legacy.get("createdAt"));
        assertThat(version("legacy")).isEqualTo(1);
        ok(k.lib("db_delete_cluster", "legacy"));
        assertThat(k.envctl("get", "legacy").exit()).isEqualTo(3);

        // envctl goes on from the changed record
        ok(k.envctl("delete", "slow"));
        assertThat(k.lib("db_cluster_exists", "slow").exit()).isEqualTo(1);
    }

    @Test
    void oldInsertsThatBreakEnvctlsInvariantsStayRefused() throws IOException {
        JsonNode a = ok(k.envctl("create", "a", "--provider", "k3d", "--subnet", "10.130.0.0/16", "-o", "json")).json();
        String api = ok(k.envctl("get", "a", "-o", "json")).json().at("/ports/api").asText();
        assertThat(a).isNotNull();

        // the old checks do not see envctl's api port nor overlapping subnets ...
        assertThat(k.lib("db_port_in_use", api).exit()).isEqualTo(1);
        assertThat(k.lib("db_subnet_in_use", "10.130.5.0/24").exit()).isEqualTo(1);
        // ... but the database refuses such rows, and db_insert_cluster fails (psql's message is discarded)
        Run clash = k.lib("db_insert_cluster", "b", "k3d", "", "30080", "19200", api, "18201");
        assertThat(clash.exit()).as(clash.toString()).isNotZero();
        Run overlap = k.lib("db_insert_cluster", "c", "k3d", "10.130.5.0/24", "30080", "19201", "18202", "18203");
        assertThat(overlap.exit()).as(overlap.toString()).isNotZero();
        Run upper = k.lib("db_insert_cluster", "Upper", "k3d", "", "30080", "19202", "18204", "18205");
        assertThat(upper.exit()).as(upper.toString()).isNotZero();
        for (String name : List.of("b", "c", "Upper")) {
            assertThat(k.lib("db_cluster_exists", name).exit()).as(name).isEqualTo(1);
        }

        // migrate_csv_to_db.sh reports the refused row as failed, migrates the others and exits 1
        Files.writeString(k.root.resolve("config/environments.csv"),
                "# env,provider,node_port,pf_port,register_portainer,haproxy_route,http_port,https_port,cluster_subnet\n"
                        + "good,kind,30080,19210,true,true,18210,18211,\n"
                        + "clash,k3d,30080,19211,true,true," + api + ",18212,\n");
        Run migrated = k.script("migrate_csv_to_db.sh");
        assertThat(migrated.exit()).as(migrated.toString()).isEqualTo(1);
        assertThat(migrated.out()).contains("[SUCCESS] ✓ good migrated", "[ERROR] ✗ clash migration failed");

        assertThat(ok(k.envctl("list", "-o", "json")).json()).extracting(n -> n.get("name").asText())
                .containsExactly("a", "good");
    }

    /**
     * The scripts' file as the mirrored fallback of a table migrate_csv_to_db.sh filled: the table has no column for
     * the file's flags, so its records lack them, and envctl's writes copied to the file keep them as the scripts
     * wrote them (before, a reconcile turned {@code false,no} into {@code true,true}, so the scripts' CSV readers
     * registered and routed the environment, and {@code apply -f} of the file had no flags left to carry over).
     */
    @Test
    void mirroredWritesKeepTheFlagsOfTheScriptsFileThatTheTableLacks() throws IOException {
        Path csv = k.root.resolve("config/environments.csv");
        Files.writeString(csv, "# env,provider,node_port,pf_port,register_portainer,haproxy_route,http_port,https_port,"
                + "cluster_subnet\n"
                + "quiet,kind,30080,19210,false,no,18210,18211,\n"
                + "loud,k3d,30080,19211,true,true,18212,18213,\n");
        ok(k.script("init_database.sh"));
        ok(k.script("migrate_csv_to_db.sh"));
        Files.writeString(k.home.resolve(".envctl/config.properties"), "fallback.store=csv:" + csv
                + "\nfallback.mirror=true\n", StandardOpenOption.APPEND);

        ok(k.envctl("reconcile"));
        ok(k.envctl("stop", "quiet"));

        assertThat(ok(k.envctl("get", "quiet", "-o", "json")).json().get("desiredState").asText()).isEqualTo("stopped");
        assertThat(Files.readAllLines(csv)).contains("quiet,kind,30080,19210,false,no,18210,18211,",
                "loud,k3d,30080,19211,true,true,18212,18213,");
        JsonNode copy = ok(k.envctl("--store", "csv:" + csv, "get", "quiet", "-o", "json")).json();
        assertThat(List.of(copy.at("/labels/register_portainer").asText(), copy.at("/labels/haproxy_route").asText()))
                .containsExactly("false", "false");
        assertThat(copy.get("desiredState").asText()).isEqualTo("stopped");
    }

    @Test
    void aTableThatCannotBeAdoptedYetServesReadsAndRefusesWrites() throws SQLException {
        ok(k.script("init_database.sh"));
        ok(k.lib("db_insert_cluster", "dev", "kind", "", "30080", "19001", "18090", "18443"));
        ok(k.lib("db_insert_cluster", "uat", "k3d", "", "30080", "18090", "18091", "18444"));
        ok(k.lib("db_insert_cluster", "Prod", "k3d", "10.103.0.0/16", "30080", "19003", "18092", "18445"));

        Run list = ok(k.envctl("list", "-o", "json"));
        assertThat(list.json()).extracting(n -> n.get("name").asText()).containsExactly("dev", "uat");
        assertThat(list.err()).contains("cannot be adopted yet", "name 'Prod'", "port 18090 is held by dev (http) and uat (pf)");
        assertThat(ok(k.envctl("get", "dev", "-o", "json")).json().at("/ports/http").asInt()).isEqualTo(18090);

        Run create = k.envctl("create", "qa", "--provider", "k3d");
        assertThat(create.exit()).as(create.toString()).isEqualTo(4);
        assertThat(create.err()).contains("refused", "name 'Prod'", "port 18090 is held by dev (http) and uat (pf)",
                "envctl db migrate");
        Run delete = k.envctl("delete", "dev");
        assertThat(delete.exit()).as(delete.toString()).isEqualTo(4);
        assertThat(k.toolCalls()).noneMatch(c -> c.contains("delete") || c.contains("create"));
        assertThat(columns()).isEqualTo(9);

        // migrate --from reads it as a source once the port is repaired (the old upsert); Prod is still named
        ok(k.lib("db_insert_cluster", "uat", "k3d", "", "30080", "19002", "18091", "18444"));
        Path csv = tmp.resolve("copy.csv");
        Run copy = ok(k.envctl("migrate", "--from", k.url, "--to", "csv:" + csv));
        assertThat(copy.err()).contains("cannot be adopted yet", "name 'Prod'");
        Run copied = ok(k.envctl("--store", "csv:" + csv, "list", "-o", "json"));
        assertThat(copied.json()).extracting(n -> n.get("name").asText()).containsExactly("dev", "uat");

        // repaired with psql, the table is adopted by the next command
        ok(k.lib("db_delete_cluster", "Prod"));
        Run adopted = ok(k.envctl("list", "-o", "json"));
        assertThat(adopted.err()).doesNotContain("cannot be adopted");
        assertThat(columns()).isGreaterThan(9);
        ok(k.envctl("create", "qa", "--provider", "k3d"));
    }

    // ---------------------------------------------------------------------------------------------------------

    private Run ok(Run r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out() + r.err()).as("password printed by %s", r).doesNotContain(PASSWORD);
        return r;
    }

    /** The line db_get_cluster and db_list_clusters print for an environment of {@code envctl get -o json}. */
    private static String oldLine(JsonNode e) {
        return String.join("|", e.get("name").asText(), e.get("provider").asText(),
                e.get("subnet").isNull() ? "" : e.get("subnet").asText(), e.at("/ports/node").asText(),
                e.at("/ports/pf").asText(), e.at("/ports/http").asText(), e.at("/ports/https").asText());
    }

    private long version(String name) throws SQLException {
        try (Connection c = postgres.getDatabase("postgres", database).getConnection();
             var s = c.prepareStatement("SELECT version FROM clusters WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("row %s", name).isTrue();
                return rs.getLong(1);
            }
        }
    }

    private int columns() throws SQLException {
        try (Connection c = postgres.getDatabase("postgres", database).getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.columns "
                     + "WHERE table_schema = 'public' AND table_name = 'clusters'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void sql(String db, String... statements) throws SQLException {
        try (Connection c = postgres.getDatabase("postgres", db).getConnection(); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }
}
