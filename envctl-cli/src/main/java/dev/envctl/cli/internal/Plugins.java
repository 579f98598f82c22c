package dev.envctl.cli.internal;

import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.ClusterProviderFactory;
import dev.envctl.core.spi.EnvironmentStoreFactory;
import dev.envctl.core.spi.LifecycleHookFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Discovers plugins one kind at a time, only when a command needs that kind: {@code list} on a CSV store loads
 * store factories only, never a provider or hook. A broken jar is logged, recorded and skipped, as
 * {@link PluginRegistry#discover} does. Not thread-safe (one per command run).
 */
final class Plugins {
    private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);

    private final ClassLoader loader;
    private final List<String> problems = new ArrayList<>();
    private List<EnvironmentStoreFactory> stores;
    private List<ClusterProviderFactory> providers;
    private List<LifecycleHookFactory> hooks;

    Plugins(ClassLoader loader) {
        this.loader = loader;
    }

    /** A registry of the store factories only. */
    PluginRegistry stores() {
        if (stores == null) {
            stores = load(EnvironmentStoreFactory.class);
        }
        return PluginRegistry.of(stores, List.of(), List.of());
    }

    /** The store factories themselves (the registry has no getter for them). */
    List<EnvironmentStoreFactory> storeFactories() {
        stores();
        return List.copyOf(stores);
    }

    /** A registry of the provider factories only. */
    PluginRegistry providers() {
        if (providers == null) {
            providers = load(ClusterProviderFactory.class);
        }
        return PluginRegistry.of(List.of(), providers, List.of());
    }

    /** A registry of the hook factories only. */
    PluginRegistry hooks() {
        if (hooks == null) {
            hooks = load(LifecycleHookFactory.class);
        }
        return PluginRegistry.of(List.of(), List.of(), hooks);
    }

    /** Every kind, for {@code envctl plugins}. */
    PluginRegistry all() {
        stores();
        providers();
        hooks();
        return PluginRegistry.of(stores, providers, hooks);
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    private <T> List<T> load(Class<T> type) {
        List<T> found = new ArrayList<>();
        Iterator<T> it = ServiceLoader.load(type, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    return found;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                String problem = "skipped a broken " + type.getSimpleName() + " plugin: " + e.getMessage();
                LOG.warn(problem);
                problems.add(problem);
            }
        }
    }
}
