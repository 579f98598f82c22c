package dev.envctl.core.plugin;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Redaction;
import dev.envctl.core.Validation;
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
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The store, provider and hook factories envctl knows, by id. {@link #discover} finds them with
 * {@link ServiceLoader}, one kind at a time on first use (a {@code list} on a CSV store instantiates store
 * factories only); a broken jar is logged, recorded in {@link #problems()} and skipped. {@link #of} takes
 * explicit instances for embedding. Two factories of one kind with the same id are an installation error: every
 * use of that kind (its ids, any of its factories) is {@link ErrorCode#INVALID_INPUT} naming both classes and jars,
 * while {@link #describe} lists both and {@link #problems} reports it. Thread-safe.
 */
public final class PluginRegistry {

    private final Kind<EnvironmentStoreFactory> stores;
    private final Kind<ClusterProviderFactory> providers;
    private final Kind<LifecycleHookFactory> hooks;
    private final CopyOnWriteArrayList<String> problems;

    private PluginRegistry(Kind<EnvironmentStoreFactory> stores, Kind<ClusterProviderFactory> providers,
                           Kind<LifecycleHookFactory> hooks, CopyOnWriteArrayList<String> problems) {
        this.stores = stores;
        this.providers = providers;
        this.hooks = hooks;
        this.problems = problems;
    }

    /** Discovers the factories visible to {@code loader}, each kind when it is first asked for. */
    public static PluginRegistry discover(ClassLoader loader) {
        CopyOnWriteArrayList<String> problems = new CopyOnWriteArrayList<>();
        return new PluginRegistry(
                new Kind<>("store", () -> load(EnvironmentStoreFactory.class, EnvironmentStoreFactory::id, loader,
                        problems), EnvironmentStoreFactory::id),
                new Kind<>("provider", () -> load(ClusterProviderFactory.class, ClusterProviderFactory::id, loader,
                        problems), ClusterProviderFactory::id),
                new Kind<>("hook", () -> load(LifecycleHookFactory.class, LifecycleHookFactory::id, loader, problems),
                        LifecycleHookFactory::id),
                problems);
    }

    /** Discovers with the class loader that loaded envctl. */
    public static PluginRegistry discover() {
        return discover(PluginRegistry.class.getClassLoader());
    }

    /** A registry of exactly these factories. */
    public static PluginRegistry of(List<? extends EnvironmentStoreFactory> stores,
                                    List<? extends ClusterProviderFactory> providers,
                                    List<? extends LifecycleHookFactory> hooks) {
        List<EnvironmentStoreFactory> s = List.copyOf(stores);
        List<ClusterProviderFactory> p = List.copyOf(providers);
        List<LifecycleHookFactory> h = List.copyOf(hooks);
        PluginRegistry r = new PluginRegistry(new Kind<>("store", () -> s, EnvironmentStoreFactory::id),
                new Kind<>("provider", () -> p, ClusterProviderFactory::id),
                new Kind<>("hook", () -> h, LifecycleHookFactory::id), new CopyOnWriteArrayList<>());
        r.stores.get();
        r.providers.get();
        r.hooks.get();
        return r;
    }

    /**
     * The one discovery loop, for every kind: {@link ServiceLoader#stream()} of {@code type}, each provider
     * instantiated on its own and asked its {@code id}, so that a broken one (missing class, no public no-argument
     * constructor, failing constructor or id, an id that is not a valid id) is skipped alone, named with its class and jar.
     */
    private static <T> List<T> load(Class<T> type, Function<T, String> id, ClassLoader loader,
                                    CopyOnWriteArrayList<String> problems) {
        List<T> found = new ArrayList<>();
        Iterator<ServiceLoader.Provider<T>> it = ServiceLoader.load(type, loader).stream().iterator();
        while (true) {
            ServiceLoader.Provider<T> p = null;
            Class<?> unbuilt = null;
            String problem;
            try {
                if (!it.hasNext()) {
                    return found;
                }
                p = it.next();
                T factory = p.get();
                String key = id.apply(factory);
                if (Validation.isPluginId(key)) {
                    found.add(factory);
                    continue;
                }
                problem = invalidId(key);
            } catch (Throwable e) {
                rethrowIfFatal(e);
                unbuilt = p == null ? withoutConstructor(e, type, loader) : null;
                // a class the factory extends or implements missing from its jar fails in hasNext, before
                // ServiceLoader names the factory: the missing class is all there is to report then
                problem = unbuilt != null ? "it has no public no-argument constructor"
                        : (p == null && e instanceof LinkageError ? "a class it needs is missing: " : "") + e;
            }
            Class<?> named = p != null ? p.type() : unbuilt;
            report(problems, "skipped a broken " + type.getSimpleName() + " plugin"
                    + (named == null ? "" : " " + named.getName() + " (" + source(named) + ")") + ": " + problem);
        }
    }

    /**
     * The factory class {@code e} says has no public no-argument constructor, else null. {@link ServiceLoader}
     * looks for that constructor in {@code hasNext}, before it hands out the {@link ServiceLoader.Provider} whose
     * {@code type()} would name the class; the class did load, so it is loaded again here to name its jar. Its
     * name is only in the message ({@code SERVICE: CLASS Unable to get public no-arg constructor}); a message of
     * another shape leaves the error reported as it is.
     */
    private static Class<?> withoutConstructor(Throwable e, Class<?> type, ClassLoader loader) {
        String prefix = type.getName() + ": ";
        String suffix = " Unable to get public no-arg constructor";
        String message = e.getMessage();
        if (!(e instanceof ServiceConfigurationError) || !(e.getCause() instanceof NoSuchMethodException)
                || message == null || !message.startsWith(prefix) || !message.endsWith(suffix)) {
            return null;
        }
        try {
            return Class.forName(message.substring(prefix.length(), message.length() - suffix.length()), false,
                    loader == null ? ClassLoader.getSystemClassLoader() : loader);
        } catch (ClassNotFoundException | LinkageError | IllegalArgumentException notFound) {
            return null;
        }
    }

    private static String invalidId(String id) {
        return "its id " + (id == null ? "is null" : "'" + Validation.printable(id) + "' is invalid")
                + "; an id is lowercase letters, digits and '-', starting with a letter, at most "
                + Validation.MAX_PROVIDER_ID_LENGTH + " characters";
    }

    /**
     * Rethrows {@code e} when the JVM cannot go on after it (a {@link VirtualMachineError} but a
     * {@link StackOverflowError}, whose stack is unwound by now); plugin code's other failures (any
     * {@link RuntimeException} or {@link Error}: an {@code AssertionError}, a class missing from its jar) are
     * reported by the caller, naming the plugin.
     */
    public static void rethrowIfFatal(Throwable e) {
        if (e instanceof VirtualMachineError fatal && !(e instanceof StackOverflowError)) {
            throw fatal;
        }
    }

    private static void report(CopyOnWriteArrayList<String> problems, String problem) {
        if (problems.addIfAbsent(problem)) {
            LoggerFactory.getLogger(PluginRegistry.class).warn(problem);
        }
    }

    /**
     * What {@code factory} (plugin {@code id} of {@code kind}) makes; a failure that is not an
     * {@link EnvctlException} (a plugin's bug, a class missing from its jar) becomes one with {@code code},
     * naming the plugin's class and jar, instead of an internal error.
     */
    public static <T> T created(String kind, String id, Object factory, ErrorCode code, Supplier<T> make) {
        return made(kind, id, factory, code, "create", make);
    }

    /**
     * The store {@code factory} opened with {@code open}; a failure that is not an {@link EnvctlException} (a
     * plugin's bug) or a null store is {@link ErrorCode#STORE_UNAVAILABLE} naming the plugin's class and jar.
     */
    public static EnvironmentStore opened(EnvironmentStoreFactory factory, Supplier<EnvironmentStore> open) {
        return made("store", factory.id(), factory, ErrorCode.STORE_UNAVAILABLE, "open", open);
    }

    /** {@code make}'s result; the message of a failure says the plugin failed to {@code verb} its {@code kind}. */
    private static <T> T made(String kind, String id, Object factory, ErrorCode code, String verb, Supplier<T> make) {
        T made;
        try {
            made = make.get();
        } catch (EnvctlException e) {
            throw e;
        } catch (Throwable e) {
            rethrowIfFatal(e);
            // a plugin's message may hold the location it was given, a password in it included
            throw new EnvctlException(code, failed(kind, id, factory, verb) + Redaction.redact(String.valueOf(e)), e);
        }
        if (made == null) {
            throw new EnvctlException(code, failed(kind, id, factory, verb) + "its factory returned null");
        }
        return made;
    }

    private static String failed(String kind, String id, Object factory, String verb) {
        return "the " + kind + " plugin '" + id + "' (" + factory.getClass().getName() + ", "
                + source(factory.getClass()) + ") failed to " + verb + " its " + kind + ": ";
    }

    /**
     * The factories of one kind, discovered on first use: all of them, by id, and a line for each id two of them
     * have.
     */
    private record Index<T>(List<T> all, Map<String, T> byId, List<String> duplicates) {
    }

    /** The factories of one kind by id, discovered on first use. */
    private static final class Kind<T> {
        private final String name;
        private final Supplier<List<T>> source;
        private final Function<T, String> id;
        private volatile Index<T> index;

        Kind(String name, Supplier<List<T>> source, Function<T, String> id) {
            this.name = name;
            this.source = source;
            this.id = id;
        }

        /**
         * The factories by id.
         *
         * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} naming both classes and jars when two factories
         *                         have one id: which one to use is not envctl's guess to make
         */
        Map<String, T> get() {
            Index<T> i = index();
            if (!i.duplicates().isEmpty()) {
                throw EnvctlException.invalid(i.duplicates().get(0));
            }
            return i.byId();
        }

        Index<T> index() {
            Index<T> i = index;
            if (i == null) {
                synchronized (this) {
                    if (index == null) {
                        index = index(source.get());
                    }
                    i = index;
                }
            }
            return i;
        }

        private Index<T> index(List<T> factories) {
            Map<String, T> map = new LinkedHashMap<>();
            List<String> duplicates = new ArrayList<>();
            for (T f : factories) {
                String key = id.apply(f);
                if (!Validation.isPluginId(key)) {
                    // only explicit instances get here: discovery skipped such factories
                    throw EnvctlException.invalid("the " + name + " plugin " + f.getClass().getName() + " ("
                            + source(f.getClass()) + ") cannot be used: " + invalidId(key));
                }
                T other = map.putIfAbsent(key, f);
                if (other != null) {
                    duplicates.add("two " + name + " plugins have the id '" + key + "': " + other.getClass().getName()
                            + " (" + source(other.getClass()) + ") and " + f.getClass().getName() + " ("
                            + source(f.getClass()) + "); remove one of the two jars from the class path: until "
                            + "then no " + name + " plugin can be used");
                }
            }
            return new Index<>(List.copyOf(factories), Collections.unmodifiableMap(map), List.copyOf(duplicates));
        }
    }

    /**
     * Problems met while discovering, one line each (a broken plugin with its class and jar, two plugins with one
     * id, an invalid id); empty when all went well. Discovers every kind first, so it is complete whenever it is
     * asked, but for a store factory whose {@code accepts} failed, which is added when a location is opened.
     */
    public List<String> problems() {
        List<String> duplicates = new ArrayList<>();
        for (Kind<?> kind : List.of(stores, providers, hooks)) {
            duplicates.addAll(kind.index().duplicates());
        }
        List<String> all = new ArrayList<>(problems);
        all.addAll(duplicates);
        return List.copyOf(all);
    }

    public Set<String> storeIds() {
        return new TreeSet<>(stores.get().keySet());
    }

    public Set<String> providerIds() {
        return new TreeSet<>(providers.get().keySet());
    }

    public Set<String> hookIds() {
        return new TreeSet<>(hooks.get().keySet());
    }

    /** Every store factory, in discovery order. */
    public List<EnvironmentStoreFactory> storeFactories() {
        return List.copyOf(stores.get().values());
    }

    /**
     * The store factory that accepts {@code location}, or an error listing the schemes there are, or naming the
     * plugins when more than one accepts it.
     */
    public EnvironmentStoreFactory storeFactoryFor(String location) {
        if (location == null || location.isBlank()) {
            throw EnvctlException.invalid("no store location given");
        }
        List<EnvironmentStoreFactory> accepting = new ArrayList<>();
        for (EnvironmentStoreFactory f : stores.get().values()) {
            try {
                if (f.accepts(location)) {
                    accepting.add(f);
                }
            } catch (Throwable e) {
                rethrowIfFatal(e);
                // a plugin's bug: that store is skipped, the others may still open the location
                report(problems, "skipped the store plugin '" + f.id() + "' (" + f.getClass().getName() + ", "
                        + source(f.getClass()) + "): it failed to say whether it accepts a location: "
                        + String.valueOf(e).replace(location, Redaction.redactLocation(location)));
            }
        }
        if (accepting.isEmpty()) {
            String known = stores.get().values().stream().map(f -> f.id() + " (" + locationSyntax(f) + ")")
                    .sorted().collect(Collectors.joining(", "));
            throw EnvctlException.invalid("no store opens '" + Redaction.redactLocation(location)
                    + "'; known stores: " + (known.isEmpty() ? "none (no store plugin on the class path)" : known));
        }
        if (accepting.size() > 1) {
            // which one would open it would depend on the class path's order
            throw EnvctlException.invalid("more than one store plugin opens '"
                    + Redaction.redactLocation(location) + "': " + accepting.stream().map(f -> f.id() + " ("
                    + f.getClass().getName() + ", " + source(f.getClass()) + ")").collect(Collectors.joining(", "))
                    + "; remove all but one of their jars from the class path");
        }
        return accepting.get(0);
    }

    /** What {@code f}'s locations look like, or that its plugin failed to say (a bug of that plugin). */
    private static String locationSyntax(EnvironmentStoreFactory f) {
        try {
            return f.locationSyntax();
        } catch (Throwable e) {
            rethrowIfFatal(e);
            return "its plugin " + f.getClass().getName() + " failed to say: " + e;
        }
    }

    /** Opens the store at {@code location}, rejecting setting keys its factory does not know. */
    public EnvironmentStore openStore(String location, Map<String, String> settings) {
        return openStore(location, settings, System.getenv());
    }

    /** Opens the store at {@code location} with the caller's environment variables (secrets are read there). */
    public EnvironmentStore openStore(String location, Map<String, String> settings, Map<String, String> environment) {
        EnvironmentStoreFactory f = storeFactoryFor(location);
        requireKnownKeys("store " + f.id(), settings, made("store", f.id(), f, ErrorCode.STORE_UNAVAILABLE, "open",
                f::settingKeys));
        return opened(f, () -> f.open(location, settings, environment));
    }

    public ClusterProviderFactory providerFactory(String id) {
        return lookup("provider", providers.get(), id);
    }

    /** Creates the provider {@code id}, rejecting setting keys its factory does not know. */
    public ClusterProvider createProvider(String id, Map<String, String> settings) {
        ClusterProviderFactory f = providerFactory(id);
        requireKnownKeys("provider " + id, settings, created("provider", id, f, ErrorCode.PROVIDER_FAILED,
                f::settingKeys));
        return created("provider", id, f, ErrorCode.PROVIDER_FAILED, () -> f.create(settings));
    }

    public LifecycleHookFactory hookFactory(String id) {
        return lookup("hook", hooks.get(), id);
    }

    /** Creates the hook {@code id}, rejecting setting keys its factory does not know. */
    public LifecycleHook createHook(String id, Map<String, String> settings) {
        LifecycleHookFactory f = hookFactory(id);
        requireKnownKeys("hook " + id, settings, created("hook", id, f, ErrorCode.INVALID_INPUT, f::settingKeys));
        return created("hook", id, f, ErrorCode.INVALID_INPUT, () -> f.create(settings));
    }

    private static <T> T lookup(String kind, Map<String, T> byId, String id) {
        T f = byId.get(id);
        if (f == null) {
            throw EnvctlException.invalid("unknown " + kind + " '" + Validation.printable(id) + "'; known: "
                    + (byId.isEmpty() ? "none (no " + kind + " plugin on the class path)"
                    : String.join(", ", new TreeSet<>(byId.keySet()))));
        }
        return f;
    }

    /** Fails with a message listing the valid keys when {@code settings} has a key not in {@code valid}. */
    public static void requireKnownKeys(String what, Map<String, String> settings, Set<String> valid) {
        for (String key : new TreeSet<>(settings.keySet())) {
            if (!valid.contains(key)) {
                throw EnvctlException.invalid("unknown setting '" + Validation.printable(key) + "' for " + what
                        + "; valid: "
                        + (valid.isEmpty() ? "none" : String.join(", ", new TreeSet<>(valid))));
            }
        }
    }

    /**
     * Every plugin, sorted by kind and id, with its class and jar; two with one id both (in discovery order), so
     * that the jar to remove can be seen.
     */
    public List<PluginInfo> describe() {
        List<PluginInfo> all = new ArrayList<>();
        stores.index().all().forEach(f -> all.add(info("store", f.id(), f)));
        providers.index().all().forEach(f -> all.add(info("provider", f.id(), f)));
        hooks.index().all().forEach(f -> all.add(info("hook", f.id(), f)));
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
