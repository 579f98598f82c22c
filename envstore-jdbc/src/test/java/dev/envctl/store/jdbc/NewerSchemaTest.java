package dev.envctl.store.jdbc;

import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.SchemaInfo;
import dev.envctl.core.spi.StoreHealth;
import dev.envctl.store.jdbc.internal.Migrations;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A schema a newer envctl migrated (its history ends at version 99): {@code read} (dry runs, diff, doctor) uses it
 * as {@code auto} does, {@code validate} refuses it saying to upgrade envctl, never to migrate. A newer envctl's
 * table {@code envctl_compat} can keep this one from writing it, or from opening it at all.
 */
class NewerSchemaTest {
    private String schema;

    @BeforeEach
    void schemaOfANewerEnvctl() {
        schema = TestDatabase.freshSchemaName("newer");
        open(MigrateMode.AUTO).close();
        TestDatabase.sql("INSERT INTO " + schema + "." + Migrations.HISTORY_TABLE + " (installed_rank, version, "
                + "description, type, script, checksum, installed_by, execution_time, success) SELECT "
                + "max(installed_rank) + 1, '99', 'from the future', 'SQL', 'V99__from_the_future.sql', 0, "
                + "current_user, 0, true FROM " + schema + "." + Migrations.HISTORY_TABLE);
    }

    @AfterEach
    void dropSchema() {
        TestDatabase.dropSchema(schema);
    }

    private JdbcEnvironmentStore open(MigrateMode mode) {
        return TestDatabase.open(schema, mode);
    }

    @Test
    void infoSaysTheSchemaIsNewerThanThisEnvctl() {
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
            SchemaInfo info = store.admin().info();
            assertThat(info.currentVersion()).isEqualTo("99");
            assertThat(info.upToDate()).isFalse();
            assertThat(info.newerThanLatest()).isTrue();
        }
    }

    @Test
    void readModeUsesANewerSchemaAsAutoDoes() {
        try (JdbcEnvironmentStore store = open(MigrateMode.READ)) {
            assertThat(store.list(EnvironmentFilter.ALL)).isEmpty();
            StoreHealth h = store.health();
            assertThat(h.available()).isTrue();
            assertThat(h.problem()).isNull();
            assertThat(h.detail()).contains("schema version 99 is newer than this envctl knows", "upgrade envctl");
        }
    }

    @Test
    void validateModeRefusesANewerSchemaSayingToUpgradeEnvctlNotToMigrate() {
        EnvctlException e = catchThrowableOfType(() -> open(MigrateMode.VALIDATE), EnvctlException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.FAILURE);
        assertThat(e.remedy()).isEmpty();
        assertThat(e.getMessage()).contains("is at version 99, newer than this envctl knows", "upgrade envctl")
                .doesNotContain("migrate the schema", "but envctl needs");
    }

    private void compat(String readNeeds, String writeNeeds) {
        TestDatabase.sql("CREATE TABLE " + schema + ".envctl_compat (read_needs integer, write_needs integer); "
                + "INSERT INTO " + schema + ".envctl_compat VALUES (" + readNeeds + ", " + writeNeeds + ")");
    }

    @Test
    void aNewerEnvctlThatForbidsOlderWritersGetsReadsButNoWriteWithTheVersionItNeeds() {
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
            store.create(EnvironmentSpec.of("dev", "k3d"), new Allocator(AllocationPolicy.defaults()));
        }
        compat("null", "99");
        for (MigrateMode mode : new MigrateMode[] {MigrateMode.AUTO, MigrateMode.READ}) {
            try (JdbcEnvironmentStore store = open(mode)) {
                assertThat(store.list(EnvironmentFilter.ALL)).extracting(e -> e.name()).containsExactly("dev");

                EnvctlException e = catchThrowableOfType(() -> store.create(EnvironmentSpec.of("qa", "k3d"),
                        new Allocator(AllocationPolicy.defaults())), EnvctlException.class);
                assertThat(e.code()).as(mode.toString()).isEqualTo(ErrorCode.FAILURE);
                assertThat(e.getMessage()).startsWith("creating environment 'qa' refused: schema " + schema)
                        .contains("migrated by a newer envctl that keeps older ones from writing it",
                                "knows schema version 99, and this one knows " + Migrations.LATEST, "upgrade envctl");
                assertThat(catchThrowableOfType(() -> store.delete("dev"), EnvctlException.class).getMessage())
                        .startsWith("deleting environment 'dev' refused: schema " + schema);
                StoreHealth h = store.health();
                assertThat(h.available()).isTrue();
                assertThat(h.problem()).startsWith("every write is refused: schema " + schema)
                        .contains("upgrade envctl");
            }
        }
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
            assertThat(store.list(EnvironmentFilter.ALL)).hasSize(1);
        }
    }

    @Test
    void aNewerEnvctlThatForbidsOlderReadersKeepsThisOneFromOpeningIt() {
        compat("99", "99");
        for (MigrateMode mode : new MigrateMode[] {MigrateMode.AUTO, MigrateMode.READ}) {
            EnvctlException e = catchThrowableOfType(() -> open(mode), EnvctlException.class);

            assertThat(e.code()).as(mode.toString()).isEqualTo(ErrorCode.FAILURE);
            assertThat(e.getMessage()).startsWith("schema " + schema)
                    .contains("keeps older ones from reading it", "knows schema version 99", "upgrade envctl");
        }
    }

    @Test
    void aRuleThisEnvctlMeetsChangesNothing() {
        compat(Migrations.LATEST, Migrations.LATEST);
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
            assertThat(store.create(EnvironmentSpec.of("qa", "k3d"), new Allocator(AllocationPolicy.defaults()))
                    .name()).isEqualTo("qa");
            assertThat(store.health().problem()).isNull();
        }
    }
}
