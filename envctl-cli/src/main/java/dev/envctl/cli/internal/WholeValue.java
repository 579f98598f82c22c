package dev.envctl.cli.internal;

import com.beust.jcommander.converters.IParameterSplitter;

import java.util.List;

/**
 * Takes a repeatable option's value whole: JCommander splits list values on commas by default, which would
 * cut {@code --label team="a, b"} in two. Repeat the option to give several values.
 */
public final class WholeValue implements IParameterSplitter {
    @Override
    public List<String> split(String value) {
        return List.of(value);
    }
}
