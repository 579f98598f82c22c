package dev.envctl.store.csv.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.HostPorts;
import dev.envctl.core.Validation;
import org.apache.commons.csv.CSVFormat;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.envctl.store.csv.internal.Columns.FULL_COUNT;
import static dev.envctl.store.csv.internal.Columns.HAPROXY_ROUTE;
import static dev.envctl.store.csv.internal.Columns.LEGACY_COUNT;
import static dev.envctl.store.csv.internal.Columns.LEGACY_TIMESTAMP;
import static dev.envctl.store.csv.internal.Columns.MIN_COUNT;
import static dev.envctl.store.csv.internal.Columns.REGISTER_PORTAINER;

/**
 * Turns the fields of a row into an {@link Environment} and back. A legacy row (six to nine columns, missing
 * trailing fields empty) reads as: no API port, desired present, actual unknown, version 1, both timestamps
 * {@link Columns#LEGACY_TIMESTAMP}; {@link MetaLine} adds envctl's fields to it.
 * Problems are {@link IllegalArgumentException}s (or validation errors) whose message names the column;
 * the caller adds the file and line.
 */
public final class RowCodec {
    private static final CSVFormat UNKNOWN_COLUMNS = CSVFormat.DEFAULT.builder().setRecordSeparator("").get();

    private RowCodec() {
    }

    /** Reads stripped fields. */
    public static ParsedRow parse(List<String> fields) {
        int n = fields.size();
        if (n > LEGACY_COUNT && fields.subList(LEGACY_COUNT, n).stream().allMatch(String::isEmpty)) {
            // trailing commas after the scripts' nine columns (a hand edit, or a spreadsheet padding every row
            // to its widest): nothing more is said, and a row of envctl's own always has its states
            fields = fields.subList(0, LEGACY_COUNT);
            n = LEGACY_COUNT;
        }
        if (n < MIN_COUNT || (n > LEGACY_COUNT && n < FULL_COUNT)) {
            throw new IllegalArgumentException("the row has " + n + (n == 1 ? " column" : " columns") + "; allowed: " + MIN_COUNT + " to "
                    + LEGACY_COUNT + " (the Kindler scripts'; missing trailing fields are empty, empty ones after "
                    + "them are ignored) or " + FULL_COUNT + " and more (with envctl's own)");
        }
        List<String> f = fields;
        if (n < LEGACY_COUNT) {
            f = new ArrayList<>(fields);
            while (f.size() < LEGACY_COUNT) {
                f.add("");
            }
        }
        Map<String, String> labels = new TreeMap<>();
        Map<String, String> options = Map.of();
        Integer api = null;
        DesiredState desired = DesiredState.PRESENT;
        ActualState actual = ActualState.UNKNOWN;
        String lastError = null;
        Instant created = LEGACY_TIMESTAMP;
        Instant updated = LEGACY_TIMESTAMP;
        long version = 1;
        if (n >= FULL_COUNT) {
            api = port("api_port", f.get(9));
            labels.putAll(map("labels", f.get(10)));
            options = map("options", f.get(11));
            desired = DesiredState.ofKey(required("desired_state", f.get(12)));
            actual = ActualState.ofKey(required("actual_state", f.get(13)));
            lastError = f.get(14).isEmpty() ? null : text("last_error", f.get(14));
            created = instant("created_at", f.get(15));
            updated = instant("updated_at", f.get(16));
            version = version(f.get(17));
        }
        putBoolean(labels, REGISTER_PORTAINER, f.get(4));
        putBoolean(labels, HAPROXY_ROUTE, f.get(5));
        Integer node = port("node_port", required("node_port", f.get(2)));
        HostPorts ports = new HostPorts(port("http_port", f.get(6)), port("https_port", f.get(7)),
                port("pf_port", f.get(3)), api);
        Cidr subnet = f.get(8).isEmpty() ? null : Cidr.parse(f.get(8));
        Environment e = new Environment(f.get(0), f.get(1), subnet, ports, node, labels, options, desired, actual,
                lastError, created, updated, version);
        return new ParsedRow(e, n, n > FULL_COUNT ? f.subList(FULL_COUNT, n) : List.of());
    }

    /**
     * The line text of a row in the Kindler scripts' nine columns, the boolean columns as old readers will
     * take the labels ({@link LegacyBooleans#column}); envctl's other fields go on a {@link MetaLine}.
     */
    public static String formatLegacy(Environment e) {
        StringBuilder b = new StringBuilder(80);
        appendLegacy(b, e, LegacyBooleans.column(e.labels().get(REGISTER_PORTAINER)),
                LegacyBooleans.column(e.labels().get(HAPROXY_ROUTE)));
        return b.toString();
    }

