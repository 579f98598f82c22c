package dev.envctl.core.spi;

import java.util.Map;
import java.util.Set;

/**
 * Creates a {@link LifecycleHook} from settings. Found with {@link java.util.ServiceLoader} under
 * {@code META-INF/services/dev.envctl.core.spi.LifecycleHookFactory}; public no-argument constructor.
 */
public interface LifecycleHookFactory {

    /**
     * Stable id, such as {@code exec}. Lowercase letters, digits and
     * {@code -}, starting with a letter, at most 32 characters
     * ({@link dev.envctl.core.Validation#isPluginId}); discovery skips a factory with any other id.
     */
    String id();

    /** The setting keys {@link #create} understands; the registry rejects any other key. */
    default Set<String> settingKeys() {
        return Set.of();
    }

    LifecycleHook create(Map<String, String> settings);
}
