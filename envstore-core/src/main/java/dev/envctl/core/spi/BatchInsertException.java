package dev.envctl.core.spi;

import dev.envctl.core.EnvctlException;

/**
 * What {@link EnvironmentStore#insertAll} throws when it stops at a record: code, message and remedy are those of
 * that record's error (its {@linkplain #getCause() cause}: the refusal {@link EnvironmentStore#insert} would give, or
 * the store's own failure such as {@link dev.envctl.core.ErrorCode#STORE_UNAVAILABLE}), and {@link #inserted()} says
 * how many records before it were stored.
 */
public final class BatchInsertException extends EnvctlException {
    private static final long serialVersionUID = 1L;

    private final int inserted;

    /** {@code inserted}: the number of records, from the first, stored before {@code error} stopped the batch. */
    public BatchInsertException(int inserted, EnvctlException error) {
        super(error.code(), error.getMessage(), error, error.remedy().orElse(null));
        this.inserted = inserted;
    }

    /**
     * How many records, from the first, are stored; the record at this index is the one the error is about, and
     * it and the records after it are not stored.
     */
    public int inserted() {
        return inserted;
    }

    /** The error of the record at {@link #inserted()}, as {@link EnvironmentStore#insert} would throw it. */
    public EnvctlException error() {
        return (EnvctlException) getCause();
    }
}
