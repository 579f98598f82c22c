package dev.envctl.core.spi;

import dev.envctl.core.Environment;
import dev.envctl.core.Host;

/**
 * An integration run around the lifecycle of each environment (HAProxy routes, Portainer, Argo CD, ...).
 * A hook that throws marks the environment {@code failed} with the hook's name and message; nothing a hook
 * throws is ignored. Implementations are thread-safe: hooks of different environments run in parallel.
 */
public interface LifecycleHook {

    /** Name shown in errors and logs. */
    String name();

    /**
     * Whether this hook has anything to do in {@code phase}; when false the engine neither calls it in that phase
     * nor reports it as a step. By default true: a hook that knows it has nothing to run (no script for the phase)
     * overrides this.
     */
    default boolean runsIn(HookPhase phase) {
        return true;
    }

    /** Runs in {@code phase} for {@code environment} (its record as stored at that moment). */
    void run(HookPhase phase, Environment environment);

    /**
     * Runs in {@code phase} for {@code environment} on {@code host} (the {@link Host} its record names, with its
     * Docker endpoint and address); what the engine calls. By default {@link #run(HookPhase, Environment)}: a
     * hook that needs the host's endpoint overrides this one.
     */
    default void run(HookPhase phase, Environment environment, Host host) {
        run(phase, environment);
    }
}
