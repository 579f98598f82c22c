package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Remedy;

import java.util.Objects;

/**
 * What happened to one environment.
 *
 * @param state the record's actual state afterwards, or {@code null} when the record is gone
 * @param error one line saying what failed, or {@code null}
 * @param code  the {@link ErrorCode} of the envctl error that failed it before the work was done (the store
 *              refusing a write is {@link ErrorCode#STORE_UNAVAILABLE}), {@link ErrorCode#CONFLICT} for
 *              {@link Action#SUPERSEDED}, or {@code null}: not failed, or failed as the record's {@code lastError}
 *              tells ({@link dev.envctl.core.Environment#failure()})
 * @param remedy the {@link EnvctlException#remedy()} of that error, or {@code null}
 */
public record Outcome(String name, Action action, ActualState state, String error, ErrorCode code, Remedy remedy) {
    public Outcome {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(action, "action");
    }

    /** An outcome without an error code. */
    public Outcome(String name, Action action, ActualState state, String error) {
        this(name, action, state, error, null);
    }

    /** An outcome without a remedy. */
    public Outcome(String name, Action action, ActualState state, String error, ErrorCode code) {
        this(name, action, state, error, code, null);
    }

    /**
     * A {@link Action#FAILED} outcome of {@code e}, with its message and, for an {@link EnvctlException}, its code and
     * remedy.
     */
    public static Outcome failed(String name, ActualState state, String error, RuntimeException e) {
        EnvctlException ee = e instanceof EnvctlException x ? x : null;
        return new Outcome(name, Action.FAILED, state, error, ee == null ? null : ee.code(),
                ee == null ? null : ee.remedy().orElse(null));
    }

    /**
     * True when the action failed or was {@linkplain Action#SUPERSEDED superseded}, or the environment is left
     * {@code failed}.
     */
    public boolean failed() {
        return action == Action.FAILED || action == Action.MARKED_FAILED || action == Action.SUPERSEDED
                || state == ActualState.FAILED;
    }
}
