package dev.envctl.core.lifecycle;

import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.testing.DelegatingStore;

import java.util.List;
import java.util.function.Supplier;

/** A store whose listings throw a given error a set number of times, as a server gone or a plugin's bug would. */
final class FailingListings extends DelegatingStore {
    private Supplier<RuntimeException> error;
    private int left;

    FailingListings(EnvironmentStore delegate) {
        super(delegate);
    }

    /** The next {@code times} listings throw what {@code error} makes. */
    synchronized void failNext(int times, Supplier<RuntimeException> error) {
        this.left = times;
        this.error = error;
    }

    @Override
    public List<Environment> list(EnvironmentFilter filter) {
        synchronized (this) {
            if (left > 0) {
                left--;
                throw error.get();
            }
        }
        return super.list(filter);
    }
}
