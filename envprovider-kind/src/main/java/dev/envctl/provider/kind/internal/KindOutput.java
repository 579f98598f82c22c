package dev.envctl.provider.kind.internal;

import dev.envctl.core.exec.CommandResult;

import java.util.ArrayList;
import java.util.List;

/** Reads what kind prints on stderr when it fails. Pure functions. */
public final class KindOutput {
    /** How many lines of what follows kind's ERROR line a summary keeps: the end, where the cause is. */
    private static final int AFTER_ERROR = 4;
    /** How many lines a summary keeps when kind printed no ERROR line: as many as any tool's stderr tail. */
    private static final int TAIL = 5;

    private KindOutput() {
    }

    /**
     * What a failed kind command said, on one line: kind's last {@code ERROR: } line, which says what kind was
     * doing, then the last non-blank lines after it (the output of the command that failed under kind, such as
     * docker's own error), with {@code ...} where lines were left out. kind prints the output after its ERROR
     * line and blank lines among it, so the plain stderr tail could lose the ERROR line and start empty. Without
     * an ERROR line, the last five non-blank lines.
     */
    public static String errorSummary(List<String> stderr) {
        List<String> said = stderr.stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        int error = -1;
        for (int i = 0; i < said.size(); i++) {
            if (said.get(i).startsWith("ERROR: ")) {
                error = i;
            }
        }
        if (error < 0) {
            return CommandResult.tail(said, TAIL);
        }
        List<String> after = said.subList(error + 1, said.size());
        List<String> kept = new ArrayList<>(List.of(said.get(error)));
        if (after.size() > AFTER_ERROR) {
            kept.add("...");
        }
        kept.addAll(after.subList(Math.max(0, after.size() - AFTER_ERROR), after.size()));
        return String.join(" | ", kept);
    }
}
