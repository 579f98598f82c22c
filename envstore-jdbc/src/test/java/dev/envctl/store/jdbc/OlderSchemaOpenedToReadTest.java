package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.Remedy;
import dev.envctl.core.spi.StoreHealth;
import dev.envctl.store.jdbc.internal.Migrations;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A schema an older envctl migrated, opened to read (what {@code envctl doctor}, {@code diff} and dry runs do): under
 * {@code jdbc.migrate=auto} the next opening migrates it, so its health warns rather than reports a problem, and its
 * reads are refused saying so; under {@code read} the opening refuses it as before; a role that may not migrate it
 * is a problem, since every opening with {@code auto} then fails.
 */
class OlderSchemaOpenedToReadTest {
    private static final String OLDER = String.valueOf(Integer.parseInt(Migrations.LATEST) - 1);
    private final String schema = TestDatabase.freshSchemaName("older");
    private final String role = "envctl_t_app_" + ProcessHandle.current().pid();

    @BeforeEach
    void anOlderEnvctlMigratedTheSchema() {
        TestDatabase.open(schema, MigrateMode.AUTO).close();
        TestDatabase.sql("DELETE FROM " + schema + "." + Migrations.HISTORY_TABLE + " WHERE version = '"
                + Migrations.LATEST + "'");
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
            // opened to read, it is not migrated: reads and writes are refused saying why, not with an SQL error
            EnvctlException list = catchThrowableOfType(() -> store.list(EnvironmentFilter.ALL),
                    EnvctlException.class);
            assertThat(list.getMessage()).startsWith("listing environments refused: schema " + schema)
                    .contains("is at version " + OLDER, "this opening only reads, so it was not migrated",
                            "or migrate the schema");
            assertThat(list.remedy()).contains(Remedy.MIGRATE_SCHEMA);
            assertThat(catchThrowableOfType(() -> store.find("dev"), EnvctlException.class)).isNotNull();
            assertThat(catchThrowableOfType(() -> store.hosts(), EnvctlException.class)).isNotNull();
            assertThat(catchThrowableOfType(() -> store.delete("dev"), EnvctlException.class)).isNotNull();
        }
        assertThat(TestDatabase.value("SELECT count(*) FROM " + schema + "." + Migrations.HISTORY_TABLE
                + " WHERE version = '" + Migrations.LATEST + "'")).as("opening to read migrated nothing")
                .isEqualTo("0");
    }

    @Test
    void underReadTheOpeningRefusesItAsBefore() {
        EnvctlException e = catchThrowableOfType(() -> openToRead(MigrateMode.READ,
                TestDatabase.dataSourceFor(TestDatabase.url())), EnvctlException.class);

        assertThat(e.getMessage()).contains("is at version " + OLDER + " but envctl needs " + Migrations.LATEST
                + "; open it with jdbc.migrate=auto or migrate the schema");
    }

    @Test
    void aRoleThatMayNotMigrateItIsAProblemUnderAuto() {
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
}
