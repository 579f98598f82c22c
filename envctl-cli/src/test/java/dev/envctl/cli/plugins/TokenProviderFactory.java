package dev.envctl.cli.plugins;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterProviderFactory;

import java.util.Map;
import java.util.Set;

/** A provider plugin for tests whose factory makes no provider without its setting {@code token}. */
public final class TokenProviderFactory implements ClusterProviderFactory {
    @Override
    public String id() {
        return "tokenprov";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of("token");
    }

    @Override
    public ClusterProvider create(Map<String, String> settings) {
        if (!settings.containsKey("token")) {
            throw EnvctlException.invalid("provider tokenprov needs the setting 'token': the API token of its cloud");
        }
        throw new UnsupportedOperationException("tokenprov is a test plugin: it only checks its setting");
    }
}
