package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.HostPorts;
import dev.envctl.core.Remedy;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.StoreHealth;
import dev.envctl.store.jdbc.internal.Migrations;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A schema an older envctl migrated, opened to read (what {@code envctl doctor}, {@code diff} and dry runs do): under
 * {@code jdbc.migrate=auto} the next opening migrates it, so its health warns rather than reports a problem; one this
 * envctl reads as it reads its own ({@link Migrations#READABLE_FROM} on) is read as it is, with a warning, and an older
 * one's reads are refused saying to migrate it; writes are refused either way; under {@code read} the opening refuses
 * it as before; a role that may not migrate it is a problem, since every opening with {@code auto} then fails.
 */
class OlderSchemaOpenedToReadTest {
    private static final String OLDER = String.valueOf(Integer.parseInt(Migrations.LATEST) - 1);
    private static final String UNREADABLE = String.valueOf(Integer.parseInt(Migrations.READABLE_FROM) - 1);
    private final String schema = TestDatabase.freshSchemaName("older");
    private final String role = "envctl_t_app_" + ProcessHandle.current().pid();

    /** The schema as an envctl of {@code version} left it, holding environment {@code dev}. */
    private void anEnvctlMigratedTheSchemaTo(String version) {
        TestDatabase.migrateTo(schema, version);
        try (JdbcEnvironmentStore asItIs = TestDatabase.open(schema, MigrateMode.OFF)) {
            asItIs.create(EnvironmentSpec.of("dev", "k3d"), new Allocator(AllocationPolicy.defaults()));
        }
    }

    @AfterEach
    void dropSchema() {
        TestDatabase.dropSchema(schema);
        TestDatabase.sql("DROP ROLE IF EXISTS " + role);
    }

    private JdbcEnvironmentStore openToRead(MigrateMode configured, PGSimpleDataSource dataSource) {
        return JdbcEnvironmentStore.openToRead(dataSource, JdbcStoreOptions.defaults().withSchema(schema)
                .withMigrate(configured), TestDatabase.url());
    }

    @Test
    void underAutoItIsAWarningThatTheNextOpeningMigratesIt() {
        anEnvctlMigratedTheSchemaTo(OLDER);
        PGSimpleDataSource owner = TestDatabase.dataSourceFor(TestDatabase.url());
        try (JdbcEnvironmentStore store = openToRead(MigrateMode.AUTO, owner)) {
            StoreHealth h = store.health();

            assertThat(h.available()).isTrue();
            assertThat(h.problem()).isNull();
            assertThat(h.schemaVersion()).isEqualTo(OLDER);
            assertThat(h.warning()).contains("schema " + schema + " of ", " is at version " + OLDER
                    + " and this envctl needs version " + Migrations.LATEST + "; jdbc.migrate=auto migrates it to "
                    + "version " + Migrations.LATEST + " at the store's next opening that is not only to read, or "
                    + "migrate the schema");
            assertThat(h.remedy()).isEqualTo(Remedy.MIGRATE_SCHEMA);
            // opened to read, it is not migrated: writes are refused saying why, not with an SQL error
            EnvctlException delete = catchThrowableOfType(() -> store.delete("dev"), EnvctlException.class);
            assertThat(delete.getMessage()).startsWith("deleting environment 'dev' refused: schema " + schema)
                    .contains("is at version " + OLDER, "this opening only reads, so it was not migrated",
                            "or migrate the schema");
            assertThat(delete.remedy()).contains(Remedy.MIGRATE_SCHEMA);
        }
        assertThat(TestDatabase.value("SELECT count(*) FROM " + schema + "." + Migrations.HISTORY_TABLE
                + " WHERE version = '" + Migrations.LATEST + "'")).as("opening to read migrated nothing")
                .isEqualTo("0");
    }

    /** What {@code create --dry-run}, {@code apply --dry-run} and {@code diff} read works as on a migrated schema. */
    @Test
    void underAutoASchemaThisEnvctlCanReadIsReadAsItIsWithOneWarning() {
        anEnvctlMigratedTheSchemaTo(Migrations.READABLE_FROM);
        PGSimpleDataSource owner = TestDatabase.dataSourceFor(TestDatabase.url());
        String[] logged = new String[1];
        try (JdbcEnvironmentStore store = stderrOf(() -> openToRead(MigrateMode.AUTO, owner), logged)) {
            String[] read = new String[1];
            stderrOf(() -> {
                assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("dev");
                assertThat(store.find("dev")).get().extracting(Environment::provider).isEqualTo("k3d");
                assertThat(store.hosts()).containsExactly(Host.LOCAL);
                return null;
            }, read);
            String said = logged[0] + read[0];
            assertThat(said.lines().filter(l -> l.contains(schema))).as(said).singleElement().asString()
                    .contains("WARN", "is at version " + Migrations.READABLE_FROM + " and this envctl needs version "
                            + Migrations.LATEST + "; it is read as it is, and jdbc.migrate=auto migrates it to version "
                            + Migrations.LATEST + " at the store's next opening that is not only to read, or migrate "
                            + "the schema");

            assertThat(catchThrowableOfType(() -> store.delete("dev"), EnvctlException.class).getMessage())
                    .contains("this opening only reads, so it was not migrated");
        }
        assertThat(TestDatabase.value("SELECT max(version::int) FROM " + schema + "." + Migrations.HISTORY_TABLE))
                .as("opening to read migrated nothing").isEqualTo(Migrations.READABLE_FROM);
    }

    /**
     * What {@code envctl doctor} does: its store line reports the health's warning, so the reads after it log none
     * of their own (on stderr, beside that line on stdout).
     */
    @Test
    void underAutoAHealthThatWarnsLeavesTheReadsAfterItWithoutALoggedWarning() {
        anEnvctlMigratedTheSchemaTo(Migrations.READABLE_FROM);
        PGSimpleDataSource owner = TestDatabase.dataSourceFor(TestDatabase.url());
        String[] logged = new String[1];
        try (JdbcEnvironmentStore store = stderrOf(() -> openToRead(MigrateMode.AUTO, owner), logged)) {
            String[] read = new String[1];
            StoreHealth h = stderrOf(() -> {
                StoreHealth health = store.health();
                assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("dev");
                assertThat(store.hosts()).containsExactly(Host.LOCAL);
                return health;
            }, read);

            assertThat(h.warning()).contains("is at version " + Migrations.READABLE_FROM);
            assertThat(logged[0] + read[0]).doesNotContain(schema);
        }
    }

    /**
     * What {@code migrate --dry-run} asks of its target, whose real run migrates it first: each row is checked as the
     * migrated schema would take it (V8 changed nothing the insert checks), and nothing is stored.
     */
    @Test
    void underAutoASchemaThisEnvctlCanReadChecksInsertsAsTheMigratedSchemaWould() {
        anEnvctlMigratedTheSchemaTo(Migrations.READABLE_FROM);
        try (JdbcEnvironmentStore store = openToRead(MigrateMode.AUTO,
                TestDatabase.dataSourceFor(TestDatabase.url()))) {
            Environment dev = store.find("dev").orElseThrow();
            Instant now = Instant.now();

            store.checkInsert(Environment.created(EnvironmentSpec.of("web", "k3d"), HostPorts.NONE, null, now));
            EnvctlException clash = catchThrowableOfType(() -> store.checkInsert(Environment.created(
                    EnvironmentSpec.of("web", "k3d"), dev.ports(), null, now)), EnvctlException.class);
            assertThat(clash.code()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(clash.getMessage()).contains("is already held by environment 'dev'");
            assertThat(catchThrowableOfType(() -> store.checkInsert(dev.withPorts(HostPorts.NONE)),
                    EnvctlException.class).code()).isEqualTo(ErrorCode.CONFLICT);
        }
        assertThat(TestDatabase.value("SELECT string_agg(name, ',') FROM " + schema + ".clusters")).isEqualTo("dev");
        assertThat(TestDatabase.value("SELECT max(version::int) FROM " + schema + "." + Migrations.HISTORY_TABLE))
                .as("opening to read migrated nothing").isEqualTo(Migrations.READABLE_FROM);
    }

    @Test
    void underAutoASchemaTooOldToReadRefusesReadsSayingToMigrateIt() {
        TestDatabase.migrateTo(schema, UNREADABLE);
        PGSimpleDataSource owner = TestDatabase.dataSourceFor(TestDatabase.url());
        try (JdbcEnvironmentStore store = openToRead(MigrateMode.AUTO, owner)) {
            EnvctlException list = catchThrowableOfType(() -> store.list(EnvironmentFilter.ALL),
                    EnvctlException.class);

            assertThat(list.getMessage()).startsWith("listing environments refused: schema " + schema).endsWith(
                    " is at version " + UNREADABLE + " and this envctl needs version " + Migrations.LATEST + "; it "
                    + "reads a schema older than version " + Migrations.READABLE_FROM + " only once it is migrated, "
                    + "and this opening only reads, so it was not migrated: migrate the schema");
            assertThat(list.remedy()).contains(Remedy.MIGRATE_SCHEMA);
            assertThat(catchThrowableOfType(() -> store.find("dev"), EnvctlException.class)).isNotNull();
            assertThat(catchThrowableOfType(() -> store.hosts(), EnvctlException.class)).isNotNull();
        }
    }

    /** What makes reading {@link Migrations#READABLE_FROM} as it is sound: the tables reads take are the same. */
    @Test
    void theTablesReadsTakeAreTheSameAtTheOldestReadableVersionAsAtTheLatest() {
        String latest = TestDatabase.freshSchemaName("latest");
        TestDatabase.migrateTo(schema, Migrations.READABLE_FROM);
        TestDatabase.migrateTo(latest, Migrations.LATEST);
        try {
            assertThat(columnsOf(schema)).isNotEmpty().isEqualTo(columnsOf(latest));
        } finally {
            TestDatabase.dropSchema(latest);
        }
    }

    private static String columnsOf(String schema) {
        return TestDatabase.value("SELECT string_agg(table_name || '.' || column_name || ' ' || data_type || ' '"
                + " || is_nullable || ' ' || coalesce(column_default, ''), ', ' ORDER BY table_name, column_name)"
                + " FROM information_schema.columns WHERE table_schema = '" + schema + "'"
                + " AND table_name IN ('clusters', 'hosts')");
    }

    @Test
    void underReadTheOpeningRefusesItAsBefore() {
        anEnvctlMigratedTheSchemaTo(OLDER);
        EnvctlException e = catchThrowableOfType(() -> openToRead(MigrateMode.READ,
                TestDatabase.dataSourceFor(TestDatabase.url())), EnvctlException.class);

        assertThat(e.getMessage()).contains("is at version " + OLDER + " but envctl needs " + Migrations.LATEST
                + "; open it with jdbc.migrate=auto or migrate the schema");
    }

    @Test
    void aRoleThatMayNotMigrateItIsAProblemUnderAuto() {
        anEnvctlMigratedTheSchemaTo(OLDER);
        TestDatabase.sql("CREATE ROLE " + role + " LOGIN");
        for (String grant : LeastPrivilegeTest.APPLICATION_GRANTS) {
            TestDatabase.sql(String.format(grant, role, schema));
        }
        PGSimpleDataSource app = TestDatabase.dataSourceFor(TestDatabase.url());
        app.setUser(role);
        try (JdbcEnvironmentStore store = openToRead(MigrateMode.AUTO, app)) {
            StoreHealth h = store.health();

            assertThat(h.available()).isTrue();
            assertThat(h.problem()).startsWith("role " + role + " lacks ownership of table clusters (migrating the "
                    + "schema alters it), INSERT on " + Migrations.HISTORY_TABLE).contains(
                    "so every opening with jdbc.migrate=auto fails until the schema is migrated",
                    "or log in as another user (jdbc.user)");
            assertThat(h.remedy()).isEqualTo(Remedy.FIX_STORE_SETTINGS);
        }
    }

    /** What {@code open} returns, with what was logged meanwhile (slf4j-simple's, on System.err) in {@code logged}. */
    private static <T> T stderrOf(Supplier<T> open, String[] logged) {
        PrintStream err = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            return open.get();
        } finally {
            System.setErr(err);
            logged[0] = bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
