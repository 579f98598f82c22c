package dev.envctl.cli.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes JSON with jackson-core's streaming generator: the text jackson-databind's {@code ObjectMapper} with
 * {@code INDENT_OUTPUT} writes, without loading jackson-databind. Values: maps with string keys (in the map's
 * order), collections and streams (arrays; a stream's elements made as they are written), strings,
 * {@code Integer}s, {@code Long}s, booleans and {@code null}; any other type is an {@link IllegalArgumentException}.
 * Loaded only for {@code -o json}.
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

    /**
     * Prints {@code value} as indented JSON and a line separator, each part as it is made (an array of many is never
     * held whole as text), in the characters {@code out} prints.
     */
    static void print(PrintStream out, Object value) {
        write(new Writer() {
            @Override
            public void write(char[] chars, int offset, int length) {
                out.print(new String(chars, offset, length));
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                flush();
            }
        }, value);
        out.println();
    }

    /** {@code value} as indented JSON (no line separator at the end). */
    static String write(Object value) {
        StringWriter text = new StringWriter();
        write(text, value);
        return text.toString();
    }

    private static void write(Writer out, Object value) {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON: " + e.getMessage(), e);
        }
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
        } else if (value instanceof Collection<?> || value instanceof Stream<?>) {
            g.writeStartArray();
            Iterator<?> items = value instanceof Collection<?> c ? c.iterator() : ((Stream<?>) value).iterator();
            while (items.hasNext()) {
                write(g, items.next());
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("cannot write a value of type " + value.getClass().getName()
                    + " as JSON; allowed: Map with String keys, Collection, Stream, String, Integer, Long, Boolean, "
                    + "null");
        }
    }
}
