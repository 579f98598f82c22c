package dev.envctl.core.lifecycle;

import dev.envctl.core.EnvctlException;

import java.util.Objects;

/**
 * How the {@link LifecycleEngine} behaves.
 *
 * @param concurrency     most environments converged at once by one engine, 1 to 64 (default 3)
 * @param driftPolicy     what to do with a {@code running} record whose cluster vanished (default RECREATE)
 */
public record EngineOptions(int concurrency, DriftPolicy driftPolicy) {
    public static final int DEFAULT_CONCURRENCY = 3;
    public static final int MAX_CONCURRENCY = 64;

    public EngineOptions {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw EnvctlException.invalid("concurrency " + concurrency + " is out of range; allowed: 1 to "
                    + MAX_CONCURRENCY);
        }
        Objects.requireNonNull(driftPolicy, "driftPolicy");
    }

    public static EngineOptions defaults() {
        return new EngineOptions(DEFAULT_CONCURRENCY, DriftPolicy.RECREATE);
    }

    public EngineOptions withConcurrency(int n) {
        return new EngineOptions(n, driftPolicy);
    }

    public EngineOptions withDriftPolicy(DriftPolicy policy) {
        return new EngineOptions(concurrency, policy);
    }
}
