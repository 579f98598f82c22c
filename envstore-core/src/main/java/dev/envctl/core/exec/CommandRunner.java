package dev.envctl.core.exec;

import dev.envctl.core.Durations;
import dev.envctl.core.ErrorCode;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.Executor;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.Watchdog;
import org.apache.commons.exec.environment.EnvironmentUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Runs external commands with Apache Commons Exec: argv passed as is (never through a shell, no quote
 * handling), stdout and stderr read line by line into SLF4J at DEBUG and into a line listener, a timeout
 * that ends the process and every process it started (SIGTERM, and SIGKILL 5 s later to those left). Of each
 * stream the result keeps only the last 100 000 lines and 4 Mi characters, so a command that prints without end
 * neither exhausts memory nor outlives its timeout. A command still running when the JVM shuts down (a SIGINT or
 * SIGTERM to envctl) is ended the same way, the shutdown waiting out the grace, and reported as
 * {@linkplain CommandFailedException#stopped() stopped}; none is started from then on. So is one that failed while
 * envctl stops, and one that died of SIGINT or SIGTERM (exit 130 or 143) when envctl begins to stop within
 * {@link #SAME_SIGNAL} after: Ctrl-C signals the tool and envctl together, and the tool may end first. A command
 * whose thread is interrupted while it runs is ended (the command itself: Commons Exec destroys it) and fails saying
 * so, the thread's interrupt kept. Thread-safe; stateless.
 */
public final class CommandRunner {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);
    private static final int TAIL_LINES = 5;
    /** The exit codes of a command that died of SIGINT or SIGTERM: 128 plus the signal's number. */
    private static final Set<Integer> SIGNALLED = Set.of(130, 143);
    /**
     * How long a command that died of SIGINT or SIGTERM waits for envctl to begin stopping, before its exit code is
     * taken as the command's own failure: a signal to the process group reaches the tool and the JVM together, and
     * the tool may end first.
     */
    static final Duration SAME_SIGNAL = Duration.ofSeconds(2);
    /** How much of each output stream a result keeps, for messages. */
    static final String KEPT = KeptLines.MAX_LINES + " lines and " + KeptLines.MAX_CHARS + " characters";

    /** Receives each output line: the line, and whether it came from stderr. */
    public interface LineListener extends BiConsumer<String, Boolean> {
    }

    /**
     * Whether envctl is stopping (the JVM shuts down after a SIGINT or SIGTERM): commands running are ended and
     * none is started, so a failure from now on may be the stop's, not the tool's.
     */
    public static boolean stopping() {
        return RunningCommand.stopping();
    }

    /**
     * Runs the command and returns its result whatever its exit code.
     *
     * @throws CommandFailedException with {@link ErrorCode#PROVIDER_FAILED} when it could not start, timed out
     *                                or was stopped with envctl
     */
    public CommandResult run(CommandSpec spec, LineListener listener) {
        List<String> argv = spec.argv();
        if (RunningCommand.stopping()) {
            throw CommandFailedException.stopped(argv, false, "");
        }
        LOG.debug("running {}", argv);
        CommandLine line = new CommandLine(argv.get(0));
        for (String arg : argv.subList(1, argv.size())) {
            line.addArgument(arg, false);
        }
        KeptLines out = new KeptLines(passOn(argv.get(0), false, spec.logOutput(), listener));
        KeptLines err = new KeptLines(passOn(argv.get(0), true, spec.logOutput(), listener));
        TreeWatchdog watchdog = new TreeWatchdog(argv.get(0), spec.timeout());
        PumpStreamHandler streams = new OutputOfExited(argv.get(0), out, err,
                spec.stdin() == null ? null : new ByteArrayInputStream(spec.stdin().getBytes(StandardCharsets.UTF_8)));
        streams.setStopTimeout(Duration.ofSeconds(2));
        DefaultExecutor executor = new TreeEndingExecutor(argv.get(0));
        executor.setStreamHandler(streams);
        executor.setWatchdog(watchdog);
        RunningCommand running = new RunningCommand(argv.get(0));
        executor.setProcessDestroyer(running);
        executor.setExitValues(null);
        if (spec.workingDirectory() != null) {
            executor.setWorkingDirectory(spec.workingDirectory().toFile());
        }
        int exit;
        try {
            Map<String, String> env = EnvironmentUtils.getProcEnvironment();
            env.keySet().removeIf(k -> spec.notInherited().stream().anyMatch(k::startsWith));
            env.putAll(spec.environment());
            exit = executor.execute(line, env);
        } catch (ExecuteException e) {
            exit = e.getExitValue();
        } catch (IOException e) {
            throw new CommandFailedException(ErrorCode.PROVIDER_FAILED, "could not run " + argv.get(0) + ": "
                    + e.getMessage(), argv, -1, "", false, e);
        }
        CommandResult result = new CommandResult(argv, exit, out.lines(), err.lines(), out.leftOut(), err.leftOut());
        if (watchdog.killedProcess()) {
            throw new CommandFailedException(ErrorCode.PROVIDER_FAILED, CommandFailedException.named(argv)
                    + " timed out after " + Durations.text(spec.timeout()) + " and was killed"
                    + tailSuffix(result), argv, -1, result.stderrTail(TAIL_LINES), true, null);
        }
        if (running.ended() || exit != 0 && RunningCommand.stopping()
                || SIGNALLED.contains(exit) && RunningCommand.stopping(SAME_SIGNAL)) {
            // a SIGINT or SIGTERM to the process group (Ctrl-C, kill -TERM -PGID) may have ended it before the
            // shutdown did, or even before the JVM heard of the signal: the same cause
            throw CommandFailedException.stopped(argv, true, result.stderrTail(TAIL_LINES));
        }
        if (exit == Executor.INVALID_EXITVALUE) {
            // no process exits with this: Commons Exec ended the command because this thread was interrupted while
            // it waited, and cleared the interrupt; keep it for the caller, whose cancellation it is
            Thread.currentThread().interrupt();
            throw new CommandFailedException(ErrorCode.PROVIDER_FAILED, CommandFailedException.named(argv)
                    + " was ended: the thread running it was interrupted" + tailSuffix(result), argv, -1,
                    result.stderrTail(TAIL_LINES), false, null);
        }
        LOG.debug("{} exited {}", argv.get(0), exit);
        return result;
    }

    /**
     * Runs the command and returns its result if it exited 0.
     *
     * @throws CommandFailedException with {@link ErrorCode#PROVIDER_FAILED} otherwise, naming the command,
     *                                its exit value and the tail of its stderr
     */
    public CommandResult runChecked(CommandSpec spec, LineListener listener) {
        CommandResult result = run(spec, listener);
        if (!result.succeeded()) {
            throw CommandFailedException.exited(result, result.stderrTail(TAIL_LINES));
        }
        return result;
    }

    private static String tailSuffix(CommandResult result) {
        String tail = result.stderrTail(TAIL_LINES);
        if (tail.isEmpty()) {
            tail = result.stdoutTail(TAIL_LINES);
        }
        return tail.isEmpty() ? "" : ": " + tail;
    }

    /**
     * The timeout's watchdog, ending with the command every process it started ({@link ProcessTree}): without this
     * a hook's child (a {@code helm install} the script waits for) would run on after the hook was reported as
     * timed out, and a command that traps TERM would outlive its timeout.
     */
    private static final class TreeWatchdog extends ExecuteWatchdog {
        private final String tool;
        private Process process;
        private boolean killed;

        @SuppressWarnings("deprecation") // the builder makes no subclass; this constructor is the builder's default
        TreeWatchdog(String tool, Duration timeout) {
            super(timeout.toMillis());
            this.tool = tool;
        }

        @Override
        public synchronized void start(Process process) {
            this.process = process;
            super.start(process);
        }

        @Override
        public synchronized void timeoutOccured(Watchdog w) {
            if (process != null && process.isAlive() && isWatching()) {
                killed = true;
                ProcessTree.end(tool, process.toHandle(), "timed out");
            }
            cleanUp();
        }

        @Override
        public synchronized boolean killedProcess() {
            return killed;
        }
    }

    /** An executor whose commands, destroyed on an interrupt, end with every process they started. */
    private static final class TreeEndingExecutor extends DefaultExecutor {
        private final String tool;

        @SuppressWarnings("deprecation") // the builder makes no subclass; this constructor is the builder's default
        TreeEndingExecutor(String tool) {
            this.tool = tool;
        }

        @Override
        protected Process launch(CommandLine command, Map<String, String> env, Path dir) throws IOException {
            return new TreeEndingProcess(tool, super.launch(command, env, dir));
        }
    }

    /**
     * Stops reading a command's output after it exited even while a process it left in the background (a hook's
     * {@code kubectl port-forward &}) holds the pipes open, keeping the command's own exit code: Commons Exec would
     * throw for the stop timeout, with an invalid exit value in place of the real one. The JDK closes its end of the
     * pipes when the command exits, so the readers normally end at once (and a process left writing to them may fail
     * a later write: SIGPIPE); one that does not end is waited for {@code setStopTimeout} plus 2 s of Commons
     * Exec's own.
     */
    private static final class OutputOfExited extends PumpStreamHandler {
        private final String tool;

        OutputOfExited(String tool, KeptLines out, KeptLines err, ByteArrayInputStream in) {
            super(out, err, in);
            this.tool = tool;
        }

        @Override
        public void stop() throws IOException {
            try {
                super.stop();
            } catch (ExecuteException stillOpen) {
                LOG.debug("{} exited, but a process it started still holds its output; not read further", tool);
            }
        }
    }

    /** Hands each line to the DEBUG log (unless {@code logged} is false) and to {@code listener} (if any). */
    private static Consumer<String> passOn(String tool, boolean stderr, boolean logged, LineListener listener) {
        return line -> {
            if (logged) {
                LOG.debug("{} {}: {}", tool, stderr ? "stderr" : "stdout", line);
            }
            if (listener != null) {
                listener.accept(line, stderr);
            }
        };
    }
}
