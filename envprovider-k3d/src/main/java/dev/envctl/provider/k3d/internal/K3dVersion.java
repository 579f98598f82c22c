package dev.envctl.provider.k3d.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads k3d's version from {@code k3d version -o json} ({@code {"k3d":"v5.7.4","k3s":"v1.30.4-k3s1"}}) or
 * from the text of {@code k3d version} ({@code k3d version v5.7.4} then {@code k3s version ... (default)}).
 */
public final class K3dVersion {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern TEXT = Pattern.compile("(?m)^k3d version (v?\\d\\S*)");

    private K3dVersion() {
    }

    /**
     * The string field {@code k3d} of a JSON object, read with jackson-core's streaming parser; empty when the
     * text is not valid JSON up to the object's end, is no object, or the field is missing, blank or no string.
     * Other fields, nested values included, are skipped; a field given twice counts with its last value.
     */
    public static Optional<String> fromJson(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            p.nextToken();
            String k3d = JsonObjects.field(p, "k3d",
                    v -> v.currentToken() == JsonToken.VALUE_STRING ? v.getText() : null, null);
            return k3d == null || k3d.isBlank() ? Optional.empty() : Optional.of(k3d);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public static Optional<String> fromText(String text) {
        Matcher m = TEXT.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
