package dev.envctl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.envctl.cli.Workspace.Result;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged CLI on the PostgreSQL store (an embedded PostgreSQL 17, a fresh database per test), with the
 * password given only through {@code ENVCTL_DB_PASSWORD}, which must never be printed or passed on.
 */
class PostgresStoreIT {
    private static final String SECRET = "pg-Secret-4711";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    @TempDir
    Path tmp;
    Workspace ws;
    String url;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void freshDatabase() throws SQLException {
        String db = "envctl_it_" + DATABASES.incrementAndGet();
        sql("postgres", "CREATE DATABASE " + db);
        url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + db;
        ws = new Workspace(tmp);
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "store.jdbc.user=postgres\n"
                + "store.jdbc.connect-timeout=5s\n");
        ws.env.put("ENVCTL_STORE", url);
        ws.env.put("ENVCTL_DB_PASSWORD", SECRET);
    }

    private static void sql(String database, String... statements) throws SQLException {
        try (Connection c = postgres.getDatabase("postgres", database).getConnection();
             Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    private static List<String> tables(String database) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = postgres.getDatabase("postgres", database).getConnection();
             Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables "
                     + "WHERE table_schema = 'public' ORDER BY table_name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private Result ok(String... args) {
        Result r = ws.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out() + r.err()).as("password printed by %s", r).doesNotContain(SECRET);
        return r;
    }

    @Test
    void aSchemaANewerEnvctlMigratedIsUsedByDryRunsAndDoctorAndDbInfoSaysToUpgradeEnvctl() throws SQLException {
        ok("db", "migrate");
        sql(url.substring(url.lastIndexOf('/') + 1), "INSERT INTO envctl_schema_history (installed_rank, version, "
                + "description, type, script, checksum, installed_by, execution_time, success) SELECT "
                + "max(installed_rank) + 1, '99', 'from the future', 'SQL', 'V99__from_the_future.sql', 0, "
                + "current_user, 0, true FROM envctl_schema_history");

        assertThat(ok("db", "info").out()).contains("current version 99", "newer than this envctl", "upgrade envctl")
                .doesNotContain("run envctl db migrate");
        assertThat(ok("db", "info", "-o", "json").json().get("newerThanEnvctl").asBoolean()).isTrue();
        // migrating cannot bring it to what this envctl knows: it says so, not that the schema is up to date
        assertThat(ok("db", "migrate").out()).contains("schema version 99 is newer than this envctl knows",
                "upgrade envctl").doesNotContain("already up to date", "99 -> 99");
        JsonNode migrated = ok("db", "migrate", "-o", "json").json();
        assertThat(migrated.get("currentVersion").asText()).isEqualTo("99");
        assertThat(migrated.get("newerThanEnvctl").asBoolean()).isTrue();
        ok("create", "dev", "--dry-run");
        Result doctor = ws.run("doctor");
        assertThat(doctor.out()).as(doctor.toString()).doesNotContain("FAIL  store")
                .contains("schema version 99 is newer than this envctl knows");
        String storeLine = doctor.out().lines().filter(l -> l.contains(" store ")).findFirst().orElseThrow();
        assertThat(storeLine.split("schema version 99", -1)).as(storeLine).hasSize(2);

        ok("list");
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "store.jdbc.user=postgres\n"
                + "store.jdbc.connect-timeout=5s\nstore.jdbc.migrate=validate\n");
        Result refused = ws.run("list");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).contains("is at version 99, newer than this envctl knows", "upgrade envctl")
                .doesNotContain("db migrate", "migrate the schema");
    }

    @Test
    void dbMigrateAndInfoShowTheSchemaVersions() {
        JsonNode before = ok("db", "info", "-o", "json").json();
        assertThat(before.get("upToDate").asBoolean()).isFalse();
        assertThat(before.get("currentVersion").isNull()).isTrue();

        JsonNode migrated = ok("db", "migrate", "-o", "json").json();
        assertThat(migrated.get("adopted").asBoolean()).isFalse();
        assertThat(migrated.get("applied")).isNotEmpty();
        assertThat(migrated.get("newerThanEnvctl").asBoolean()).isFalse();
        String latest = migrated.get("currentVersion").asText();

        JsonNode after = ok("db", "info", "-o", "json").json();
        assertThat(after.get("upToDate").asBoolean()).isTrue();
        assertThat(after.get("currentVersion").asText()).isEqualTo(latest);
        assertThat(ok("db", "info").out()).contains("current version " + latest, "(up to date)");
        assertThat(ok("db", "migrate").out()).contains("(already up to date)");
    }

    @Test
    void createListGetAndDeleteAgainstPostgres() throws IOException {
        Path k3d = ws.bin.resolve("k3d");
        Files.move(k3d, ws.bin.resolve("k3d-stand-in"));
        Workspace.write(k3d, "#!/bin/sh\nenv >> \"$ENVCTL_STUB_STATE/k3d-environment\"\n"
                + "exec \"$(dirname \"$0\")/k3d-stand-in\" \"$@\"\n");
        Files.setPosixFilePermissions(k3d, PosixFilePermissions.fromString("rwxr-xr-x"));
        JsonNode dev = ok("create", "dev", "--subnet", "auto", "-o", "json").json();
        assertThat(dev.get("subnet").asText()).isEqualTo("10.100.0.0/24");
        assertThat(dev.get("ports").toString())
                .isEqualTo("{\"http\":18080,\"https\":18400,\"pf\":19000,\"api\":26443,\"node\":30080}");
        ok("create", "dev-kind", "--provider", "kind");

        JsonNode list = ok("list", "-o", "json").json();
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("name").asText()).isEqualTo("dev");
        assertThat(ok("get", "dev", "-o", "json").json()).isEqualTo(list.get(0));
        assertThat(ws.run("create", "web", "--http-port", "18080").exit()).isEqualTo(4);
        assertThat(ws.run("create", "web", "--subnet", "10.100.0.128/25").exit()).isEqualTo(4);

        ok("delete", "dev");
        assertThat(ws.run("get", "dev").exit()).isEqualTo(3);
        assertThat(ok("list", "-o", "json").json()).hasSize(1);
        assertThat(String.join("\n", ws.calls().stream().map(c -> String.join(" ", c)).toList()))
                .as("password in the argv of a child").doesNotContain(SECRET);
        assertThat(Files.readString(ws.state.resolve("k3d-environment"))).as("what k3d got")
                .contains("ENVCTL_STUB_STATE=").doesNotContain(SECRET);
    }

    @Test
    void verboseShowsEnvctlsLinesNotJooqsLogo() {
        ok("create", "dev");

        Result verbose = ok("-v", "list");

        assertThat(verbose.out()).contains("dev");
        assertThat(verbose.err()).doesNotContain("jOOQ", "@@@@");
    }

    @Test
    void migrateMovesTheReplacedSystemsCsvIntoPostgres() {
        String csv = "csv:" + Workspace.CONFIG.resolve("environments.csv");

        JsonNode report = ok("migrate", "--from", csv, "--to", url, "-o", "json").json();

        assertThat(report.get("total").asInt()).isEqualTo(7);
        assertThat(report.get("migrated").asInt()).isEqualTo(6);
        assertThat(report.get("skipped").asInt()).isEqualTo(1);
        List<String> names = new ArrayList<>();
        ok("list", "-o", "json").json().forEach(e -> names.add(e.get("name").asText()));
        assertThat(names).containsExactly("dev", "dev-k3d", "prod", "prod-k3d", "uat", "uat-k3d");
        JsonNode again = ok("migrate", "--from", csv, "--to", url, "-o", "json").json();
        assertThat(again.get("migrated").asInt()).isZero();
    }

    @Test
    void aDryRunMigrateIntoTheScriptsTableFailsTheRowsTheRealRunFails() throws SQLException {
        // init_database.sh's table: NOT NULL port columns, which adopting keeps
        sql(url.substring(url.lastIndexOf('/') + 1), "CREATE TABLE IF NOT EXISTS clusters (name VARCHAR(63) PRIMARY "
                + "KEY, provider VARCHAR(10) NOT NULL CHECK (provider IN ('k3d', 'kind')), subnet CIDR, node_port INT "
                + "NOT NULL, pf_port INT NOT NULL, http_port INT NOT NULL, https_port INT NOT NULL, created_at "
                + "TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)");
        ok("db", "migrate");
        // a six-column row of the scripts (no http or https port)
        String csv = ws.write("envs.csv", "# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
                + "http_port,https_port,cluster_subnet\ndev,kind,30080,19001,true,true,18090,18443,\n"
                + "six,k3d,30080,19002,true,true\n").toString();

        Result dry = ws.run("migrate", "--from", csv, "--to", url, "--dry-run", "-o", "json");
        Result real = ws.run("migrate", "--from", csv, "--to", url, "-o", "json");

        assertThat(real.exit()).as(real.toString()).isEqualTo(1);
        assertThat(dry.exit()).as(dry.toString()).isEqualTo(1);
        JsonNode six = real.json().get("rows").get(1);
        assertThat(six.get("outcome").asText()).isEqualTo("failed");
        assertThat(six.get("reason").asText()).contains("http_port", "not-null");
        assertThat(dry.json().get("rows").get(1)).isEqualTo(six);
        assertThat(dry.json().get("rows").get(0).get("outcome").asText()).isEqualTo("would-migrate");
        assertThat(dry.err()).contains("envctl: six was not migrated: inserting environment 'six' failed");
        assertThat(ok("list", "-o", "json").json()).extracting(e -> e.get("name").asText()).containsExactly("dev");
    }

    @Test
    void applyPruneAndReconcileAgainstPostgres() throws IOException {
        Path yaml = ws.write("envs.yaml", "- name: dev\n- name: uat\n  provider: kind\n  subnet: auto\n");
        JsonNode applied = ok("apply", "-f", yaml.toString(), "-o", "json").json();
        assertThat(applied.get("ok").asBoolean()).isTrue();
        assertThat(applied.get("outcomes").findValuesAsText("action")).containsOnly("created");

        Files.delete(ws.state.resolve("k3d/dev"));
        JsonNode reconciled = ok("reconcile", "-o", "json").json();
        assertThat(reconciled.get("outcomes").findValuesAsText("action")).contains("recreated", "unchanged");

        Path onlyUat = ws.write("uat.yaml", "- name: uat\n  provider: kind\n  subnet: auto\n");
        ok("apply", "-f", onlyUat.toString(), "--prune");
        List<String> names = new ArrayList<>();
        ok("list", "-o", "json").json().forEach(e -> names.add(e.get("name").asText()));
        assertThat(names).containsExactly("uat");
        assertThat(ws.state.resolve("k3d/dev")).doesNotExist();
    }

    @Test
    void diffInPlaceUpdateAndReplacementAgainstPostgres() {
        ok("create", "dev", "--label", "team=a");
        ok("create", "web", "--http-port", "18095");
        Path yaml = ws.write("envs.yaml", "- name: dev\n  provider: kind\n  ports: {http: 18090}\n"
                + "  labels: {team: b}\n- name: web\n  labels: {tier: front}\n");

        Result diff = ws.run("diff", "-f", yaml.toString());
        assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
        assertThat(diff.out()).isEqualTo("~ dev  provider k3d -> kind, http 18080 -> 18090, label team: a -> b  "
                + "(replace)\n~ web  label tier: (none) -> front  (in place)\n");
        JsonNode before = ok("list", "-o", "json").json();
        assertThat(ws.run("apply", "-f", yaml.toString()).exit()).isEqualTo(4);
        assertThat(ok("list", "-o", "json").json()).isEqualTo(before);

        Path taken = ws.write("taken.yaml", "- name: dev\n  ports: {http: 18095}\n");
        Result refused = ws.run("apply", "-f", taken.toString(), "--replace");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(4);
        assertThat(refused.err()).startsWith("envctl: apply refused, nothing was changed: dev: http port 18095 is "
                + "already held by environment 'web'");
        assertThat(ok("list", "-o", "json").json()).isEqualTo(before);
        assertThat(ws.state.resolve("k3d/dev")).exists();

        JsonNode report = ok("apply", "-f", yaml.toString(), "--replace", "-o", "json").json();
        assertThat(report.get("outcomes").findValuesAsText("action")).containsExactly("replaced", "updated");
        JsonNode dev = ok("get", "dev", "-o", "json").json();
        assertThat(dev.get("provider").asText()).isEqualTo("kind");
        assertThat(dev.get("ports").get("http").asInt()).isEqualTo(18090);
        assertThat(ws.state.resolve("k3d/dev")).doesNotExist();
        assertThat(ws.state.resolve("kind/dev")).exists();
        assertThat(ok("diff", "-f", yaml.toString()).out()).isEqualTo("unchanged: dev, web\n");
    }

    @Test
    void adoptsTheReplacedSystemsClustersTable() throws SQLException {
        String db = url.substring(url.lastIndexOf('/') + 1);
        sql(db, "CREATE TABLE clusters (name varchar(63) PRIMARY KEY, provider varchar(10) CHECK (provider IN "
                        + "('k3d','kind')), subnet cidr, node_port int, pf_port int, http_port int, https_port int, "
                        + "created_at timestamp, updated_at timestamp)",
                "INSERT INTO clusters VALUES ('dev', 'kind', NULL, 30080, 19001, 18090, 18443, now(), now())",
                "INSERT INTO clusters VALUES ('dev-k3d', 'k3d', '10.101.0.0/16', 30080, 19002, 18091, 18444, now(), "
                        + "now())");

        // the commands that change nothing read the table as it is: nothing adopted, no table of envctl's made
        assertThat(ok("create", "web", "--dry-run").out()).contains("Dry run: nothing was changed", "18080");
        assertThat(ok("delete", "dev", "--dry-run").out()).contains("Dry run: nothing was changed");
        Path file = Workspace.write(ws.dir.resolve("dev.yaml"), "- name: dev\n  provider: kind\n"
                + "  ports: {http: 18090, https: 18443, pf: 19001}\n");
        assertThat(ws.run("diff", "-f", file.toString()).out()).contains("dev");
        assertThat(ok("doctor").out()).contains("table clusters not adopted yet");
        assertThat(tables(db)).containsExactly("clusters");

        JsonNode migrated = ok("db", "migrate", "-o", "json").json();

        assertThat(migrated.get("adopted").asBoolean()).isTrue();
        JsonNode devK3d = ok("get", "dev-k3d", "-o", "json").json();
        assertThat(devK3d.get("subnet").asText()).isEqualTo("10.101.0.0/16");
        assertThat(devK3d.get("ports").get("http").asInt()).isEqualTo(18091);
        assertThat(devK3d.get("ports").get("api").isNull()).isTrue();
        JsonNode web = ok("create", "web", "-o", "json").json();
        assertThat(web.get("ports").get("http").asInt()).isEqualTo(18080);
    }

    /** The Kindler scripts' table with two rows that share port 18090, so it cannot be adopted. */
    private void unadoptableTable() throws SQLException {
        String db = url.substring(url.lastIndexOf('/') + 1);
        sql(db, "CREATE TABLE clusters (name varchar(63) PRIMARY KEY, provider varchar(10) CHECK (provider IN "
                        + "('k3d','kind')), subnet cidr, node_port int, pf_port int, http_port int, https_port int, "
                        + "created_at timestamp, updated_at timestamp)",
                "INSERT INTO clusters VALUES ('dev', 'kind', NULL, 30080, 19001, 18090, 18443, now(), now())",
                "INSERT INTO clusters VALUES ('uat', 'k3d', NULL, 30080, 18090, 18091, 18444, now(), now())");
    }

    @Test
    void aTableThatCannotBeAdoptedFailsDoctor() throws SQLException {
        unadoptableTable();
        Result create = ws.run("create", "web");
        assertThat(create.exit()).as(create.toString()).isEqualTo(4);

        Result doctor = ws.run("doctor");

        assertThat(doctor.exit()).as(doctor.toString()).isEqualTo(1);
        assertThat(doctor.out()).as(doctor.toString()).contains("FAIL  store", "table clusters cannot be adopted yet",
                "every write is refused until table clusters can be adopted: port 18090 is held by dev (http) and uat "
                        + "(pf); fix these rows (for example with psql), then migrate the schema (envctl db migrate)")
                .doesNotContain("PASS  store", SECRET);
        assertThat(doctor.err()).as("said once, on the store line").doesNotContain("port 18090");
    }

    @Test
    void dbInfoOnATableThatCannotBeAdoptedSaysWhatToFixAndShowsV1AsABaseline() throws SQLException {
        unadoptableTable();

        Result info = ok("db", "info");
        assertThat(info.out()).contains("current version none, latest 8; envctl db migrate would change nothing and "
                        + "exit 4 until this is fixed (for example with psql):\n  cannot adopt table clusters: port "
                        + "18090 is held by dev (http) and uat (pf)")
                .doesNotContain("(run envctl db migrate)")
                .containsPattern("(?m)^1 +the Kindler scripts. clusters table +Baseline pending \\(adopts table clusters\\)");
        JsonNode json = ok("db", "info", "-o", "json").json();
        assertThat(json.get("blockers").get(0).asText()).isEqualTo("cannot adopt table clusters: port 18090 is held "
                + "by dev (http) and uat (pf)");
        assertThat(json.get("migrations").get(0).get("state").asText()).isEqualTo("Baseline pending (adopts table "
                + "clusters)");
        assertThat(ws.run("db", "migrate").exit()).isEqualTo(4);
    }

    @Test
    void doctorsStoreLineNamesTheLocationOnce() {
        ok("db", "migrate");

        String store = ok("doctor").out().lines().filter(l -> l.startsWith("PASS  store")).findFirst().orElseThrow();

        assertThat(store.split(java.util.regex.Pattern.quote(url), -1)).as(store).hasSize(2);
        Result down = ws.run("--store", "jdbc:postgresql://127.0.0.1:1/envctl", "doctor");
        String fail = down.out().lines().filter(l -> l.startsWith("FAIL  store")).findFirst().orElseThrow();
        assertThat(fail.split("127\\.0\\.0\\.1:1/envctl", -1)).as(fail).hasSize(2);
        // one try to open it: a server that does not answer would make each try wait for the connect timeout
        Result logged = ws.run("-vv", "--store", "jdbc:postgresql://127.0.0.1:1/envctl", "doctor");
        assertThat(logged.err().lines().filter(l -> l.contains("opening store "))).as(logged.toString()).hasSize(1);
    }

    /**
     * Under jdbc.migrate=read a schema that does not exist (jdbc.schema misspelt) is read as empty and said: one WARN
     * from a command that reads, and doctor's store line WARNs naming it; nothing is created.
     */
    @Test
    void readModeSaysThatAMisspeltSchemaDoesNotExist() {
        ok("db", "migrate");
        ok("create", "dev");
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "store.jdbc.user=postgres\n"
                + "store.jdbc.connect-timeout=5s\nstore.jdbc.migrate=read\nstore.jdbc.schema=pubilc\n");

        Result list = ok("list", "-o", "json");
        assertThat(list.json().size()).isZero();
        assertThat(list.errLines()).as(list.toString()).singleElement().asString().startsWith("WARN ")
                .contains("schema pubilc of ", "does not exist, so the store reads as empty (jdbc.migrate=read creates "
                        + "nothing); if jdbc.schema is misspelt, correct it");
        Result doctor = ok("doctor");
        assertThat(doctor.out()).as(doctor.toString()).contains("WARN  store", "schema pubilc of ", "does not exist")
                .doesNotContain("FAIL");
        assertThat(doctor.err()).as("said once, on the store line").doesNotContain("does not exist");
        assertThat(ok("list").errLines()).hasSize(1);
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "store.jdbc.user=postgres\n"
                + "store.jdbc.connect-timeout=5s\nstore.jdbc.migrate=read\n");
        assertThat(ok("list").out()).contains("dev");
    }

    @Test
    void doctorReportsTheSchemaVersionAndPluginsShowTheJdbcStore() throws SQLException {
        ok("db", "migrate");

        assertThat(ok("doctor").out()).containsPattern("PASS  store .*schema version \\d+");
        assertThat(ok("plugins").out()).contains("dev.envctl.store.jdbc.JdbcStoreFactory");
        ok("create", "dev");

        // an older envctl schema, as envctl 7 left it (V8's history row and what V8 made are gone)
        String db = url.substring(url.lastIndexOf('/') + 1);
        sql(db, "DELETE FROM envctl_schema_history WHERE version = '8'",
                "DROP TRIGGER clusters_write_lock ON clusters", "DROP TRIGGER hosts_write_lock ON hosts",
                "DROP FUNCTION envctl_write_lock()");

        // jdbc.migrate=read refuses it, so every command fails: the server answered, so no hint about reaching it
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "store.jdbc.user=postgres\n"
                + "store.jdbc.connect-timeout=5s\nstore.jdbc.migrate=read\n");
        assertThat(ws.run("list").exit()).isEqualTo(1);
        Result refused = ws.run("doctor");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.out()).contains("FAIL  store", "is at version 7 but envctl needs 8; open it with "
                        + "jdbc.migrate=auto or migrate the schema (envctl db migrate)")
                .doesNotContain("check that the store is reachable");

        // under jdbc.migrate=auto (the default) the next command that opens the store migrates it: a WARN
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "store.jdbc.user=postgres\n"
                + "store.jdbc.connect-timeout=5s\n");
        Result older = ok("doctor");
        assertThat(older.out()).as(older.toString()).contains("WARN  store", "schema version 7 -> schema public of",
                "is at version 7 and this envctl needs version 8; jdbc.migrate=auto migrates it to version 8 at the "
                + "store's next opening that is not only to read, or migrate the schema (envctl db migrate)")
                .doesNotContain("FAIL");
        assertThat(older.err()).as("said once, on the store line").doesNotContain("version 7");
        // the commands that only read preview as the real command would work, reading the older schema as it is
        // (this envctl reads version 7 as its own), and warn in one line that it is migrated at the next opening
        Path dev = ws.write("dev.yaml", "- name: dev\n");
        for (String[] onlyReading : List.of(new String[] {"create", "web", "--dry-run"},
                new String[] {"apply", "-f", dev.toString(), "--dry-run"},
                new String[] {"diff", "-f", dev.toString()})) {
            Result read = ok(onlyReading);
            assertThat(read.errLines()).as(read.toString()).singleElement().asString().startsWith("WARN ").contains(
                    "is at version 7 and this envctl needs version 8; it is read as it is, and jdbc.migrate=auto "
                    + "migrates it to version 8 at the store's next opening that is not only to read, or migrate the "
                    + "schema");
        }
        assertThat(ok("create", "web", "--dry-run").out()).as("dev's ports, read from the older schema, are taken")
                .contains("web").doesNotContain("18080");
        assertThat(ok("diff", "-f", dev.toString()).out()).isEqualTo("unchanged: dev\n");
        // the real migrate would migrate the target first: its dry run checks each row there as it is
        Result preview = ok("migrate", "--from", "csv:" + Workspace.CONFIG.resolve("environments.csv"), "--to", url,
                "--dry-run");
        assertThat(preview.out()).as(preview.toString()).contains("dry run: total 7, would migrate 5, skipped 2, "
                + "failed 0");
        assertThat(preview.errLines()).as(preview.toString()).filteredOn(l -> l.contains("version 7")).singleElement()
                .asString().startsWith("WARN ").contains("it is read as it is, and jdbc.migrate=auto migrates it");
        ok("list");
        assertThat(ok("doctor").out()).containsPattern("PASS  store .*schema version 8");
    }

    @Test
    void aSigtermWhileACreateWaitsForTheWriteLockEndsItBeforeTheGraceAndStoresNothing() throws Exception {
        ok("create", "dev");
        String before = ok("list", "-o", "json").out();
        try (Connection psql = postgres.getDatabase("postgres", url.substring(url.lastIndexOf('/') + 1))
                .getConnection(); Statement s = psql.createStatement()) {
            // a psql session inside a transaction that wrote: the schema's trigger took the store's write lock
            psql.setAutoCommit(false);
            s.execute("UPDATE clusters SET name = name WHERE false");
            List<String> command = new ArrayList<>(List.of(Workspace.LAUNCHER.toString(), "create", "web"));
            ProcessBuilder pb = new ProcessBuilder(command).directory(ws.dir.toFile())
                    .redirectOutput(tmp.resolve("out-create.txt").toFile())
                    .redirectError(tmp.resolve("err-create.txt").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().clear();
            pb.environment().putAll(ws.env);
            Process create = pb.start();
            try {
                awaitAdvisoryLockWaiter();

                assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(create.pid())).start().waitFor())
                        .isZero();

                // the signal's grace is 60 s: only an interrupt that ends the wait ends envctl before it
                assertThat(create.waitFor(30, TimeUnit.SECONDS)).as("envctl still waits for the lock").isTrue();
                assertThat(create.exitValue()).isEqualTo(143);
                assertThat(Files.readAllLines(tmp.resolve("err-create.txt")).stream()
                        .filter(l -> l.startsWith("envctl: "))).containsExactly("envctl: create interrupted (SIGINT "
                        + "or SIGTERM) before it changed any cluster; run it again (a change it recorded already, "
                        + "'envctl reconcile' carries out)");
            } finally {
                create.destroyForcibly();
                psql.rollback();
            }
        }
        assertThat(ok("list", "-o", "json").out()).isEqualTo(before);
    }

    @Test
    void aMigrationWhoseSessionTheServerEndsIsExit5WithoutFlywaysStackTraces() throws Exception {
        String db = url.substring(url.lastIndexOf('/') + 1);
        sql(db, "CREATE TABLE clusters (name varchar(63) PRIMARY KEY, provider varchar(10) NOT NULL CHECK (provider "
                        + "IN ('k3d','kind')), subnet cidr, node_port int NOT NULL, pf_port int NOT NULL, http_port int "
                        + "NOT NULL, https_port int NOT NULL, created_at timestamp DEFAULT CURRENT_TIMESTAMP, "
                        + "updated_at timestamp DEFAULT CURRENT_TIMESTAMP)",
                "INSERT INTO clusters (name, provider, node_port, pf_port, http_port, https_port) "
                        + "VALUES ('dev', 'kind', 30080, 19001, 18090, 18443)");
        Result r;
        try (Connection psql = postgres.getDatabase("postgres", db).getConnection();
             Statement s = psql.createStatement()) {
            // a reader inside a transaction: adopting (V2 alters the table) waits for it
            psql.setAutoCommit(false);
            s.execute("LOCK TABLE clusters IN ACCESS SHARE MODE");
            ProcessBuilder pb = new ProcessBuilder(Workspace.LAUNCHER.toString(), "list").directory(ws.dir.toFile())
                    .redirectOutput(tmp.resolve("out-list.txt").toFile())
                    .redirectError(tmp.resolve("err-list.txt").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().clear();
            pb.environment().putAll(ws.env);
            Process list = pb.start();
            try {
                awaitWaiter("relation");
                // the server ends the migrating session, as a restart or an administrator does
                try (Connection c = postgres.getDatabase("postgres", "postgres").getConnection();
                     Statement admin = c.createStatement()) {
                    admin.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'relation' "
                            + "AND NOT granted");
                }
                assertThat(list.waitFor(60, TimeUnit.SECONDS)).as("envctl still runs").isTrue();
                r = new Result(new String[] {"list"}, list.exitValue(), Files.readString(tmp.resolve("out-list.txt")),
                        Files.readString(tmp.resolve("err-list.txt")));
            } finally {
                list.destroyForcibly();
                psql.rollback();
            }
        }

        assertThat(r.exit()).as(r.toString()).isEqualTo(5);
        assertThat(r.errLines()).as(r.toString()).filteredOn(l -> l.startsWith("envctl: ")).singleElement()
                .asString().contains("is unavailable");
        // what Flyway logs of its failed rollback is what envctl's line already says: its stack traces only with -v
        assertThat(r.errLines()).as(r.toString()).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
    }

    /** Waits (at most 60 s) until a session of the server waits for an advisory lock. */
    private static void awaitAdvisoryLockWaiter() throws Exception {
        awaitWaiter("advisory");
    }

    /** Waits (at most 60 s) until a session of the server waits for a lock of {@code locktype}. */
    private static void awaitWaiter(String locktype) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            try (Connection c = postgres.getDatabase("postgres", "postgres").getConnection();
                 Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = '"
                         + locktype + "' AND NOT granted")) {
                if (rs.next() && rs.getInt(1) > 0) {
                    return;
                }
            }
            assertThat(Instant.now()).as("envctl never waited for the lock").isBefore(until);
            Thread.sleep(50);
        }
    }

    @Test
    void verboseDebugOutputNeverShowsThePassword() {
        Result r = ws.run("-vv", "create", "dev");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out() + r.err()).doesNotContain(SECRET);
    }

    @Test
    void aStoppedServerIsExit5WithOneLine() throws IOException {
        ws.env.put("ENVCTL_STORE", "jdbc:postgresql://127.0.0.1:1/envctl");
        Path before = tmp.resolve("marker");
        Files.writeString(before, "x");

        Result r = ws.run("list");

        assertThat(r.exit()).as(r.toString()).isEqualTo(5);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("envctl: ").doesNotContain(SECRET);
    }
}
