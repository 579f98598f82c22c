package dev.envctl.store.jdbc;

import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.spi.EnvironmentStore;

import java.util.Map;

/**
 * A separate process for {@link FlywayLoggingTest}, as an embedder's: opens (and so migrates) the store at URL in
 * SCHEMA through the factory and lists it. Exit 0 when that worked.
 */
public final class OpenWorker {
    private OpenWorker() {
    }

    public static void main(String[] args) {
        try (EnvironmentStore store = new JdbcStoreFactory().open(args[0], Map.of(JdbcStoreFactory.SCHEMA, args[1]))) {
            store.list(EnvironmentFilter.ALL);
        }
    }
}
