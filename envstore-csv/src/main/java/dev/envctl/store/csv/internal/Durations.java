package dev.envctl.store.csv.internal;

import dev.envctl.core.EnvctlException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations in settings: {@code 500ms}, {@code 10s}, {@code 2m}, or ISO-8601 such as {@code PT10S}. */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})\\s*(ms|s|m)");

    private Durations() {
    }

    /** Parses a positive duration; {@code key} names the setting in the error message. */
    public static Duration parse(String key, String text) {
        String s = text == null ? "" : text.strip();
        Duration d = null;
        Matcher m = SIMPLE.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMinutes(n);
            };
        } else if (s.startsWith("P") || s.startsWith("p")) {
            try {
                d = Duration.parse(s);
            } catch (DateTimeParseException e) {
                d = null;
            }
        }
        if (d == null || d.isNegative() || d.isZero()) {
            throw EnvctlException.invalid(key + " '" + s + "' is not a positive duration; write it like 500ms, "
                    + "10s or 2m");
        }
        return d;
    }

    /** {@code 10s}, {@code 500ms}: the shortest of this class's forms that is exact. */
    public static String format(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        return d.toSeconds() + "s";
    }
}
