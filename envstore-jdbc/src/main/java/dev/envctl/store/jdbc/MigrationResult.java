package dev.envctl.store.jdbc;

import java.util.List;

/**
 * What {@link JdbcStoreAdmin#migrate()} did.
 *
 * @param adopted        whether an existing {@code clusters} table (the Kindler scripts') was adopted
 *                       (baselined at version 1) in this run
 * @param initialVersion the schema version before, or {@code null} for none
 * @param currentVersion the schema version after
 * @param applied        the migrations applied, as {@code VERSION description}, in order
 */
public record MigrationResult(boolean adopted, String initialVersion, String currentVersion, List<String> applied) {
    public MigrationResult {
        applied = List.copyOf(applied);
    }
}
