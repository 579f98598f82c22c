package dev.envctl.cli.plugins;

import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterProviderFactory;

import java.util.Map;

/** A broken provider plugin for tests: its factory makes no provider. */
public final class NullProviderFactory implements ClusterProviderFactory {
    @Override
    public String id() {
        return "nullprov";
    }

    @Override
    public ClusterProvider create(Map<String, String> settings) {
        return null;
    }
}
