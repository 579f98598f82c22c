package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.Host;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Runs the hooks of a phase in their given order and stops at the first that throws. A failure is returned
 * as one line naming the hook, the phase and the hook's message; the caller records it as the
 * environment's {@code lastError}; an {@link Error} counts as a failure too ({@link AssertionError},
 * {@link StackOverflowError}, a class missing from the hook's jar), but one that leaves the JVM unusable (out of
 * memory) propagates. Thread-safe.
 */
public final class HookRunner {
    /** What follows the hook's name in its failure: {@code hook 'NAME' failed in PHASE: WHY}. */
    private static final String FAILED_IN = "' failed in ";
    private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);

    private final List<LifecycleHook> hooks;
    /**
     * What each hook's step calls it, by position: its name, and {@code #N} when another hook has that name (an
     * embedder's two exec hooks over two folders), as a step repeating the last one is not passed on.
     */
    private final List<String> stepNames;

    public HookRunner(List<LifecycleHook> hooks) {
        this.hooks = List.copyOf(hooks);
        List<String> names = this.hooks.stream().map(h -> String.valueOf(h.name())).toList();
        Map<String, Long> named = names.stream().collect(Collectors.groupingBy(n -> n, Collectors.counting()));
        Map<String, Integer> seen = new HashMap<>();
        this.stepNames = names.stream().map(n -> named.get(n) == 1 ? n : n + " #" + seen.merge(n, 1, Integer::sum))
                .toList();
    }

    /**
     * Runs every hook of {@code phase} for {@code environment} on {@code host} but those with nothing to run in it
     * ({@link LifecycleHook#runsIn}); the first failure's message, or empty when all succeeded.
     */
    public Optional<String> run(HookPhase phase, Environment environment, Host host, ProgressListener progress) {
        for (int i = 0; i < hooks.size(); i++) {
            LifecycleHook hook = hooks.get(i);
            try {
                if (!hook.runsIn(phase)) {
                    continue;
                }
                progress.step(environment.name(), "running hook " + stepNames.get(i) + " (" + phase.key() + ")");
                hook.run(phase, environment, host);
            } catch (Throwable e) {
                PluginRegistry.rethrowIfFatal(e);
                String message = Environment.HOOK_FAILURE_PREFIX + hook.name() + FAILED_IN + phase.key() + ": "
                        + describe(e);
                // returned, and so recorded as lastError and reported by the caller: not logged a second time
                LOG.debug("{}: {}", environment.name(), message, e);
                return Optional.of(message);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code e}'s cluster was made and its post-create hooks have not passed since: its last error is their
     * failure ({@code hook 'NAME' failed in post-create: ...}), or a later stop's or start's failure joined to it
     * ({@link #keepingPendingHooks}).
     */
    public static boolean postCreateFailed(Environment e) {
        return pendingPostCreate(e) != null;
    }

    /**
     * The last error {@code e} keeps when it is recorded {@code stopped}: the post-create hooks' failure
     * ({@link #postCreateFailed}), so that the start runs those hooks again; {@code null} for anything else, which
     * the stop leaves behind.
     */
    public static String keptWhenStopped(Environment e) {
        return pendingPostCreate(e);
    }

    /**
     * The last error a failed stop or start of {@code e} records: {@code error}, and when the post-create hooks of
     * {@code e} have not passed, their failure after it ({@code ERROR; the post-create hooks have not passed since:
     * hook 'NAME' failed in post-create: ...}), so that the sign that they must run outlives the failure.
     */
    public static String keepingPendingHooks(Environment e, String error) {
        String pending = pendingPostCreate(e);
        return pending == null ? error : error + Environment.PENDING_HOOKS + pending;
    }

    /** The post-create hooks' failure that {@code e}'s last error is or ends with, or {@code null}. */
    private static String pendingPostCreate(Environment e) {
        String error = e.lastError();
        if (error == null) {
            return null;
        }
        int at = error.startsWith(Environment.HOOK_FAILURE_PREFIX) ? 0
                : error.indexOf(Environment.PENDING_HOOKS + Environment.HOOK_FAILURE_PREFIX);
        if (at < 0) {
            return null;
        }
        String hook = at == 0 ? error : error.substring(at + Environment.PENDING_HOOKS.length());
        int end = hook.indexOf(FAILED_IN, Environment.HOOK_FAILURE_PREFIX.length());
        return end >= 0 && hook.startsWith(FAILED_IN + HookPhase.POST_CREATE.key() + ": ", end) ? hook : null;
    }

    /** The message of an envctl error, or the type and message of anything else. */
    static String describe(Throwable e) {
        if (e instanceof EnvctlException) {
            return e.getMessage();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + m;
    }
}
