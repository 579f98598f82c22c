package dev.envctl.store.csv.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole file as lines: comments, blank lines, rows and {@link MetaLine}s in file order, each with its own
 * line ending. Lines nobody changed are written back as the bytes they were read from, so reading and writing
 * an unchanged file gives the same bytes; a changed row is formatted anew in place, a new row is appended and
 * a removed row is dropped. The file's bytes are held as ISO-8859-1 characters (one char per byte), which
 * keeps any byte sequence intact; envctl's own fields are ASCII.
 *
 * <p>A file is <em>nine-column</em> (the Kindler scripts' format, and what envctl creates) or <em>wide</em>
 * (envctl's fields as columns 10 to 18, as earlier envctl versions wrote): its header comment decides, and
 * without one, any row of eighteen or more columns, something after the ninth, makes it wide. In a
 * nine-column file a row envctl writes has the nine columns, and envctl's fields go on a
 * {@code #envctl NAME ...} comment line just above it, so old readers see nine columns. Not thread-safe: one per
 * atomic step.
 */
public final class CsvDocument {
    private static final String BOM = "\u00EF\u00BB\u00BF";
    /** How a line of a kind of envctl's own starts: {@code #envctl-host}, or one a newer envctl writes. */
    private static final String NEWER_PREFIX = "#envctl-";
    private static final Pattern NEWER_LINE = Pattern.compile(Pattern.quote(NEWER_PREFIX) + "([a-z0-9-]+)(?: |$)");

    /** The store's file; null for an input ({@link #parseInput}). */
    private final Path file;
    private final RowCache cache;
    /** The file's read while {@link #parse} runs; null after. */
    private RowCache.Read reading;
    private final List<Line> lines;
    private final Map<String, Line> rows = new HashMap<>();
    private final Map<String, Line> metas = new HashMap<>();
    private final Map<String, Line> hosts = new TreeMap<>();
    private Boolean headerWide;
    private boolean changed;

    private static final class Line {
        String text;
        String eol;
        /** The line's number as read; -1 for a line placed since (its place is its index in {@code lines}). */
        int number;
        /** The line's index in {@code lines}, kept as lines are placed and removed. */
        int index;
        ParsedRow row;
        MetaLine meta;
        HostLine host;
        Environment environment;

        Line(String text, String eol, int number) {
            this.text = text;
            this.eol = eol;
            this.number = number;
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

    /**
     * Parses the bytes of an input in the store's format, such as an apply file, which is no store's file. As a
     * store's file, but for a row changed or moved below its {@code #envctl} line, which is refused rather than
     * read as a Kindler row without envctl's fields.
     *
     * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} naming the line and the problem for the first row
     *                         that cannot be read
     */
    public static CsvDocument parseInput(byte[] bytes) {
        return parse(null, bytes, new RowCache());
    }

    /** Parses the file's bytes, reusing the rows of lines {@code cache} has seen. */
    public static CsvDocument parse(Path file, byte[] bytes, RowCache cache) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        CsvDocument doc = new CsvDocument(file, cache, new ArrayList<>());
        doc.reading = cache.startRead();
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
        doc.reading.finish();
        doc.reading = null;
        if (file == null) {
            // an input: a copy of an export cut between an #envctl line and its row lists one environment fewer,
            // which apply --prune would delete (the store's own file drops such a line: an old script removed the row)
            for (Line meta : doc.lines) {
                if (meta.meta != null && !doc.rows.containsKey(meta.meta.name())) {
                    throw doc.corrupt(meta.number, "the #envctl line of '" + meta.meta.name() + "' has no row of '"
                            + meta.meta.name() + "' below it (a copy cut short?); add the row back, or delete line "
                            + meta.number + " too");
                }
            }
        }
        for (Line l : doc.lines) {
            if (l.row != null) {
                doc.resolve(l);
                String host = l.environment.host();
                if (!host.equals(Host.LOCAL_NAME) && !doc.hosts.containsKey(host)) {
                    throw doc.corrupt(doc.metas.get(l.environment.name()).number, "environment '"
                            + l.environment.name() + "' is on host '" + host + "', which no #envctl-host line "
                            + "defines; add that host's line back or remove host=" + host);
                }
            }
        }
        return doc;
    }

    private void addParsed(String content, String eol, int number) {
        String visible = number == 1 && content.startsWith(BOM) ? content.substring(BOM.length()) : content;
        String stripped = visible.strip();
        Line line = new Line(content, eol, number);
        if (HostLine.isHostLine(visible)) {
            try {
                line.host = HostLine.parse(visible);
            } catch (IllegalArgumentException e) {
                throw corrupt(number, e.getMessage());
            }
            Line earlier = hosts.put(line.host.host().name(), line);
            if (earlier != null) {
                throw corrupt(number, "host '" + line.host.host().name() + "' is already defined on line "
                        + earlier.number + "; keep one");
            }
        } else if (MetaLine.isMetaLine(visible)) {
            line.meta = parseMeta(visible, number);
            Line earlier = metas.put(line.meta.name(), line);
            if (earlier != null) {
                throw corrupt(number, "the #envctl line of '" + line.meta.name() + "' repeats the one on line "
                        + earlier.number + "; keep one");
            }
        } else if (stripped.startsWith("#")) {
            String newer = newerKind(visible);
            if (newer != null) {
                throw newer(number, newer);
            }
            noteHeader(stripped.substring(1).strip());
        } else if (number == 1 && isPlainHeader(stripped)) {
            // the scripts skip a file's first line whatever it holds: a header without '#' is theirs to have
            noteHeader(stripped);
        } else if (!stripped.isEmpty()) {
            line.row = parseRow(visible, number);
            Line earlier = rows.get(line.row.environment().name());
            if (earlier != null) {
                throw corrupt(number, "environment '" + line.row.environment().name() + "' is already defined on "
                        + "line " + earlier.number + "; names must be unique");
            }
            rows.put(line.row.environment().name(), line);
        }
        insertLine(lines.size(), line);
    }

    /**
     * The kind of an {@code #envctl-KIND} line this envctl does not know ({@code KIND} lowercase letters, digits and
     * {@code -}, then a space or the line's end), or null for any other line. Such lines are how a newer envctl marks
     * a file whose meaning this envctl would get wrong (it reads every row, and rewrites the file without the line).
     */
    private static String newerKind(String visible) {
        Matcher m = NEWER_LINE.matcher(visible);
        return m.lookingAt() && !m.group(1).equals("host") ? NEWER_PREFIX + m.group(1) : null;
    }

    private EnvctlException newer(int number, String kind) {
        String where = file == null ? "line " + number : file + " line " + number;
        return new NewerFileException(where + ": '" + kind + "': a newer envctl wrote this file, and "
                + "this envctl does not know that line; upgrade envctl (this one neither reads nor writes the file, "
                + "so that nothing the newer one keeps there is lost or misread)");
    }

    /** A file a newer envctl marked with an {@code #envctl-KIND} line: it is there, but only a newer envctl reads it. */
    public static final class NewerFileException extends EnvctlException {
        NewerFileException(String message) {
            super(ErrorCode.FAILURE, message);
        }
    }

    /** Whether {@code line} names the columns ({@code env,provider,...}, in any case and spacing). */
    private static boolean isPlainHeader(String line) {
        return line.replace(" ", "").toLowerCase(Locale.ROOT).startsWith("env,provider,");
    }

    /** The first header ({@code env,provider,...}, after a comment's {@code #}) decides the file's format. */
    private void noteHeader(String body) {
        if (headerWide == null) {
            if (body.startsWith("env,provider,")) {
                headerWide = body.contains(",api_port");
            }
        }
    }

    private ParsedRow parseRow(String content, int number) {
        try {
            return reading.parse(content);
        } catch (IllegalArgumentException | EnvctlException e) {
            throw corrupt(number, e.getMessage());
        }
    }

    private MetaLine parseMeta(String content, int number) {
        try {
            return reading.parseMeta(content);
        } catch (IllegalArgumentException | EnvctlException e) {
            throw corrupt(number, e.getMessage());
        }
    }

    /**
     * The row's environment: its columns, plus the fields of its #envctl line while that line is just above it and
     * still matches its text. (An old script that deletes the row keeps the line; the same row added again later
     * lands elsewhere, and is a new legacy row, not the old environment back.)
     */
    private void resolve(Line row) {
        String name = row.row.environment().name();
        Line meta = metas.get(name);
        boolean belongs = belongs(meta, row);
        if (meta != null && !belongs && file == null) {
            // an input (apply -f), not the store's file: read as a Kindler row, an exported row edited by hand would
            // lose envctl's fields without a word, and apply would change the environment to match
            throw corrupt(row.number, "row '" + name + "' was changed or moved after envctl wrote it below its "
                    + "#envctl line (line " + meta.number + "), whose labels, options, host and api port would be "
                    + "lost; edit `envctl list -o json` output instead, or delete line " + meta.number + " to apply "
                    + "the row alone, as a Kindler scripts' row");
        }
        row.environment = belongs ? meta.meta.apply(row.row.environment()) : row.row.environment();
    }

    private boolean belongs(Line meta, Line row) {
        if (meta == null || row == null || !meta.meta.matches(rowText(row))) {
            return false;
        }
        if (meta.number > 0 && row.number > 0) {
            return meta.number == row.number - 1;
        }
        return row.index > 0 && lines.get(row.index - 1) == meta;
    }

    private String rowText(Line row) {
        return row.number == 1 && row.text.startsWith(BOM) ? row.text.substring(BOM.length()) : row.text;
    }

    private EnvctlException corrupt(int number, String problem) {
        if (file == null) {
            // an input, not the store's file: what is wrong with it, nothing about writes to it
            return EnvctlException.invalid("line " + number + ": " + problem);
        }
        return new EnvctlException(ErrorCode.STORE_CORRUPT, file + " line " + number + ": " + problem
                + "; fix or remove that line (envctl writes nothing to this file until every row reads)");
    }

    /** Whether rows envctl writes carry its fields as columns (a wide file) rather than on #envctl lines. */
    public boolean wide() {
        if (headerWide != null) {
            return headerWide;
        }
        for (Line l : rows.values()) {
            if (l.row.wide()) {
                return true;
            }
        }
        return false;
    }

    /** The environments in file order. */
    public List<Environment> environments() {
        List<Environment> out = new ArrayList<>(rows.size());
        for (Line l : lines) {
            if (l.row != null) {
                out.add(l.environment);
            }
        }
        return out;
    }

    public Optional<Environment> find(String name) {
        Line l = rows.get(name);
        return l == null ? Optional.empty() : Optional.of(l.environment);
    }

    /** Appends a row for {@code e} (a new name) and returns the environment as it will read back. */
    public Environment add(Environment e) {
        if (rows.containsKey(e.name())) {
            throw new IllegalStateException("row exists: " + e.name());
        }
        String eol = startAppending();
        Line line = new Line(null, eol, -1);
        insertLine(lines.size(), line);
        set(line, e, List.of());
        rows.put(e.name(), line);
        return line.environment;
    }

    /** Gives a new file its header comments and the last line an end; returns the line ending to use. */
    private String startAppending() {
        String eol = defaultEol();
        if (lines.isEmpty()) {
            insertLine(0, new Line(Columns.LEGACY_HEADER, eol, 0));
            insertLine(1, new Line(Columns.META_NOTE, eol, 0));
            noteHeader(Columns.LEGACY_HEADER.substring(1).strip());
        }
        Line last = lines.get(lines.size() - 1);
        if (last.eol.isEmpty()) {
            last.eol = eol;
        }
        return eol;
    }

    /** Every host, {@link Host#LOCAL} included, ordered by name. */
    public List<Host> hosts() {
        List<Host> out = new ArrayList<>(hosts.size() + 1);
        hosts.values().forEach(l -> out.add(l.host.host()));
        out.add(Host.LOCAL);
        out.sort(Comparator.comparing(Host::name));
        return out;
    }

    /** Whether the environments of this file may live on host {@code name}. */
    public boolean knowsHost(String name) {
        return name.equals(Host.LOCAL_NAME) || hosts.containsKey(name);
    }

    /**
     * Adds a host line after the last one, or, in a file without any, just above the first row or #envctl line
     * (below the header comments).
     *
     * @throws EnvctlException {@link ErrorCode#CONFLICT} when the name is taken, {@code local} included
     */
    public Host addHost(Host host) {
        if (knowsHost(host.name())) {
            throw Host.exists(host.name());
        }
        String eol = startAppending();
        int at = lines.size();
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            if (l.host != null) {
                at = i + 1;
            } else if (hosts.isEmpty() && (l.row != null || l.meta != null)) {
                at = i;
                break;
            }
        }
        Line line = new Line(null, eol, -1);
        line.host = new HostLine(host, List.of());
        line.text = line.host.format();
        insertLine(at, line);
        if (at == 0) {
            // above a first row: the byte order mark stays the file's first bytes, not the start of that row's name
            moveByteOrderMark(lines.get(1), line);
        }
        hosts.put(host.name(), line);
        changed = true;
        return host;
    }

    /**
     * Removes a host line; false when there is none.
     *
     * @throws EnvctlException {@link ErrorCode#CONFLICT} for {@code local} and while environments live there
     */
    public boolean removeHost(String name) {
        Host.requireRemovable(name, environments().stream().filter(e -> Host.usedBy(e, name)).toList());
        Line line = hosts.remove(name);
        if (line == null) {
            return false;
        }
        removeLine(line);
        if (!lines.isEmpty()) {
            moveByteOrderMark(line, lines.get(0));
        }
        changed = true;
        return true;
    }

    /** Moves a UTF-8 byte order mark from the start of {@code from}'s text to the start of {@code to}'s. */
    private static void moveByteOrderMark(Line from, Line to) {
        if (from.text.startsWith(BOM) && !to.text.startsWith(BOM)) {
            from.text = from.text.substring(BOM.length());
            to.text = BOM + to.text;
        }
    }

    /**
     * Takes a byte order mark off the first line while lines at the top are formatted anew, placed or removed; {@link
     * #putByteOrderMark} puts it on whichever line is first then, so it stays the file's first bytes.
     */
    private Line takeByteOrderMark() {
        Line mark = new Line("", "", -1);
        if (!lines.isEmpty()) {
            moveByteOrderMark(lines.get(0), mark);
        }
        return mark;
    }

    private void putByteOrderMark(Line mark) {
        if (!lines.isEmpty()) {
            moveByteOrderMark(mark, lines.get(0));
        }
    }

    /** Rewrites the row of {@code e.name()}, keeping its place and unknown columns; returns it as it will read back. */
    public Environment replace(Environment e) {
        Line line = rows.get(e.name());
        if (line == null) {
            throw new IllegalStateException("no row: " + e.name());
        }
        set(line, e, line.row.unknown());
        return line.environment;
    }

    /** Removes the row of {@code name} and its #envctl line; false when there is none. */
    public boolean remove(String name) {
        Line line = rows.remove(name);
        if (line == null) {
            return false;
        }
        Line mark = takeByteOrderMark();
        removeLine(line);
        Line meta = metas.remove(name);
        if (meta != null) {
            removeLine(meta);
        }
        putByteOrderMark(mark);
        changed = true;
        return true;
    }

    /**
     * Formats the row: nine columns and an #envctl line in a nine-column file (unless the row carries other
     * tools' columns after envctl's, which only the wide form keeps), all columns otherwise. A wide row of an
     * environment on a host other than {@code local} also gets an #envctl line, the one place its host is kept.
     */
    private void set(Line line, Environment e, List<String> unknown) {
        Line meta = metas.get(e.name());
        boolean wideRow = wide() || !unknown.isEmpty();
        Line mark = takeByteOrderMark();
        line.text = wideRow ? RowCodec.format(e, unknown) : legacyText(line, e);
        if (!wideRow || !e.host().equals(Host.LOCAL_NAME)) {
            MetaLine fields = MetaLine.of(e, line.text, meta == null ? List.of() : meta.meta.unknown());
            if (meta == null) {
                meta = new Line(null, line.eol, -1);
                insertLine(line.index, meta);
                metas.put(e.name(), meta);
            } else if (meta.index != line.index - 1) {
                // a line left from a row an old script deleted: it moves to just above the row it now describes
                removeLine(meta);
                insertLine(line.index, meta);
                meta.number = -1;
            }
            if (meta.eol.isEmpty()) {
                // above a last row without a line break (or moved from the end): it needs one of its own
                meta.eol = defaultEol();
            }
            meta.text = fields.format();
            meta.meta = fields;
        }
        line.row = cache.parse(line.text);
        resolve(line);
        putByteOrderMark(mark);
        changed = true;
    }

    /**
     * The nine columns of {@code e}, or the row's line as read when what old readers see of it stays the same
     * (only envctl's fields changed, such as a state): a six-column row stays six columns and its flags keep
     * their words, so {@code create_env.sh}, whose sixth variable takes the rest of a longer line, still reads
     * its {@code haproxy_route}.
     */
    private static String legacyText(Line line, Environment e) {
        String formatted = RowCodec.formatLegacy(e);
        boolean same = line.text != null && !line.text.startsWith(BOM) && !line.row.wide()
                && RowCodec.formatLegacy(line.row.environment()).equals(formatted);
        return same ? line.text : formatted;
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

    /**
     * The file's bytes: unchanged lines exactly as read. Once a row changed, #envctl lines that no longer
     * belong to a row (an old script deleted or edited it) are dropped.
     */
    public byte[] render() {
        if (changed) {
            dropStaleMetaLines();
        }
        StringBuilder b = new StringBuilder(lines.size() * 96);
        for (Line l : lines) {
            b.append(l.text).append(l.eol);
        }
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private void dropStaleMetaLines() {
        List<Line> stale = new ArrayList<>();
        metas.values().removeIf(meta -> !belongs(meta, rows.get(meta.meta.name())) && stale.add(meta));
        if (!stale.isEmpty()) {
            Line mark = takeByteOrderMark();
            stale.forEach(meta -> meta.index = -1);
            lines.removeIf(l -> l.index < 0);
            renumberFrom(0);
            putByteOrderMark(mark);
        }
    }

    /** Places {@code line} at {@code at} in {@code lines}, keeping every line's index. */
    private void insertLine(int at, Line line) {
        lines.add(at, line);
        renumberFrom(at);
    }

    /** Takes {@code line} out of {@code lines}, keeping every other line's index. */
    private void removeLine(Line line) {
        lines.remove(line.index);
        renumberFrom(line.index);
    }

    /** The indexes of the lines from {@code from} on, which an insert or removal there moved. */
    private void renumberFrom(int from) {
        for (int i = from; i < lines.size(); i++) {
            lines.get(i).index = i;
        }
    }

    /**
     * Writes the file a new document holds once {@code hosts} (those other than {@code local}) and then
     * {@code environments} are added to it: the header comments, the host lines, then each environment's #envctl line
     * and nine-column row, written as it comes, so that the file is never held whole; nothing when there are neither.
     */
    public static void write(List<Host> hosts, Iterable<Environment> environments, OutputStream out)
            throws IOException {
        List<Host> others = hosts.stream().filter(h -> !h.name().equals(Host.LOCAL_NAME)).toList();
        Iterator<Environment> each = environments.iterator();
        if (others.isEmpty() && !each.hasNext()) {
            return;
        }
        out.write(emptyFile());
        for (Host h : others) {
            writeLine(out, new HostLine(h, List.of()).format());
        }
        while (each.hasNext()) {
            Environment e = each.next();
            String row = RowCodec.formatLegacy(e);
            writeLine(out, MetaLine.of(e, row, List.of()).format());
            writeLine(out, row);
        }
    }

    private static void writeLine(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The bytes of a new, empty file: the nine-column header comment and the note on #envctl lines. */
    public static byte[] emptyFile() {
        return (Columns.LEGACY_HEADER + "\n" + Columns.META_NOTE + "\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
