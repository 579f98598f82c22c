package dev.envctl.core;

import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.PortProbe;
import dev.envctl.core.alloc.SubnetProbe;
import dev.envctl.core.lifecycle.ApplyPlan;
import dev.envctl.core.lifecycle.EngineOptions;
import dev.envctl.core.lifecycle.HostProviders;
import dev.envctl.core.lifecycle.LifecycleEngine;
import dev.envctl.core.lifecycle.PlannedStep;
import dev.envctl.core.lifecycle.ReconcileReport;
import dev.envctl.core.lifecycle.internal.DryRuns;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterProviderFactory;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.ProgressListener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The entry point for embedding envctl: one object, built once, over a store, the providers, the hooks and
 * the allocation policy. Every change goes through the {@link LifecycleEngine}, so it is recorded in the store
 * first and then converged by the providers.
 *
 * <pre>{@code
 * try (Envctl envctl = Envctl.builder().store("csv:/tmp/environments.csv").build()) {
 *     Environment dev = envctl.create(EnvironmentSpec.of("dev", "k3d"));
 * }
 * }</pre>
 *
 * <p>Providers are created on first use, from the explicit instances given to the builder or else from the
 * {@link PluginRegistry} (discovered with {@link java.util.ServiceLoader} unless one is given). Each environment
 * is acted on with the provider of its {@link Host} ({@link HostProviders}): on {@code local} the providers as
 * configured; on another host, created from the same factories with that host's Docker endpoint and address.
 * Provider instances given to the builder drive {@code local} only: acting on an environment on another host
 * then fails with a {@link ErrorCode#PROVIDER_FAILED} error naming the host. A method given an environment
 * name that no environment can have ({@link Validation#requireName}) throws {@link ErrorCode#INVALID_INPUT} before
 * it reads the store. Thread-safe once built; {@link #close()} closes the store only if this object opened it.
 */
public final class Envctl implements AutoCloseable {
    private final Supplier<? extends EnvironmentStore> storeSource;
    private volatile EnvironmentStore store;
    private final boolean ownsStore;
    private final PluginRegistry plugins;
    private final Map<String, ClusterProvider> givenProviders;
    private final Map<String, Map<String, String>> providerSettings;
    private final Map<String, String> environment;
    private final List<LifecycleHook> hooks;
    private final Allocator allocator;
    private final EngineOptions options;
    private volatile HostProviders providers;
    private volatile LifecycleEngine engine;

    private Envctl(Builder b) {
        this.plugins = b.plugins != null ? b.plugins : PluginRegistry.discover();
        this.environment = Map.copyOf(b.environment);
        this.givenProviders = Collections.unmodifiableMap(new TreeMap<>(b.providers));
        this.providerSettings = Map.copyOf(b.providerSettings);
        if (!givenProviders.isEmpty() && !providerSettings.isEmpty()) {
            // instances replace every provider the plugins would make, so the settings would have no effect
            throw EnvctlException.invalid("provider settings (for " + String.join(", ",
                    new TreeSet<>(providerSettings.keySet())) + ") were given with provider instances ("
                    + String.join(", ", givenProviders.keySet()) + "), which replace every provider the plugins "
                    + "would make, so they would have no effect; configure the instances themselves, or give the "
                    + "settings without instances");
        }
        // settings for a provider that is not there, or a key it does not know: refused now, not at first use
        for (Map.Entry<String, Map<String, String>> e : providerSettings.entrySet()) {
            ClusterProviderFactory f = plugins.providerFactory(e.getKey());
            Set<String> keys;
            try {
                keys = PluginRegistry.created("provider", e.getKey(), f, ErrorCode.PROVIDER_FAILED, f::settingKeys);
            } catch (EnvctlException bug) {
                if (bug.code() != ErrorCode.PROVIDER_FAILED) {
                    throw bug;
                }
                continue; // a plugin's bug breaks only its own provider, which says so at its first use
            }
            PluginRegistry.requireKnownKeys("provider " + e.getKey(), e.getValue(), keys);
        }
        this.allocator = new Allocator(b.policy, b.portProbe, b.subnetProbe);
        this.options = b.options;
        List<LifecycleHook> h = new ArrayList<>();
        for (Function<PluginRegistry, LifecycleHook> hook : b.hooks) {
            h.add(hook.apply(plugins));
        }
        this.hooks = List.copyOf(h);
        if (b.store != null) {
            this.store = b.store;
            this.storeSource = null;
            this.ownsStore = false;
        } else if (b.storeSource != null) {
            this.storeSource = b.storeSource;
            this.ownsStore = false;
        } else {
            this.storeSource = null;
            this.store = plugins.openStore(b.location, b.storeSettings, environment);
            this.ownsStore = true;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The store every record lives in. */
    public EnvironmentStore store() {
        EnvironmentStore s = store;
        if (s == null) {
            synchronized (this) {
                if (store == null) {
                    store = Objects.requireNonNull(storeSource.get(), "the store supplier given to the builder "
                            + "returned null");
                }
                s = store;
            }
        }
        return s;
    }

    /** The allocator of the policy given (or the defaults). */
    public Allocator allocator() {
        return allocator;
    }

    /** Every provider of {@code local}, by id: the instances given, else one per provider factory the registry has. */
    public Map<String, ClusterProvider> providers() {
        return hostProviders().local();
    }

    /**
     * Every provider on host {@code hostName}, by id, sorted (for {@code doctor}); on {@code local} the same as
     * {@link #providers()}.
     *
     * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} for a host the store does not know;
     *                         {@link ErrorCode#PROVIDER_FAILED} for a host other than {@code local} when the
     *                         providers were given as instances
     */
    public Map<String, ClusterProvider> providers(String hostName) {
        return hostProviders().on(host(hostName));
    }

    /**
     * The provider {@code id} on host {@code hostName}.
     *
     * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} for an unknown provider or host;
     *                         {@link ErrorCode#PROVIDER_FAILED} as {@link #providers(String)}
     */
    public ClusterProvider provider(String id, String hostName) {
        provider(id);
        return hostProviders().get(id, host(hostName));
    }

    /** The providers of every host; see {@link HostProviders}. */
    public HostProviders hostProviders() {
        HostProviders p = providers;
        if (p == null) {
            synchronized (this) {
                if (providers == null) {
                    // sorted by id: what iterates over providers (doctor, reconcile's listing) prints in one order
                    providers = givenProviders.isEmpty()
                            ? HostProviders.fromFactories(plugins, providerSettings, environment)
                            : HostProviders.localOnly(givenProviders);
                }
                p = providers;
            }
        }
        return p;
    }

    /** The hosts of the store, by name, {@code local} among them. */
    public List<Host> hosts() {
        return store().hosts();
    }

    /**
     * The host {@code name}.
     *
     * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} for a name no host can have
     *                         ({@link Validation#requireHostName}), saying what is allowed, or naming the hosts
     *                         there are, when there is none
     */
    public Host host(String name) {
        Validation.requireHostName(Objects.requireNonNull(name, "name"));
        return store().findHost(name).orElseThrow(() -> Host.unknown(name, hosts().stream().map(Host::name)
                .toList()));
    }

    /**
     * Adds a host to the store.
     *
     * @throws EnvctlException {@link ErrorCode#CONFLICT} when the name is taken, {@link ErrorCode#INVALID_INPUT}
     *                         when the store keeps no hosts, or the host's address is not an IP address (or is
     *                         {@code 0.0.0.0}, {@code ::}, a multicast or the broadcast address), its
     *                         endpoint has a query, fragment or tcp path, or a label is envctl's own
     *                         ({@link Host#requireAddable})
     */
    public Host addHost(Host host) {
        return store().addHost(Objects.requireNonNull(host, "host").requireAddable());
    }

    /**
     * Removes a host from the store; false when there was none.
     *
     * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} for a name no host can have, as {@link #host};
     *                         {@link ErrorCode#CONFLICT} for {@code local} or while environments live there
     */
    public boolean removeHost(String name) {
        return store().removeHost(Validation.requireHostName(Objects.requireNonNull(name, "name")));
    }

    /**
     * The provider {@code id}.
     *
     * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} for an id no provider can have
     *                         ({@link Validation#requireProviderId}), or naming the providers there are;
     *                         {@link ErrorCode#PROVIDER_FAILED} naming the plugin's class and jar when its factory
     *                         failed to create the provider
     */
    public ClusterProvider provider(String id) {
        ClusterProvider p = providers().get(Validation.requireProviderId(Objects.requireNonNull(id, "id")));
        if (p == null) {
            Optional<String> failure = hostProviders().failure(id);
            if (failure.isPresent()) {
                throw new EnvctlException(ErrorCode.PROVIDER_FAILED, failure.get());
            }
            throw EnvctlException.invalid("unknown provider '" + id + "'; known: " + (providers().isEmpty()
                    ? "none (no provider plugin on the class path)" : String.join(", ",
                    new TreeMap<>(providers()).keySet())));
        }
        return p;
    }

    /** The engine all lifecycle operations of this object use. */
    public LifecycleEngine engine() {
        LifecycleEngine e = engine;
        if (e == null) {
            synchronized (this) {
                if (engine == null) {
                    engine = new LifecycleEngine(store(), allocator, hostProviders(), hooks, options);
                }
                e = engine;
            }
        }
        return e;
    }

    /** Records {@code spec} (allocating what it leaves open) and creates its cluster; see {@link LifecycleEngine#create}. */
    public Environment create(EnvironmentSpec spec) {
        return create(spec, ProgressListener.NONE);
    }

    public Environment create(EnvironmentSpec spec, ProgressListener progress) {
        Objects.requireNonNull(spec, "spec");
        provider(spec.provider());
        return engine().create(spec, progress);
    }

    /**
     * Records {@code spec} only, allocating atomically; a later {@link #reconcile} creates the cluster. Refuses
     * what {@link #create} refuses before it records: an unknown provider or host, a host no provider can reach,
     * and a name the provider lists a cluster of that no record owns (for a host the store chooses, the record is
     * removed again before the error is thrown).
     *
     * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} for an unknown provider or host, or options the
     *                         provider refuses; {@link ErrorCode#PROVIDER_FAILED} when the provider cannot act
     *                         on the host or cannot list its clusters; {@link ErrorCode#CONFLICT} for a cluster
     *                         of that name that no record owns; the store's errors (such as {@code CONFLICT})
     */
    public Environment record(EnvironmentSpec spec) {
        Objects.requireNonNull(spec, "spec");
        provider(spec.provider());
        return engine().record(spec);
    }

    /**
     * Deletes the cluster and the record. Returns empty when the record is gone; otherwise the record left: kept
     * ({@code keepRecord}, label {@link LifecycleEngine#KEEP_RECORD_LABEL}), {@code failed} with {@code lastError}
     * when a step failed (desired absent; a later reconcile retries), or, when another thread or envctl process
     * is converging the environment, desired absent in whatever state it is (that one carries the delete out).
     *
     * @throws EnvctlException {@link ErrorCode#NOT_FOUND} for an unknown name, {@link ErrorCode#PROVIDER_FAILED}
     *                         when the record's provider is not configured, {@link ErrorCode#CONFLICT} when
     *                         another writer undid the delete (the record is back, desired other than absent)
     */
    public Optional<Environment> delete(String name) {
        return delete(name, false, ProgressListener.NONE);
    }

    /** As {@link #delete(String)}; {@code keepRecord} deletes the cluster and keeps the record. */
    public Optional<Environment> delete(String name, boolean keepRecord, ProgressListener progress) {
        Validation.requireName(Objects.requireNonNull(name, "name"));
        return engine().delete(name, keepRecord, progress);
    }

    /**
     * Deletes each of {@code names} as {@link #delete(String, boolean, ProgressListener)} does, up to the engine's
     * concurrency at once, every one even when another fails, once every name is checked (an unknown one is
     * {@link ErrorCode#NOT_FOUND} and nothing is deleted): {@link LifecycleEngine#delete(Collection, boolean,
     * ProgressListener)}.
     */
    public Map<String, Optional<Environment>> delete(Collection<String> names, boolean keepRecord,
                                                     ProgressListener progress) {
        Validation.requireNames(names);
        return engine().delete(names, keepRecord, progress);
    }

    /**
     * Removes the record of {@code name} and nothing else: no provider command, no hook. Whatever cluster and
     * network it has are left as they are, and its ports and subnet become free for other environments. For an
     * environment whose host is gone for good, or whose cluster was removed by other means. Returns the record
     * removed.
     *
     * @throws EnvctlException {@link ErrorCode#NOT_FOUND} for an unknown name; {@link ErrorCode#CONFLICT} while
     *                         another thread or envctl process converges the environment (retry once it is done)
     */
    public Environment forget(String name) {
        Validation.requireName(Objects.requireNonNull(name, "name"));
        store().get(name);
        try (EnvironmentLock lock = store().tryLock(name).orElseThrow(() -> EnvctlException.conflict("environment '"
                + name + "' is being converged (by another envctl process, or a thread of this one); forget it once "
                + "that is done"))) {
            Environment removed = store().get(name);
            store().delete(name, removed.version());
            return removed;
        }
    }

    /** @throws EnvctlException {@link ErrorCode#NOT_FOUND} when there is no such environment */
    public Environment get(String name) {
        Validation.requireName(Objects.requireNonNull(name, "name"));
        return store().get(name);
    }

    public Optional<Environment> find(String name) {
        Validation.requireName(Objects.requireNonNull(name, "name"));
        return store().find(name);
    }

    public List<Environment> list() {
        return store().list(EnvironmentFilter.ALL);
    }

    public List<Environment> list(EnvironmentFilter filter) {
        return store().list(Objects.requireNonNull(filter, "filter"));
    }

    /**
     * What {@link #apply} would do, field by field, changing nothing: the creates, the updates with each changed
     * field and whether it needs a new cluster, the deletes (with {@code prune}) and the unchanged names.
     *
     * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} when a provider refuses the options of an
     *                         environment to create or change, or an option value of any has spaces around it
     *                         ({@link Validation#requireOptionValuesAsWritten}), saying {@code environment 'NAME': }
     *                         and why
     */
    public ApplyPlan plan(List<EnvironmentSpec> desired, boolean prune) {
        return engine().plan(Validation.requireNoNulls(desired, "desired"), prune);
    }

    /**
     * What creating {@code specs} one after another would do, changing nothing: each new record placed on its host
     * and allocated as the store would (against what is held now and by the specs before it), and the commands
     * its provider would run. A spec whose name is recorded shows that record. The provider lists its clusters
     * on each new record's host, as {@link #create} does before it records; where it cannot (its tool missing, the
     * host not answering) the dry run goes on, as it needs no tool.
     *
     * @throws EnvctlException {@code INVALID_INPUT} for a name {@code specs} gives twice; the error the store would
     *                         refuse the first refused create with (a conflict, an
     *                         exhausted pool, an unknown host), {@code CONFLICT} for a cluster of that name
     *                         that no record owns, or {@code INVALID_INPUT} for options the provider refuses
     *                         ({@link ClusterProvider#validate}), as the create would
     */
    public List<PlannedStep> dryRunCreate(List<EnvironmentSpec> specs) {
        Set<String> named = new HashSet<>();
        Validation.requireNoNulls(specs, "specs").forEach(s -> {
            // a name is created once: two creates of it are no plan to show (apply refuses such a list alike)
            Validation.requireListedOnce(named, s.name());
            provider(s.provider());
            engine().requireValidRequest(s);
        });
        List<Environment> records = store().list(EnvironmentFilter.ALL);
        List<Host> hosts = store().hosts();
        List<PlannedStep> steps = dryRuns().creates(records, hosts, specs, false);
        // a recorded name shows its record
        Set<String> recorded = names(records);
        engine().requireNoUnmanagedClusters(steps.stream().map(PlannedStep::environment)
                .filter(e -> !recorded.contains(e.name())).toList(), hosts);
        return steps;
    }

    /**
     * What {@link #apply} of {@code plan} would do, changing nothing, step by step in the order apply takes them:
     * creates, updates (a replacement allocated as the store would), deletes, resumes
     * ({@link PlannedStep.Kind#RESUME}). A step the store would refuse
     * carries its error instead of throwing. A create of a new name whose cluster the provider already lists on
     * its host is {@link PlannedStep.Kind#ADOPT}, as apply adopts that cluster (where the provider cannot list, it
     * stays a create: the dry run needs no tool); a record whose delete is pending, marked present again, stays a
     * create, but for an {@code unknown} one whose cluster the plan saw running ({@link ApplyPlan#adopting}): that
     * one is an {@link PlannedStep.Kind#ADOPT} of the record as it is, with no port from a pool and no command.
     */
    public List<PlannedStep> dryRun(ApplyPlan plan) {
        requireProviders(plan); // a request for a provider there is not is invalid input, as in apply
        Map<String, Optional<Set<String>>> listed = new HashMap<>();
        List<Environment> records = store().list(EnvironmentFilter.ALL);
        Set<String> recorded = names(records);
        List<Host> hosts = store().hosts();
        return dryRuns().apply(plan, records, hosts).stream().map(s -> {
            Environment e = s.environment();
            if (s.kind() != PlannedStep.Kind.CREATE || s.error() != null || recorded.contains(e.name())
                    || !listed.computeIfAbsent(e.provider() + " " + e.host(),
                    k -> engine().listedClusters(e.provider(), e.host(), hosts)).orElse(Set.of())
                    .contains(e.name())) {
                return s;
            }
            return new PlannedStep(PlannedStep.Kind.ADOPT, e, List.of(), List.of(), null);
        }).toList();
    }

    /**
     * The commands deleting {@code name} would run, changing nothing.
     *
     * @throws EnvctlException {@link ErrorCode#NOT_FOUND} when there is no such environment,
     *                         {@link ErrorCode#PROVIDER_FAILED} when its provider is not configured, as {@link #delete}
     */
    public PlannedStep dryRunDelete(String name) {
        Validation.requireName(Objects.requireNonNull(name, "name"));
        return dryRuns().delete(name);
    }

    private static Set<String> names(List<Environment> records) {
        return records.stream().map(Environment::name).collect(Collectors.toSet());
    }

    /** A dry run reads each host it meets once, for its provider and for the variables its commands run with. */
    private DryRuns dryRuns() {
        Map<String, Host> hosts = new HashMap<>();
        Function<String, Host> host = name -> hosts.computeIfAbsent(name, this::host);
        return new DryRuns(store(), allocator, (id, hostName) -> hostProviders().get(id, host.apply(hostName)),
                hostName -> HostProviders.variables(host.apply(hostName)));
    }

    /**
     * Makes the store hold {@code desired} (and, with {@code prune}, nothing else) and converges it, changing
     * labels and node ports in place; see {@link LifecycleEngine#apply}.
     *
     * @throws EnvctlException {@link ErrorCode#CONFLICT}, changing nothing, when an environment needs a new
     *                         cluster; use {@link #apply(List, boolean, boolean, ProgressListener)} to replace it
     */
    public ReconcileReport apply(List<EnvironmentSpec> desired, boolean prune) {
        return apply(desired, prune, false, ProgressListener.NONE);
    }

    public ReconcileReport apply(List<EnvironmentSpec> desired, boolean prune, ProgressListener progress) {
        return apply(desired, prune, false, progress);
    }

    /** As {@link #apply(List, boolean)}; with {@code replace}, environments needing a new cluster get one. */
    public ReconcileReport apply(List<EnvironmentSpec> desired, boolean prune, boolean replace,
                                 ProgressListener progress) {
        Validation.requireNoNulls(desired, "desired").forEach(s -> provider(s.provider()));
        return engine().apply(desired, prune, replace, progress);
    }

    /**
     * Carries out {@code plan}, made by {@link #plan} just before: a caller that shows the plan, or checks
     * something by it, applies it without the providers listed again; see
     * {@link LifecycleEngine#apply(ApplyPlan, boolean, ProgressListener)}.
     *
     * @throws EnvctlException as {@link #apply(List, boolean, boolean, ProgressListener)}
     */
    public ReconcileReport apply(ApplyPlan plan, boolean replace, ProgressListener progress) {
        requireProviders(plan);
        return engine().apply(plan, replace, progress);
    }

    /** Each provider {@code plan} creates or changes an environment with is there ({@link #provider(String)}). */
    private void requireProviders(ApplyPlan plan) {
        Objects.requireNonNull(plan, "plan").toCreate().forEach(s -> provider(s.provider()));
        plan.toUpdate().forEach(u -> provider(u.spec().provider()));
    }

    /** Converges the environments named, or all when {@code names} is empty. */
    public ReconcileReport reconcile(Collection<String> names) {
        return reconcile(names, ProgressListener.NONE);
    }

    public ReconcileReport reconcile(Collection<String> names, ProgressListener progress) {
        Validation.requireNames(names);
        return engine().reconcile(names, progress);
    }

    /** Stops the environment's cluster and keeps its ports and subnet held: {@link LifecycleEngine#stop}. */
    public Environment stop(String name) {
        return stop(name, ProgressListener.NONE);
    }

    public Environment stop(String name, ProgressListener progress) {
        Validation.requireName(Objects.requireNonNull(name, "name"));
        return engine().stop(name, progress);
    }

    /**
     * Stops each of {@code names}, up to the engine's concurrency at once, every one even when another fails, once
     * every name is checked (an unknown one is {@link ErrorCode#NOT_FOUND}, one being deleted
     * {@link ErrorCode#CONFLICT}, and nothing is stopped): {@link LifecycleEngine#stop(Collection, ProgressListener)}.
     */
    public List<Environment> stop(Collection<String> names, ProgressListener progress) {
        Validation.requireNames(names);
        return engine().stop(names, progress);
    }

    /** Starts each of {@code names}, as {@link #stop(Collection, ProgressListener)} stops them. */
    public List<Environment> start(Collection<String> names, ProgressListener progress) {
        Validation.requireNames(names);
        return engine().start(names, progress);
    }

    /** Starts a stopped environment's cluster (or creates it again if it vanished): {@link LifecycleEngine#start}. */
    public Environment start(String name) {
        return start(name, ProgressListener.NONE);
    }

    public Environment start(String name, ProgressListener progress) {
        Validation.requireName(Objects.requireNonNull(name, "name"));
        return engine().start(name, progress);
    }

    /** Closes the store if this object opened it from a location. */
    @Override
    public void close() {
        if (ownsStore) {
            store().close();
        }
    }

    /** Builds an {@link Envctl}; not thread-safe. */
    public static final class Builder {
        private String location;
        private Map<String, String> storeSettings = Map.of();
        private EnvironmentStore store;
        private Supplier<? extends EnvironmentStore> storeSource;
        private PluginRegistry plugins;
        private Map<String, String> environment = System.getenv();
        private final Map<String, ClusterProvider> providers = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> providerSettings = new LinkedHashMap<>();
        /** In the order given: instances as they are, registry hooks created by {@code build()}. */
        private final List<Function<PluginRegistry, LifecycleHook>> hooks = new ArrayList<>();
        private AllocationPolicy policy = AllocationPolicy.defaults();
        private PortProbe portProbe = PortProbe.NONE;
        private SubnetProbe subnetProbe = SubnetProbe.NONE;
        private EngineOptions options = EngineOptions.defaults();

        private Builder() {
        }

        /** Opens the store at {@code location} ({@code csv:PATH}, {@code jdbc:postgresql://...}) when built. */
        public Builder store(String location) {
            return store(location, Map.of());
        }

        /** Opens the store at {@code location} with its factory's settings (such as {@code jdbc.schema}). */
        public Builder store(String location, Map<String, String> settings) {
            this.location = Objects.requireNonNull(location, "location");
            this.storeSettings = copy(settings, "settings");
            this.store = null;
            this.storeSource = null;
            return this;
        }

        /** Uses {@code store} as it is; the caller closes it. */
        public Builder store(EnvironmentStore store) {
            this.store = Objects.requireNonNull(store, "store");
            this.location = null;
            this.storeSource = null;
            return this;
        }

        /** Uses the store {@code opener} returns, asked on first use (not when built); the caller closes it. */
        public Builder store(Supplier<? extends EnvironmentStore> opener) {
            this.storeSource = Objects.requireNonNull(opener, "opener");
            this.location = null;
            this.store = null;
            return this;
        }

        /** The factories to use instead of discovering them with ServiceLoader. */
        public Builder plugins(PluginRegistry plugins) {
            this.plugins = Objects.requireNonNull(plugins, "plugins");
            return this;
        }

        /** The environment variables stores and providers see (PATH, ENVCTL_DB_PASSWORD); default this process's. */
        public Builder environment(Map<String, String> environment) {
            this.environment = copy(environment, "environment");
            return this;
        }

        /**
         * Uses this provider under its id on host {@code local} ({@code id} must be the instance's
         * {@link ClusterProvider#id()}: records name providers by id); once one is given, no provider is created from the
         * registry, and environments on other hosts cannot be acted on (a {@code PROVIDER_FAILED} error naming
         * the host).
         */
        public Builder provider(String id, ClusterProvider provider) {
            providers.put(id, HostProviders.requireOwnId(id, provider));
            return this;
        }

        /**
         * Settings for the discovered provider {@code id} (such as {@code timeout}); an id no plugin provides or
         * a key its factory does not know is refused by {@link #build}, a bad value when the provider is first
         * used. Refused by {@link #build} together with {@link #provider(String, ClusterProvider) instances},
         * which replace the discovered providers.
         */
        public Builder providerSettings(String id, Map<String, String> settings) {
            providerSettings.put(Objects.requireNonNull(id, "id"), copy(settings, "settings"));
            return this;
        }

        /** Adds a hook instance; hooks run in the order they were added, whichever method added them. */
        public Builder hook(LifecycleHook hook) {
            Objects.requireNonNull(hook, "hook");
            hooks.add(registry -> hook);
            return this;
        }

        /**
         * Adds the hook {@code id} of the registry, created with {@code settings} by {@code build()}; an id may be
         * added more than once (two {@code exec} hooks over two folders), each a hook of its own.
         */
        public Builder hook(String id, Map<String, String> settings) {
            Objects.requireNonNull(id, "id");
            Map<String, String> copy = copy(settings, "settings");
            hooks.add(registry -> registry.createHook(id, copy));
            return this;
        }

        public Builder policy(AllocationPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Also skip, when allocating automatic ports, the ports {@code probe} says cannot be bound: give
         * {@link PortProbe#LOCAL} when the Docker host is this machine. Default {@link PortProbe#NONE}.
         */
        public Builder portProbe(PortProbe probe) {
            this.portProbe = Objects.requireNonNull(probe, "probe");
            return this;
        }

        /**
         * Also skip, when allocating an automatic subnet, the blocks {@code probe} says the Docker host's networks
         * use: give {@link SubnetProbe#LOCAL} when the Docker host is this machine. Default {@link SubnetProbe#NONE}.
         */
        public Builder subnetProbe(SubnetProbe probe) {
            this.subnetProbe = Objects.requireNonNull(probe, "probe");
            return this;
        }

        public Builder options(EngineOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * A copy of {@code map}, or a NullPointerException naming {@code name} when it is null or holds a null key
         * or value (which {@link Map#copyOf} would refuse without saying which parameter).
         */
        private static Map<String, String> copy(Map<String, String> map, String name) {
            Objects.requireNonNull(map, name);
            if (map.entrySet().stream().anyMatch(e -> e.getKey() == null || e.getValue() == null)) {
                throw new NullPointerException(name + " holds null");
            }
            return Map.copyOf(map);
        }

        /**
         * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} for no store, an unknown store scheme, hook id
         *                         or setting; {@link ErrorCode#STORE_UNAVAILABLE} when the store cannot be opened
         */
        public Envctl build() {
            if (location == null && store == null && storeSource == null) {
                throw EnvctlException.invalid("no store given; give a store location (store(\"csv:PATH\") or "
                        + "store(\"jdbc:postgresql://HOST/DB\")) or an instance (store(EnvironmentStore))");
            }
            return new Envctl(this);
        }
    }
}
