package dev.envctl.core.lifecycle.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Retry spacing of the continuous reconciler, counted in rounds rather than time so it is exact and
 * testable: after the n-th failure in a row an environment sits out {@code min(2^(n-1), 16) - 1} rounds
 * (0, 1, 3, 7, then 15); a success resets it. Not thread-safe: the watch loop owns it.
 */
public final class Backoff {
    static final int MAX_SPACING = 16;

    private final Map<String, Integer> failures = new HashMap<>();
    private final Map<String, Long> nextRound = new HashMap<>();

    /** Whether {@code key} is due in {@code round}. */
    public boolean due(String key, long round) {
        return nextRound.getOrDefault(key, Long.MIN_VALUE) <= round;
    }

    /** Records how {@code key} fared in {@code round}. */
    public void record(String key, boolean failed, long round) {
        if (!failed) {
            failures.remove(key);
            nextRound.remove(key);
            return;
        }
        int n = failures.merge(key, 1, Integer::sum);
        long spacing = Math.min(1L << Math.min(n - 1, 30), MAX_SPACING);
        nextRound.put(key, round + spacing);
    }

    /** Forgets every key but {@code keys} and {@code kept}: those of records gone are never due again. */
    public void retainOnly(Set<String> keys, String kept) {
        failures.keySet().removeIf(k -> !k.equals(kept) && !keys.contains(k));
        nextRound.keySet().removeIf(k -> !k.equals(kept) && !keys.contains(k));
    }

    /** Consecutive failures of {@code key}. */
    public int failures(String key) {
        return failures.getOrDefault(key, 0);
    }
}
