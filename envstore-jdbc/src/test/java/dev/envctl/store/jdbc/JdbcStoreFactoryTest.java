package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.InvalidSettingException;
import dev.envctl.core.spi.StoreHealth;
import dev.envctl.core.testing.Stderr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JdbcStoreFactoryTest {
    /** Where pgjdbc reads the password file when {@code PGPASSFILE} is not set. */
    private static final String PGPASSFILE_PROPERTY = "org.postgresql.pgpassfile";
    private final JdbcStoreFactory factory = new JdbcStoreFactory(Map.of());

    private static void assertCode(Throwable e, ErrorCode code) {
        assertThat(e).isInstanceOf(EnvctlException.class);
        assertThat(((EnvctlException) e).code()).isEqualTo(code);
    }

    /** pgjdbc's sentences end in a full stop: envctl's advice follows after "; " without a ".;" between. */
    @Test
    void aServerNotReachedIsOneSentenceWithTheAdvice() {
        org.postgresql.util.PSQLException refused = new org.postgresql.util.PSQLException("Connection to 127.0.0.1:1 "
                + "refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP "
                + "connections.", org.postgresql.util.PSQLState.CONNECTION_UNABLE_TO_CONNECT);

        assertThat(dev.envctl.store.jdbc.internal.Failures.unavailable("jdbc:postgresql://127.0.0.1:1/envctl", refused)
                .getMessage()).isEqualTo("PostgreSQL store jdbc:postgresql://127.0.0.1:1/envctl is unavailable: "
                + "Connection to 127.0.0.1:1 refused. Check that the hostname and port are correct and that the "
                + "postmaster is accepting TCP/IP connections; check that the server runs and is reachable, then "
                + "retry");
    }

    @Test
    void isFoundByTheRegistryUnderIdJdbcAndOpensPostgresqlUrls() {
        PluginRegistry registry = PluginRegistry.discover();
        assertThat(registry.storeIds()).contains("jdbc");
        assertThat(registry.storeFactoryFor("jdbc:postgresql://db.example:5432/envctl"))
                .isInstanceOf(JdbcStoreFactory.class);
        assertThat(factory.accepts("jdbc:postgresql://h/db")).isTrue();
        assertThat(factory.accepts("csv:/tmp/x.csv")).isFalse();
        assertThat(factory.accepts("jdbc:mysql://h/db")).isFalse();
        assertThat(factory.settingKeys()).containsExactlyInAnyOrder("jdbc.schema", "jdbc.user",
                "jdbc.connect-timeout", "jdbc.migrate");
    }

    @Test
    void registryRejectsUnknownSettingKeys() {
        assertThatThrownBy(() -> PluginRegistry.discover().openStore("jdbc:postgresql://h/db",
                Map.of("jdbc.password", "x"))).isInstanceOf(EnvctlException.class).hasMessageContaining("jdbc.schema")
                .hasMessageNotContaining("=x");
    }

    @Test
    void opensThroughTheRegistryWithSettings() {
        String schema = TestDatabase.freshSchemaName("factory");
        try (EnvironmentStore store = PluginRegistry.discover().openStore(TestDatabase.url(),
                Map.of("jdbc.schema", schema, "jdbc.connect-timeout", "3s", "jdbc.migrate", "auto"))) {
            store.create(EnvironmentSpec.of("dev", "k3d"), new Allocator(AllocationPolicy.defaults()));
            StoreHealth health = store.health();
            assertThat(health.available()).isTrue();
            assertThat(health.schemaVersion()).isEqualTo("8");
            assertThat(health.detail()).contains("PostgreSQL", schema);
        } finally {
            TestDatabase.dropSchema(schema);
        }
    }

    /**
     * A store used after it was closed (an embedder's Envctl facade closed, then asked again) says so plainly: not
     * that connecting failed, which reads as the server's fault.
     */
    @Test
    void aClosedStoreSaysItIsClosedNotThatConnectingFailed() {
        String schema = TestDatabase.freshSchemaName("closed");
        try {
            EnvironmentStore store = PluginRegistry.discover().openStore(TestDatabase.url(),
                    Map.of("jdbc.schema", schema, "jdbc.migrate", "auto"));
            store.create(EnvironmentSpec.of("dev", "k3d"), new Allocator(AllocationPolicy.defaults()));
            store.close();

            assertThatThrownBy(() -> store.find("dev")).isInstanceOf(EnvctlException.class)
                    .hasMessageNotContaining("connecting failed")
                    .hasMessageContaining("is closed and cannot be used")
                    .satisfies(e -> assertCode(e, ErrorCode.FAILURE));
        } finally {
            TestDatabase.dropSchema(schema);
        }
    }

    @Test
    void passwordsInTheUrlAreRefusedAndNeverEchoed() {
        for (String url : List.of("jdbc:postgresql://h/db?user=u&password=s3cret",
                "jdbc:postgresql://u:s3cret@h/db")) {
            assertThatThrownBy(() -> factory.open(url, Map.of()))
                    .satisfies(e -> assertCode(e, ErrorCode.INVALID_INPUT))
                    .hasMessageContaining("ENVCTL_DB_PASSWORD").hasMessageNotContaining("s3cret");
        }
    }

    @Test
    void passwordsHoldingUrlDelimitersAreRefusedAndNeverEchoed() {
        for (String url : List.of("jdbc:postgresql://u:s3cr@t@h/db", "jdbc:postgresql://u:s3cr/t@h/db",
                "jdbc:postgresql://u:s3cr?t@h:5432/db", "jdbc:postgresql://u:s3cr#t@h/db")) {
            assertThatThrownBy(() -> factory.open(url, Map.of()))
                    .satisfies(e -> assertCode(e, ErrorCode.INVALID_INPUT))
                    .hasMessageContaining("ENVCTL_DB_PASSWORD").hasMessageNotContaining("s3cr").hasMessageNotContaining("t@");
        }
    }

    @Test
    void passwordsWithSpacesOrEveryDelimiterAreRefusedAndNeverEchoed() {
        // pgjdbc would take "u:my s3cret@h" as a host name and look it up; each piece of the password stays out
        for (String url : List.of("jdbc:postgresql://u:my s3cret@h:5432/db", "jdbc:postgresql://u:my s3cret@h/db?x=1",
                "jdbc:postgresql://u:my/s3cret?x@h/db", "jdbc:postgresql://u:my s3cret/x?y@h:5432/db",
                "jdbc:postgresql://h/db?user=u&password=my s3cret", "jdbc:postgresql://h/db?password=my;s3cret",
                "jdbc:postgresql://h/db?password=my&s3cret&sslmode=prefer", "jdbc:postgresql://h/db?password = my")) {
            assertThatThrownBy(() -> factory.open(url, Map.of())).as(url)
                    .satisfies(e -> assertCode(e, ErrorCode.INVALID_INPUT))
                    .hasMessageContaining("contains a password").hasMessageNotContaining("my")
                    .hasMessageNotContaining("s3cret");
        }
    }

    @Test
    void passwordComesFromEnvctlDbPasswordThenPgpassword() {
        PGSimpleDataSource both = new JdbcStoreFactory(Map.of("ENVCTL_DB_PASSWORD", "a", "PGPASSWORD", "b"))
                .dataSource("jdbc:postgresql://h/db", Map.of("jdbc.user", "envctl"), JdbcStoreOptions.defaults());
        PGSimpleDataSource pg = new JdbcStoreFactory(Map.of("PGPASSWORD", "b"))
                .dataSource("jdbc:postgresql://h/db", Map.of(), JdbcStoreOptions.defaults());
        PGSimpleDataSource none = factory.dataSource("jdbc:postgresql://h/db", Map.of(), JdbcStoreOptions.defaults());

        assertThat(both.getPassword()).isEqualTo("a");
        assertThat(both.getUser()).isEqualTo("envctl");
        assertThat(pg.getPassword()).isEqualTo("b");
        assertThat(none.getPassword()).as("left to pgjdbc's ~/.pgpass lookup").isNull();
        assertThat(both.getConnectTimeout()).isEqualTo(5);
        assertThat(both.getLoginTimeout()).isEqualTo(5);
    }

    @Test
    void theLongestConnectTimeoutTheConfigTakesIsTheLongestPgjdbcTakesNotANegativeOne() {
        PGSimpleDataSource ds = factory.dataSource("jdbc:postgresql://h/db", Map.of(),
                JdbcStoreOptions.defaults().withConnectTimeout(java.time.Duration.ofHours(999_999_999)));

        assertThat(ds.getConnectTimeout()).isEqualTo(Integer.MAX_VALUE);
        assertThat(ds.getLoginTimeout()).isEqualTo(Integer.MAX_VALUE);
        assertThat(factory.dataSource("jdbc:postgresql://h/db", Map.of(), JdbcStoreOptions.defaults()
                .withConnectTimeout(java.time.Duration.ofMillis(1500))).getConnectTimeout()).isEqualTo(2);
    }

    @Test
    void aPgpassLineThePostgresDriverCannotReadIsOneLineSayingWhatToFix(@TempDir Path dir) throws IOException {
        // four fields: psql skips the line, pgjdbc throws StringIndexOutOfBoundsException
        Path pgpass = Files.writeString(dir.resolve("pgpass"), "h:5432:*:u\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        String previous = System.getProperty(PGPASSFILE_PROPERTY);
        System.setProperty(PGPASSFILE_PROPERTY, pgpass.toString());
        try {
            // read at login, for the user that logs in (before any connection is tried)
            assertThatThrownBy(() -> factory.open("jdbc:postgresql://h:5432/db?user=u", Map.of()))
                    .satisfies(e -> assertCode(e, ErrorCode.STORE_UNAVAILABLE))
                    .hasMessageStartingWith("the PostgreSQL password file (PGPASSFILE, else ~/.pgpass) has a line the "
                            + "PostgreSQL driver cannot read (java.lang.StringIndexOutOfBoundsException")
                    .hasMessageEndingWith("each line is host:port:database:user:password; fix or remove the short line");
        } finally {
            if (previous == null) {
                System.clearProperty(PGPASSFILE_PROPERTY);
            } else {
                System.setProperty(PGPASSFILE_PROPERTY, previous);
            }
        }
    }

    @Test
    void aPgpassLineForTheUrlsUserIsNotAPasswordInTheUrl(@TempDir Path dir) throws IOException {
        Path pgpass = Files.writeString(dir.resolve("pgpass"), "h:5432:db:u:fromfile\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        String url = "jdbc:postgresql://h:5432/db?user=u";
        String previous = System.getProperty(PGPASSFILE_PROPERTY);
        System.setProperty(PGPASSFILE_PROPERTY, pgpass.toString());
        try {
            assertThat(org.postgresql.Driver.parseURL(url, null).getProperty("password"))
                    .as("pgjdbc fills in the file's password when it parses the URL").isEqualTo("fromfile");

            PGSimpleDataSource none = factory.dataSource(url, Map.of(), JdbcStoreOptions.defaults());
            PGSimpleDataSource other = factory.dataSource(url, Map.of("jdbc.user", "v"), JdbcStoreOptions.defaults());
            PGSimpleDataSource env = new JdbcStoreFactory(Map.of("ENVCTL_DB_PASSWORD", "a"))
                    .dataSource(url, Map.of(), JdbcStoreOptions.defaults());

            assertThat(none.getPassword()).as("left to pgjdbc's lookup at login").isNull();
            assertThat(other.getPassword()).as("not u's password for user v").isNull();
            assertThat(other.getUser()).isEqualTo("v");
            assertThat(env.getPassword()).isEqualTo("a");
            assertThatThrownBy(() -> factory.dataSource(url + "&password=s3cret", Map.of(), JdbcStoreOptions.defaults()))
                    .satisfies(e -> assertCode(e, ErrorCode.INVALID_INPUT)).hasMessageNotContaining("s3cret");
        } finally {
            if (previous == null) {
                System.clearProperty(PGPASSFILE_PROPERTY);
            } else {
                System.setProperty(PGPASSFILE_PROPERTY, previous);
            }
        }
    }

    @Test
    void aPasswordFileItsGroupOrOthersMayAccessIsNotUsedAndThatIsSaidOnce(@TempDir Path dir) throws IOException {
        // psql ignores such a file with a warning; pgjdbc would read it at login when given no password
        Path pgpass = Files.writeString(dir.resolve("pgpass"), "h:5432:db:u:fromfile\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-r-----"));
        String url = "jdbc:postgresql://h:5432/db?user=u";
        String previous = System.getProperty(PGPASSFILE_PROPERTY);
        System.setProperty(PGPASSFILE_PROPERTY, pgpass.toString());
        try {
            List<PGSimpleDataSource> built = new ArrayList<>();
            String logged = Stderr.of(() -> {
                built.add(factory.dataSource(url, Map.of(), JdbcStoreOptions.defaults()));
                built.add(factory.dataSource(url, Map.of(), JdbcStoreOptions.defaults()));
            });

            assertThat(built).allSatisfy(ds -> assertThat(ds.getPassword())
                    .as("a password of its own, empty, so that pgjdbc does not look the file up").isEmpty());
            assertThat(logged.lines().filter(l -> l.contains("has group or world access")))
                    .as(logged).singleElement().asString().contains(pgpass.toString(), "is not used",
                            "u=rw (0600) or less").doesNotContain("fromfile");
            // the environment's password needs no file, so nothing is said of it
            assertThat(Stderr.of(() -> assertThat(new JdbcStoreFactory(Map.of("PGPASSWORD", "b"))
                    .dataSource(url, Map.of(), JdbcStoreOptions.defaults()).getPassword()).isEqualTo("b")))
                    .doesNotContain("group or world");
            // once only its owner may read it, pgjdbc reads it at login as before
            Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
            assertThat(factory.dataSource(url, Map.of(), JdbcStoreOptions.defaults()).getPassword()).isNull();
        } finally {
            if (previous == null) {
                System.clearProperty(PGPASSFILE_PROPERTY);
            } else {
                System.setProperty(PGPASSFILE_PROPERTY, previous);
            }
        }
    }


    @Test
    void aPasswordFileNotUsedIsNotReadSoALineThePostgresDriverCannotReadIsNoError(@TempDir Path dir)
            throws IOException {
        // psql neither reads a file its group or others may access nor one when given a password
        Path pgpass = Files.writeString(dir.resolve("pgpass"), "h:5432:*:u\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-r--r--"));
        String url = "jdbc:postgresql://h:5432/db?user=u";
        String previous = System.getProperty(PGPASSFILE_PROPERTY);
        System.setProperty(PGPASSFILE_PROPERTY, pgpass.toString());
        try {
            List<PGSimpleDataSource> built = new ArrayList<>();
            String logged = Stderr.of(() -> built.add(factory.dataSource(url, Map.of(), JdbcStoreOptions.defaults())));

            assertThat(built).singleElement().satisfies(ds -> assertThat(ds.getPassword()).isEmpty());
            assertThat(logged).contains(pgpass.toString(), "is not used");
            Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
            assertThat(new JdbcStoreFactory(Map.of("PGPASSWORD", "b")).dataSource(url, Map.of(),
                    JdbcStoreOptions.defaults()).getPassword()).isEqualTo("b");
        } finally {
            if (previous == null) {
                System.clearProperty(PGPASSFILE_PROPERTY);
            } else {
                System.setProperty(PGPASSFILE_PROPERTY, previous);
            }
        }
    }

    @Test
    void aLoginRefusedForWantOfThePasswordOfAFileNotUsedSaysSoAndWhatToDo(@TempDir Path dir) throws IOException {
        Path pgpass = Files.writeString(dir.resolve("pgpass"), "h:5432:db:u:fromfile\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-r--r--"));
        org.postgresql.util.PSQLException empty = new org.postgresql.util.PSQLException("The server requested "
                + "SCRAM-based authentication, but the password is an empty string.",
                org.postgresql.util.PSQLState.CONNECTION_REJECTED);
        String previous = System.getProperty(PGPASSFILE_PROPERTY);
        System.setProperty(PGPASSFILE_PROPERTY, pgpass.toString());
        try {
            assertThat(dev.envctl.store.jdbc.internal.Failures.unavailable("jdbc:postgresql://h/db", empty, "u"))
                    .hasMessage("PostgreSQL store jdbc:postgresql://h/db refused the login of role u: it asks for a "
                            + "password and there is none, as the password file " + pgpass + " is not used, its group "
                            + "or others having access to it; chmod 600 " + pgpass + ", or set ENVCTL_DB_PASSWORD or "
                            + "PGPASSWORD")
                    .satisfies(e -> assertThat(e.exitCode()).isEqualTo(5));
        } finally {
            if (previous == null) {
                System.clearProperty(PGPASSFILE_PROPERTY);
            } else {
                System.setProperty(PGPASSFILE_PROPERTY, previous);
            }
        }
    }

    @Test
    void aBadSslmodeIsInvalidInputNotAServerThatCannotBeReached() {
        assertThatThrownBy(() -> factory.dataSource("jdbc:postgresql://h/db?sslmode=bogus", Map.of(),
                JdbcStoreOptions.defaults()))
                .satisfies(e -> assertCode(e, ErrorCode.INVALID_INPUT))
                .hasMessageContaining("sslmode is one of disable, allow, prefer, require, verify-ca, verify-full");
        assertThat(factory.dataSource("jdbc:postgresql://h/db?sslmode=verify-full", Map.of(),
                JdbcStoreOptions.defaults()).getSslMode()).isEqualTo("verify-full");
    }

    @Test
    void settingsAreValidated() {
        assertThat(JdbcStoreFactory.options(Map.of()).schema()).isEqualTo("public");
        assertThat(JdbcStoreFactory.options(Map.of()).connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(JdbcStoreFactory.options(Map.of("jdbc.connect-timeout", "1500ms")).connectTimeout())
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(JdbcStoreFactory.options(Map.of("jdbc.migrate", "Validate")).migrate()).isEqualTo(MigrateMode.VALIDATE);
        assertThatThrownBy(() -> JdbcStoreFactory.options(Map.of("jdbc.connect-timeout", "soon")))
                .satisfies(e -> assertCode(e, ErrorCode.INVALID_INPUT)).hasMessageContaining("jdbc.connect-timeout");
        assertThatThrownBy(() -> JdbcStoreFactory.options(Map.of("jdbc.migrate", "maybe")))
                .hasMessageContaining("auto, validate, off");
        assertThatThrownBy(() -> JdbcStoreFactory.options(Map.of("jdbc.schema", "x; drop table clusters")))
                .satisfies(e -> assertCode(e, ErrorCode.INVALID_INPUT));
        // an empty user is refused, not read as unset: that would log in as the URL's user, PGUSER or the OS user
        for (String empty : new String[]{"", "  "}) {
            assertThatThrownBy(() -> JdbcStoreFactory.options(Map.of("jdbc.user", empty)))
                    .hasMessageStartingWith("jdbc.user is empty; ")
                    .isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                        assertThat(e.key()).isEqualTo("jdbc.user");
                        assertThat(e.problem()).hasValue("the value is empty; give the database user to log in as, "
                                + "or leave the setting out to log in as the URL's user parameter, PGUSER or the "
                                + "operating-system user");
                    });
        }
        assertThat(JdbcStoreFactory.options(Map.of("jdbc.user", "envctl")).schema()).isEqualTo("public");
        // each bad value says which setting it is about, for a client that names settings its own way
        for (String key : new String[]{"jdbc.schema", "jdbc.connect-timeout", "jdbc.migrate"}) {
            assertThatThrownBy(() -> JdbcStoreFactory.options(Map.of(key, "x; y")))
                    .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.key()).isEqualTo(key));
            // and what is wrong with the value, without the setting's name, for a client that names it itself
            assertThatThrownBy(() -> JdbcStoreFactory.options(Map.of(key, "x; y")))
                    .hasMessageStartingWith(key + " 'x; y' ")
                    .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.problem())
                            .hasValueSatisfying(p -> assertThat(p).startsWith("'x; y' ").doesNotContain(key)));
        }
    }

    @Test
    void aServerThatRefusesConnectionsIsStoreUnavailableNamingTheRedactedUrl() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/envctl?user=envctl";
        JdbcStoreFactory withPassword = new JdbcStoreFactory(Map.of("ENVCTL_DB_PASSWORD", "s3cret"));

        assertThatThrownBy(() -> withPassword.open(url, Map.of("jdbc.connect-timeout", "1s")))
                .satisfies(e -> assertCode(e, ErrorCode.STORE_UNAVAILABLE))
                .satisfies(e -> assertThat(((EnvctlException) e).exitCode()).isEqualTo(5))
                .hasMessageContaining(url).hasMessageNotContaining("s3cret");
    }

    @Test
    void aServerThatNeverAnswersFailsWithTheConnectTimeout() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/envctl";

            assertThatThrownBy(() -> factory.open(url, Map.of("jdbc.connect-timeout", "1s")))
                    .satisfies(e -> assertCode(e, ErrorCode.STORE_UNAVAILABLE)).hasMessageContaining(url);
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void theUserIsTheSettingElseTheUrlsElsePgUser() {
        JdbcStoreFactory withPgUser = new JdbcStoreFactory(Map.of("PGUSER", "alice"));
        String plain = "jdbc:postgresql://h/db";
        assertThat(withPgUser.dataSource(plain, Map.of(), JdbcStoreOptions.defaults()).getUser()).isEqualTo("alice");
        assertThat(withPgUser.dataSource(plain + "?user=bob", Map.of(), JdbcStoreOptions.defaults()).getUser())
                .isEqualTo("bob");
        assertThat(withPgUser.dataSource(plain + "?user=bob", Map.of("jdbc.user", "carol"),
                JdbcStoreOptions.defaults()).getUser()).isEqualTo("carol");
        assertThat(factory.dataSource(plain, Map.of(), JdbcStoreOptions.defaults()).getUser()).isNull();
    }

    @Test
    void startupParametersGoWithTheLoginUnlessTheUrlAssumesAnotherServerVersion() {
        String plain = "jdbc:postgresql://h/db";
        assertThat(factory.dataSource(plain, Map.of(), JdbcStoreOptions.defaults()).getAssumeMinServerVersion())
                .isEqualTo("9.4");
        assertThat(factory.dataSource(plain + "?assumeMinServerVersion=12", Map.of(), JdbcStoreOptions.defaults())
                .getAssumeMinServerVersion()).isEqualTo("12");
    }

    @Test
    void aDatabaseTheServerDoesNotHaveIsNamedAsSuchNotAsAServerThatDoesNotRun() {
        org.postgresql.ds.PGSimpleDataSource missing = new org.postgresql.ds.PGSimpleDataSource();
        missing.setUrl(TestDatabase.url());
        missing.setDatabaseName("no_such_db");
        String location = "jdbc:postgresql://db/no_such_db";

        assertThatThrownBy(() -> JdbcEnvironmentStore.open(missing, JdbcStoreOptions.defaults(), location))
                .isInstanceOfSatisfying(dev.envctl.core.EnvctlException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(5))
                .hasMessageContaining("PostgreSQL store " + location + " has no such database: ")
                .hasMessageContaining("\"no_such_db\" does not exist; create it (createdb) or correct the database")
                .hasMessageNotContaining("check that the server runs");
    }

    @Test
    void aRefusedLoginIsNamedAsSuchNotAsAServerThatDoesNotRun() {
        org.postgresql.util.PSQLException refused = new org.postgresql.util.PSQLException(
                "FATAL: password authentication failed for user \"envctl\"", org.postgresql.util.PSQLState.INVALID_PASSWORD);

        dev.envctl.core.EnvctlException e = dev.envctl.store.jdbc.internal.Failures.unavailable(
                "jdbc:postgresql://h/db?user=envctl", refused);

        assertThat(e.getMessage()).isEqualTo("PostgreSQL store jdbc:postgresql://h/db?user=envctl refused the login: "
                + "FATAL: password authentication failed for user \"envctl\"; check the user (jdbc.user, the "
                + "URL's user parameter or PGUSER) and the password (ENVCTL_DB_PASSWORD, PGPASSWORD or ~/.pgpass)");
        assertThat(e.exitCode()).isEqualTo(5);

        org.postgresql.util.PSQLException noPassword = new org.postgresql.util.PSQLException(
                "The server requested SCRAM-based authentication, but no password was provided.",
                org.postgresql.util.PSQLState.CONNECTION_REJECTED);
        assertThat(dev.envctl.store.jdbc.internal.Failures.unavailable("jdbc:postgresql://h/db", noPassword))
                .hasMessageContaining("refused the login: The server requested SCRAM-based authentication, but "
                        + "no password was provided; check the user")
                .hasMessageNotContaining("check that the server runs");
        org.postgresql.util.PSQLException noSsl = new org.postgresql.util.PSQLException(
                "The server does not support SSL.", org.postgresql.util.PSQLState.CONNECTION_REJECTED);
        // not a refused login either, but a setting to fix (sslmode), not an outage
        assertThat(dev.envctl.store.jdbc.internal.Failures.unavailable("jdbc:postgresql://h/db?sslmode=require", noSsl))
                .hasMessageContaining("refused the connection: The server does not support SSL; the URL's "
                        + "sslmode=require requires SSL")
                .hasMessageNotContaining("refused the login").hasMessageNotContaining("check that the server runs")
                .satisfies(x -> assertThat(x.remedy()).contains(dev.envctl.core.Remedy.FIX_STORE_SETTINGS));
    }
}
