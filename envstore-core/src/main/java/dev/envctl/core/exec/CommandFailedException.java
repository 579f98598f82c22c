package dev.envctl.core.exec;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;

import java.util.List;

/**
 * An external command that could not start, timed out or exited non-zero. Carries the argv, the exit
 * value ({@code -1} when it never ran or was killed) and the tail of its stderr, which the message repeats.
 */
public final class CommandFailedException extends EnvctlException {
    private static final long serialVersionUID = 1L;

    private final List<String> argv;
    private final int exitValue;
    private final String stderrTail;
    private final boolean timedOut;

    public CommandFailedException(ErrorCode code, String message, List<String> argv, int exitValue,
                                  String stderrTail, boolean timedOut, Throwable cause) {
        super(code, message, cause);
        this.argv = List.copyOf(argv);
        this.exitValue = exitValue;
        this.stderrTail = stderrTail == null ? "" : stderrTail;
        this.timedOut = timedOut;
    }

    public List<String> argv() {
        return argv;
    }

    public int exitValue() {
        return exitValue;
    }

    public String stderrTail() {
        return stderrTail;
    }

    public boolean timedOut() {
        return timedOut;
    }
}
