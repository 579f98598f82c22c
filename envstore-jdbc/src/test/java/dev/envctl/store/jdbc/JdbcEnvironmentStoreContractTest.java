package dev.envctl.store.jdbc;

import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.testing.EnvironmentStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The store contract of core, each test on a fresh, migrated schema of the test run's PostgreSQL. */
class JdbcEnvironmentStoreContractTest extends EnvironmentStoreContract {
    private String schema;

    @Override
    protected EnvironmentStore newStore() {
        JdbcEnvironmentStore s = TestDatabase.openFresh("contract");
        schema = s.schema();
        return s;
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) {
            store.close();
            TestDatabase.dropSchema(schema);
        }
    }
}
