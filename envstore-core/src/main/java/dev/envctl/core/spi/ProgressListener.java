package dev.envctl.core.spi;

/**
 * Receives progress of long work: the step being taken and each line a provider's tool prints. Called from
 * worker threads; implementations are thread-safe.
 */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {
    };

    /**
     * A new step began, such as "creating k3d cluster dev". The engine passes each step on once: one that repeats
     * the last step of its environment (the engine and the provider it calls both announce a create) is dropped.
     */
    default void step(String environment, String message) {
    }

    /** One line the tool printed on stdout ({@code stderr} false) or stderr. */
    default void output(String environment, String line, boolean stderr) {
    }

    /**
     * The engine is done with {@code environment} for now: {@code reached} true when it is as its record asks (or
     * another envctl process is carrying the change out), false when the change failed or was cut short, and the
     * record keeps what was asked for a later reconcile.
     */
    default void finished(String environment, boolean reached) {
    }
}
