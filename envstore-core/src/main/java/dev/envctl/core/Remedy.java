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
    MIGRATE_SCHEMA,

    /**
     * Correct the store's settings: the server answered but refused them (a login it refused, a database it does
     * not have). Always with {@link ErrorCode#STORE_UNAVAILABLE}, but not an outage: waiting or retrying does not
     * help, and a fallback store must not hide it, since reading stale data would mask a setting the user has to
     * fix. Messages with this remedy say which of the store's own options (such as {@code jdbc.user}) and which
     * environment variables to check; a client may add where it keeps those options (the CLI: {@code store.*}).
     */
    FIX_STORE_SETTINGS,

    /**
     * Add a host whose labels match the host selector ({@code Envctl.addHost}), or give another selector: no host
     * of the store matches it, so no pool or capacity setting helps. Always with {@link ErrorCode#POOL_EXHAUSTED};
     * the message lists each host with its labels; a client may add how it lists and adds hosts.
     */
    MATCHING_HOST,

    /**
     * Wait longer for the store's lock: another writer held it past the store's lock timeout (the CSV store's
     * setting {@code csv.lock-timeout}). Always with {@link ErrorCode#STORE_UNAVAILABLE}; messages with this remedy
     * end with "raise the store's lock timeout", so a client may append where it keeps that setting.
     */
    RAISE_LOCK_TIMEOUT
}
