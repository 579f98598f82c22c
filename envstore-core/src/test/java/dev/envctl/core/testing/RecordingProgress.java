package dev.envctl.core.testing;

import dev.envctl.core.spi.ProgressListener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A {@link ProgressListener} that keeps the message of every step, in order, for assertions. Thread-safe. */
public final class RecordingProgress implements ProgressListener {
    private final List<String> steps = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void step(String environment, String message) {
        steps.add(message);
    }

    /** The step messages so far. */
    public List<String> steps() {
        synchronized (steps) {
            return List.copyOf(steps);
        }
    }
}
