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

    @Override
    public Integer convert(String value) {
        if (!Validation.isDigits(value.startsWith("-") ? value.substring(1) : value, 9)) {
            throw new ParameterException(getErrorString(value, "an integer"));
        }
        return Integer.valueOf(value);
    }
}
