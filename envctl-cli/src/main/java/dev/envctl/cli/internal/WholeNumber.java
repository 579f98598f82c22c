package dev.envctl.cli.internal;

import com.beust.jcommander.IStringConverterInstanceFactory;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.converters.BaseConverter;

import java.util.regex.Pattern;

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

    private static final Pattern DIGITS = Pattern.compile("-?[0-9]{1,9}");

    private WholeNumber(String option) {
        super(option);
    }

    @Override
    public Integer convert(String value) {
        if (!DIGITS.matcher(value).matches()) {
            throw new ParameterException(getErrorString(value, "an integer"));
        }
        return Integer.valueOf(value);
    }
}
