package dev.envctl.core.testing;

import dev.envctl.core.spi.EnvironmentStore;

class InMemoryApplyTest extends ApplyContract {
    @Override
    protected EnvironmentStore newStore() {
        return new InMemoryEnvironmentStore();
    }
}
