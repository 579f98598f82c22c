package dev.envctl.core.spi;

import java.util.List;

/**
 * The schema version of a store and its migrations.
 *
 * @param currentVersion the applied version, or {@code null} when nothing was applied yet
 * @param latestVersion  the version this envctl needs
 * @param migrations     every known and applied migration, oldest first
 */
public record SchemaInfo(String currentVersion, String latestVersion, List<MigrationState> migrations) {
    public SchemaInfo {
        migrations = List.copyOf(migrations);
    }

    /** Whether the schema is at the version this envctl needs. */
    public boolean upToDate() {
        return latestVersion.equals(currentVersion);
    }
}
