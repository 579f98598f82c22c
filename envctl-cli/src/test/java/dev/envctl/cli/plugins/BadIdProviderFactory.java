package dev.envctl.cli.plugins;

import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterProviderFactory;

import java.util.Map;

/** A broken provider plugin for tests: its id breaks the rule of ids, so discovery skips it. */
public final class BadIdProviderFactory implements ClusterProviderFactory {
    @Override
    public String id() {
        return "Bad_Id";
    }

    @Override
    public ClusterProvider create(Map<String, String> settings) {
        throw new UnsupportedOperationException("never created: discovery skips it");
    }
}
