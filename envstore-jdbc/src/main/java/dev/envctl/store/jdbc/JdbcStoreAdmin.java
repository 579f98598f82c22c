package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.MigrationResult;
import dev.envctl.core.spi.SchemaInfo;
import dev.envctl.store.jdbc.internal.Migrations;

/**
 * Schema administration of a PostgreSQL store, for {@code envctl db migrate} and {@code envctl db info}:
 * adopting an existing {@code clusters} table, applying migrations, reporting versions. Obtain one
 * from {@link JdbcEnvironmentStore#admin()}, or as a {@link dev.envctl.core.spi.SchemaAdmin} from
 * {@link JdbcStoreFactory#openSchemaAdmin}. Thread-safe; concurrent
 * {@link #migrate()} calls, also from other processes, run one at a time.
 */
public final class JdbcStoreAdmin {
    private final Migrations migrations;

    JdbcStoreAdmin(Migrations migrations) {
        this.migrations = migrations;
    }

    /**
     * Adopts an existing {@code clusters} table without envctl history (baseline at version 1) and applies
     * every pending migration.
     *
     * @throws AdoptionConflictException when existing rows break an invariant; nothing is changed then
     * @throws EnvctlException           {@link ErrorCode#STORE_UNAVAILABLE} when the server cannot be reached
     */
    public MigrationResult migrate() {
        return migrations.migrate();
    }

    /** Whether the schema is at the newest version already, found without Flyway (see {@link #migrate}). */
    boolean isCurrent() {
        return migrations.isCurrent();
    }

    /** The current version and every migration with its state; changes nothing. */
    public SchemaInfo info() {
        return migrations.info();
    }

    /** Fails unless the schema is at the version this envctl needs (what {@code jdbc.migrate=validate} does). */
    public void requireUpToDate() {
        migrations.requireUpToDate();
    }
}
