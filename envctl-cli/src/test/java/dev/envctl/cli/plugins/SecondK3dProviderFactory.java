package dev.envctl.cli.plugins;

import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterProviderFactory;

import java.util.Map;

/** A provider plugin for tests that breaks the rule of unique ids: its id is that of the bundled k3d provider. */
public final class SecondK3dProviderFactory implements ClusterProviderFactory {
    @Override
    public String id() {
        return "k3d";
    }

    @Override
    public ClusterProvider create(Map<String, String> settings) {
        throw new UnsupportedOperationException("never created: envctl refuses two providers with one id");
    }
}
