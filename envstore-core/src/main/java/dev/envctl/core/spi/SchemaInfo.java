package dev.envctl.core.spi;

import java.util.List;

/**
 * The schema version of a store and its migrations.
 *
 * @param currentVersion the applied version, or {@code null} when nothing was applied yet
 * @param latestVersion  the version this envctl needs
 * @param migrations     every known and applied migration, oldest first, each with the state it has or, where
 *                       {@link SchemaAdmin#migrate()} will treat it otherwise than apply it (a baseline when adopting
 *                       an existing table), the state it will get
 * @param blockers       why {@link SchemaAdmin#migrate()} would refuse and change nothing, one line each (such as a
 *                       row of an existing table that breaks an invariant); empty when it would proceed
 */
public record SchemaInfo(String currentVersion, String latestVersion, List<MigrationState> migrations,
                         List<String> blockers) {
    public SchemaInfo {
        migrations = List.copyOf(migrations);
        blockers = List.copyOf(blockers);
    }

    /** Information with no blockers (the form before {@code blockers} existed). */
    public SchemaInfo(String currentVersion, String latestVersion, List<MigrationState> migrations) {
        this(currentVersion, latestVersion, migrations, List.of());
    }

    /** Whether the schema is at the version this envctl needs. */
    public boolean upToDate() {
        return latestVersion.equals(currentVersion);
    }
}
