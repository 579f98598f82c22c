package dev.envctl.core;

import java.util.Objects;
import java.util.Optional;

/**
 * The one exception envctl throws on purpose. Its message is a single line that says what failed and,
 * where it helps, what to do next; it never contains a password.
 */
public class EnvctlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final Remedy remedy;

    public EnvctlException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public EnvctlException(ErrorCode code, String message, Throwable cause) {
        this(code, message, cause, null);
    }

    /** An error whose message ends with what {@code remedy} does, in library terms. */
    public EnvctlException(ErrorCode code, String message, Throwable cause, Remedy remedy) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.remedy = remedy;
    }

    public ErrorCode code() {
        return code;
    }

    /** The fix the message names, for a client that names it in its own terms; empty when none is known. */
    public Optional<Remedy> remedy() {
        return Optional.ofNullable(remedy);
    }

    public int exitCode() {
        return code.exitCode();
    }

    public static EnvctlException invalid(String message) {
        return new EnvctlException(ErrorCode.INVALID_INPUT, message);
    }

    public static EnvctlException notFound(String message) {
        return new EnvctlException(ErrorCode.NOT_FOUND, message);
    }

    public static EnvctlException conflict(String message) {
        return new EnvctlException(ErrorCode.CONFLICT, message);
    }
}
