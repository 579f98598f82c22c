package dev.envctl.core;

import java.util.Objects;

/**
 * The one exception envctl throws on purpose. Its message is a single line that says what failed and,
 * where it helps, what to do next; it never contains a password.
 */
public class EnvctlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public EnvctlException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public EnvctlException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
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
