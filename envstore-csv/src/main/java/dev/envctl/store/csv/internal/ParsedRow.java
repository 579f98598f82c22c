package dev.envctl.store.csv.internal;

import dev.envctl.core.Environment;

import java.util.List;
import java.util.Objects;

/**
 * One data row: the environment its own columns describe, how many columns it has, and the values of any
 * columns after envctl's, which a rewrite of the row keeps.
 */
public record ParsedRow(Environment environment, int columns, List<String> unknown) {
    public ParsedRow {
        Objects.requireNonNull(environment, "environment");
        unknown = List.copyOf(unknown);
    }

    /** Whether the row carries envctl's own columns after the Kindler scripts' nine. */
    public boolean wide() {
        return columns >= Columns.FULL_COUNT;
    }
}
