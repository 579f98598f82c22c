package dev.envctl.store.jdbc;

import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.testing.ApplyContract;
import org.junit.jupiter.api.AfterAll;

/** Apply's plan, in-place updates and replacement on PostgreSQL (one schema for the class, emptied per test). */
class JdbcApplyTest extends ApplyContract {
    private static final TestDatabase.ClassSchema SCHEMA = new TestDatabase.ClassSchema("apply");

    @Override
    protected EnvironmentStore newStore() {
        return SCHEMA.emptyStore();
    }

    @AfterAll
    static void dropSchema() {
        SCHEMA.drop();
    }
}
