package dev.envctl.store.csv.internal;

import java.util.Locale;

/**
 * The two boolean columns as the Kindler scripts read them ({@code parse_bool} in {@code create_env.sh}):
 * {@code 1 y yes true on} mean yes, {@code 0 n no false off} mean no, in any case; an empty field means the
 * scripts' default, yes. envctl writes only {@code true}/{@code false}.
 */
public final class LegacyBooleans {
    /** The words {@link #read} accepts, for error messages. */
    static final String ALLOWED = "true, false, 1, 0, yes, no, on, off, y, n (any case)";

    private LegacyBooleans() {
    }

    /**
     * {@code "true"} or {@code "false"} for a boolean word.
     *
     * @throws IllegalArgumentException naming the column and the allowed words for anything else
     */
    static String read(String column, String field) {
        Boolean b = parse(field);
        if (b == null) {
            throw new IllegalArgumentException(column + " '" + field + "' is not a boolean; allowed: " + ALLOWED);
        }
        return b.toString();
    }

    /** The boolean a word stands for, or null when it is not one of the words. */
    static Boolean parse(String word) {
        switch (word.toLowerCase(Locale.ROOT)) {
            case "1", "y", "yes", "true", "on" -> {
                return Boolean.TRUE;
            }
            case "0", "n", "no", "false", "off" -> {
                return Boolean.FALSE;
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * The column written for a label value, as old readers will take it: {@code true} when the label is absent
     * (their default) or a yes word, {@code false} otherwise.
     */
    static String column(String labelValue) {
        return labelValue == null || Boolean.TRUE.equals(parse(labelValue)) ? "true" : "false";
    }
}
