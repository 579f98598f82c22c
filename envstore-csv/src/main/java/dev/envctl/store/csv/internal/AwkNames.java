package dev.envctl.store.csv.internal;

import java.math.BigInteger;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * Environment names as the Kindler scripts' awk compares them. Their readers and {@code delete_env.sh} find a row
 * with {@code $1==n} or {@code $1!=n}, and awk compares two values that look like numbers as numbers: with mawk
 * (Debian's awk) and busybox awk, {@code 1}, {@code 01}, {@code 1e0} and {@code 10e-1} are one name, and so are
 * {@code 0x10} and {@code 16}; mawk reads a name as C's {@code strtod} does, so {@code 0x1p4} (hexadecimal with a
 * binary exponent) is 16 to it too, and busybox awk reads {@code 0} followed by octal digits as octal, so
 * {@code 010} is 8 to it (and 10 to mawk). Names envctl accepts that look like numbers are all digits, digits with
 * an exponent ({@code 1e5}, {@code 10e-1}), and hexadecimal, with or without a binary exponent ({@code 0x1f},
 * {@code 0x1p-4}).
 */
public final class AwkNames {
    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(e-?[0-9]+)?");
    private static final Pattern HEX = Pattern.compile("0x[0-9a-f]+(p-?[0-9]+)?");
    private static final Pattern OCTAL = Pattern.compile("0[0-7]+");
    /** What busybox's strtoull stops at after a leading 0 and octal digits, other than 8 or 9: it reads text. */
    private static final Pattern OCTAL_THEN_TEXT = Pattern.compile("0[0-7]+[^0-9].*");

    private AwkNames() {
    }

    /** Whether mawk or busybox awk reads {@code a} and {@code b} as one number. */
    public static boolean same(String a, String b) {
        return equal(number(a), number(b)) || equal(busybox(a), busybox(b));
    }

    /**
     * Whether busybox awk reads {@code name} as infinity or not-a-number ({@code inf}, {@code infinity}, {@code nan},
     * or digits with an exponent past a double's range, such as {@code 1e400}), which it compares by subtraction: equal
     * to no name, its own included.
     */
    public static boolean unmatchable(String name) {
        return name.equals("inf") || name.equals("infinity") || name.equals("nan")
                || DECIMAL.matcher(name).matches() && Double.isInfinite(Double.parseDouble(name));
    }

    private static boolean equal(OptionalDouble x, OptionalDouble y) {
        return x.isPresent() && x.equals(y);
    }

    /** The number mawk reads {@code name} as, or empty when it reads it as a string. */
    public static OptionalDouble number(String name) {
        if (DECIMAL.matcher(name).matches()) {
            return finite(Double.parseDouble(name));
        }
        if (HEX.matcher(name).matches()) {
            if (name.indexOf('p') >= 0) {
                return finite(Double.parseDouble(name));
            }
            return finite(new BigInteger(name.substring(2), 16).doubleValue());
        }
        return OptionalDouble.empty();
    }

    /**
     * {@code value}, or empty when it overflows a double: mawk then reads the name as text, and busybox reads it as
     * infinity, which it compares by subtraction, so equal to nothing ({@code 1e400} and {@code 1e401} are two names
     * to both).
     */
    private static OptionalDouble finite(double value) {
        return Double.isInfinite(value) ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /**
     * The number busybox awk reads {@code name} as, or empty: a leading {@code 0x} or {@code 0} and a digit is read
     * as a hexadecimal or octal integer (strtoull), which must end the name; an octal integer followed by 8 or 9 is
     * read again as decimal, as is every other name.
     */
    private static OptionalDouble busybox(String name) {
        if (name.startsWith("0x")) {
            return name.indexOf('p') >= 0 ? OptionalDouble.empty() : number(name);
        }
        if (OCTAL.matcher(name).matches()) {
            return finite(new BigInteger(name, 8).doubleValue());
        }
        if (OCTAL_THEN_TEXT.matcher(name).matches()) {
            return OptionalDouble.empty();
        }
        return number(name);
    }
}
