package dev.envctl.store.csv.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.Host;
import dev.envctl.core.HostPorts;
import dev.envctl.core.Validation;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * envctl's own fields of one row of a nine-column file, on a comment line the Kindler scripts skip:
 * <pre>
 * #envctl dev-k3d row=5D0C3A41 api_port=26443 labels=haproxy_route=true;team=a%2C%20b options=servers=1
 *   desired_state=present actual_state=running last_error= created_at=2026-11-26T08:00:00Z
 *   updated_at=2026-11-26T08:01:12Z version=3
 * </pre>
 * (one line in the file). Values are encoded as in the wide columns ({@link FieldCodec}), so none holds a space.
 * {@code labels} is the complete label map. {@code row} is a checksum of the row's line as envctl wrote it: the
 * fields apply only while the row still has exactly that text, so a row an old script or a hand edit changed,
 * deleted or added again reads as a legacy row (on host {@code local}). Keys envctl does not know are kept on
 * rewrite. {@code host=NAME} names the environment's {@link Host} and is written only for a host other than
 * {@code local}, so a store without hosts writes the same lines as before hosts existed.
 */
public record MetaLine(String name, String row, Integer api, Map<String, String> labels, Map<String, String> options,
                       DesiredState desired, ActualState actual, String lastError, Instant createdAt,
                       Instant updatedAt, long version, String host, List<String> unknown) {
    private static final List<String> KEYS = List.of("row", "api_port", "labels", "options", "desired_state",
            "actual_state", "last_error", "created_at", "updated_at", "version");
    /** The optional key of the environment's host; absent means {@code local}. */
    private static final String HOST = "host";

    public MetaLine {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(row, "row");
        host = host == null ? Host.LOCAL_NAME : host;
        labels = Map.copyOf(labels);
        options = Map.copyOf(options);
        unknown = List.copyOf(unknown);
    }

    /** The fields of {@code e} for the row whose line text is {@code rowText}. */
    public static MetaLine of(Environment e, String rowText, List<String> unknown) {
        return new MetaLine(e.name(), checksum(rowText), e.ports().api(), e.labels(), e.options(), e.desiredState(),
                e.actualState(), e.lastError(), e.createdAt(), e.updatedAt(), e.version(), e.host(), unknown);
    }

    /** Whether {@code text} is such a line (it may still be malformed). */
    public static boolean isMetaLine(String text) {
        return text.startsWith(Columns.META_PREFIX);
    }

    /** Whether these fields belong to the row whose line text is {@code rowText}. */
    public boolean matches(String rowText) {
        return row.equals(checksum(rowText));
    }

    /** The row's environment with envctl's fields from this line. */
    public Environment apply(Environment fromRow) {
        HostPorts p = fromRow.ports();
        return new Environment(fromRow.name(), fromRow.provider(), fromRow.subnet(),
                new HostPorts(p.http(), p.https(), p.pf(), api), fromRow.nodePort(), labels, options, desired, actual,
                lastError, createdAt, updatedAt, version, host);
    }

    /** The line text. */
    public String format() {
        StringBuilder b = new StringBuilder(200).append(Columns.META_PREFIX).append(name)
                .append(" row=").append(row)
                .append(" api_port=").append(api == null ? "" : api.toString())
                .append(" labels=").append(FieldCodec.encodeMap(labels))
                .append(" options=").append(FieldCodec.encodeMap(options))
                .append(" desired_state=").append(desired.key())
                .append(" actual_state=").append(actual.key())
                .append(" last_error=").append(lastError == null ? "" : FieldCodec.encode(lastError))
                .append(" created_at=").append(createdAt)
                .append(" updated_at=").append(updatedAt)
                .append(" version=").append(version);
        if (!host.equals(Host.LOCAL_NAME)) {
            b.append(" host=").append(host);
        }
        for (String token : unknown) {
            b.append(' ').append(token);
        }
        return b.toString();
    }

    /**
     * Reads a line {@link #isMetaLine} accepted.
     *
     * @throws IllegalArgumentException naming the problem; the caller adds the file and line
     */
    public static MetaLine parse(String text) {
        List<String> tokens = tokens(text.substring(Columns.META_PREFIX.length()));
        String name = tokens.isEmpty() ? "" : tokens.get(0);
        if (name.isEmpty() || name.indexOf('=') >= 0) {
            throw new IllegalArgumentException("the #envctl line names no environment; it starts '#envctl NAME '");
        }
        Validation.requireName(name);
        Map<String, String> values = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String token : tokens.subList(1, tokens.size())) {
            int eq = token.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("the #envctl line of '" + name + "' has '" + token
                        + "', which is not key=value");
            }
            String key = token.substring(0, eq);
            if (!KEYS.contains(key) && !key.equals(HOST)) {
                unknown.add(token);
            } else if (values.put(key, token.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("the #envctl line of '" + name + "' has " + key + " twice");
            }
        }
        for (String key : KEYS) {
            if (!values.containsKey(key)) {
                throw new IllegalArgumentException("the #envctl line of '" + name + "' has no " + key
                        + "; it needs " + String.join(", ", KEYS));
            }
        }
        Map<String, String> labels = RowCodec.map("labels", values.get("labels"));
        Validation.requireLabels(labels);
        String lastError = values.get("last_error");
        return new MetaLine(name, values.get("row"), RowCodec.port("api_port", values.get("api_port")), labels,
                RowCodec.map("options", values.get("options")),
                DesiredState.ofKey(RowCodec.required("desired_state", values.get("desired_state"))),
                ActualState.ofKey(RowCodec.required("actual_state", values.get("actual_state"))),
                lastError.isEmpty() ? null : RowCodec.text("last_error", lastError),
                RowCodec.instant("created_at", values.get("created_at")),
                RowCodec.instant("updated_at", values.get("updated_at")), RowCodec.version(values.get("version")),
                host(name, values.get(HOST)), unknown);
    }

    private static String host(String name, String value) {
        if (value == null) {
            return Host.LOCAL_NAME;
        }
        try {
            Validation.requireHostName(value);
        } catch (EnvctlException e) {
            throw new IllegalArgumentException("the #envctl line of '" + name + "': " + e.getMessage());
        }
        return value;
    }

    /** The space-separated tokens of {@code text}; no regex, which would cost a CLI command start-up time. */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>(12);
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ' ') {
                if (i > start) {
                    out.add(text.substring(start, i));
                }
                start = i + 1;
            }
        }
        return out;
    }

    /** The checksum of a row's line text (CRC-32 of its bytes, eight hex digits): detects edits, not attacks. */
    static String checksum(String rowText) {
        CRC32 crc = new CRC32();
        crc.update(rowText.getBytes(StandardCharsets.ISO_8859_1));
        String hex = Long.toHexString(crc.getValue()).toUpperCase(java.util.Locale.ROOT);
        return "0".repeat(8 - hex.length()) + hex;
    }
}
