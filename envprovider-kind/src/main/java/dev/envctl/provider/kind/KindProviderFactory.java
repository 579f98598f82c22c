package dev.envctl.provider.kind;

import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterProviderFactory;
import dev.envctl.provider.kind.internal.KindSettings;

import java.util.Map;
import java.util.Set;

/**
 * Creates {@link KindProvider}s (id {@code kind}). Settings, all optional: {@code binary} (default {@code kind} on
 * {@code PATH}), {@code docker-binary} (default {@code docker}), {@code listen-address} (of the http and https
 * port mappings, default {@code 0.0.0.0}), {@code image} (node image, default kind's) and {@code timeout} (per
 * call, default {@code 300s}). An environment's options {@code image} and {@code timeout} override them; its
 * options {@code servers} and {@code agents} give the number of control-plane and worker nodes. Found by
 * {@link java.util.ServiceLoader}; stateless.
 */
public final class KindProviderFactory implements ClusterProviderFactory {

    @Override
    public String id() {
        return KindProvider.ID;
    }

    @Override
    public Set<String> settingKeys() {
        return KindSettings.KEYS;
    }

    /** A provider that finds its tools on this process's {@code PATH}. */
    @Override
    public ClusterProvider create(Map<String, String> settings) {
        return create(settings, System.getenv());
    }

    /**
     * A provider that finds its tools on the {@code PATH} of {@code environment} and runs them with that
     * environment (on top of this process's), for embedding and for tests with stand-in tools.
     *
     * @throws dev.envctl.core.EnvctlException INVALID_INPUT for an unknown key or a bad value
     */
    @Override
    public KindProvider create(Map<String, String> settings, Map<String, String> environment) {
        return new KindProvider(KindSettings.parse(settings), environment);
    }
}
