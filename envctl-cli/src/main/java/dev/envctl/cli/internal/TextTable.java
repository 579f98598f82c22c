package dev.envctl.cli.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain table: upper-case headers, columns padded to their widest cell, two spaces apart. */
final class TextTable {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(String... headers) {
        this.headers = List.of(headers);
    }

    TextTable row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(c == null ? "-" : c.toString());
        }
        rows.add(r);
        return this;
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

    private static void appendRow(StringBuilder text, List<String> cells, int[] width) {
        int start = text.length();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            text.append(c);
            if (i < cells.size() - 1) {
                for (int pad = width[i] - c.length() + 2; pad > 0; pad--) {
                    text.append(' ');
                }
            }
        }
        int end = text.length();
        while (end > start && text.charAt(end - 1) == ' ') {
            end--;
        }
        text.setLength(end);
        text.append(System.lineSeparator());
    }
}
