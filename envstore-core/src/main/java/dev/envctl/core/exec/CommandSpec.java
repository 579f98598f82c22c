package dev.envctl.core.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One external command: argv (element 0 the executable), extra environment variables on top of the
 * current process's, optional stdin text, a timeout after which the process is killed, an optional
 * working folder, whether its output lines go to the DEBUG log ({@code false} for output that may hold
 * secrets, such as k3d's cluster list with its join token; the line listener still gets them), and the prefixes
 * of variable names the command does not inherit from this process (empty: it inherits every one; the prefix
 * {@code ""} matches every name, so the command sees only its own {@link #environment()}).
 */
public record CommandSpec(List<String> argv, Map<String, String> environment, String stdin, Duration timeout,
                          Path workingDirectory, boolean logOutput, List<String> notInherited) {

    /** A command whose output is logged at DEBUG. */
    public CommandSpec(List<String> argv, Map<String, String> environment, String stdin, Duration timeout,
                       Path workingDirectory) {
        this(argv, environment, stdin, timeout, workingDirectory, true, List.of());
    }

    public CommandSpec {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv is empty");
        }
        environment = Map.copyOf(environment == null ? Map.of() : environment);
        Objects.requireNonNull(timeout, "timeout");
        notInherited = List.copyOf(notInherited);
    }

    public static CommandSpec of(List<String> argv, Duration timeout) {
        return new CommandSpec(argv, Map.of(), null, timeout, null);
    }

    public CommandSpec withEnvironment(Map<String, String> env) {
        return new CommandSpec(argv, env, stdin, timeout, workingDirectory, logOutput, notInherited);
    }

    public CommandSpec withStdin(String text) {
        return new CommandSpec(argv, environment, text, timeout, workingDirectory, logOutput, notInherited);
    }

    /** The same command with its output kept out of the log. */
    public CommandSpec withoutOutputLogging() {
        return new CommandSpec(argv, environment, stdin, timeout, workingDirectory, false, notInherited);
    }

    /**
     * The same command without the variables of this process whose names start with one of {@code prefixes}
     * (besides those it already leaves); its own {@link #environment()} still applies.
     */
    public CommandSpec withoutInherited(String... prefixes) {
        List<String> all = new ArrayList<>(notInherited);
        all.addAll(List.of(prefixes));
        return new CommandSpec(argv, environment, stdin, timeout, workingDirectory, logOutput, all);
    }
}
