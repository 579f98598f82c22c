package dev.envctl.core.exec;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;

import java.util.List;

/**
 * An external command that could not start, timed out, exited non-zero or was stopped with envctl (a SIGINT or
 * SIGTERM that shuts the JVM down). Carries the argv, the exit value ({@code -1} when it never ran or was killed)
 * and the tail of its stderr, which the message repeats.
 */
public final class CommandFailedException extends EnvctlException {
    private static final long serialVersionUID = 1L;
    private static final int STDOUT_LINES = 5;

    private final List<String> argv;
    private final int exitValue;
    private final String stderrTail;
    private final boolean timedOut;
    private final boolean stopped;

    public CommandFailedException(ErrorCode code, String message, List<String> argv, int exitValue,
                                  String stderrTail, boolean timedOut, Throwable cause) {
        this(code, message, argv, exitValue, stderrTail, timedOut, false, cause);
    }

    private CommandFailedException(ErrorCode code, String message, List<String> argv, int exitValue,
                                   String stderrTail, boolean timedOut, boolean stopped, Throwable cause) {
        super(code, message, cause);
        this.argv = List.copyOf(argv);
        this.exitValue = exitValue;
        this.stderrTail = stderrTail == null ? "" : stderrTail;
        this.timedOut = timedOut;
        this.stopped = stopped;
    }

    /**
     * A command ended ({@code started}), or not started, because envctl is stopping: "ARGV was ended: envctl is
     * stopping (SIGINT or SIGTERM)", with the first three argv entries; its exit value is {@code -1}.
     */
    static CommandFailedException stopped(List<String> argv, boolean started, String stderrTail) {
        return new CommandFailedException(ErrorCode.PROVIDER_FAILED, named(argv) + (started ? " was ended"
                : " was not started") + ": envctl is stopping (SIGINT or SIGTERM)", argv, -1, stderrTail, false, true,
                null);
    }

    /**
     * A command that ran and exited non-zero: "ARGV failed with exit code N: SAID", with the first three argv
     * entries. {@code said} is what it said on stderr, as its caller condenses it (the default: the last five
     * non-blank lines, {@link CommandResult#stderrTail}); when empty, the tail of its stdout stands in.
     */
    public static CommandFailedException exited(CommandResult result, String said) {
        List<String> argv = result.argv();
        String shown = said.isEmpty() ? result.stdoutTail(STDOUT_LINES) : said;
        return new CommandFailedException(ErrorCode.PROVIDER_FAILED, named(argv) + " failed with exit code "
                + result.exitCode() + (shown.isEmpty() ? "" : ": " + shown), argv, result.exitCode(), said, false,
                null);
    }

    /** The command as every message names it: its first three argv entries ({@code /usr/bin/k3d cluster create}). */
    static String named(List<String> argv) {
        return String.join(" ", argv.subList(0, Math.min(3, argv.size())));
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

    /** Whether the command was ended, or not started, because envctl is stopping (the JVM shuts down). */
    public boolean stopped() {
        return stopped;
    }
}
