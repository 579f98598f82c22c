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

    /** The last {@code lines} lines of stderr, joined with " | " so a message stays on one line. */
    public String stderrTail(int lines) {
        return String.join(" | ", stderr.subList(Math.max(0, stderr.size() - lines), stderr.size())).strip();
    }
}
