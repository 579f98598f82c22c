package dev.envctl.cli.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain table: upper-case headers, columns padded to their widest cell, two spaces apart. */
final class TextTable {
    /** The headers, then the rows. */
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(String... headers) {
        rows.add(List.of(headers));
    }

    void row(Object... cells) {
        rows.add(Arrays.stream(cells).map(c -> c == null ? "-" : c.toString()).toList());
    }

    void print(PrintStream out) {
        int[] width = new int[rows.get(0).size()];
        for (List<String> r : rows) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        // one write for the whole table: System.out flushes on every println
        StringBuilder text = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < width.length; i++) {
                line.append(r.get(i)).append(" ".repeat(width[i] + 2 - r.get(i).length()));
            }
            text.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        out.print(text);
        out.flush();
    }
}
