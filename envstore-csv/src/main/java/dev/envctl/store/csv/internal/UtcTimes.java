package dev.envctl.store.csv.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the {@code created_at}/{@code updated_at} columns. What envctl writes ({@code Instant.toString()}:
 * {@code 2026-11-26T08:00:00Z} or with 3, 6 or 9 fraction digits) is read by hand, with {@link LocalDate}'s
 * calendar but no formatter, because {@link Instant#parse} costs about a tenth of a millisecond per call in a
 * fresh JVM, two calls a row, on every command that reads the file; anything else goes to
 * {@link Instant#parse}, which decides as it always has.
 */
final class UtcTimes {
    private UtcTimes() {
    }

    /** The instant {@code text} names; throws {@link java.time.format.DateTimeParseException} as Instant.parse. */
    static Instant parse(String text) {
        Instant quick = quick(text);
        return quick != null ? quick : Instant.parse(text);
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with a year 1970-9999, or {@code null} for anything else. */
    static Instant quick(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = number(s, 0, 4);
        int month = number(s, 5, 7);
        int day = number(s, 8, 10);
        int hour = number(s, 11, 13);
        int minute = number(s, 14, 16);
        int second = number(s, 17, 19);
        if (year < 1970 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            int digits = n - 21;
            if (s.charAt(19) != '.' || digits < 1 || digits > 9) {
                return null;
            }
            nanos = number(s, 20, n - 1);
            if (nanos < 0) {
                return null;
            }
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        } else if (s.charAt(19) != 'Z') {
            return null;
        }
        long days;
        try {
            days = LocalDate.of(year, month, day).toEpochDay(); // checks the month and the day of the month
        } catch (DateTimeException e) {
            return null;
        }
        return Instant.ofEpochSecond(days * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal number in {@code s[from, to)}, or -1 when a character is not a digit. */
    private static int number(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
