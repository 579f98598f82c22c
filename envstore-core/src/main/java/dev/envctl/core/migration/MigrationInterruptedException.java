package dev.envctl.core.migration;

import dev.envctl.core.EnvctlException;

/**
 * The target of a {@link StoreMigration} failed part-way with an error that is no row's own, such as
 * {@link dev.envctl.core.ErrorCode#STORE_UNAVAILABLE} (a server stopped, a file its user may not write): code, message
 * and remedy are those of the target's error (its {@linkplain #getCause() cause}), and {@link #report()} says what
 * happened to the rows before it, so that a caller can show which rows were written. Those stay written; a second
 * run skips them as already in the target.
 */
public final class MigrationInterruptedException extends EnvctlException {
    private static final long serialVersionUID = 1L;

    private final transient MigrationReport report;

    MigrationInterruptedException(EnvctlException cause, MigrationReport report) {
        super(cause.code(), cause.getMessage(), cause, cause.remedy().orElse(null));
        this.report = report;
    }

    /**
     * The rows the migration reached before the failure, in name order, with their outcomes; {@code total} still
     * counts every row of the source, so the rows it lacks are those not reached (the one the target failed on among
     * them). The rows written are those whose outcome is {@code migrated}; a dry run wrote none.
     */
    public MigrationReport report() {
        return report;
    }
}
