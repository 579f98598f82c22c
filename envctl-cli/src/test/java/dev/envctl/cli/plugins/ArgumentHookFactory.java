package dev.envctl.cli.plugins;

import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.LifecycleHookFactory;

import java.util.Map;

/** A broken hook plugin for tests: its only constructor takes an argument, so no one can instantiate it. */
public final class ArgumentHookFactory implements LifecycleHookFactory {
    private final String id;

    public ArgumentHookFactory(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public LifecycleHook create(Map<String, String> settings) {
        throw new UnsupportedOperationException("never created: discovery skips it");
    }
}
