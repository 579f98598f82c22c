package dev.envctl.cli.internal;

import dev.envctl.core.spi.ProgressListener;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a SIGINT or SIGTERM (Ctrl-C, {@code kill PID}) does to a command run, for every command alike. The JVM runs
 * its shutdown hooks: core's command runner ends the tools and hooks in flight, and this one sets {@link #stop()},
 * keeps the command's own error line from being printed ({@link #reports}), interrupts the command's thread if it
 * has not returned after {@link #INTERRUPT_AFTER} (so a wait of its own, such as for a store's lock, ends before its
 * timeout), waits up to {@link #GRACE} for the command to return, so that it records where each environment was
 * left, and prints one line instead: that the command was interrupted, the environments whose progress it reported
 * and that it had not finished (the ones it was changing) and what finishes them, and those of a command of named
 * environments that it had not begun ({@link #notBegun}) and the command that changes them. A command that runs until stopped
 * (reconcile --watch, {@link #untilStopped}) returns as usual instead, and no environment is remembered for it. The
 * JVM's own signal handling sets the exit status, 128 plus the signal's number (130 for SIGINT, 143 for SIGTERM),
 * whatever the command returns.
 *
 * <p>The store is not read back: the command may still hold its lock or connection, and the JVM halts once the
 * hooks are done. Thread-safe.
 */
final class Interruption implements AutoCloseable {
    /** The longest a signal waits for the command to record what it left: its tools have been ended by then. */
    static final Duration GRACE = Duration.ofSeconds(60);
    /**
     * When a command not returned yet is interrupted: its tools have been ended and its records written by then,
     * each state being written before the provider call it names, so what the interrupt cuts is a wait.
     */
    static final Duration INTERRUPT_AFTER = Duration.ofSeconds(5);

    private enum State { RUNNING, RETURNED, INTERRUPTED }

    private final PrintStream err;
    private final Runnable progressDone;
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch returned = new CountDownLatch(1);
    private final Set<String> changing = new LinkedHashSet<>();
    /** Those the progress reported a step of that became as their records ask; guarded by {@link #changing}. */
    private final Set<String> finished = new LinkedHashSet<>();
    /** Those the command was asked to change and left as they were, not begun; guarded by {@link #changing}. */
    private final List<String> notBegun = new ArrayList<>();
    /** The command line, without its names, that changes {@link #notBegun}; guarded by {@link #changing}. */
    private String rerun;
    private volatile boolean untilStopped;
    private String command;
    private Thread commandThread;
    private Thread hook;

    /** @param progressDone ends the live progress line before the interrupted line is printed */
    Interruption(PrintStream err, Runnable progressDone) {
        this.err = err;
        this.progressDone = progressDone;
    }

    /** Watches for a signal while {@code command} runs, until {@link #close}. */
    void start(String command) {
        this.command = command;
        this.commandThread = Thread.currentThread();
        hook = new Thread(this::interrupted, "envctl-stop");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            hook = null; // the signal came first: the command does not get far
        }
    }

    /** Set once a signal arrived: a command that runs until stopped (reconcile --watch) stops. */
    AtomicBoolean stop() {
        return stop;
    }

    /**
     * For a command that runs until a signal stops it: the signal then ends it without a line, so {@link #tracking}
     * remembers no environment (a watch would remember every name its rounds ever saw).
     */
    void untilStopped() {
        untilStopped = true;
    }

    /**
     * {@code progress}, remembering each environment it reports a step of until the engine is done with it and it
     * is as its record asks: one finished before the signal is not named.
     */
    ProgressListener tracking(ProgressListener progress) {
        return new ProgressListener() {
            @Override
            public void step(String environment, String message) {
                if (environment != null && !untilStopped) {
                    synchronized (changing) {
                        changing.add(environment);
                        finished.remove(environment);
                    }
                }
                progress.step(environment, message);
            }

            @Override
            public void output(String environment, String line, boolean stderr) {
                progress.output(environment, line, stderr);
            }

            @Override
            public void finished(String environment, boolean reached) {
                if (reached) {
                    synchronized (changing) {
                        if (changing.remove(environment)) {
                            finished.add(environment);
                        }
                    }
                }
                progress.finished(environment, reached);
            }
        };
    }

    /**
     * Whether the command's own error line is to be printed: false once a signal arrived, whose line comes
     * instead. Asked before that line, so the two never both appear.
     */
    boolean reports() {
        return state.compareAndSet(State.RUNNING, State.RETURNED) || state.get() == State.RETURNED;
    }

    /** The command returned: a signal that came before prints its line now; one from now on prints nothing. */
    @Override
    public void close() {
        reports();
        returned.countDown();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs: it prints its line only when the signal came first
            }
        }
    }

    private void interrupted() {
        stop.set(true);
        // a command that runs until stopped returns as usual, so its own error line, if any, stands
        boolean first = !untilStopped && state.compareAndSet(State.RUNNING, State.INTERRUPTED);
        try {
            // core's hook ends the tools in flight, and the command records what they left; a wait of its own (a
            // store's lock another process holds, a watch's too) would last until its timeout: interrupted after a
            // moment
            if (!returned.await(INTERRUPT_AFTER.toMillis(), TimeUnit.MILLISECONDS)) {
                commandThread.interrupt();
            }
            returned.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (first) {
            progressDone.run();
            List<String> left;
            String again;
            synchronized (changing) {
                left = List.copyOf(notBegun);
                again = rerun;
            }
            err.println(line(command, names(), finished(), left, again));
            err.flush();
        }
    }

    /**
     * The environments a command of named ones ({@code stop}, {@code start}, {@code delete}) was asked to change and
     * did not begin, as the signal came first, which are as they were; {@code rerun}: the command, without names, that
     * changes them ({@code delete --keep-record}), or {@code null} for those {@code apply} recorded before it began
     * any, which a reconcile does: those {@code asked} that are not {@code reported}, the ones the engine left out of
     * what it returned. Told before the command returns.
     */
    void notBegun(Collection<String> asked, Collection<String> reported, String rerun) {
        synchronized (changing) {
            notBegun.clear();
            asked.stream().distinct().filter(n -> !reported.contains(n)).forEach(notBegun::add);
            this.rerun = rerun;
        }
    }

    /**
     * The environments the progress reported a step of and that are not yet as their records ask, in the order of
     * their first step since.
     */
    List<String> names() {
        synchronized (changing) {
            return new ArrayList<>(changing);
        }
    }

    /** Those the progress reported a step of and that are as their records ask, in the order they became so. */
    List<String> finished() {
        synchronized (changing) {
            return new ArrayList<>(finished);
        }
    }

    /**
     * What the line of a command interrupted while changing some environments ({@code names}), or while changing none,
     * adds for {@code notBegun}, those it had not begun ({@code rerun}: the command, without names, that changes them;
     * {@code null}: apply's, recorded, which a reconcile does); nothing when there are none, or when apply's line says
     * what to do with them as it changed none ({@code names} empty).
     */
    static String notBegunSuffix(List<String> names, List<String> notBegun, String rerun) {
        List<String> left = notBegun.stream().filter(n -> !names.contains(n)).toList();
        if (left.isEmpty() || names.isEmpty() && rerun == null) {
            return "";
        }
        boolean one = left.size() == 1;
        String listed = String.join(", ", left) + (one ? " was" : " were");
        return rerun == null
                ? "; " + listed + " recorded and not begun: 'envctl reconcile " + String.join(" ", left) + "' does it, "
                + "as does the same apply run again"
                : "; " + listed + " not begun, and " + (one ? "is as it was" : "are as they were") + ": 'envctl "
                + rerun + " " + String.join(" ", left) + "' does it";
    }

    /**
     * The line an interrupted {@code command} ends with, {@code names} the environments it was changing, {@code
     * finished} those it had changed as asked (told only when it was changing none), {@code notBegun} and {@code
     * rerun} as {@link #notBegun} has them. Changing none, it says to run the command again, unless it names those
     * it had not begun: with the command that changes them (a change it never recorded, no reconcile carries out),
     * or, for apply's, recorded, the same apply run again, as its converges would have.
     */
    static String line(String command, List<String> names, List<String> finished, List<String> notBegun,
                       String rerun) {
        String start = "envctl: " + command + " interrupted (SIGINT or SIGTERM)";
        if (names.isEmpty()) {
            String none = start + (finished.isEmpty() ? " before it changed any cluster" : " once it had finished "
                    + String.join(", ", finished) + ", with no other change of a cluster in flight");
            if (notBegun.isEmpty()) {
                return none + "; run it again (a change it recorded already, 'envctl reconcile' carries out)";
            }
            if (rerun != null) {
                return none + notBegunSuffix(names, notBegun, rerun);
            }
            boolean one = notBegun.size() == 1;
            return none + "; " + String.join(", ", notBegun) + (one
                    ? " was not begun: the same apply run again does it"
                    : " were not begun: the same apply run again does them") + " (a change it recorded already, "
                    + "'envctl reconcile " + String.join(" ", notBegun) + "' carries out)";
        }
        return start + " while changing " + String.join(", ", names) + ": the tools and hooks in flight were ended, "
                + "and " + (names.size() == 1 ? "its record keeps" : "their records keep") + " what was asked; "
                + "'envctl reconcile " + String.join(" ", names) + "' finishes the change from where it stopped"
                + notBegunSuffix(names, notBegun, rerun);
    }
}
