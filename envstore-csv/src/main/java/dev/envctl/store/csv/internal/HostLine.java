package dev.envctl.store.csv.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Host;
import dev.envctl.core.Validation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A host of the store, on a comment line the Kindler scripts skip (as they skip every line starting with
 * {@code #}) and that envctl versions before hosts keep as an ordinary comment:
 * <pre>
 * #envctl-host two docker=ssh://me@two address=192.168.1.20 labels=gpu=true;zone=b capacity=8
 * </pre>
 * Values are encoded as in {@link MetaLine} ({@link FieldCodec}), so none holds a space or a comma; an empty or
 * missing value means none. The implicit host {@code local} has no line. Keys envctl does not know are kept.
 */
public record HostLine(Host host, List<String> unknown) {
    /** How a host line starts. */
    public static final String PREFIX = "#envctl-host ";
    private static final List<String> KEYS = List.of("docker", "address", "labels", "capacity");

    public HostLine {
        Objects.requireNonNull(host, "host");
        unknown = List.copyOf(unknown);
    }

    /** Whether {@code text} is such a line (it may still be malformed). */
    public static boolean isHostLine(String text) {
        return text.startsWith(PREFIX);
    }

    /** The line text. */
    public String format() {
        StringBuilder b = new StringBuilder(120).append(PREFIX).append(host.name())
                .append(" docker=").append(host.docker() == null ? "" : FieldCodec.encode(host.docker()))
                .append(" address=").append(host.address() == null ? "" : FieldCodec.encode(host.address()))
                .append(" labels=").append(FieldCodec.encodeMap(host.labels()))
                .append(" capacity=").append(host.capacity() == null ? "" : host.capacity().toString());
        for (String token : unknown) {
            b.append(' ').append(token);
        }
        return b.toString();
    }

    /**
     * Reads a line {@link #isHostLine} accepted.
     *
     * @throws IllegalArgumentException naming the problem; the caller adds the file and line
     */
    public static HostLine parse(String text) {
        List<String> tokens = MetaLine.tokens(text.substring(PREFIX.length()));
        String name = tokens.isEmpty() ? "" : tokens.get(0);
        if (name.isEmpty() || name.indexOf('=') >= 0) {
            throw new IllegalArgumentException("the #envctl-host line names no host; it starts '#envctl-host NAME '");
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String token : tokens.subList(1, tokens.size())) {
            int eq = token.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("the #envctl-host line of '" + name + "' has '" + token
                        + "', which is not key=value");
            }
            String key = token.substring(0, eq);
            if (!KEYS.contains(key)) {
                unknown.add(token);
            } else if (values.put(key, token.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("the #envctl-host line of '" + name + "' has " + key + " twice");
            }
        }
        try {
            if (Validation.requireHostName(name).equals(Host.LOCAL_NAME)) {
                throw new IllegalArgumentException("host 'local' is built in and has no #envctl-host line");
            }
            String capacity = values.getOrDefault("capacity", "");
            if (!capacity.isEmpty() && !Validation.isDigits(capacity, 9)) {
                throw new IllegalArgumentException("capacity '" + capacity + "' of host '" + name + "' is not a "
                        + "whole number; allowed: 1 or more, or empty for no limit");
            }
            Host host = new Host(name, RowCodec.text("docker", values.getOrDefault("docker", "")),
                    RowCodec.text("address", values.getOrDefault("address", "")),
                    RowCodec.map("labels", values.getOrDefault("labels", "")),
                    capacity.isEmpty() ? null : Integer.valueOf(capacity));
            return new HostLine(host, unknown);
        } catch (EnvctlException e) {
            throw new IllegalArgumentException("the #envctl-host line of '" + name + "': " + e.getMessage());
        }
    }
}
