package dev.envctl.core.exec;

import java.util.List;

/** What a finished command printed and how it ended. */
public record CommandResult(List<String> argv, int exitCode, List<String> stdout, List<String> stderr) {

    public CommandResult {
        argv = List.copyOf(argv);
        stdout = List.copyOf(stdout);
        stderr = List.copyOf(stderr);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    public String stdoutText() {
        return String.join("\n", stdout);
    }

    /**
     * The last {@code lines} non-blank lines of stderr, joined with " | " so a message stays on one line; blank
     * lines are left out, as they would make empty segments and push what the tool said out of the tail.
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
