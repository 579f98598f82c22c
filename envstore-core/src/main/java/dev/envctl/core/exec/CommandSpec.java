package dev.envctl.core.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One external command: argv (element 0 the executable), extra environment variables on top of the
 * current process's, optional stdin text, a timeout after which the process is killed, and an optional
 * working folder.
 */
public record CommandSpec(List<String> argv, Map<String, String> environment, String stdin, Duration timeout,
                          Path workingDirectory) {

    public CommandSpec {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv is empty");
        }
        environment = Map.copyOf(environment == null ? Map.of() : environment);
        Objects.requireNonNull(timeout, "timeout");
    }

    public static CommandSpec of(List<String> argv, Duration timeout) {
        return new CommandSpec(argv, Map.of(), null, timeout, null);
    }

    public CommandSpec withEnvironment(Map<String, String> env) {
        return new CommandSpec(argv, env, stdin, timeout, workingDirectory);
    }

    public CommandSpec withStdin(String text) {
        return new CommandSpec(argv, environment, text, timeout, workingDirectory);
    }
}
