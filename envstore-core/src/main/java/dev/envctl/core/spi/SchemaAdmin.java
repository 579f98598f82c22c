package dev.envctl.core.spi;

/**
 * Schema administration of a store that has a schema (the PostgreSQL store): apply pending migrations, adopting
 * an existing {@code clusters} table of the Kindler scripts, and report versions. An optional capability:
 * obtain one from {@link EnvironmentStoreFactory#openSchemaAdmin}, which returns empty for stores without a
 * schema. Holds connections until closed. Thread-safe; concurrent {@link #migrate()} calls, also from other
 * processes, run one at a time.
 */
public interface SchemaAdmin extends AutoCloseable {

    /**
     * Adopts an existing table without envctl history and applies every pending migration.
     *
     * @throws dev.envctl.core.EnvctlException {@code CONFLICT} when existing rows break an invariant (nothing
     *                                         is changed then), {@code STORE_UNAVAILABLE} when unreachable
     */
    MigrationResult migrate();

    /** The current version and every migration with its state; changes nothing. */
    SchemaInfo info();

    @Override
    void close();
}
