package dev.envctl.cli;

import dev.envctl.cli.Workspace.Result;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged CLI against a PostgreSQL server that refuses its settings, with {@code fallback.store} set: a wrong
 * password or a missing database is exit 5 with one line saying what to check, and the fallback is not read (it is
 * for a primary that cannot be reached). An embedded PostgreSQL 17 whose role {@code envctl} must give its password
 * (scram-sha-256). A role lacking a privilege envctl needs is exit 5 too: {@code apply} is refused whole with nothing
 * changed, {@code delete} before its cluster is touched.
 */
class RefusedLoginIT {
    private static final String SECRET = "pg-Right-4711";
    private static final String WRONG = "pg-Wrong-0815";
    private static EmbeddedPostgres postgres;

    @TempDir
    Path tmp;
    Workspace ws;
    Path fallback;

    @BeforeAll
    static void startPostgres() throws IOException, SQLException {
        postgres = EmbeddedPostgres.builder().setDataDirectoryCustomizer(RefusedLoginIT::passwordLogin).start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE envctl LOGIN PASSWORD '" + SECRET + "'");
            s.execute("CREATE DATABASE envctl OWNER envctl");
        }
    }

    /** A scram-sha-256 line for role envctl before the trust lines the embedded server writes. */
    private static void passwordLogin(java.io.File dir) {
        Path hba = dir.toPath().resolve("pg_hba.conf");
        try {
            Files.writeString(hba, "host all envctl 127.0.0.1/32 scram-sha-256\n"
                    + "host all envctl ::1/128 scram-sha-256\n" + Files.readString(hba), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void workspaceWithAFallback() {
        ws = new Workspace(tmp);
        fallback = tmp.resolve("fallback.csv");
        Result made = ws.run("--store", fallback.toString(), "create", "from-the-fallback");
        assertThat(made.exit()).as(made.toString()).isZero();
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "store.jdbc.user=envctl\n"
                + "store.jdbc.connect-timeout=5s\nfallback.store=csv:" + fallback + "\n");
    }

    private Result refused(String database, String password, String... args) {
        ws.env.put("ENVCTL_STORE", "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database);
        ws.env.put("ENVCTL_DB_PASSWORD", password);
        Result r = ws.run(args);
        assertThat(r.exit()).as(r.toString()).isEqualTo(5);
        assertThat(r.out()).as(r.toString()).doesNotContain("from-the-fallback");
        assertThat(r.err()).as(r.toString()).doesNotContain("stale", "fallback", SECRET, WRONG);
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        return r;
    }

    @Test
    void aWrongPasswordIsExit5WithWhatToCheckAndTheFallbackIsNotRead() {
        assertThat(ws.run("--store", "jdbc:postgresql://localhost:" + postgres.getPort() + "/envctl", "list")
                .exit()).as("without a password at all").isEqualTo(5);
        for (String[] command : new String[][]{{"list"}, {"get", "from-the-fallback"}, {"list", "-o", "json"}}) {
            Result r = refused("envctl", WRONG, command);

            assertThat(r.err()).startsWith("envctl: PostgreSQL store jdbc:postgresql://localhost:")
                    .contains("refused the login of role envctl: ", "password authentication failed for user \"envctl\"",
                            "check the user", "store.jdbc.user", "ENVCTL_DB_PASSWORD");
        }
    }

    @Test
    void thePasswordOfPgpassUnderHomeIsUsedWhereverJavaThinksHomeIs() throws IOException {
        // HOME is the workspace's folder; Java's own user.home is the account's, as under sudo -E or in CI
        java.nio.file.Path pgpass = ws.home.resolve(".pgpass");
        Files.writeString(pgpass, "localhost:" + postgres.getPort() + ":envctl:envctl:" + SECRET + "\n");
        Files.setPosixFilePermissions(pgpass, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        ws.env.put("ENVCTL_STORE", "jdbc:postgresql://localhost:" + postgres.getPort() + "/envctl");
        ws.env.remove("ENVCTL_DB_PASSWORD");
        ws.env.remove("PGPASSWORD");

        Result r = ws.run("list");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).as(r.toString()).startsWith("NAME");
    }

    @Test
    void aPasswordFileOthersMayReadIsNotUsedAsPsqlDoesNotAndThatIsSaidOnce() throws IOException {
        java.nio.file.Path pgpass = ws.home.resolve(".pgpass");
        Files.writeString(pgpass, "localhost:" + postgres.getPort() + ":envctl:envctl:" + SECRET + "\n");
        Files.setPosixFilePermissions(pgpass, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        ws.env.put("ENVCTL_STORE", "jdbc:postgresql://localhost:" + postgres.getPort() + "/envctl");
        ws.env.remove("ENVCTL_DB_PASSWORD");
        ws.env.remove("PGPASSWORD");

        Result r = ws.run("list");

        assertThat(r.exit()).as(r.toString()).isEqualTo(5);
        assertThat(r.out()).as(r.toString()).doesNotContain("from-the-fallback");
        assertThat(r.errLines()).as(r.toString()).hasSize(2);
        assertThat(r.errLines().get(0)).as(r.toString()).contains("password file " + pgpass
                + " has group or world access", "is not used", "u=rw (0600) or less");
        assertThat(r.errLines().get(1)).as(r.toString()).startsWith("envctl: PostgreSQL store ")
                .contains("refused the login of role envctl: ", "chmod 600 " + pgpass + ", or set ENVCTL_DB_PASSWORD")
                .doesNotContain("empty string");
        assertThat(r.err()).as(r.toString()).doesNotContain(SECRET);

        // the doctor opens the store more than once: said once all the same
        Result doctor = ws.run("doctor");
        assertThat(doctor.err().lines().filter(l -> l.contains("group or world access"))).as(doctor.toString())
                .hasSize(1);
        assertThat(doctor.out() + doctor.err()).doesNotContain(SECRET);
    }

    @Test
    void doctorSaysWhatToCheckNotWhetherTheServerIsReachable() {
        ws.env.put("ENVCTL_STORE", "jdbc:postgresql://localhost:" + postgres.getPort() + "/envctl");
        ws.env.put("ENVCTL_DB_PASSWORD", WRONG);

        Result doctor = ws.run("doctor");

        assertThat(doctor.exit()).as(doctor.toString()).isEqualTo(1);
        assertThat(doctor.out()).as(doctor.toString()).contains("FAIL  store", "refused the login", "check the user")
                .doesNotContain("check that the store is reachable", SECRET, WRONG);
    }

    @Test
    void aMissingDatabaseIsExit5AndTheFallbackIsNotRead() {
        Result r = refused("no_such_db", SECRET, "list");

        assertThat(r.err()).contains("has no such database", "database \"no_such_db\" does not exist",
                "correct the database name in the URL");
    }

    @Test
    void sslRequiredOfAServerWithoutSslIsExit5NamingSslmodeAndTheFallbackIsNotRead() {
        Result r = refused("envctl?sslmode=require", SECRET, "list");

        assertThat(r.err()).contains("does not support SSL", "sslmode=require", "sslmode=prefer")
                .doesNotContain("check that the server runs");
    }

    /** The store migrated by its owner, envctl; role envctl_ro may only read it; the config logs in as it. */
    private void asReadOnlyRole() throws SQLException {
        ws.env.put("ENVCTL_STORE", "jdbc:postgresql://localhost:" + postgres.getPort() + "/envctl");
        ws.env.put("ENVCTL_DB_PASSWORD", SECRET);
        Result migrated = ws.run("list");
        assertThat(migrated.exit()).as(migrated.toString()).isZero();
        try (Connection c = postgres.getDatabase("postgres", "envctl").getConnection();
             Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN CREATE ROLE envctl_ro LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
            s.execute("GRANT USAGE ON SCHEMA public TO envctl_ro");
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO envctl_ro");
        }
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "store.jdbc.user=envctl_ro\n"
                + "store.jdbc.connect-timeout=5s\nfallback.store=csv:" + fallback + "\n");
    }

    @Test
    void aRoleThatCannotWriteFailsDoctorAndCreateIsExit5InOneLine() throws SQLException {
        asReadOnlyRole();

        Result doctor = ws.run("doctor");
        assertThat(doctor.exit()).as(doctor.toString()).isEqualTo(1);
        assertThat(doctor.out()).as(doctor.toString()).contains("FAIL  store", "role envctl_ro lacks INSERT on clusters");

        Result create = ws.run("create", "nope");
        assertThat(create.exit()).as(create.toString()).isEqualTo(5);
        assertThat(create.errLines()).as(create.toString()).hasSize(1);
        assertThat(create.err()).contains("refused before anything was stored", "role envctl_ro lacks INSERT on clusters")
                .doesNotContain("fallback", "stale");
        assertThat(ws.run("list").exit()).isZero();
    }

    /**
     * Role envctl_nodelete has the grants postgresql.md lists but DELETE on clusters; the config logs in as it. The
     * owner creates {@code names} first (labelled team=a).
     */
    private void asRoleWithoutDelete(String... names) throws SQLException {
        ws.env.put("ENVCTL_STORE", "jdbc:postgresql://localhost:" + postgres.getPort() + "/envctl");
        ws.env.put("ENVCTL_DB_PASSWORD", SECRET);
        for (String name : names) {
            Result made = ws.run("create", name, "--label", "team=a");
            assertThat(made.exit()).as(made.toString()).isZero();
        }
        try (Connection c = postgres.getDatabase("postgres", "envctl").getConnection();
             Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN CREATE ROLE envctl_nodelete LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; "
                    + "END $$");
            s.execute("GRANT USAGE ON SCHEMA public TO envctl_nodelete");
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON clusters, hosts, held_ports, held_subnets "
                    + "TO envctl_nodelete");
            s.execute("GRANT SELECT ON envctl_schema_history TO envctl_nodelete");
            s.execute("REVOKE DELETE ON clusters FROM envctl_nodelete");
        }
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "store.jdbc.user=envctl_nodelete\n"
                + "store.jdbc.connect-timeout=5s\nfallback.store=csv:" + fallback + "\n");
        ws.clearCalls();
    }

    /** Every row of envctl's tables as the server prints it, in one text to compare. */
    private static String rows() throws SQLException {
        StringBuilder rows = new StringBuilder();
        try (Connection c = postgres.getDatabase("postgres", "envctl").getConnection();
             Statement s = c.createStatement()) {
            for (String table : new String[] {"clusters", "hosts", "held_ports", "held_subnets"}) {
                try (java.sql.ResultSet rs = s.executeQuery("SELECT t::text FROM " + table + " t ORDER BY 1")) {
                    while (rs.next()) {
                        rows.append(table).append(' ').append(rs.getString(1)).append('\n');
                    }
                }
            }
        }
        return rows.toString();
    }

    @Test
    void anApplyByARoleLackingAPrivilegeIsRefusedWholeWithExit5AndChangesNothing() throws SQLException {
        asRoleWithoutDelete("kept", "other");
        String before = rows();
        byte[] fallbackBefore = Workspace.bytes(fallback);
        Path file = ws.write("envs.yaml", "- name: kept\n  labels: {team: b}\n- name: web\n- name: api\n"
                + "- name: db\n");

        Result r = ws.run("apply", "-f", file.toString(), "--prune");

        assertThat(r.exit()).as(r.toString()).isEqualTo(5);
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        // the store's refusal, said once, not the first environment's write
        assertThat(r.err()).as(r.toString()).startsWith("envctl: apply refused, nothing was changed: PostgreSQL store ")
                .doesNotContain("refused before anything was stored")
                .contains("role envctl_nodelete lacks DELETE on clusters, so "
                        + "writes fail; grant envctl_nodelete USAGE on the schema", "log in as another user")
                .doesNotContain("fallback", "stale", SECRET);
        assertThat(r.out()).as(r.toString()).isEmpty();
        assertThat(ws.calls()).noneMatch(c -> c.contains("create") || c.contains("delete"));
        assertThat(rows()).isEqualTo(before).contains("kept", "other");
        assertThat(Workspace.bytes(fallback)).isEqualTo(fallbackBefore);
    }

    @Test
    void aReconcileByARoleLackingAPrivilegeIsExit5WithNoClusterTouchedAndNothingToDoIsExit0() throws SQLException {
        ws.env.put("ENVCTL_STORE", "jdbc:postgresql://localhost:" + postgres.getPort() + "/envctl");
        ws.env.put("ENVCTL_DB_PASSWORD", SECRET);
        Result recorded = ws.run("create", "pending", "--no-wait");
        assertThat(recorded.exit()).as(recorded.toString()).isZero();
        asRoleWithoutDelete("insync");
        String before = rows();

        Result r = ws.run("reconcile", "-o", "json");

        assertThat(r.exit()).as(r.toString()).isEqualTo(5);
        assertThat(r.json().get("outcomes").findValuesAsText("action")).containsExactly("unchanged", "failed");
        assertThat(r.json().get("outcomes").findValuesAsText("name")).containsExactly("insync", "pending");
        assertThat(r.json().get("outcomes").get(1).get("error").asText())
                .contains("role envctl_nodelete lacks DELETE on clusters").doesNotContain(SECRET);
        assertThat(ws.calls()).noneMatch(c -> c.contains("create") || c.contains("delete"));
        assertThat(rows()).isEqualTo(before);

        // with nothing to change the role's reconcile writes nothing, so nothing is refused
        Result some = ws.run("reconcile", "insync");
        assertThat(some.exit()).as(some.toString()).isZero();
    }

    @Test
    void aDeleteByARoleThatCannotRemoveTheRecordIsExit5BeforeItsClusterIsTouched() throws SQLException {
        asRoleWithoutDelete("doomed");
        String before = rows();

        Result r = ws.run("delete", "doomed");

        assertThat(r.exit()).as(r.toString()).isEqualTo(5);
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).as(r.toString()).contains("updating environment 'doomed' refused before anything was "
                + "stored", "role envctl_nodelete lacks DELETE on clusters");
        assertThat(ws.calls()).noneMatch(c -> c.contains("delete"));
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void aDeleteThatFailedBeforeIsRefusedAlikeNotReportedAsItsEarlierFailure() throws SQLException {
        asRoleWithoutDelete("stuck");
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "store.jdbc.user=envctl\n");
        ws.flag("k3d-fail-delete");
        Result failed = ws.run("delete", "stuck");
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(6);
        ws.unflag("k3d-fail-delete");
        asRoleWithoutDelete();
        String before = rows();

        Result r = ws.run("delete", "stuck");

        assertThat(r.exit()).as(r.toString()).isEqualTo(5);
        assertThat(r.errLines().get(r.errLines().size() - 1)).as(r.toString()).startsWith("envctl: updating "
                + "environment 'stuck' refused before anything was stored").contains("lacks DELETE on clusters");
        assertThat(r.err()).as(r.toString()).doesNotContain("device or resource busy");
        assertThat(ws.calls()).noneMatch(c -> c.contains("delete"));
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void theRightPasswordWorks() {
        ws.env.put("ENVCTL_STORE", "jdbc:postgresql://localhost:" + postgres.getPort() + "/envctl");
        ws.env.put("ENVCTL_DB_PASSWORD", SECRET);
        Result r = ws.run("list");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).doesNotContain("stale");
    }
}
