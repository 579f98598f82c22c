package dev.envctl.core.provider;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.exec.CommandFailedException;
import dev.envctl.core.exec.CommandResult;
import dev.envctl.core.exec.CommandRunner;
import dev.envctl.core.exec.CommandSpec;
import dev.envctl.core.exec.Executables;
import dev.envctl.core.spi.ProgressListener;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds tools on the {@code PATH} of a given environment and runs them through core's {@link CommandRunner}
 * with exactly that environment (nothing of this JVM's own is inherited), so a caller (or a test) decides
 * what the tools see, {@code PATH} and {@code DOCKER_HOST} included, without changing this JVM's environment.
 * The tools never get the store's password ({@code ENVCTL_DB_PASSWORD}, {@code PGPASSWORD}), even when that
 * environment has it. Thread-safe; immutable.
 */
public final class ToolRunner {
    /** Where the PostgreSQL store's password may be: no tool needs it, so no tool gets it. */
    private static final Set<String> STORE_PASSWORDS = Set.of("ENVCTL_DB_PASSWORD", "PGPASSWORD");
    private final CommandRunner runner = new CommandRunner();
    private final Map<String, String> environment;

    /** @param environment the process environment the tools see; its {@code PATH} is searched for them */
    public ToolRunner(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The value of the variable {@code name} in the environment the tools see. */
    public Optional<String> variable(String name) {
        return Optional.ofNullable(environment.get(name));
    }

    /** The executable {@code binary} names (a path, or a name looked up on {@code PATH}). */
    public Optional<Path> find(String binary) {
        return Executables.find(binary, environment.get("PATH"));
    }

    /**
     * The executable {@code binary} names, or a PROVIDER_FAILED error that names it and says how to get it.
     *
     * @param setting the provider setting that chooses the binary, such as {@code binary}
     * @param install how to install the tool, such as a URL
     */
    public Path require(String provider, String setting, String binary, String install) {
        return find(binary).orElseThrow(() -> new EnvctlException(ErrorCode.PROVIDER_FAILED, missing(provider,
                setting, binary, install)));
    }

    /** The one-line message for a tool that cannot be found. */
    public static String missing(String provider, String setting, String binary, String install) {
        String where = binary.contains("/") ? "'" + binary + "' does not exist or is not executable"
                : "no executable '" + binary + "' on PATH";
        return binary + " not found: " + where + "; install it (" + install + ") or set the " + provider
                + " provider setting '" + setting + "' to its path";
    }

    /** argv with {@code binary} resolved when it can be, else as given (for plans). */
    public String display(String binary) {
        return find(binary).map(Path::toString).orElse(binary);
    }

    /** Runs argv and returns its result whatever the exit code; a timeout or a start failure throws. */
    public CommandResult run(List<String> argv, Map<String, String> extraEnv, String stdin, Duration timeout,
                             String environmentName, ProgressListener progress) {
        return runner.run(spec(argv, extraEnv, stdin, timeout), listener(environmentName, progress));
    }

    /**
     * Runs argv and returns its result if it exited 0; otherwise throws naming it with what it said on stderr,
     * condensed to its error lines ({@link ToolErrors#summary}).
     */
    public CommandResult runChecked(List<String> argv, Map<String, String> extraEnv, String stdin, Duration timeout,
                                    String environmentName, ProgressListener progress) {
        return checked(runner.run(spec(argv, extraEnv, stdin, timeout), listener(environmentName, progress)));
    }

    /**
     * Runs argv like {@link #runChecked} but keeps its output out of the log and from any listener: for output
     * that may hold secrets (k3d's cluster list carries each cluster's join token).
     */
    public CommandResult runCheckedUnlogged(List<String> argv, Map<String, String> extraEnv, Duration timeout) {
        return checked(runner.run(spec(argv, extraEnv, null, timeout).withoutOutputLogging(), null));
    }

    private static CommandResult checked(CommandResult result) {
        if (!result.succeeded()) {
            throw CommandFailedException.exited(result, ToolErrors.summary(result.stderr()));
        }
        return result;
    }

    private CommandSpec spec(List<String> argv, Map<String, String> extraEnv, String stdin, Duration timeout) {
        Map<String, String> env = new HashMap<>(environment);
        env.putAll(extraEnv);
        env.keySet().removeAll(STORE_PASSWORDS);
        // every prefix matches "": the tool sees exactly env, nothing of this JVM's own environment
        return new CommandSpec(argv, env, stdin, timeout, null).withoutInherited("");
    }

    private static CommandRunner.LineListener listener(String environmentName, ProgressListener progress) {
        if (progress == null || progress == ProgressListener.NONE) {
            return null;
        }
        return (line, stderr) -> progress.output(environmentName, line, stderr);
    }
}
