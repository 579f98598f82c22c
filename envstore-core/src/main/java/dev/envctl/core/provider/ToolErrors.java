package dev.envctl.core.provider;

import dev.envctl.core.exec.CommandResult;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Condenses what a failed tool printed on stderr to the lines that say why, for a one-line error. The full output
 * stays in the DEBUG log ({@link dev.envctl.core.exec.CommandRunner} logs every line). Pure functions.
 */
public final class ToolErrors {
    /** How many lines of what follows kind's ERROR line a summary keeps: the end, where the cause is. */
    private static final int AFTER_ERROR = 4;
    /** How many of k3d's error lines a summary keeps whole; of more, the first two and the last. */
    private static final int K3D_LINES = 4;
    /** How many lines a summary keeps when the tool printed no error line: as many as any tool's stderr tail. */
    private static final int TAIL = 5;
    /** A logrus line of level error, fatal or panic, as k3d prints it with {@code LOG_COLORS=false}. */
    private static final Pattern LOGRUS_TEXT = Pattern.compile(
            "^time=\"[^\"]*\" level=(?:error|fatal|panic) msg=\"((?:[^\"\\\\]|\\\\.)*)\".*$");
    /** The same in logrus' short form ({@code ERRO[0001] ...}), as k3d prints it on a terminal. */
    private static final Pattern LOGRUS_SHORT = Pattern.compile("^(?:ERRO|FATA|PANI)\\[\\d+] +(.*)$");

    private ToolErrors() {
    }

    /**
     * What a failed tool said, on one line, joined with {@code " | "}: kind's last {@code ERROR: } line and the
     * last four non-blank lines after it (the output of the command that failed under kind, such as docker's own
     * error; {@code ...} where lines were left out); else k3d's error, fatal and panic log lines as their message
     * alone (k3d's info and warning lines, and each line's time and level, left out), of more than four the first
     * two (what failed, then "Rolling Back"), {@code ...} and the last (whether the rollback worked); else the last
     * five non-blank lines.
     */
    public static String summary(List<String> stderr) {
        List<String> said = stderr.stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        int error = -1;
        for (int i = 0; i < said.size(); i++) {
            if (said.get(i).startsWith("ERROR: ")) {
                error = i;
            }
        }
        if (error >= 0) {
            List<String> after = said.subList(error + 1, said.size());
            List<String> kept = new ArrayList<>(List.of(said.get(error)));
            if (after.size() > AFTER_ERROR) {
                kept.add("...");
            }
            kept.addAll(after.subList(Math.max(0, after.size() - AFTER_ERROR), after.size()));
            return String.join(" | ", kept);
        }
        List<String> logged = said.stream().map(ToolErrors::loggedError).filter(m -> m != null).toList();
        if (logged.isEmpty()) {
            return CommandResult.tail(said, TAIL);
        }
        if (logged.size() > K3D_LINES) {
            logged = List.of(logged.get(0), logged.get(1), "...", logged.get(logged.size() - 1));
        }
        return String.join(" | ", logged);
    }

    /** The message of a logrus error, fatal or panic line; null for any other line. */
    private static String loggedError(String line) {
        Matcher text = LOGRUS_TEXT.matcher(line);
        if (text.matches()) {
            return text.group(1).replaceAll("\\\\([\"\\\\])", "$1");
        }
        Matcher shortForm = LOGRUS_SHORT.matcher(line);
        return shortForm.matches() ? shortForm.group(1).strip() : null;
    }
}
