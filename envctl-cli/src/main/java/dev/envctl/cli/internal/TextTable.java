package dev.envctl.cli.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** A plain table: upper-case headers, columns padded to their widest cell, two spaces apart. */
final class TextTable {
    private static final Pattern TRAILING_SPACES = Pattern.compile(" +\\z");

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(String... headers) {
        this.headers = List.of(headers);
    }

    void row(Object... cells) {
        rows.add(Arrays.stream(cells).map(c -> c == null ? "-" : c.toString()).toList());
    }

    void print(PrintStream out) {
        int[] width = new int[headers.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = headers.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        // one write for the whole table: System.out flushes on every println
        StringBuilder text = new StringBuilder();
        appendRow(text, headers, width);
        for (List<String> r : rows) {
            appendRow(text, r, width);
        }
        out.print(text);
        out.flush();
    }

    /** The cells padded to their column's width, two spaces apart, without trailing spaces. */
    private static void appendRow(StringBuilder text, List<String> cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size() - 1; i++) {
            line.append(cells.get(i)).append(" ".repeat(width[i] - cells.get(i).length() + 2));
        }
        line.append(cells.get(cells.size() - 1));
        text.append(TRAILING_SPACES.matcher(line).replaceFirst("")).append(System.lineSeparator());
    }
}
