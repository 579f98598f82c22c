package dev.envctl.provider.k3d.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/** Reading one field of a JSON object with jackson-core's streaming parser, for k3d's JSON outputs. */
final class JsonObjects {
    private JsonObjects() {
    }

    /** Reads a value starting at the parser's current token and leaves the parser on its last token. */
    interface ValueReader<T> {
        T read(JsonParser p) throws IOException;
    }

    /**
     * Reads the value at the parser's current token as an object: what {@code value} reads from its field
     * {@code name}, the last one if given twice, or {@code absent} when the value is no object or has no such
     * field. Every other field, nested values included, is skipped; the parser is left on the value's last token.
     */
    static <T> T field(JsonParser p, String name, ValueReader<T> value, T absent) throws IOException {
        T result = absent;
        if (p.currentToken() == JsonToken.START_OBJECT) {
            String field;
            while ((field = p.nextFieldName()) != null) {
                p.nextToken();
                if (field.equals(name)) {
                    result = value.read(p);
                }
                p.skipChildren();
            }
        } else {
            p.skipChildren();
        }
        return result;
    }
}
