package dev.envctl.provider.k3d;

import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterProviderFactory;
import dev.envctl.provider.k3d.internal.K3dSettings;

import java.util.Map;
import java.util.Set;

/**
 * Creates {@link K3dProvider}s (id {@code k3d}). Settings, all optional: {@code binary} (default {@code k3d} on
 * {@code PATH}), {@code docker-binary} (default {@code docker}), {@code network} (the shared network, default
 * {@code k3d-shared}), {@code timeout} (per call, default {@code 300s}), {@code wait} ({@code true}),
 * {@code servers}, {@code agents}, {@code image} and {@code k3s-args} (whitespace-separated {@code --k3s-arg}
 * values). An environment's options {@code servers}, {@code agents}, {@code image}, {@code k3s-args},
 * {@code wait} and {@code timeout} override them. Found by {@link java.util.ServiceLoader}; stateless.
 */
public final class K3dProviderFactory implements ClusterProviderFactory {

    @Override
    public String id() {
        return K3dProvider.ID;
    }

    @Override
    public Set<String> settingKeys() {
        return K3dSettings.KEYS;
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
    public K3dProvider create(Map<String, String> settings, Map<String, String> environment) {
        return new K3dProvider(K3dSettings.parse(settings), environment);
    }
}
