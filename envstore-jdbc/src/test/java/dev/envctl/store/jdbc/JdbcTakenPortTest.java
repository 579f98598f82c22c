package dev.envctl.store.jdbc;

import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.testing.TakenPortContract;
import org.junit.jupiter.api.AfterAll;

/** A vanished cluster made again while another program holds one of its ports, on PostgreSQL. */
class JdbcTakenPortTest extends TakenPortContract {
    private static final TestDatabase.ClassSchema SCHEMA = new TestDatabase.ClassSchema("takenport");

    @Override
    protected EnvironmentStore newStore() {
        return SCHEMA.emptyStore();
    }

    @AfterAll
    static void dropSchema() {
        SCHEMA.drop();
    }
}
