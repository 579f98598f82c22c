package dev.envctl.store.csv.internal;

import java.math.BigInteger;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * Environment names as the Kindler scripts' awk compares them. Their readers and {@code delete_env.sh} find a row
 * with {@code $1==n} or {@code $1!=n}, and awk compares two values that look like numbers as numbers: with mawk
 * (Debian's awk) and busybox awk, {@code 1}, {@code 01}, {@code 1e0} and {@code 10e-1} are one name, and so are
 * {@code 0x10} and {@code 16}; mawk reads a name as C's {@code strtod} does, so {@code 0x1p4} (hexadecimal with a
 * binary exponent) is 16 to it too. Names envctl accepts that look like numbers are all digits, digits with an
 * exponent ({@code 1e5}, {@code 10e-1}), and hexadecimal, with or without a binary exponent ({@code 0x1f},
 * {@code 0x1p-4}).
 */
public final class AwkNames {
    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(e-?[0-9]+)?");
    private static final Pattern HEX = Pattern.compile("0x[0-9a-f]+(p-?[0-9]+)?");

    private AwkNames() {
    }

    /** The number awk reads {@code name} as, or empty when it reads it as a string. */
    public static OptionalDouble number(String name) {
        if (DECIMAL.matcher(name).matches()) {
            return OptionalDouble.of(Double.parseDouble(name));
        }
        if (HEX.matcher(name).matches()) {
            if (name.indexOf('p') >= 0) {
                return OptionalDouble.of(Double.parseDouble(name));
            }
            return OptionalDouble.of(new BigInteger(name.substring(2), 16).doubleValue());
        }
        return OptionalDouble.empty();
    }
}
