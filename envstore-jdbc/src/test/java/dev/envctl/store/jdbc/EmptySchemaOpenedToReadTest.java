package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Remedy;
import dev.envctl.core.spi.StoreHealth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A schema without envctl's tables, opened to read (what {@code envctl doctor} does) by a role that may not create
 * tables in it (PostgreSQL 15 and later grant no one CREATE on schema public): under {@code jdbc.migrate=auto} every
 * opening fails, as it makes the tables first, so its health names what the role lacks.
 */
class EmptySchemaOpenedToReadTest {
    private final String schema = TestDatabase.freshSchemaName("empty");
    private final String role = "envctl_t_nocreate_" + ProcessHandle.current().pid();

    @BeforeEach
    void anEmptySchemaTheRoleMayUseButNotCreateIn() {
        TestDatabase.sql("CREATE SCHEMA " + schema, "CREATE ROLE " + role + " LOGIN",
                "GRANT USAGE ON SCHEMA " + schema + " TO " + role);
    }

    @AfterEach
    void drop() {
        TestDatabase.dropSchema(schema);
        TestDatabase.sql("DROP ROLE IF EXISTS " + role);
    }

    private PGSimpleDataSource asRole() {
        PGSimpleDataSource ds = TestDatabase.dataSourceFor(TestDatabase.url());
        ds.setUser(role);
        return ds;
    }

    @Test
    void underAutoARoleThatMayNotCreateTheTablesIsAProblem() {
        JdbcStoreOptions auto = JdbcStoreOptions.defaults().withSchema(schema);
        EnvctlException opening = catchThrowableOfType(() -> JdbcEnvironmentStore.open(asRole(), auto,
                TestDatabase.url()), EnvctlException.class);
        assertThat(opening).as("what every command does").isNotNull();
        assertThat(opening.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);

        try (JdbcEnvironmentStore store = JdbcEnvironmentStore.openToRead(asRole(), auto, TestDatabase.url())) {
            StoreHealth h = store.health();

            assertThat(h.available()).isTrue();
            assertThat(h.problem()).startsWith("role " + role + " lacks CREATE on schema " + schema).contains(
                    "so every opening with jdbc.migrate=auto fails until the schema is migrated",
                    "or log in as another user (jdbc.user)");
            assertThat(h.remedy()).isEqualTo(Remedy.FIX_STORE_SETTINGS);
        }
    }

    @Test
    void aRoleThatMayCreateThemPasses() {
        TestDatabase.sql("GRANT CREATE ON SCHEMA " + schema + " TO " + role);
        try (JdbcEnvironmentStore store = JdbcEnvironmentStore.openToRead(asRole(),
                JdbcStoreOptions.defaults().withSchema(schema), TestDatabase.url())) {
            StoreHealth h = store.health();

            assertThat(h.problem()).isNull();
            assertThat(h.detail()).contains("no envctl tables yet");
        }
    }
}
