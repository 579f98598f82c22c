package dev.envctl.store.jdbc.internal;

import org.flywaydb.core.Flyway;

/**
 * Flyway set up for envctl: migrations in their own classpath location, history in
 * {@code envctl_schema_history} of the store's schema, logging through SLF4J (like the rest of envctl, so the
 * caller's SLF4J set-up governs it; Flyway's own detection would pick java.util.logging when SLF4J has no
 * backend, and print every migration step to stderr). {@link dev.envctl.store.jdbc.JdbcStoreAdmin} runs them.
 */
public final class Migrations {
    public static final String LOCATION = "classpath:dev/envctl/store/jdbc/migration";
    public static final String HISTORY_TABLE = "envctl_schema_history";
    /** The newest migration on the class path; MigrationFastPathTest keeps it equal to what Flyway finds there. */
    public static final String LATEST = "8";
    /**
     * The oldest schema version whose tables envctl reads ({@code clusters}, {@code hosts}) have the columns and rows
     * they have at {@link #LATEST}, so that an opening that only reads uses it as it is: V8 added triggers and mended
     * run ends of the held tables, which no read takes. A migration that changes what a read takes raises this to
     * its own version; OlderSchemaOpenedToReadTest compares those tables here and at {@link #LATEST}.
     */
    public static final String READABLE_FROM = "7";

    private Migrations() {
    }

    /**
     * Flyway on {@code schema} over the connections of {@code database} ({@link Database#cancellable}), baselining
     * an existing schema without history at {@code baselineVersion}; each migration checks its session first
     * ({@link MigrationSessionCheck}).
     */
    public static Flyway flyway(Database database, String schema, String baselineVersion) {
        return Flyway.configure(Migrations.class.getClassLoader())
                .loggers("slf4j")
                .dataSource(database.cancellable())
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(true)
                .baselineOnMigrate(true)
                .baselineVersion(baselineVersion)
                .baselineDescription(baselineVersion.equals("1") ? "adopted existing clusters table"
                        : "schema shared with other tables")
                .validateMigrationNaming(true)
                .cleanDisabled(true)
                .failOnMissingLocations(true)
                .callbacks(new MigrationSessionCheck(schema, database.location()))
                .load();
    }
}
