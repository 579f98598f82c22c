package dev.envctl.core;

/**
 * A fix for an {@link EnvctlException} that a client may name in its own terms: library messages name library
 * calls only, and a client with commands of its own (the CLI) adds the command that does the same.
 */
public enum Remedy {
    /**
     * Migrate the store's schema: {@code SchemaAdmin.migrate()}, {@code envctl db migrate} on the command line.
     * Messages with this remedy end with "migrate the schema", so a client may append its command.
     */
    MIGRATE_SCHEMA
}
