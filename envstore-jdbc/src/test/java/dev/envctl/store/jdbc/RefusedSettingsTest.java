package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Remedy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a real PostgreSQL 17 answers to settings it refuses, and how the store reports it: a wrong password or user
 * and a database the server does not have are STORE_UNAVAILABLE with {@link Remedy#FIX_STORE_SETTINGS} (the server
 * answered; no retry or fallback helps), an unreachable server is STORE_UNAVAILABLE without it. An embedded server
 * of its own, whose role {@code envctl_pw} must give its password (scram-sha-256) and whose role
 * {@code envctl_rejected} pg_hba.conf rejects.
 */
class RefusedSettingsTest {
    private static final String SECRET = "right-Secret-0815";
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void start() throws IOException, SQLException {
        postgres = EmbeddedPostgres.builder().setDataDirectoryCustomizer(RefusedSettingsTest::passwordLogin).start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE envctl_pw LOGIN PASSWORD '" + SECRET + "'");
            s.execute("CREATE ROLE envctl_rejected LOGIN");
            s.execute("CREATE DATABASE envctl_pw OWNER envctl_pw");
        }
    }

    /** scram-sha-256 and reject lines before the trust lines the embedded server writes. */
    private static void passwordLogin(java.io.File dir) {
        Path hba = dir.toPath().resolve("pg_hba.conf");
        try {
            Files.writeString(hba, "host all envctl_rejected 127.0.0.1/32 reject\n"
                    + "host all envctl_rejected ::1/128 reject\n"
                    + "host all envctl_pw 127.0.0.1/32 scram-sha-256\n"
                    + "host all envctl_pw ::1/128 scram-sha-256\n"
                    + "host all envctl_moved 127.0.0.1/32 scram-sha-256\n"
                    + "host all envctl_moved ::1/128 scram-sha-256\n"
                    + "host all nobody_here 127.0.0.1/32 scram-sha-256\n"
                    + "host all nobody_here ::1/128 scram-sha-256\n" + Files.readString(hba), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static EnvctlException opening(String database, String user, String password) {
        String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database + "?user=" + user;
        Map<String, String> env = password == null ? Map.of() : Map.of("ENVCTL_DB_PASSWORD", password);
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() ->
                new JdbcStoreFactory().open(url, Map.of("jdbc.connect-timeout", "3s"), env).close());
        assertThat(thrown).isInstanceOf(EnvctlException.class);
        EnvctlException e = (EnvctlException) thrown;
        assertThat(e.getMessage()).doesNotContain(SECRET, "wrong-Secret").doesNotContain("\n");
        return e;
    }

    @Test
    void aWrongPasswordIsARefusedLoginToFixNotAnOutage() {
        EnvctlException e = opening("envctl_pw", "envctl_pw", "wrong-Secret");

        assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
        assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
        assertThat(dev.envctl.store.jdbc.internal.Failures.sqlState(e)).isEqualTo("28P01");
        assertThat(e.getMessage()).contains("refused the login", "password authentication failed for user "
                + "\"envctl_pw\"", "check the user (jdbc.user, the URL's user parameter or PGUSER)", "and the password")
                .doesNotContain("check that the server runs", "store.jdbc");
    }

    @Test
    void anUnknownUserIsARefusedLoginToo() {
        EnvctlException e = opening("envctl_pw", "nobody_here", "wrong-Secret");

        assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
        assertThat(dev.envctl.store.jdbc.internal.Failures.sqlState(e)).isEqualTo("28P01");
        assertThat(e.getMessage()).contains("refused the login");
    }

    @Test
    void aUserThatPgHbaRejectsIsARefusedLogin() {
        EnvctlException e = opening("envctl_pw", "envctl_rejected", null);

        assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
        assertThat(dev.envctl.store.jdbc.internal.Failures.sqlState(e)).isEqualTo("28000");
        assertThat(e.getMessage()).contains("refused the login");
    }

    @Test
    void aMissingPasswordIsARefusedLogin() {
        EnvctlException e = opening("envctl_pw", "envctl_pw", null);

        assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
        assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
        assertThat(e.getMessage()).contains("refused the login");
    }

    @Test
    void aRefusedLoginNamesTheRoleThatTriedNotTheUrlsUser() {
        // jdbc.user wins over the URL's user: the message names the role that logged in, whatever the server says
        String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/envctl_pw?user=nobody_here";
        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("ENVCTL_DB_PASSWORD", "wrong-Secret"))) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> new JdbcStoreFactory().open(url,
                    Map.of("jdbc.connect-timeout", "3s", "jdbc.user", "envctl_pw"), env).close());

            assertThat(thrown).as(env.keySet().toString()).isInstanceOfSatisfying(EnvctlException.class, e -> {
                assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
                assertThat(e.getMessage()).contains("refused the login of role envctl_pw: ")
                        .doesNotContain("role nobody_here", "wrong-Secret", SECRET);
            });
        }
    }

    @Test
    void aMissingDatabaseIsASettingToFix() {
        EnvctlException e = opening("no_such_db", "envctl_pw", SECRET);

        assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
        assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
        assertThat(dev.envctl.store.jdbc.internal.Failures.sqlState(e)).isEqualTo("3D000");
        assertThat(e.getMessage()).contains("has no such database", "correct the database name in the URL");
    }

    @Test
    void aRunTimeParameterTheServerRefusesIsASettingToFixNamingTheOptions() {
        // a value the parameter does not take (22023), a parameter the server does not know (42704), one that
        // cannot be set at login (55P02)
        Map<String, String> states = Map.of("statement_timeout%3Dbogus", "22023", "no_such_parameter%3D1", "42704",
                "shared_buffers%3D1MB", "55P02");
        states.forEach((option, state) -> {
            String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/envctl_pw?user=envctl_pw"
                    + "&options=-c%20" + option;
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> new JdbcStoreFactory().open(url,
                    Map.of("jdbc.connect-timeout", "3s"), Map.of("ENVCTL_DB_PASSWORD", SECRET)).close());

            assertThat(thrown).as(option).isInstanceOfSatisfying(EnvctlException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
                assertThat(dev.envctl.store.jdbc.internal.Failures.sqlState(e)).isEqualTo(state);
                assertThat(e.getMessage()).contains("refused a setting: FATAL: ", "correct or remove it in the "
                        + "URL's options parameter").doesNotContain("check that the server runs", SECRET, "\n");
            });
        });
    }

    @Test
    void sslRequiredOfAServerWithoutSslIsASettingToFixNamingSslmode() {
        for (String mode : new String[] {"require", "verify-ca", "verify-full"}) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> new JdbcStoreFactory().open(
                    "jdbc:postgresql://localhost:" + postgres.getPort() + "/envctl_pw?user=envctl_pw&sslmode=" + mode,
                    Map.of("jdbc.connect-timeout", "3s"), Map.of("ENVCTL_DB_PASSWORD", SECRET)).close());

            assertThat(thrown).isInstanceOfSatisfying(EnvctlException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
                assertThat(dev.envctl.store.jdbc.internal.Failures.sqlState(e)).isEqualTo("08004");
                assertThat(e.getMessage()).contains("does not support SSL", "sslmode=" + mode, "sslmode=prefer")
                        .doesNotContain("check that the server runs", SECRET, "\n");
            });
        }
    }

    @Test
    void aPasswordChangedWhileTheStoreIsOpenMakesItsHealthDownWithTheSettingsRemedy() throws Exception {
        String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/envctl_pw?user=envctl_pw";
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE envctl_moved LOGIN PASSWORD '" + SECRET + "'");
            s.execute("GRANT ALL ON DATABASE envctl_pw TO envctl_moved");
        }
        String moved = url.replace("user=envctl_pw", "user=envctl_moved");
        try (var store = new JdbcStoreFactory().open(moved, Map.of("jdbc.connect-timeout", "3s",
                "jdbc.migrate", "read"), Map.of("ENVCTL_DB_PASSWORD", SECRET))) {
            assertThat(store.health().available()).isTrue();
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("ALTER ROLE envctl_moved PASSWORD 'changed-Secret-1'");
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'envctl_moved'");
            }
            // an idle connection is validated before reuse after a second (Database): then the store logs in anew
            Thread.sleep(1100);

            var health = store.health();

            assertThat(health.available()).isFalse();
            assertThat(health.detail()).contains("refused the login").doesNotContain(SECRET);
            // not an outage: a fallback store must not serve reads for it (FallbackStore.health says which)
            assertThat(health.remedy()).isEqualTo(Remedy.FIX_STORE_SETTINGS);
        } finally {
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'envctl_moved'");
            }
        }
    }

    @Test
    void anUnreachableServerIsAnOutageWithoutThatRemedy() {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> new JdbcStoreFactory()
                .open("jdbc:postgresql://127.0.0.1:1/envctl", Map.of("jdbc.connect-timeout", "2s"), Map.of()).close());

        assertThat(thrown).isInstanceOfSatisfying(EnvctlException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
            assertThat(e.remedy()).isEmpty();
        });
    }
}
