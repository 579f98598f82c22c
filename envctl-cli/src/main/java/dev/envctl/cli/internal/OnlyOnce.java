package dev.envctl.cli.internal;

import com.beust.jcommander.IParameterValidator;
import com.beust.jcommander.ParameterException;

/**
 * Refuses a yes/no flag given twice, as JCommander refuses any other option given twice: JCommander itself
 * would read the second {@code --dry-run} as "no" and undo the first. The flags are off by default, so a
 * value {@code false} is a second occurrence.
 */
public final class OnlyOnce implements IParameterValidator {
    @Override
    public void validate(String name, String value) {
        if ("false".equals(value)) {
            throw new ParameterException("Can only specify option " + name + " once.");
        }
    }
}
