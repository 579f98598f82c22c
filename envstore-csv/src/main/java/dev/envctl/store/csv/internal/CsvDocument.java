package dev.envctl.store.csv.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole file as lines: comments, blank lines and rows in file order, each with its own line ending.
 * Lines nobody changed are written back as the bytes they were read from, so reading and writing an
 * unchanged file gives the same bytes; a changed row is formatted anew in place, a new row is appended and
 * a removed row is dropped. The file's bytes are held as ISO-8859-1 characters (one char per byte), which
 * keeps any byte sequence intact; envctl's own fields are ASCII. Not thread-safe: one per atomic step.
 */
public final class CsvDocument {
    private static final String BOM = "\u00EF\u00BB\u00BF";

    private final Path file;
    private final RowCache cache;
    private final List<Line> lines;
    private final Map<String, Line> rows = new HashMap<>();
    private boolean changed;

    private static final class Line {
        String text;
        String eol;
        final int number;
        ParsedRow row;

        Line(String text, String eol, int number, ParsedRow row) {
            this.text = text;
            this.eol = eol;
            this.number = number;
            this.row = row;
        }
    }

    private CsvDocument(Path file, RowCache cache, List<Line> lines) {
        this.file = file;
        this.cache = cache;
        this.lines = lines;
    }

    /**
     * Parses the file's bytes.
     *
     * @throws EnvctlException {@link ErrorCode#STORE_CORRUPT} naming the file, the line and the problem for
     *                         the first row that cannot be read
     */
    public static CsvDocument parse(Path file, byte[] bytes) {
        return parse(file, bytes, new RowCache());
    }

    /** Parses the file's bytes, reusing the rows of lines {@code cache} has seen. */
    public static CsvDocument parse(Path file, byte[] bytes, RowCache cache) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        CsvDocument doc = new CsvDocument(file, cache, new ArrayList<>());
        int start = 0;
        int number = 1;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            int contentEnd = end > start && text.charAt(end - 1) == '\r' && nl >= 0 ? end - 1 : end;
            String content = text.substring(start, contentEnd);
            String eol = nl < 0 ? "" : text.substring(contentEnd, nl + 1);
            doc.addParsed(content, eol, number);
            start = nl < 0 ? text.length() : nl + 1;
            number++;
        }
        return doc;
    }

    private void addParsed(String content, String eol, int number) {
        String visible = number == 1 && content.startsWith(BOM) ? content.substring(BOM.length()) : content;
        String stripped = visible.strip();
        ParsedRow row = null;
        if (!stripped.isEmpty() && !stripped.startsWith("#")) {
            row = parseRow(visible, number);
            Line earlier = rows.get(row.environment().name());
            if (earlier != null) {
                throw corrupt(number, "environment '" + row.environment().name() + "' is already defined on line "
                        + earlier.number + "; names must be unique");
            }
        }
        Line line = new Line(content, eol, number, row);
        lines.add(line);
        if (row != null) {
            rows.put(row.environment().name(), line);
        }
    }

    private ParsedRow parseRow(String content, int number) {
        try {
            return cache.parse(content);
        } catch (IllegalArgumentException | EnvctlException e) {
            throw corrupt(number, e.getMessage());
        }
    }

    private EnvctlException corrupt(int number, String problem) {
        return new EnvctlException(ErrorCode.STORE_CORRUPT, file + " line " + number + ": " + problem
                + "; fix or remove that line (envctl writes nothing to this file until every row reads)");
    }

    /** The environments in file order. */
    public List<Environment> environments() {
        List<Environment> out = new ArrayList<>(rows.size());
        for (Line l : lines) {
            if (l.row != null) {
                out.add(l.row.environment());
            }
        }
        return out;
    }

    public Optional<Environment> find(String name) {
        Line l = rows.get(name);
        return l == null ? Optional.empty() : Optional.of(l.row.environment());
    }

    /** The line number a row was read from, or -1 for a row added since. */
    public int lineOf(String name) {
        Line l = rows.get(name);
        return l == null ? -1 : l.number;
    }

    /** Appends a row for {@code e} (a new name) and returns the environment as it will read back. */
    public Environment add(Environment e) {
        if (rows.containsKey(e.name())) {
            throw new IllegalStateException("row exists: " + e.name());
        }
        String eol = defaultEol();
        if (lines.isEmpty()) {
            lines.add(new Line(Columns.HEADER, eol, 0, null));
        }
        Line last = lines.get(lines.size() - 1);
        if (last.eol.isEmpty()) {
            last.eol = eol;
        }
        Line line = new Line(null, eol, -1, null);
        set(line, e, List.of());
        lines.add(line);
        rows.put(e.name(), line);
        return line.row.environment();
    }

    /** Rewrites the row of {@code e.name()}, keeping its place and unknown columns; returns it as it will read back. */
    public Environment replace(Environment e) {
        Line line = rows.get(e.name());
        if (line == null) {
            throw new IllegalStateException("no row: " + e.name());
        }
        set(line, e, line.row.unknown());
        return line.row.environment();
    }

    /** Removes the row of {@code name}; false when there is none. */
    public boolean remove(String name) {
        Line line = rows.remove(name);
        if (line == null) {
            return false;
        }
        lines.remove(line);
        changed = true;
        return true;
    }

    private void set(Line line, Environment e, List<String> unknown) {
        String text = RowCodec.format(e, unknown);
        ParsedRow back = cache.parse(text);
        line.text = text;
        line.row = back;
        changed = true;
    }

    private String defaultEol() {
        for (Line l : lines) {
            if (!l.eol.isEmpty()) {
                return l.eol;
            }
        }
        return "\n";
    }

    /** Whether a row was added, replaced or removed since parsing. */
    public boolean changed() {
        return changed;
    }

    /** The file's bytes: unchanged lines exactly as read. */
    public byte[] render() {
        StringBuilder b = new StringBuilder(lines.size() * 96);
        for (Line l : lines) {
            b.append(l.text).append(l.eol);
        }
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The bytes of a new, empty file: the header comment. */
    public static byte[] emptyFile() {
        return (Columns.HEADER + "\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
