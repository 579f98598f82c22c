package dev.envctl.cli.internal;

import dev.envctl.core.spi.ProgressListener;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shows progress of long work on stderr. On a terminal the current step and the elapsed time update in place
 * (redrawn each second); otherwise each step is one plain line with the elapsed time. Tool output is shown
 * only with {@code -v}; nothing at all with {@code -q}. Colour only on a terminal and never when
 * {@code NO_COLOR} is set. The engine passes each step on once (a step the provider repeats is dropped there).
 * Thread-safe: the engine reports from worker threads.
 */
final class ConsoleProgress implements ProgressListener, AutoCloseable {
    private static final String CLEAR_LINE = "\r\u001b[2K";

    private final PrintStream err;
    private final boolean live;
    private final boolean color;
    private final boolean verbose;
    private final boolean quiet;
    private final long start = System.nanoTime();
    private String current;
    private ScheduledExecutorService ticker;

    ConsoleProgress(PrintStream err, boolean terminal, boolean color, boolean verbose, boolean quiet) {
        this.err = err;
        this.live = terminal && !quiet;
        this.color = color && live;
        this.verbose = verbose;
        this.quiet = quiet;
    }

    @Override
    public synchronized void step(String environment, String message) {
        if (quiet) {
            return;
        }
        current = environment == null || namesAsAWord(message, environment) ? message
                : environment + ": " + message;
        if (live) {
            startTicker();
            redraw();
        } else {
            err.println(elapsed() + " " + current);
        }
    }

    /**
     * Whether {@code message} names {@code environment} as a word of its own ("creating k3d cluster dev"): a name
     * such as {@code t} or {@code 80} inside another word ("taken", "28080") does not make the prefix redundant.
     */
    static boolean namesAsAWord(String message, String environment) {
        for (int at = message.indexOf(environment); at >= 0; at = message.indexOf(environment, at + 1)) {
            int end = at + environment.length();
            if ((at == 0 || !isNameChar(message.charAt(at - 1)))
                    && (end == message.length() || !isNameChar(message.charAt(end)))) {
                return true;
            }
        }
        return false;
    }

    /** A character of an environment name (lowercase letters, digits, '-'), or any other letter or digit. */
    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '-';
    }

    @Override
    public synchronized void output(String environment, String line, boolean stderr) {
        if (!verbose) {
            return;
        }
        if (live) {
            err.print(CLEAR_LINE);
        }
        err.println("  " + (environment == null ? "" : environment + " | ") + line);
        if (live) {
            redraw();
        }
    }

    /**
     * Ends the live line (leaving the last step with its time on a line of its own) so that what follows starts
     * on a clean line; a later step starts a new live line. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
        if (live && current != null) {
            err.print(CLEAR_LINE);
            err.println(elapsed() + " " + current);
        }
        current = null;
        err.flush();
    }

    private void startTicker() {
        if (ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "envctl-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::redraw, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Redraws the live line of the current step, if there is one. */
    private synchronized void redraw() {
        if (current != null) {
            String time = elapsed();
            err.print(CLEAR_LINE + (color ? "\u001b[36m" + time + "\u001b[0m" : time) + " " + current);
            err.flush();
        }
    }

    private String elapsed() {
        return String.format(Locale.ROOT, "[%6.1fs]", (System.nanoTime() - start) / 1e9);
    }
}
