package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Validation;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Durations as people write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601 {@code PT30S}. */
final class Durations {
    private Durations() {
    }

    static Duration parse(String what, String text) {
        String s = text == null ? "" : text.strip();
        // (\d{1,9})(ms|s|m|h) by hand: the config's reconcile.interval is read on every command, and
        // java.util.regex would be the first user of lambdas, and their set-up, in a 'list'
        int digits = 0;
        while (digits < s.length() && s.charAt(digits) >= '0' && s.charAt(digits) <= '9') {
            digits++;
        }
        String unit = s.substring(digits);
        if (digits >= 1 && digits <= 9 && (unit.equals("ms") || unit.equals("s") || unit.equals("m")
                || unit.equals("h"))) {
            long n = Long.parseLong(s.substring(0, digits));
            Duration d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
            return positive(what, s, d);
        }
        if (s.startsWith("P") || s.startsWith("p")) {
            try {
                return positive(what, s, Duration.parse(s));
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw EnvctlException.invalid(what + " '" + Validation.printable(s) + "' is not a duration; write it like "
                + "500ms, 30s, 5m or 1h");
    }

    private static Duration positive(String what, String s, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw EnvctlException.invalid(what + " '" + s + "' must be more than zero");
        }
        return d;
    }

    /** {@code 75s} as {@code 1m15s}; for messages and the reconcile report. */
    static String format(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return d.toMillis() % 1000 == 0 ? s + "s" : String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
        }
        return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }
}
