package dev.envctl.core;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as settings and flags spell them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, a bare
 * number of seconds ({@code 45}), or ISO-8601 ({@code PT30S}). One parser for every module. The numbers are whole:
 * {@code 0.5s} is refused, saying so and that {@code 500ms} is the same; so are several units ({@code 1m30s}, which
 * Go takes, or {@code 1m 30s}: {@code 90s}), a space before the unit ({@code 30 s}) and another unit ({@code 1d}),
 * each saying which.
 */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    /** {@link #SIMPLE} with a fraction, which is not taken ({@code 0.5s}, {@code 1,5m}, {@code .25s}). */
    private static final Pattern FRACTION = Pattern.compile("(\\d+[.,]\\d*|[.,]\\d+)(ms|s|m|h)?");
    /** A number, a space and a unit ({@code 30 s}), which is not taken. */
    private static final Pattern SPACED = Pattern.compile("(\\d+)\\s+(ms|s|m|h)");
    /** A number and a unit this class does not know ({@code 1d}, {@code 10 sec}). */
    private static final Pattern UNKNOWN_UNIT = Pattern.compile("\\d+\\s*\\p{L}+");
    /**
     * Several numbers with a unit each, as Go writes durations ({@code 1m30s}), which is not taken; spaces may come
     * between them ({@code 1m 30s}).
     */
    private static final Pattern COMBINED = Pattern.compile("\\d+\\s*(?:ms|s|m|h)(?:\\s*\\d+\\s*(?:ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final String UNITS = "ms, s, m, h";
    private static final int MAX_DIGITS = 9;
    /** The shortest duration taken: what runs tools and hooks counts in milliseconds. */
    private static final Duration ONE_MS = Duration.ofMillis(1);
    /** What {@link #parse} says to write instead of what is not a positive duration. */
    private static final String PARSE_ALLOWED = "write it like 500ms, 60s, 5m or 1h";

    private Durations() {
    }

    /**
     * Parses a positive duration of at least 1ms; {@code what} names the setting or flag in the error message.
     *
     * @throws InvalidValueException when {@code text} is not a positive duration, or is shorter than 1ms
     */
    public static Duration parse(String what, String text) {
        return parse(what, text, ONE_MS, PARSE_ALLOWED);
    }

    /**
     * {@code d} when {@link #parse} would take it written out (at least 1ms), else the error {@link #parse} gives for
     * it, {@code what} naming it: for a duration given in code where a setting takes the same value as text. The
     * value is written as {@link #format} writes it, or in ISO-8601 ({@code PT0.0005S}) when that cannot (a fraction
     * of a millisecond).
     *
     * @throws InvalidValueException when {@code d} is zero, negative or shorter than 1ms
     */
    public static Duration requireParsable(String what, Duration d) {
        if (d.compareTo(ONE_MS) >= 0) {
            return d;
        }
        String said = d.getNano() % 1_000_000 == 0 ? format(d) : d.toString();
        throw d.isZero() || d.isNegative() ? notPositive(what, said, PARSE_ALLOWED) : tooShort(what, said, ONE_MS);
    }

    /**
     * {@link #parse}, refusing less than {@code min} (1ms or more); {@code allowed} says what to write instead of
     * what is not a positive duration.
     */
    private static Duration parse(String what, String text, Duration min, String allowed) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Duration d = null;
        Matcher m = SIMPLE.matcher(s);
        if (m.matches()) {
            if (m.group(1).replaceFirst("^0+", "").length() > MAX_DIGITS) {
                throw tooLong(what, text);
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        } else if (s.startsWith("p")) {
            // the same limit for each number of ISO-8601: a longer one overflows where the duration is used
            if (NUMBER.matcher(s).results().anyMatch(n -> n.group().replaceFirst("^0+", "").length() > MAX_DIGITS)) {
                throw tooLong(what, text);
            }
            try {
                d = Duration.parse(s.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                d = null;
            }
        }
        Matcher fraction = FRACTION.matcher(s);
        if (d == null && fraction.matches()) {
            throw notWhole(what, text, "has a fraction; durations are whole numbers with a unit",
                    new BigDecimal(fraction.group(1).replace(',', '.')).multiply(unitMillis(fraction.group(2))), min,
                    allowed);
        }
        if (d == null && COMBINED.matcher(s).matches()) {
            throw notWhole(what, text, "combines units; durations are one whole number with one unit",
                    combinedMillis(s), min, allowed);
        }
        Matcher spaced = SPACED.matcher(s);
        if (d == null && spaced.matches()) {
            throw InvalidValueException.of(what, "'" + Validation.printable(text.strip()) + "' has a space; write "
                    + spaced.group(1) + spaced.group(2));
        }
        if (d == null && UNKNOWN_UNIT.matcher(s).matches()) {
            throw InvalidValueException.of(what, "'" + Validation.printable(text.strip()) + "' has an unknown unit; "
                    + "allowed units: " + UNITS);
        }
        if (d == null || d.isZero() || d.isNegative()) {
            throw notPositive(what, Validation.printable(text == null ? "" : text.strip()), allowed);
        }
        // at least 1ms: what runs tools and hooks counts in milliseconds, and a timeout of none fails every run
        if (d.compareTo(min) < 0) {
            throw tooShort(what, Validation.printable(text.strip()), min);
        }
        return d;
    }

    private static InvalidValueException notPositive(String what, String said, String allowed) {
        return InvalidValueException.of(what, "'" + said + "' is not a positive duration; " + allowed);
    }

    private static InvalidValueException tooShort(String what, String said, Duration min) {
        return InvalidValueException.of(what, "'" + said + "' is too short; at least " + format(min));
    }

    /**
     * The refusal of {@code text}, which {@code why} (a fraction, several units) keeps from being taken though it spells
     * {@code millis}: "so write W for TEXT" when W, as this class writes it ({@link #format}), is a whole number of
     * milliseconds of at least {@code min} that {@link #parse} takes back; else "so " and {@code allowed}.
     */
    private static InvalidValueException notWhole(String what, String text, String why, BigDecimal millis,
                                                  Duration min, String allowed) {
        String said = Validation.printable(text.strip());
        Duration d = millis.signum() <= 0 || millis.stripTrailingZeros().scale() > 0
                || millis.compareTo(BigDecimal.valueOf(999_999_999L)) > 0 ? null
                : Duration.ofMillis(millis.longValueExact());
        return InvalidValueException.of(what, "'" + said + "' " + why + ", so " + (d == null || d.compareTo(min) < 0
                ? allowed : "write " + format(d) + " for " + said));
    }

    /** The milliseconds a {@link #COMBINED} text spells, its parts added up. */
    private static BigDecimal combinedMillis(String s) {
        BigDecimal millis = BigDecimal.ZERO;
        Matcher part = PART.matcher(s);
        while (part.find()) {
            millis = millis.add(new BigDecimal(part.group(1)).multiply(unitMillis(part.group(2))));
        }
        return millis;
    }

    /** The milliseconds of one {@code unit} ({@code ms}, {@code s}, {@code m}, {@code h}; none is seconds). */
    private static BigDecimal unitMillis(String unit) {
        return BigDecimal.valueOf(switch (unit == null ? "s" : unit) {
            case "ms" -> 1;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 1000;
        });
    }

    private static InvalidValueException tooLong(String what, String text) {
        return InvalidValueException.of(what, "'" + Validation.printable(text.strip()) + "' is too long; at most "
                + MAX_DIGITS + " digits, such as 5m for 300s");
    }

    /**
     * Parses a duration of at least {@code min}; {@code what} names the setting or flag in the error message, which
     * names {@code min} also for a value that is no positive duration at all.
     *
     * @throws InvalidValueException when {@code text} is not a duration of at least {@code min}
     */
    public static Duration parseAtLeast(String what, String text, Duration min) {
        Duration least = min.toMillis() == 0 ? ONE_MS : min;
        List<String> like = new ArrayList<>(List.of(format(least)));
        List.of("30s", "5m", "1h").stream().filter(e -> parse(what, e).compareTo(least) > 0).forEach(like::add);
        String examples = like.size() == 1 ? like.get(0)
                : String.join(", ", like.subList(0, like.size() - 1)) + " or " + like.get(like.size() - 1);
        return parse(what, text, least, "write at least " + format(least) + ", like " + examples);
    }

    /**
     * {@code d} in nanoseconds, or {@link Long#MAX_VALUE} when it is longer (about 292 years; {@code 999999999h}
     * is): for waits measured with {@link System#nanoTime()}, whose differences stay right when a deadline wraps.
     */
    public static long nanos(Duration d) {
        return d.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : d.toNanos();
    }

    /**
     * {@code d} for a message, exact: whole seconds as {@code 60 s}, else milliseconds as {@code 500 ms} (a timeout
     * of 500ms is not "0 s").
     */
    public static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /**
     * The shortest exact spelling this class parses, which Go's {@code time.ParseDuration} (k3d's
     * {@code --timeout}) reads too: whole seconds as {@code 300s}, else milliseconds as {@code 1500ms}.
     */
    public static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
