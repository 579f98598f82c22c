package dev.envctl.core.lifecycle;

import dev.envctl.core.EnvctlException;

import java.time.Duration;
import java.util.Objects;

/**
 * How the {@link LifecycleEngine} behaves.
 *
 * @param concurrency     most environments converged at once by one engine, 1 to 64 (default 3)
 * @param driftPolicy     what to do with a {@code running} record whose cluster vanished (default RECREATE)
 * @param providerTimeout informational: the timeout the caller gave its providers (default 10 minutes)
 */
public record EngineOptions(int concurrency, DriftPolicy driftPolicy, Duration providerTimeout) {
    public static final int DEFAULT_CONCURRENCY = 3;
    public static final int MAX_CONCURRENCY = 64;

    public EngineOptions {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw EnvctlException.invalid("concurrency " + concurrency + " is out of range; allowed: 1 to "
                    + MAX_CONCURRENCY);
        }
        Objects.requireNonNull(driftPolicy, "driftPolicy");
        Objects.requireNonNull(providerTimeout, "providerTimeout");
    }

    public static EngineOptions defaults() {
        return new EngineOptions(DEFAULT_CONCURRENCY, DriftPolicy.RECREATE, Duration.ofMinutes(10));
    }

    public EngineOptions withConcurrency(int n) {
        return new EngineOptions(n, driftPolicy, providerTimeout);
    }

    public EngineOptions withDriftPolicy(DriftPolicy policy) {
        return new EngineOptions(concurrency, policy, providerTimeout);
    }
}
