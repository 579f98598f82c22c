package dev.envctl.core.testing;

import dev.envctl.core.spi.EnvironmentStore;

class InMemoryTakenPortTest extends TakenPortContract {
    @Override
    protected EnvironmentStore newStore() {
        return new InMemoryEnvironmentStore();
    }
}
