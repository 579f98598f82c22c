package dev.envctl.store.csv.internal;

import dev.envctl.core.Environment;

import java.util.List;
import java.util.Objects;

/**
 * One data row: the environment it describes, and the values of any columns after envctl's, which a
 * rewrite of the row keeps.
 */
public record ParsedRow(Environment environment, List<String> unknown) {
    public ParsedRow {
        Objects.requireNonNull(environment, "environment");
        unknown = List.copyOf(unknown);
    }
}
