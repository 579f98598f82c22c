package dev.envctl.cli.internal;

import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.ClusterProviderFactory;
import dev.envctl.core.spi.EnvironmentStoreFactory;
import dev.envctl.core.spi.LifecycleHookFactory;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Set;
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

    private static final String JDBC_PACKAGE = "dev.envctl.store.jdbc.";

    /**
     * The store factories that the distribution's {@code lib/envctl.jar} lists in its merged service file
     * ({@code BundledPluginsIT} reads the built jar and compares). Used instead of reading the service files
     * when that jar is the whole class path: listing them opens the jar's 7,000-entry directory, some 10 ms
     * of every {@code list}.
     */
    static final List<String> BUNDLED_STORES = List.of("dev.envctl.store.jdbc.JdbcStoreFactory",
            "dev.envctl.store.csv.CsvStoreFactory");

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

    /**
     * A registry of the store factories that may open {@code location}. For a location that is not
     * {@code jdbc:...}, factories of the PostgreSQL store package are left out without being instantiated
     * (only their class is loaded, not linked), because linking {@code JdbcStoreFactory} loads
     * {@code javax.sql} types; every factory is used when none of the others accepts the location, so the
     * "no store opens" message still lists them all.
     */
    PluginRegistry storesFor(String location) {
        if (stores != null || location == null || location.strip().startsWith("jdbc:")) {
            return stores();
        }
        List<EnvironmentStoreFactory> light = new ArrayList<>();
        boolean skipped = false;
        try {
            Iterable<String> names = onlyJarOnClassPath(System.getProperty("java.class.path", ""), codeSource())
                    ? BUNDLED_STORES : providerNames(EnvironmentStoreFactory.class);
            for (String name : names) {
                if (name.startsWith(JDBC_PACKAGE)) {
                    skipped = true;
                    continue;
                }
                light.add(Class.forName(name, true, loader).asSubclass(EnvironmentStoreFactory.class)
                        .getConstructor().newInstance());
            }
        } catch (IOException | ReflectiveOperationException | RuntimeException | LinkageError e) {
            return stores();
        }
        boolean accepted = false;
        for (EnvironmentStoreFactory f : light) {
            accepted |= f.accepts(location);
        }
        if (!skipped || !accepted) {
            return stores();
        }
        return PluginRegistry.of(light, List.of(), List.of());
    }

    /** The jar or folder envctl's classes come from, or {@code null} when unknown. */
    private static Path codeSource() {
        try {
            CodeSource source = Plugins.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** Whether every entry of {@code classPath} is the jar {@code self} (the launcher names it twice). */
    static boolean onlyJarOnClassPath(String classPath, Path self) {
        if (self == null || !self.getFileName().toString().endsWith(".jar") || classPath.isEmpty()) {
            return false;
        }
        Path jar = self.toAbsolutePath().normalize();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isEmpty() || !Path.of(entry).toAbsolutePath().normalize().equals(jar)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The provider class names listed for {@code type} in {@code META-INF/services}, without loading them (what
     * {@link ServiceLoader} reads; it would link each class to find its constructor).
     */
    private Set<String> providerNames(Class<?> type) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        Enumeration<URL> files = loader.getResources("META-INF/services/" + type.getName());
        while (files.hasMoreElements()) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(files.nextElement().openStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    int comment = line.indexOf('#');
                    String name = (comment < 0 ? line : line.substring(0, comment)).strip();
                    if (!name.isEmpty()) {
                        names.add(name);
                    }
                }
            }
        }
        return names;
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
                LoggerFactory.getLogger(Plugins.class).warn(problem);
                problems.add(problem);
            }
        }
    }
}
