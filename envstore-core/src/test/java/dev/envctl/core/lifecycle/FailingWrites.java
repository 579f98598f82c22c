package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Remedy;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.testing.DelegatingStore;

import java.util.EnumMap;
import java.util.Map;

/** A store whose updates to a given actual state fail as an unavailable store's would, a set number of times. */
final class FailingWrites extends DelegatingStore {
    private final Map<ActualState, Integer> failures = new EnumMap<>(ActualState.class);
    private Remedy remedy;

    FailingWrites(EnvironmentStore delegate) {
        super(delegate);
    }

    synchronized void failWriteOf(ActualState state, int times) {
        failures.put(state, times);
    }

    /** The failures carry {@code remedy}, as a CSV store's lock timeout does. */
    synchronized void withRemedy(Remedy remedy) {
        this.remedy = remedy;
    }

    @Override
    public Environment update(Environment next, long expectedVersion) {
        synchronized (this) {
            int left = failures.getOrDefault(next.actualState(), 0);
            if (left > 0) {
                failures.put(next.actualState(), left - 1);
                throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "store memory: is unavailable: disk full", null,
                        remedy);
            }
        }
        return super.update(next, expectedVersion);
    }
}