    private static void appendLegacy(StringBuilder b, Environment e, String portainer, String haproxy) {
        HostPorts p = e.ports();
        b.append(e.name()).append(',').append(e.provider()).append(',').append(e.nodePort()).append(',')
                .append(opt(p.pf())).append(',').append(portainer).append(',').append(haproxy).append(',')
                .append(opt(p.http())).append(',').append(opt(p.https())).append(',').append(opt(e.subnet()));
    }

    /**
     * The line text of a row in a wide file: all eighteen columns, then {@code unknown} (CSV-quoted as needed).
     * An absent boolean label is written {@code true} (the Kindler scripts' default), so it reads back as
     * the label {@code true}.
     */
    public static String format(Environment e, List<String> unknown) {
        Map<String, String> labels = new TreeMap<>(e.labels());
        String portainer = legacyBoolean(labels, REGISTER_PORTAINER);
        String haproxy = legacyBoolean(labels, HAPROXY_ROUTE);
        HostPorts p = e.ports();
        StringBuilder b = new StringBuilder(160);
        appendLegacy(b, e, portainer, haproxy);
        b.append(',').append(opt(p.api())).append(',').append(FieldCodec.encodeMap(labels)).append(',')
                .append(FieldCodec.encodeMap(e.options())).append(',').append(e.desiredState().key()).append(',')
                .append(e.actualState().key()).append(',')
                .append(e.lastError() == null ? "" : FieldCodec.encode(e.lastError())).append(',')
                .append(e.createdAt()).append(',').append(e.updatedAt()).append(',').append(e.version());
        if (!unknown.isEmpty()) {
            b.append(',').append(UNKNOWN_COLUMNS.format(unknown.toArray()));
        }
        return b.toString();
    }

    /**
     * The wide row's column for a boolean label: {@code true}/{@code false} as given, {@code true} when absent.
     * Any other value (such as {@code 1} or {@code yes}) stays in the labels column, which wins on reading, and
     * the column gets the boolean old readers take it for.
     */
    private static String legacyBoolean(Map<String, String> labels, String key) {
        String v = labels.get(key);
        if (v != null && (v.equals("true") || v.equals("false"))) {
            labels.remove(key);
        }
        return LegacyBooleans.column(v);
    }

    private static void putBoolean(Map<String, String> labels, String key, String field) {
        if (field.isEmpty() || labels.containsKey(key)) {
            return;
        }
        labels.put(key, LegacyBooleans.read(key, field));
    }

    private static String opt(Object o) {
        return o == null ? "" : o.toString();
    }

    static String required(String column, String field) {
        if (field.isEmpty()) {
            throw new IllegalArgumentException(column + " is empty");
        }
        return field;
    }

    static Integer port(String column, String field) {
        if (field.isEmpty()) {
            return null;
        }
        int port = Validation.isDigits(field, 5) ? Integer.parseInt(field) : 0;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(column + " '" + field + "' is not a port; allowed: 1 to 65535");
        }
        return port;
    }

    static Map<String, String> map(String column, String field) {
        try {
            return FieldCodec.decodeMap(field);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(column + ": " + e.getMessage());
        }
    }

    static String text(String column, String field) {
        try {
            return FieldCodec.decode(field);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(column + ": " + e.getMessage());
        }
    }

    static Instant instant(String column, String field) {
        try {
            return Instant.parse(required(column, field));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(column + " '" + field + "' is not a UTC time such as "
                    + "2026-11-26T08:00:00Z");
        }
    }

    static long version(String field) {
        // 1 or more, as every store's records (Environment) and PostgreSQL's check have it
        if (!Validation.isDigits(field, 18) || Long.parseLong(field) < 1) {
            throw new IllegalArgumentException("version '" + field + "' is not a whole number of 1 or more");
        }
        return Long.parseLong(field);
    }

    /** The fields of a line: split on commas and stripped, or parsed as RFC 4180 CSV when it holds a quote. */
    public static List<String> split(String line) {
        List<String> out = new ArrayList<>(20);
        if (line.indexOf('"') < 0) {
            int start = 0;
            for (int i = 0; i <= line.length(); i++) {
                if (i == line.length() || line.charAt(i) == ',') {
                    out.add(line.substring(start, i).strip());
                    start = i + 1;
                }
            }
            return out;
        }
        return QuotedLine.split(line);
    }
}
