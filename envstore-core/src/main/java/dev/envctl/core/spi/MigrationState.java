package dev.envctl.store.jdbc;

import java.time.Instant;

/**
 * One migration as {@link JdbcStoreAdmin#info()} reports it.
 *
 * @param version     its version, such as {@code 2}
 * @param description what it does
 * @param state       Flyway's state name: {@code Pending}, {@code Success}, {@code Baseline}, ...
 * @param installedOn when it was applied, or {@code null} if not yet
 */
public record MigrationState(String version, String description, String state, Instant installedOn) {
}
