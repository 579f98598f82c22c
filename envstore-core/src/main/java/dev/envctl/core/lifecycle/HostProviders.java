package dev.envctl.core.lifecycle;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.Validation;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterProviderFactory;
import dev.envctl.core.spi.InvalidSettingException;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The provider an environment is acted on with: one per provider id and {@link Host}. On {@code local} it is the
 * provider as the caller configured it. On another host it is the same factory's provider, created on first use
 * (and then kept) with the caller's environment variables plus that host's Docker endpoint ({@code DOCKER_HOST},
 * or for {@code context:NAME} {@code DOCKER_CONTEXT=NAME} with {@code DOCKER_HOST} emptied, which Docker takes as
 * unset), and, when the host has an address and the factory knows the setting, the settings plus
 * {@value #API_LISTEN_ADDRESS}{@code =ADDRESS}, so the cluster's API, and the kubeconfig, point at that address.
 *
 * <p>Providers given as instances ({@link #localOnly}) drive the caller's own Docker daemon only: asking for one on
 * another host is a {@link ErrorCode#PROVIDER_FAILED} error naming the host. Thread-safe.
 */
public final class HostProviders {
    /** The provider setting that takes a host's address. */
    public static final String API_LISTEN_ADDRESS = "api-listen-address";

    private final Map<String, ClusterProvider> local;
    private final Map<String, ClusterProviderFactory> factories;
    private final Map<String, Map<String, String>> settings;
    private final Map<String, String> environment;
    private final ConcurrentMap<Key, ClusterProvider> remote = new ConcurrentHashMap<>();
    /** Why a provider plugin has no provider: its factory failed (not on a setting), by id. */
    private final Map<String, String> broken;

    private record Key(String id, Host host) {
    }

    private HostProviders(Map<String, ClusterProvider> local, Map<String, ClusterProviderFactory> factories,
                          Map<String, Map<String, String>> settings, Map<String, String> environment,
                          Map<String, String> broken) {
        this.broken = Map.copyOf(broken);
        this.local = Collections.unmodifiableMap(new TreeMap<>(local));
        this.factories = Map.copyOf(factories);
        this.settings = Map.copyOf(settings);
        this.environment = Map.copyOf(environment);
    }

    /**
     * Exactly {@code providers} on {@code local}, and none on any other host.
     *
     * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} for a key that is not its provider's
     *                         {@link ClusterProvider#id()} ({@link #requireOwnId})
     */
    public static HostProviders localOnly(Map<String, ClusterProvider> providers) {
        providers.forEach(HostProviders::requireOwnId);
        return new HostProviders(providers, Map.of(), Map.of(), Map.of(), Map.of());
    }

    /**
     * {@code provider}, given under {@code id}: records name their provider by id, so an instance given under another
     * id would act on records of a provider it is not.
     *
     * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} when {@code id} is not the instance's
     *                         {@link ClusterProvider#id()}
     */
    public static ClusterProvider requireOwnId(String id, ClusterProvider provider) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(provider, "provider");
        if (!id.equals(provider.id())) {
            throw EnvctlException.invalid("provider '" + Validation.printable(id) + "' was given an instance of "
                    + "provider '" + Validation.printable(provider.id()) + "'; give each instance under its own id");
        }
        return provider;
    }

    /**
     * One provider per factory of {@code plugins}: on {@code local} created now with {@code settings} (by provider
     * id; none for a provider not named) and {@code environment}, on other hosts when first asked for. A factory
     * that fails otherwise (a plugin's bug, a class missing from its jar) leaves only its own id without a
     * provider: asking for it is the {@link ErrorCode#PROVIDER_FAILED} error naming the plugin, and the others
     * work.
     *
     * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} for a setting key or value a factory rejects
     */
    public static HostProviders fromFactories(PluginRegistry plugins, Map<String, Map<String, String>> settings,
                                              Map<String, String> environment) {
        Map<String, ClusterProviderFactory> factories = new LinkedHashMap<>();
        Map<String, ClusterProvider> local = new TreeMap<>();
        Map<String, String> broken = new TreeMap<>();
        for (String id : new TreeSet<>(plugins.providerIds())) {
            ClusterProviderFactory f = plugins.providerFactory(id);
            Map<String, String> s = settings.getOrDefault(id, Map.of());
            try {
                PluginRegistry.requireKnownKeys("provider " + id, s, PluginRegistry.created("provider", id, f,
                        ErrorCode.PROVIDER_FAILED, f::settingKeys));
                local.put(id, PluginRegistry.created("provider", id, f, ErrorCode.PROVIDER_FAILED,
                        () -> f.create(s, environment)));
                factories.put(id, f);
            } catch (EnvctlException e) {
                if (e.code() != ErrorCode.PROVIDER_FAILED) {
                    throw e;
                }
                LoggerFactory.getLogger(HostProviders.class).warn(e.getMessage());
                broken.put(id, e.getMessage());
            }
        }
        return new HostProviders(local, factories, settings, environment, broken);
    }

    /**
     * Why the factory of {@code id} made no provider: the {@link ErrorCode#PROVIDER_FAILED} message naming the
     * plugin's class and jar; empty when it made one or there is no such factory.
     */
    public Optional<String> failure(String id) {
        return Optional.ofNullable(broken.get(id));
    }

    /** The provider ids, sorted. */
    public Set<String> ids() {
        return local.keySet();
    }

    /** The providers of {@code local}, by id, sorted. */
    public Map<String, ClusterProvider> local() {
        return local;
    }

    /**
     * The provider {@code id} on {@code host}.
     *
     * @throws EnvctlException {@link ErrorCode#PROVIDER_FAILED} for an id no provider has, or a host other than
     *                         {@code local} when the providers were given as instances
     */
    public ClusterProvider get(String id, Host host) {
        ClusterProvider p = local.get(id);
        if (p == null) {
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, broken.containsKey(id) ? broken.get(id)
                    : "no provider '" + id + "' is configured; known: "
                    + (local.isEmpty() ? "none" : String.join(", ", local.keySet())));
        }
        if (host.isLocal()) {
            return p;
        }
        ClusterProviderFactory f = factories.get(id);
        if (f == null) {
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "the " + id + " provider was given as an instance, "
                    + "which drives the local Docker daemon only, so it cannot act on host '" + host.name()
                    + "'; create the providers from their factories to reach other hosts");
        }
        return remote.computeIfAbsent(new Key(id, host), k -> PluginRegistry.created("provider", id, f,
                ErrorCode.PROVIDER_FAILED, () -> {
                    try {
                        return f.create(settingsFor(host, settings.getOrDefault(id, Map.of()), f.settingKeys()),
                                environmentFor(host, environment));
                    } catch (InvalidSettingException e) {
                        if (host.address() == null || !e.key().equals(API_LISTEN_ADDRESS)) {
                            throw e;
                        }
                        // the value is the host's address, which the user gave to host add, not a setting; what
                        // the setting allows (0.0.0.0, say) is no advice for it, as host add refuses such addresses
                        String problem = e.problem().orElse(e.getMessage());
                        int allowed = problem.indexOf("; allowed: ");
                        throw new EnvctlException(ErrorCode.INVALID_INPUT, "the " + id + " provider cannot use host "
                                + host.name() + "'s address (envctl host add --address): "
                                + (allowed < 0 ? problem : problem.substring(0, allowed)) + "; on host " + host.name()
                                + " use another provider, or remove the host and add it again with an address the "
                                + id + " provider takes", e);
                    }
                }));
    }

    /** Every provider on {@code host}, by id, sorted; see {@link #get}. */
    public Map<String, ClusterProvider> on(Host host) {
        Map<String, ClusterProvider> m = new TreeMap<>();
        for (String id : local.keySet()) {
            m.put(id, get(id, host));
        }
        return Collections.unmodifiableMap(m);
    }

    /** The variables a provider's tools see on {@code host}: {@code environment} with its Docker endpoint. */
    public static Map<String, String> environmentFor(Host host, Map<String, String> environment) {
        Map<String, String> env = new HashMap<>(environment);
        env.putAll(variables(host));
        return env;
    }

    /**
     * The variables envctl sets for the tools it runs on {@code host}: none on {@code local}, else its Docker
     * endpoint as {@code DOCKER_HOST}, or {@code DOCKER_CONTEXT} for {@code context:NAME}.
     */
    public static Map<String, String> variables(Host host) {
        String docker = host.docker();
        if (docker == null) {
            return Map.of();
        }
        if (docker.startsWith("context:")) {
            // an inherited DOCKER_HOST would win over the context; Docker reads an empty one as unset
            return Map.of("DOCKER_HOST", "", "DOCKER_CONTEXT", docker.substring("context:".length()));
        }
        return Map.of("DOCKER_HOST", docker);
    }

    /** {@code settings} with the host's address as {@value #API_LISTEN_ADDRESS}, where the provider takes it. */
    static Map<String, String> settingsFor(Host host, Map<String, String> settings, Set<String> keys) {
        if (host.address() == null || !keys.contains(API_LISTEN_ADDRESS)) {
            return settings;
        }
        Map<String, String> s = new HashMap<>(settings);
        s.put(API_LISTEN_ADDRESS, host.address());
        return s;
    }
}
