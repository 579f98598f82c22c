package dev.envctl.provider.k3d.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads k3d's version from {@code k3d version -o json} ({@code {"k3d":"v5.8.3","k3s":"v1.31.5-k3s1"}}) or
 * from the text of {@code k3d version} ({@code k3d version v5.8.3} then {@code k3s version ... (default)}).
 */
public final class K3dVersion {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TEXT = Pattern.compile("(?m)^k3d version (v?\\d\\S*)");

    private K3dVersion() {
    }

    public static Optional<String> fromJson(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            return root != null && root.path("k3d").isTextual() && !root.path("k3d").asText().isBlank()
                    ? Optional.of(root.path("k3d").asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public static Optional<String> fromText(String text) {
        Matcher m = TEXT.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
