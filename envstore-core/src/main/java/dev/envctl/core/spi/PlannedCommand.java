package dev.envctl.core.spi;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One command a provider would run, as {@code --dry-run} shows it: the argv, the variables it sets on top of
 * the inherited environment, and the text it would get on stdin ({@code null} for none), such as kind's
 * cluster config.
 */
public record PlannedCommand(List<String> argv, Map<String, String> environment, String stdin) {

    public PlannedCommand {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv is empty");
        }
        environment = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNullElse(environment, Map.of())));
    }

    /** A command with no extra variables and no stdin. */
    public static PlannedCommand of(List<String> argv) {
        return new PlannedCommand(argv, Map.of(), null);
    }
}
