package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * A caller's {@link ProgressListener} that cannot fail the work it watches: what it throws, an {@link Error} such
 * as an {@code AssertionError} included (but one the JVM cannot go on after), is logged (WARN the first time,
 * DEBUG after) and the step goes on, so a bug in a progress display never leaves an environment failed, stuck
 * {@code creating}, or a delete that cannot finish. It hears each step once: one that repeats the last step of its
 * environment, or only its beginning up to the end of a word (the engine says "creating k3d cluster dev", then the
 * provider it calls says so too; the engine says "stopping k3d cluster dev, whose create did not finish", then the
 * provider "stopping k3d cluster dev"), is not passed on, until the environment is {@link #finished}.
 */
final class GuardedProgress implements ProgressListener {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedProgress.class);

    private final ProgressListener listener;
    private volatile boolean warned;
    /** The last step passed on, by environment ("" for none). */
    private final Map<String, String> lastStep = new HashMap<>();

    private GuardedProgress(ProgressListener listener) {
        this.listener = listener;
    }

    static ProgressListener of(ProgressListener listener) {
        return listener == ProgressListener.NONE || listener instanceof GuardedProgress ? listener
                : new GuardedProgress(listener);
    }

    @Override
    public void step(String environment, String message) {
        if (message != null && repeated(environment == null ? "" : environment, message)) {
            return;
        }
        guarded(() -> listener.step(environment, message));
    }

    /** Whether {@code step} repeats the last step of {@code environment}, which it becomes otherwise. */
    private synchronized boolean repeated(String environment, String step) {
        String last = lastStep.get(environment);
        if (last != null && last.startsWith(step) && (last.length() == step.length()
                || !Character.isLetterOrDigit(last.charAt(step.length())) && last.charAt(step.length()) != '-')) {
            return true;
        }
        lastStep.put(environment, step);
        return false;
    }

    @Override
    public void output(String environment, String line, boolean stderr) {
        guarded(() -> listener.output(environment, line, stderr));
    }

    @Override
    public void finished(String environment, boolean reached) {
        synchronized (this) {
            lastStep.remove(environment == null ? "" : environment); // its next converge says its steps again
        }
        guarded(() -> listener.finished(environment, reached));
    }

    /** Runs one call of the listener; what it throws is logged and ignored. */
    private void guarded(Runnable call) {
        try {
            call.run();
        } catch (Throwable e) {
            PluginRegistry.rethrowIfFatal(e);
            failed(e);
        }
    }

    private void failed(Throwable e) {
        if (!warned) {
            warned = true;
            LOG.warn("the progress listener {} failed, and is ignored: {}", listener.getClass().getName(),
                    e.toString());
        }
        LOG.debug("progress listener failure", e);
    }
}
