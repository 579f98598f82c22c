package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Validation;

import java.util.Arrays;

/** How results are printed on stdout: an aligned table for people, or JSON / CSV for programs. */
public enum OutputFormat {
    TABLE, JSON, CSV;

    public static OutputFormat parse(String text) {
        return Arrays.stream(values()).filter(f -> f.name().equalsIgnoreCase(text == null ? "" : text.strip()))
                .findFirst().orElseThrow(() -> EnvctlException.invalid("output format '"
                        + Validation.printable(String.valueOf(text)) + "' is unknown; allowed: table, json, csv"));
    }
}
