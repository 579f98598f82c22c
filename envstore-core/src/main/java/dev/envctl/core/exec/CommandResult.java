package dev.envctl.core.exec;

import dev.envctl.core.ErrorCode;

import java.util.List;

/**
 * What a finished command printed and how it ended. Of each stream only the last lines are kept (see
 * {@link CommandRunner}); {@code stdoutLinesLeftOut} and {@code stderrLinesLeftOut} count the lines before them
 * that were not. {@link #stdout()} refuses a cut stdout, so that no caller reads part of a document as all of it.
 */
public record CommandResult(List<String> argv, int exitCode, List<String> stdout, List<String> stderr,
                            long stdoutLinesLeftOut, long stderrLinesLeftOut) {

    public CommandResult {
        argv = List.copyOf(argv);
        stdout = List.copyOf(stdout);
        stderr = List.copyOf(stderr);
    }

    /** A result that kept every line. */
    public CommandResult(List<String> argv, int exitCode, List<String> stdout, List<String> stderr) {
        this(argv, exitCode, stdout, stderr, 0, 0);
    }

    /**
     * Every line the command printed on stdout.
     *
     * @throws CommandFailedException with {@link ErrorCode#PROVIDER_FAILED} when lines were left out
     */
    @Override
    public List<String> stdout() {
        if (stdoutLinesLeftOut > 0) {
            throw new CommandFailedException(ErrorCode.PROVIDER_FAILED, CommandFailedException.named(argv)
                    + " printed more than envctl keeps of a command's output (the last " + CommandRunner.KEPT
                    + " of each stream), so its stdout was cut (" + stdoutLinesLeftOut + " lines left out) and is not "
                    + "read", argv, exitCode, stderrTail(5), false, null);
        }
        return stdout;
    }

    /** The last {@code lines} non-blank lines of stdout, as {@link #stderrTail}; never refused. */
    public String stdoutTail(int lines) {
        return tail(stdout, lines);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    public String stdoutText() {
        return String.join("\n", stdout());
    }

    /**
     * The last {@code lines} non-blank lines of stderr (of those kept), joined with " | " so a message stays on one
     * line; blank lines are left out, as they would make empty segments and push what the tool said out of the tail.
     */
    public String stderrTail(int lines) {
        return tail(stderr, lines);
    }

    /** The last {@code lines} non-blank lines of {@code output}, stripped and joined with " | ". */
    public static String tail(List<String> output, int lines) {
        List<String> said = output.stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return String.join(" | ", said.subList(Math.max(0, said.size() - lines), said.size()));
    }
}
