package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A caller's {@link ProgressListener} that cannot fail the work it watches: what it throws, an {@link Error} such
 * as an {@code AssertionError} included (but one the JVM cannot go on after), is logged (WARN the first time,
 * DEBUG after) and the step goes on, so a bug in a progress display never leaves an environment failed, stuck
 * {@code creating}, or a delete that cannot finish.
 */
final class GuardedProgress implements ProgressListener {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedProgress.class);

    private final ProgressListener listener;
    private volatile boolean warned;

    private GuardedProgress(ProgressListener listener) {
        this.listener = listener;
    }

    static ProgressListener of(ProgressListener listener) {
        return listener == ProgressListener.NONE || listener instanceof GuardedProgress ? listener
                : new GuardedProgress(listener);
    }

    @Override
    public void step(String environment, String message) {
        guarded(() -> listener.step(environment, message));
    }

    @Override
    public void output(String environment, String line, boolean stderr) {
        guarded(() -> listener.output(environment, line, stderr));
    }

    @Override
    public void finished(String environment, boolean reached) {
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
