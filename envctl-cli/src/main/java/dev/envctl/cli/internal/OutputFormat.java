package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Validation;

/** How results are printed on stdout: an aligned table for people, or JSON / CSV for programs. */
public enum OutputFormat {
    TABLE, JSON, CSV;

    public static OutputFormat parse(String text) {
        for (OutputFormat f : values()) {
            if (f.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return f;
            }
        }
        throw EnvctlException.invalid("output format '" + Validation.printable(String.valueOf(text))
                + "' is unknown; allowed: table, json, csv");
    }
}
