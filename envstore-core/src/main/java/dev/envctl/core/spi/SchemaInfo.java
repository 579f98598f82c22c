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

    /**
     * Whether the schema is at a version newer than the one this envctl needs (a newer envctl migrated it): not
     * {@link #upToDate()}, yet migrating cannot help; upgrading envctl does. Versions compare part by part
     * ({@code 7.1} after {@code 7}, {@code 10} after {@code 9}).
     */
    public boolean newerThanLatest() {
        return currentVersion != null && latestVersion != null && compare(currentVersion, latestVersion) > 0;
    }

    private static int compare(String a, String b) {
        String[] x = a.split("[._]");
        String[] y = b.split("[._]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            java.math.BigInteger p = i < x.length ? new java.math.BigInteger(x[i]) : java.math.BigInteger.ZERO;
            java.math.BigInteger q = i < y.length ? new java.math.BigInteger(y[i]) : java.math.BigInteger.ZERO;
            int c = p.compareTo(q);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
