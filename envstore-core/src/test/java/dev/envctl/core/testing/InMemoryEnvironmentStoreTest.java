package dev.envctl.core.testing;

import dev.envctl.core.spi.EnvironmentStore;

class InMemoryEnvironmentStoreTest extends EnvironmentStoreContract {
    @Override
    protected EnvironmentStore newStore() {
        return new InMemoryEnvironmentStore();
    }
}
