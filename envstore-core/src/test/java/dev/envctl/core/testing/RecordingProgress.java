package dev.envctl.core.testing;

import dev.envctl.core.spi.ProgressListener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A {@link ProgressListener} that keeps the message of every step, in order, for assertions, and a transcript of
 * steps and tool output lines together. Thread-safe.
 */
public final class RecordingProgress implements ProgressListener {
    private final List<String> steps = Collections.synchronizedList(new ArrayList<>());
    private final List<String> transcript = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void step(String environment, String message) {
        steps.add(message);
        transcript.add("step " + environment + ": " + message);
    }

    @Override
    public void output(String environment, String line, boolean stderr) {
        transcript.add((stderr ? "err " : "out ") + environment + ": " + line);
    }

    /** The step messages so far. */
    public List<String> steps() {
        synchronized (steps) {
            return List.copyOf(steps);
        }
    }

    /**
     * Steps and output lines so far, in order, each as {@code step ENV: MESSAGE}, {@code out ENV: LINE} (a tool's
     * stdout) or {@code err ENV: LINE} (its stderr).
     */
    public List<String> transcript() {
        synchronized (transcript) {
            return List.copyOf(transcript);
        }
    }
}
