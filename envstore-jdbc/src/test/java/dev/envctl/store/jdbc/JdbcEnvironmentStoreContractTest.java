package dev.envctl.store.jdbc;

import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.testing.EnvironmentStoreContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The store contract of core on the test run's PostgreSQL: one schema migrated for the class and emptied
 * before each test, so every test gets a fresh, empty store.
 */
class JdbcEnvironmentStoreContractTest extends EnvironmentStoreContract {
    private static final TestDatabase.ClassSchema SCHEMA = new TestDatabase.ClassSchema("contract");

    @Override
    protected EnvironmentStore newStore() {
        return SCHEMA.emptyStore();
    }

    @AfterAll
    static void dropSchema() {
        SCHEMA.drop();
    }
}
