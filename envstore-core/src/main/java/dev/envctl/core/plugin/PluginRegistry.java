package dev.envctl.core.plugin;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Redaction;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterProviderFactory;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.EnvironmentStoreFactory;
import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.LifecycleHookFactory;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The store, provider and hook factories envctl knows, by id. {@link #discover} finds them with
 * {@link ServiceLoader} (a broken jar is logged, recorded in {@link #problems()} and skipped); {@link #of}
 * takes explicit instances for embedding. Two factories of one kind with the same id are an error naming
 * both classes. Immutable and thread-safe.
 */
public final class PluginRegistry {

    private final Map<String, EnvironmentStoreFactory> stores;
    private final Map<String, ClusterProviderFactory> providers;
    private final Map<String, LifecycleHookFactory> hooks;
    private final List<String> problems;

    private PluginRegistry(List<EnvironmentStoreFactory> stores, List<ClusterProviderFactory> providers,
                           List<LifecycleHookFactory> hooks, List<String> problems) {
        this.stores = index("store", stores);
        this.providers = index("provider", providers);
        this.hooks = index("hook", hooks);
        this.problems = List.copyOf(problems);
    }

    /** Discovers every factory visible to {@code loader}. */
    public static PluginRegistry discover(ClassLoader loader) {
        List<String> problems = new ArrayList<>();
        return new PluginRegistry(load(EnvironmentStoreFactory.class, loader, problems),
                load(ClusterProviderFactory.class, loader, problems),
                load(LifecycleHookFactory.class, loader, problems), problems);
    }

    /** Discovers with the class loader that loaded envctl. */
    public static PluginRegistry discover() {
        return discover(PluginRegistry.class.getClassLoader());
    }

    /** A registry of exactly these factories. */
    public static PluginRegistry of(List<? extends EnvironmentStoreFactory> stores,
                                    List<? extends ClusterProviderFactory> providers,
                                    List<? extends LifecycleHookFactory> hooks) {
        return new PluginRegistry(List.copyOf(stores), List.copyOf(providers), List.copyOf(hooks), List.of());
    }

    private static <T> List<T> load(Class<T> type, ClassLoader loader, List<String> problems) {
        List<T> found = new ArrayList<>();
        Iterator<T> it = ServiceLoader.load(type, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                String problem = "skipped a broken " + type.getSimpleName() + " plugin: " + e.getMessage();
                // the logger is only looked up here: SLF4J's start-up costs a CLI run milliseconds
                LoggerFactory.getLogger(PluginRegistry.class).warn(problem);
                problems.add(problem);
            }
        }
        return found;
    }

    private static <T> Map<String, T> index(String kind, List<T> factories) {
        Map<String, T> byId = new LinkedHashMap<>();
        for (T f : factories) {
            String id = id(f);
            T other = byId.putIfAbsent(id, f);
            if (other != null) {
                throw new EnvctlException(ErrorCode.FAILURE, "two " + kind + " plugins have the id '" + id
                        + "': " + other.getClass().getName() + " (" + source(other.getClass()) + ") and "
                        + f.getClass().getName() + " (" + source(f.getClass()) + "); remove one jar from the "
                        + "class path");
            }
        }
        return Map.copyOf(byId);
    }

    /** The id of a factory of any kind . */
    private static String id(Object factory) {
        if (factory instanceof EnvironmentStoreFactory f) {
            return f.id();
        }
        if (factory instanceof ClusterProviderFactory f) {
            return f.id();
        }
        return ((LifecycleHookFactory) factory).id();
    }

    /** Problems met while discovering, one line each; empty when all went well. */
    public List<String> problems() {
        return problems;
    }

    public Set<String> storeIds() {
        return new TreeSet<>(stores.keySet());
    }

    public Set<String> providerIds() {
        return new TreeSet<>(providers.keySet());
    }

    public Set<String> hookIds() {
        return new TreeSet<>(hooks.keySet());
    }

    /** The store factory that accepts {@code location}, or an error listing the schemes there are. */
    public EnvironmentStoreFactory storeFactoryFor(String location) {
        if (location == null || location.isBlank()) {
            throw EnvctlException.invalid("no store location given; use --store or ENVCTL_STORE");
        }
        List<EnvironmentStoreFactory> accepting = new ArrayList<>();
        for (EnvironmentStoreFactory f : stores.values()) {
            if (f.accepts(location)) {
                accepting.add(f);
            }
        }
        if (accepting.isEmpty()) {
            String known = stores.values().stream().map(f -> f.id() + " (" + f.locationSyntax() + ")")
                    .sorted().collect(Collectors.joining(", "));
            throw EnvctlException.invalid("no store opens '" + Redaction.redact(location) + "'; known stores: "
                    + (known.isEmpty() ? "none (no store plugin on the class path)" : known));
        }
        return accepting.get(0);
    }

    /** Opens the store at {@code location}, rejecting setting keys its factory does not know. */
    public EnvironmentStore openStore(String location, Map<String, String> settings) {
        EnvironmentStoreFactory f = storeFactoryFor(location);
        requireKnownKeys("store " + f.id(), settings, f.settingKeys());
        return f.open(location, settings);
    }

    public ClusterProviderFactory providerFactory(String id) {
        return lookup("provider", providers, id);
    }

    /** Creates the provider {@code id}, rejecting setting keys its factory does not know. */
    public ClusterProvider createProvider(String id, Map<String, String> settings) {
        ClusterProviderFactory f = providerFactory(id);
        requireKnownKeys("provider " + id, settings, f.settingKeys());
        return f.create(settings);
    }

    public LifecycleHookFactory hookFactory(String id) {
        return lookup("hook", hooks, id);
    }

    /** Creates the hook {@code id}, rejecting setting keys its factory does not know. */
    public LifecycleHook createHook(String id, Map<String, String> settings) {
        LifecycleHookFactory f = hookFactory(id);
        requireKnownKeys("hook " + id, settings, f.settingKeys());
        return f.create(settings);
    }

    private static <T> T lookup(String kind, Map<String, T> byId, String id) {
        T f = byId.get(id);
        if (f == null) {
            throw new EnvctlException(ErrorCode.NOT_FOUND, "unknown " + kind + " '" + id + "'; known: "
                    + (byId.isEmpty() ? "none (no " + kind + " plugin on the class path)"
                    : String.join(", ", new TreeSet<>(byId.keySet()))));
        }
        return f;
    }

    /** Fails with a message listing the valid keys when {@code settings} has a key not in {@code valid}. */
    public static void requireKnownKeys(String what, Map<String, String> settings, Set<String> valid) {
        for (String key : new TreeSet<>(settings.keySet())) {
            if (!valid.contains(key)) {
                throw EnvctlException.invalid("unknown setting '" + key + "' for " + what + "; valid: "
                        + (valid.isEmpty() ? "none" : String.join(", ", new TreeSet<>(valid))));
            }
        }
    }

    /** Every plugin, sorted by kind and id, with its class and jar. */
    public List<PluginInfo> describe() {
        List<PluginInfo> all = new ArrayList<>();
        stores.values().forEach(f -> all.add(info("store", f.id(), f)));
        providers.values().forEach(f -> all.add(info("provider", f.id(), f)));
        hooks.values().forEach(f -> all.add(info("hook", f.id(), f)));
        all.sort((a, b) -> a.kind().equals(b.kind()) ? a.id().compareTo(b.id()) : a.kind().compareTo(b.kind()));
        return all;
    }

    private static PluginInfo info(String kind, String id, Object factory) {
        return new PluginInfo(kind, id, factory.getClass().getName(), source(factory.getClass()));
    }

    private static String source(Class<?> type) {
        CodeSource cs = type.getProtectionDomain().getCodeSource();
        URL url = cs == null ? null : cs.getLocation();
        return url == null ? "unknown source" : url.getPath();
    }
}
