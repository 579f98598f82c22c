package dev.envctl.provider.kind.internal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code kind version}: {@code kind v0.24.0 go1.23.5 linux/amd64}, or the bare {@code 0.24.0} of {@code -q}. */
public final class KindVersion {
    private static final Pattern FULL = Pattern.compile("(?m)^kind (v\\d\\S*)");
    private static final Pattern BARE = Pattern.compile("(?m)^v?(\\d+\\.\\d+\\.\\d+\\S*)$");

    private KindVersion() {
    }

    public static Optional<String> parse(String text) {
        Matcher full = FULL.matcher(text);
        if (full.find()) {
            return Optional.of(full.group(1));
        }
        Matcher bare = BARE.matcher(text.strip());
        return bare.find() ? Optional.of("v" + bare.group(1)) : Optional.empty();
    }
}
