package dev.envctl.core;

/**
 * What went wrong, coarsely enough for a caller to branch on, with the exit code the CLI returns for it
 * (the table in docs/cli.md: 1 failure, 2 invalid input, 3 no such environment, 4 conflict, 5 store unavailable,
 * 6 provider failed or missing).
 */
public enum ErrorCode {
    /** Something failed that fits no other code. */
    FAILURE(1),
    /** A store file or table holds data envctl cannot read; nothing is written until it is fixed. */
    STORE_CORRUPT(1),
    /** A lifecycle hook failed. */
    HOOK_FAILED(1),
    /** Invalid input or usage: a bad name, port, CIDR, label, flag or file. */
    INVALID_INPUT(2),
    /** No environment of that name: only that, so scripts can test for it (an unknown plugin or file is INVALID_INPUT). */
    NOT_FOUND(3),
    /** A name, port or subnet is already held by another environment. */
    CONFLICT(4),
    /** A pool has no free port or subnet left. */
    POOL_EXHAUSTED(4),
    /** The record changed since it was read (optimistic concurrency). */
    VERSION_CONFLICT(4),
    /** Another process holds the lock on the store or on an environment. */
    LOCKED(4),
    /** The store cannot be reached (server down, lock wait timed out, file system unwritable). */
    STORE_UNAVAILABLE(5),
    /** A provider's tool failed, timed out or is missing. */
    PROVIDER_FAILED(6);

    private final int exitCode;

    ErrorCode(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The exit code the CLI returns for this error. */
    public int exitCode() {
        return exitCode;
    }
}
