package dev.envctl.store.jdbc;

import dev.envctl.core.spi.MigrationResult;
import dev.envctl.core.spi.MigrationState;
import dev.envctl.store.jdbc.internal.Migrations;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Opening an up-to-date store skips Flyway; anything else falls back to it. */
class MigrationFastPathTest {

    private static JdbcEnvironmentStore open(String schema, MigrateMode mode) {
        return TestDatabase.open(schema, mode);
    }

    @Test
    void latestConstantIsTheNewestMigrationOnTheClassPath() {
        String schema = TestDatabase.freshSchemaName("latest");
        try (JdbcEnvironmentStore store = open(schema, MigrateMode.OFF)) {
            assertThat(store.admin().info().latestVersion()).isEqualTo(Migrations.LATEST);
        } finally {
            TestDatabase.dropSchema(schema);
        }
    }

    @Test
    void onlyAFullyMigratedHistoryWithoutFailuresCountsAsCurrent() {
        String schema = TestDatabase.freshSchemaName("fast");
        try {
            try (JdbcEnvironmentStore store = open(schema, MigrateMode.OFF)) {
                assertThat(store.admin().isCurrent()).as("no history yet").isFalse();
                store.admin().migrate();
                assertThat(store.admin().isCurrent()).isTrue();
            }
            try (JdbcEnvironmentStore again = open(schema, MigrateMode.AUTO)) {
                assertThat(again.admin().isCurrent()).isTrue();
                assertThat(again.admin().info().currentVersion()).isEqualTo(Migrations.LATEST);
            }
            TestDatabase.sql("UPDATE " + schema + "." + Migrations.HISTORY_TABLE + " SET success = false WHERE version = '"
                    + Migrations.LATEST + "'");
            try (JdbcEnvironmentStore failed = open(schema, MigrateMode.OFF)) {
                assertThat(failed.admin().isCurrent()).as("a failed entry").isFalse();
            }
            TestDatabase.sql("DELETE FROM " + schema + "." + Migrations.HISTORY_TABLE + " WHERE version = '"
                    + Migrations.LATEST + "'");
            try (JdbcEnvironmentStore behind = open(schema, MigrateMode.OFF)) {
                assertThat(behind.admin().isCurrent()).as("history ends before the newest").isFalse();
            }
        } finally {
            TestDatabase.dropSchema(schema);
        }
    }

    @Test
    void migrationsAreDescribedForUsersWhileTheHistoryKeepsTheScriptsDescription() {
        String schema = TestDatabase.freshSchemaName("described");
        try (JdbcEnvironmentStore store = open(schema, MigrateMode.OFF)) {
            MigrationResult result = store.admin().migrate();
            assertThat(result.applied()).first().isEqualTo("1 the Kindler scripts' clusters table");
            assertThat(store.admin().info().migrations()).extracting(MigrationState::description)
                    .contains("the Kindler scripts' clusters table").noneMatch(d -> d.contains("replaced system"));
            assertThat(TestDatabase.value("SELECT description FROM " + schema + "." + Migrations.HISTORY_TABLE
                    + " WHERE version = '1'")).as("Flyway validates applied descriptions against the scripts' names")
                    .isEqualTo(JdbcStoreAdmin.V1_SCRIPT_DESCRIPTION);
            assertThat(store.admin().migrate().applied()).as("validated and current").isEmpty();
        } finally {
            TestDatabase.dropSchema(schema);
        }
    }
}
