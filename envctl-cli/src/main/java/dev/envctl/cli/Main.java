package dev.envctl.cli;

import dev.envctl.cli.internal.Cli;
import dev.envctl.cli.internal.Stdout;

import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code envctl} command line. {@link #main} only calls {@code System.exit(run(args))}; tests and embedding
 * tools create a {@code Main} with their own streams and environment and call {@link #execute}.
 *
 * <p>Results go to {@code out}; logs, progress and errors to {@code err}. The return value is the exit code of
 * docs/cli.md: 0 ok, 1 failure, 2 invalid input or usage, 3 no such environment, 4 conflict, 5 store unavailable,
 * 6 provider failed or missing.
 */
public final class Main {
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    /**
     * @param out         where results go
     * @param err         where logs, progress and errors go
     * @param environment the environment variables to read ({@code ENVCTL_STORE}, {@code ENVCTL_CONFIG},
     *                    {@code ENVCTL_DB_PASSWORD}, {@code HOME}, {@code NO_COLOR}, {@code PATH})
     */
    public Main(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    /** Runs one command line and returns its exit code; never calls {@code System.exit}. */
    public int execute(String... args) {
        return Cli.execute(out, err, environment, args);
    }

    /**
     * Runs one command line with this process's streams and environment. Only the results reach standard output:
     * while the command runs, {@code System.out} is standard error, so that a plugin that prints (a hook, against
     * docs/plugins.md) cannot spoil them ({@code -o json | jq}); it is restored afterwards. Results that could not be
     * written (a full disk, a closed stdout; not a reader that went away, {@code | head -1}) make the exit code 1
     * with one line on stderr ({@link Stdout}).
     */
    public static int run(String... args) {
        PrintStream console = System.out;
        Stdout results = new Stdout();
        System.setOut(System.err);
        try {
            return results.finish(new Main(results.stream(), System.err, System.getenv()).execute(args), System.err);
        } finally {
            System.setOut(console);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }
}
