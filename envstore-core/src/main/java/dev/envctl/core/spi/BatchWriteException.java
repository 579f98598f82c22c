package dev.envctl.core.spi;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;

import java.util.List;

/**
 * What {@link EnvironmentStore#insertAll} and {@link EnvironmentStore#updateAll} throw when they stop at a record:
 * code, message and remedy are those of that record's error (its {@linkplain #getCause() cause}: the refusal
 * {@link EnvironmentStore#insert} or {@link EnvironmentStore#update} would give, or the store's own failure such as
 * {@link dev.envctl.core.ErrorCode#STORE_UNAVAILABLE}), and {@link #stored()} holds the records before it, as stored.
 */
public final class BatchWriteException extends EnvctlException {
    private static final long serialVersionUID = 1L;

    private final transient List<Environment> stored;

    /** {@code stored}: the records, from the first, stored before {@code error} stopped the batch, as stored. */
    public BatchWriteException(List<Environment> stored, EnvctlException error) {
        super(error.code(), error.getMessage(), error, error.remedy().orElse(null));
        this.stored = List.copyOf(stored);
    }

    /**
     * The records stored, as stored, from the first; the record at index {@code stored().size()} is the one the error
     * is about, and it and the records after it are not stored.
     */
    public List<Environment> stored() {
        return stored;
    }

    /** The error of the record at index {@code stored().size()}, as the single-record write would throw it. */
    public EnvctlException error() {
        return (EnvctlException) getCause();
    }
}
