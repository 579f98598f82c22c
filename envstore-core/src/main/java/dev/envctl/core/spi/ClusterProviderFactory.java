package dev.envctl.core.spi;

import java.util.Map;
import java.util.Set;

/**
 * Creates a {@link ClusterProvider} from settings. Found with {@link java.util.ServiceLoader} under
 * {@code META-INF/services/dev.envctl.core.spi.ClusterProviderFactory}; public no-argument constructor.
 */
public interface ClusterProviderFactory {

    /**
     * Stable id, such as {@code k3d}; it is the {@code provider} of the environments it makes. Lowercase
     * letters, digits and {@code -}, starting with a letter, at most 32 characters
     * ({@link dev.envctl.core.Validation#isPluginId}); discovery skips a factory with any other id.
     */
    String id();

    /** The setting keys {@link #create} understands; the registry rejects any other key. */
    default Set<String> settingKeys() {
        return Set.of();
    }

    ClusterProvider create(Map<String, String> settings);

    /**
     * Creates the provider with the process environment its tools see (whose {@code PATH} is searched for
     * them) instead of this JVM's. Providers that run tools override it; the default ignores
     * {@code environment}.
     */
    default ClusterProvider create(Map<String, String> settings, Map<String, String> environment) {
        return create(settings);
    }
}
