package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;

import java.util.Objects;

/**
 * What happened to one environment.
 *
 * @param state the record's actual state afterwards, or {@code null} when the record is gone
 * @param error one line saying what failed, or {@code null}
 */
public record Outcome(String name, Action action, ActualState state, String error) {
    public Outcome {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(action, "action");
    }

    /** True when the action failed or the environment is left {@code failed}. */
    public boolean failed() {
        return action == Action.FAILED || action == Action.MARKED_FAILED || state == ActualState.FAILED;
    }
}
