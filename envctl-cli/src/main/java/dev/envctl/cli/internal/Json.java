package dev.envctl.cli.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes JSON with jackson-core's streaming generator: the text jackson-databind's {@code ObjectMapper} with
 * {@code INDENT_OUTPUT} writes, without loading jackson-databind. Values: maps with string keys (in the map's
 * order), collections, strings, {@code Integer}s, {@code Long}s, booleans and {@code null}; any other type is an
 * {@link IllegalArgumentException}. Loaded only for {@code -o json}.
 */
final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    /** A JSON object of {@code keysAndValues} (key, value, key, value, ...), in that order; values may be null. */
    static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** Prints {@code value} as indented JSON and a line separator. */
    static void print(PrintStream out, Object value) {
        out.println(write(value));
    }

    /** {@code value} as indented JSON (no line separator at the end). */
    static String write(Object value) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(text)) {
            g.useDefaultPrettyPrinter();
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON: " + e.getMessage(), e);
        }
        return text.toString();
    }

    private static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Integer || value instanceof Long) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("cannot write a map key of type "
                            + (e.getKey() == null ? "null" : e.getKey().getClass().getName())
                            + " as JSON; keys must be strings");
                }
                g.writeFieldName(key);
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            g.writeStartArray();
            for (Object item : items) {
                write(g, item);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("cannot write a value of type " + value.getClass().getName()
                    + " as JSON; allowed: Map with String keys, Collection, String, Integer, Long, Boolean, null");
        }
    }
}
