package dev.envctl.core.hook;

import dev.envctl.core.Durations;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.exec.CommandFailedException;
import dev.envctl.core.exec.CommandRunner;
import dev.envctl.core.exec.CommandSpec;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.InvalidSettingException;
import dev.envctl.core.spi.LifecycleHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Runs the user's executables from {@code <dir>/post-create.d}, {@code pre-delete.d} and
 * {@code post-delete.d}, in name order, each with a timeout, with the environment's name as its one argument
 * and {@link HookVariables} in its environment, which inherits every variable of this process but those named
 * {@code ENVCTL_*}. A missing or empty folder means nothing to run, and no step is reported for the phase; hidden
 * files and editor backups are ignored, files that are not executable are skipped with a warning. The first script
 * that fails or times out stops the phase with a {@code HOOK_FAILED} error naming it by its path, so that of two
 * exec hooks (both named {@code exec}) the folder says which failed. Thread-safe.
 */
public final class ExecHook implements LifecycleHook {
    private static final Logger LOG = LoggerFactory.getLogger(ExecHook.class);

    /**
     * What the errors about a setting of this hook name it by, before the setting's key ({@code exec hook setting
     * timeout '0s' is not a positive duration; ...}), as a provider's name it ({@code k3d setting ...}): an embedder
     * with several hooks sees whose setting it is.
     */
    static final String SETTING = "exec hook setting ";

    /** The most characters of a failed script's stderr its error keeps (the last ones). */
    static final int MAX_SAID = 2000;

    private final Path dir;
    private final Duration timeout;
    private final CommandRunner runner = new CommandRunner();

    /**
     * @throws InvalidSettingException about {@code timeout} when it is less than 1ms (zero, negative, or a fraction
     *                                 of a millisecond, which is too short): a timeout counts whole milliseconds, and a
     *                                 script is given at least one; the message is the one the setting's text gets
     */
    public ExecHook(Path dir, Duration timeout) {
        this.dir = Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(timeout, "timeout");
        // refused now, as the same value written as a setting is, not when the first script runs
        this.timeout = InvalidSettingException.about("timeout", () -> Durations.requireParsable(SETTING + "timeout",
                timeout));
    }

    @Override
    public String name() {
        return "exec";
    }

    public Path dir() {
        return dir;
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Whether the folder of {@code phase} holds anything but hidden files and backups; a file that is not
     * executable counts, so that the phase runs and warns that it skips it.
     */
    @Override
    public boolean runsIn(HookPhase phase) {
        Path folder = folder(phase);
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(p -> !ignored(p.getFileName().toString()));
        } catch (IOException e) {
            return true; // the run says why the folder cannot be read
        }
    }

    /** Runs the scripts of {@code phase}, telling them the host by name only (no endpoint, no address). */
    @Override
    public void run(HookPhase phase, Environment environment) {
        run(phase, environment, HookVariables.hostOf(environment));
    }

    @Override
    public void run(HookPhase phase, Environment environment, Host host) {
        for (Path script : scripts(phase)) {
            // by its path: an embedder's two exec hooks over two folders both have the name exec
            String label = script.toString();
            LOG.info("{}: running {}", environment.name(), label);
            // the ENVCTL_ names are the hook's: none comes from the caller's shell (a stale ENVCTL_NAME, a label
            // that is not one, ENVCTL_DB_PASSWORD)
            CommandSpec spec = new CommandSpec(List.of(script.toString(), environment.name()),
                    HookVariables.of(environment, host, phase), null, timeout, null).withoutInherited("ENVCTL_");
            try {
                runner.runChecked(spec, null);
            } catch (CommandFailedException e) {
                // one that could not start says why, as the system said it (a #! interpreter that is not there)
                String what = e.timedOut() ? "timed out after " + Durations.text(timeout) + " and was killed"
                        : e.stopped() ? "was stopped: envctl is stopping (SIGINT or SIGTERM)"
                        // the runner keeps the interrupt of the thread whose cancellation ended the script
                        : Thread.currentThread().isInterrupted() ? "was ended: the thread running it was interrupted"
                        : e.exitValue() < 0 ? "could not be run" + (e.getCause() == null ? ""
                                : ": " + e.getCause().getMessage())
                        : "failed with exit code " + e.exitValue();
                String tail = e.stderrTail().isEmpty() ? "" : ": " + end(e.stderrTail());
                throw new EnvctlException(ErrorCode.HOOK_FAILED, label + " " + what + tail, e);
            }
        }
    }

    /**
     * The end of what a failed script said, at most {@link #MAX_SAID} characters: it becomes the environment's
     * {@code lastError}, stored and printed, and a script may print megabytes on one line.
     */
    private static String end(String said) {
        if (said.length() <= MAX_SAID) {
            return said;
        }
        int from = said.length() - MAX_SAID;
        if (Character.isLowSurrogate(said.charAt(from))) {
            from++; // never half a character
        }
        return "..." + said.substring(from);
    }

    /**
     * Whether a file in a phase folder is not a script: hidden ({@code .10-x}, a vim swap file), or an editor's
     * backup ({@code 10-x~}) or autosave ({@code #10-x#}), which keep the executable bit and would run the old
     * version beside the new.
     */
    private static boolean ignored(String name) {
        return name.startsWith(".") || name.endsWith("~") || name.startsWith("#");
    }

    private Path folder(HookPhase phase) {
        return dir.resolve(phase.key() + ".d");
    }

    /** The executables of {@code phase}, sorted by file name. */
    List<Path> scripts(HookPhase phase) {
        Path folder = folder(phase);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> !ignored(p.getFileName().toString()))
                    .filter(p -> {
                        boolean runnable = Files.isRegularFile(p) && Files.isExecutable(p);
                        if (!runnable && Files.isRegularFile(p)) {
                            LOG.warn("skipping {}: not an executable file (chmod +x it to run it)", p);
                        } else if (!runnable) {
                            LOG.warn("skipping {}: not a file (a folder, or a link to nothing)", p);
                        }
                        return runnable;
                    })
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new EnvctlException(ErrorCode.HOOK_FAILED, "cannot read hook folder " + folder + ": "
                    + e.getMessage(), e);
        }
    }
}
