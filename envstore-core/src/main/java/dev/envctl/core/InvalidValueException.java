package dev.envctl.core;

import java.util.Objects;

/**
 * A value a parser refuses, {@link ErrorCode#INVALID_INPUT}: its message names the value as the caller called it
 * ({@code timeout 'soon' is not a positive duration; ...}), and {@link #problem()} says the same without that name
 * ({@code 'soon' is not a positive duration; ...}), for a client that names the value itself, such as by a config
 * key. Thrown by the shared parsers ({@link Durations}, {@code SettingValues}); a setting read within
 * {@code InvalidSettingException.about} passes the problem on. Immutable.
 */
public final class InvalidValueException extends EnvctlException {
    private static final long serialVersionUID = 1L;

    private final String problem;

    /**
     * @param message what is wrong with the value and what is allowed, naming the value
     * @param problem the same without naming the value: what is wrong with it and what is allowed
     */
    public InvalidValueException(String message, String problem) {
        super(ErrorCode.INVALID_INPUT, message);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** The error of the value {@code what} names: the message is {@code what}, a space, then {@code problem}. */
    public static InvalidValueException of(String what, String problem) {
        return new InvalidValueException(what + " " + problem, problem);
    }

    /** What is wrong with the value and what is allowed, without naming the value. */
    public String problem() {
        return problem;
    }
}
