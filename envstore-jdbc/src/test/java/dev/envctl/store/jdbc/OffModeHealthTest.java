package dev.envctl.store.jdbc;

import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.Remedy;
import dev.envctl.core.spi.StoreHealth;
import dev.envctl.store.jdbc.internal.Migrations;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code jdbc.migrate=off} uses the schema as it is: its health (what {@code envctl doctor} shows) says when that
 * is not the schema this envctl needs, as every command then fails.
 */
class OffModeHealthTest {
    private final String schema = TestDatabase.freshSchemaName("off");

    @AfterEach
    void dropSchema() {
        TestDatabase.dropSchema(schema);
    }

    private JdbcEnvironmentStore open(MigrateMode mode) {
        return TestDatabase.open(schema, mode);
    }

    @Test
    void aSchemaWithoutEnvctlsTablesIsAProblemToMigrate() {
        try (JdbcEnvironmentStore store = open(MigrateMode.OFF)) {
            StoreHealth h = store.health();

            assertThat(catchThrowable(() -> store.list(EnvironmentFilter.ALL))).as("what doctor must not pass")
                    .isNotNull();
            assertThat(h.available()).isTrue();
            assertThat(h.problem()).contains("has no envctl schema", "this envctl needs version "
                    + Migrations.LATEST, "jdbc.migrate=off");
            assertThat(h.remedy()).isEqualTo(Remedy.MIGRATE_SCHEMA);
        }
    }

    @Test
    void aSchemaAnOlderEnvctlMigratedIsAProblemToMigrate() {
        open(MigrateMode.AUTO).close();
        TestDatabase.sql("DELETE FROM " + schema + "." + Migrations.HISTORY_TABLE + " WHERE version = '"
                + Migrations.LATEST + "'");
        try (JdbcEnvironmentStore store = open(MigrateMode.OFF)) {
            StoreHealth h = store.health();

            assertThat(h.problem()).contains("is at version " + (Integer.parseInt(Migrations.LATEST) - 1),
                    "this envctl needs version " + Migrations.LATEST);
            assertThat(h.remedy()).isEqualTo(Remedy.MIGRATE_SCHEMA);
        }
    }

    @Test
    void aCurrentSchemaIsNoProblem() {
        open(MigrateMode.AUTO).close();
        try (JdbcEnvironmentStore store = open(MigrateMode.OFF)) {
            assertThat(store.health().problem()).isNull();
        }
    }
}
