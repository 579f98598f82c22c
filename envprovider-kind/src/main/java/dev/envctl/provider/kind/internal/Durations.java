package dev.envctl.provider.kind.internal;

import dev.envctl.core.EnvctlException;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as settings spell them ({@code 300s}, {@code 5m}, {@code 1h}, {@code 1500ms}, or bare seconds). */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    private Durations() {
    }

    /**
     * Parses {@code text}; {@code what} names the setting in the error message.
     *
     * @throws EnvctlException INVALID_INPUT when the text is not a positive duration
     */
    public static Duration parse(String what, String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw EnvctlException.invalid(what + " '" + text + "' is not a duration; allowed: a positive whole "
                    + "number with the unit ms, s, m or h, such as 300s or 5m (no unit means seconds)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** The duration as Go's {@code time.ParseDuration} reads it: whole seconds as {@code 300s}, else {@code 1500ms}. */
    public static String toGo(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
