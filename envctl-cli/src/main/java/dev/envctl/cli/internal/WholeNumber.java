package dev.envctl.cli.internal;

import com.beust.jcommander.IStringConverterInstanceFactory;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.converters.BaseConverter;
import dev.envctl.core.Validation;

/**
 * Reads a number option ({@code --http-port 18080}, {@code --capacity 4}) as ASCII digits with an optional
 * minus sign, as every other place envctl reads a number does. JCommander's own converter is
 * {@link Integer#parseInt}, which also takes {@code +18080} and other scripts' digits (full-width
 * {@code １８０８０}). Ranges are checked where the value is used.
 */
final class WholeNumber extends BaseConverter<Integer> {
    /** The converter of every {@code Integer} and {@code int} option; other types keep JCommander's. */
    static final IStringConverterInstanceFactory FACTORY = (parameter, type, option) ->
            type == Integer.class || type == int.class ? new WholeNumber(option) : null;

    private WholeNumber(String option) {
        super(option);
    }

    /** What a value of ASCII digits past the limit is told it is not ({@link Usage} rewords it). */
    static final String AT_MOST_9_DIGITS = "a whole number of at most 9 digits";

    @Override
    public Integer convert(String value) {
        String digits = value.startsWith("-") ? value.substring(1) : value;
        if (!Validation.isDigits(digits, 9)) {
            // a number too large for the option is told so, not that it is no number
            throw new ParameterException(getErrorString(value, Validation.isDigits(digits, Integer.MAX_VALUE)
                    ? AT_MOST_9_DIGITS : "an integer"));
        }
        return Integer.valueOf(value);
    }
}
