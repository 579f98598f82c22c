package dev.envctl.core.spi;

import java.time.Instant;

/**
 * One migration as {@link SchemaAdmin#info()} reports it.
 *
 * @param version     its version, such as {@code 2}
 * @param description what it does
 * @param state       the state name, such as {@code Pending}, {@code Success}, {@code Baseline}, ...
 * @param installedOn when it was applied, or {@code null} if not yet
 */
public record MigrationState(String version, String description, String state, Instant installedOn) {
}
