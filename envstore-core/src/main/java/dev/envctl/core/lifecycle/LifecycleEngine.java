package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.AutoPorts;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Durations;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.Remedy;
import dev.envctl.core.Validation;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.exec.CommandRunner;
import dev.envctl.core.alloc.HostsFullException;
import dev.envctl.core.lifecycle.internal.Converger;
import dev.envctl.core.lifecycle.internal.DryRuns;
import dev.envctl.core.lifecycle.internal.HookRunner;
import dev.envctl.core.lifecycle.internal.Hosts;
import dev.envctl.core.lifecycle.internal.MissingPorts;
import dev.envctl.core.lifecycle.internal.ProviderCalls;
import dev.envctl.core.lifecycle.internal.RecordWriter;
import dev.envctl.core.lifecycle.internal.Replacement;
import dev.envctl.core.lifecycle.internal.RoundRunner;
import dev.envctl.core.lifecycle.internal.RoundRunner.Where;
import dev.envctl.core.lifecycle.internal.WatchLoop;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.PrerequisiteCheck;
import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.ProgressListener;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One path for every change: a request writes the desired state to the store, then the reconciler makes
 * the clusters match it. Each environment is converged under its store lock ({@link EnvironmentStore#tryLock}),
 * so two engines, in this or other processes, never act on one environment at once; at most
 * {@link EngineOptions#concurrency()} environments are in flight in one engine. Actual states are written
 * before and after every provider call, so a crash leaves a state the next reconcile resumes from. Each
 * environment is acted on with the provider of its host ({@link HostProviders}); a host that does not answer
 * fails only its own environments. A method given an environment name that no environment can have
 * ({@link Validation#requireName}) throws {@code INVALID_INPUT} before it reads the store, as the facade's
 * ({@link dev.envctl.core.Envctl}) do. docs/lifecycle.md has the decision table and the failure policies.
 * Thread-safe.
 */
public final class LifecycleEngine {
    /**
     * The label {@code delete(name, true, ...)} sets: the record is kept, desired {@code absent}, actual
     * {@code unknown}, still holding its ports and subnet; reconcile leaves such a record alone.
     */
    public static final String KEEP_RECORD_LABEL = "envctl.keep-record";

    /**
     * The label on a record whose new spec {@code apply --replace} recorded while its old cluster still exists;
     * its value names the old cluster's provider, subnet and host ports. The next converge deletes that cluster,
     * removes the label and creates the new one.
     */
    public static final String REPLACING_LABEL = Replacement.LABEL;

    /**
     * The label naming the host ports envctl allocated to a record ({@link AutoPorts}): when its cluster is made
     * again and the host cannot bind one of those, that one is allocated anew; a port a request gave never is.
     */
    public static final String AUTO_PORTS_LABEL = AutoPorts.LABEL;

    private static final Logger LOG = LoggerFactory.getLogger(LifecycleEngine.class);

    private final EnvironmentStore store;
    private final Allocator allocator;
    private final HostProviders providers;
    private final RecordWriter writer;
    private final RoundRunner runner;
    private final DriftPolicy drift;
    private volatile Planned lastPlanned;

    /**
     * An engine with exactly {@code providersById} on {@code local}, and none for other hosts.
     *
     * @throws EnvctlException {@code INVALID_INPUT} for a key that is not its provider's {@link ClusterProvider#id()}
     */
    public LifecycleEngine(EnvironmentStore store, Allocator allocator,
                           Map<String, ClusterProvider> providersById, List<LifecycleHook> hooks,
                           EngineOptions options) {
        this(store, allocator, HostProviders.localOnly(providersById), hooks, options);
    }

    /** An engine acting on each environment with the provider {@code providers} has for its host. */
    public LifecycleEngine(EnvironmentStore store, Allocator allocator, HostProviders providers,
                           List<LifecycleHook> hooks, EngineOptions options) {
        this.store = Objects.requireNonNull(store, "store");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.providers = Objects.requireNonNull(providers, "providers");
        Objects.requireNonNull(options, "options");
        this.drift = options.driftPolicy();
        this.writer = new RecordWriter(store);
        Converger converger = new Converger(store, allocator, providers, new HookRunner(hooks),
                options.driftPolicy(), KEEP_RECORD_LABEL);
        this.runner = new RoundRunner(store, providers, converger, options.concurrency());
    }

    /**
     * Records desired present (allocating atomically in the store) and reconciles it now. Returns the record
     * as it ends: {@code running}, or {@code failed} with {@code lastError} (the record then keeps its
     * allocation and a later reconcile retries it), or, when the JVM shuts down (a SIGINT or SIGTERM) during the
     * provider's create, or the provider could not remove what its failed create made
     * ({@link dev.envctl.core.provider.CreateFailure#leftBehind}), {@code creating} with {@code lastError}, for a
     * later reconcile to finish (it removes a half-made cluster and creates it again).
     *
     * <p>A create never ends as if it succeeded when it did not: when the reconcile fails but could not record
     * that (a store write after the provider call failed), the record is marked {@code failed} with the
     * failure as {@code lastError}; when even that write fails, the failure is thrown.
     *
     * <p>The provider's tool is looked for ({@link ClusterProvider#checkTool}) and its clusters are listed on the
     * host asked for before anything is recorded; for host
     * {@code auto}, on the host the store chose, just after recording (a cluster of that name found there removes
     * the record again before the error is thrown; a host that does not answer removes it and places it again
     * without that host, until a host answers or none with room is left).
     *
     * @throws EnvctlException {@code CONFLICT} when the name, a port or the subnet is held, or when the
     *                         provider already has a cluster of that name that no record owns (also when
     *                         another program made it after the listing: the provider refused the name and
     *                         the record is removed again), or when
     *                         another writer deletes the record while the provider creates the cluster (the
     *                         cluster is removed again; the message says so, or that it remains);
     *                         {@code PROVIDER_FAILED} when the provider is not configured, its tool is not
     *                         found, cannot list (on
     *                         a host other than {@code local} the message says the host did not answer; for
     *                         {@code auto}, on every host with room, each named, and each matching host that had
     *                         no room with how full it is) or fails
     *                         otherwise before anything is recorded (a plugin's bug in {@code validate} or
     *                         {@code list}: {@link ProviderCalls});
     *                         {@code INVALID_INPUT} for a host the store does not know, or for options the
     *                         provider refuses ({@link ClusterProvider#validate}; nothing is recorded then);
     *                         the store's error (such as {@code STORE_UNAVAILABLE}) when the failed create
     *                         cannot be recorded
     */
    public Environment create(EnvironmentSpec spec, ProgressListener progress) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(progress, "progress"); // not when the first step is told, after the record is written
        Environment recorded = record(spec);
        try {
            return converge(spec, recorded, progress);
        } catch (EnvctlException e) {
            if (e.code() != ErrorCode.STORE_UNAVAILABLE) {
                throw e;
            }
            // a second create of the name is refused (it is recorded): say what finishes this one
            throw new EnvctlException(e.code(), e.getMessage() + recordedBeforeStoreFailed(spec.name())
                    + " (a create of the same name is refused while the record exists)", e, e.remedy().orElse(null));
        }
    }

    /** The rest of {@link #create} once {@code spec} is recorded as {@code recorded}. */
    private Environment converge(EnvironmentSpec spec, Environment recorded, ProgressListener progress) {
        // the listing in record saw no such cluster: spare the converge a second listing of the same moment
        // a port another program takes between allocation and the tool's bind is moved by the converge itself
        Outcome outcome = runner.convergeOne(spec.name(), new Converger.Hint(recorded.version(), null),
                progress);
        if (outcome == null || !outcome.failed()) {
            // a delete recorded meanwhile (another envctl process's) was carried out by this converge, or another
            // writer removed the row before the converge read it
            return store.find(spec.name()).orElseThrow(() -> EnvctlException.conflict("environment '" + spec.name()
                    + "' was deleted while it was being created" + (outcome != null && outcome.action()
                    == Action.DELETED ? " (a delete recorded meanwhile); its cluster was deleted too" : ": its record "
                    + "was removed before its cluster was made (by another writer without envctl's locks, such as "
                    + "the Kindler scripts' delete_env.sh); no cluster was created")));
        }
        if (outcome.state() == ActualState.UNKNOWN) {
            throw takenMeanwhile(spec, outcome.error());
        }
        if (outcome.state() == null && outcome.error() != null && store.find(spec.name()).isEmpty()) {
            // another writer deleted the record meanwhile; the error says what became of the cluster
            throw EnvctlException.conflict(outcome.error());
        }
        Optional<Environment> stopped = outcome.state() == ActualState.CREATING && CommandRunner.stopping()
                ? store.find(spec.name()) : Optional.empty();
        if (stopped.isPresent()) {
            // envctl is stopping: the converge left the record creating for the next one to finish
            return stopped.get();
        }
        Environment failed = recordedFailure(spec.name(), outcome.error() == null ? "the create did not finish"
                : outcome.error());
        if (outcome.code() == ErrorCode.STORE_UNAVAILABLE) {
            // the store's error also when it is back to take the failed state (create adds what to do)
            throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, outcome.error(), null, outcome.remedy());
        }
        return failed;
    }

    /**
     * The provider refused the name of a create whose listing saw no such cluster: another program made one of that
     * name meanwhile (the converge left the record {@code unknown}, {@link dev.envctl.core.provider.CreateFailure#nameTaken}). The record is
     * removed again, as when the listing sees the cluster, so that no reconcile takes that cluster for this one's.
     */
    private EnvctlException takenMeanwhile(EnvironmentSpec spec, String error) {
        EnvctlException taken = EnvctlException.conflict("a " + spec.provider() + " cluster named '" + spec.name()
                + "' was made by another program while envctl created it, and no envctl record owns it; the record "
                + "envctl made was removed again; delete that cluster with " + spec.provider() + ", pick another "
                + "name, or adopt it with an apply that lists it with the ports and subnet it publishes (" + error
                + ")");
        store.find(spec.name()).filter(e -> e.actualState() == ActualState.UNKNOWN)
                .ifPresent(e -> removeRecord(e, taken));
        return taken;
    }

    /**
     * Records {@code spec} only, allocating atomically, after the checks {@link #create} makes before it
     * records (the first paragraph after the lists of its Javadoc); a later reconcile creates the cluster.
     *
     * @throws EnvctlException as {@link #create} before it records
     */
    public Environment record(EnvironmentSpec spec) {
        requireValidRequest(spec); // its first check: a null spec names the parameter
        requireTool(spec);
        if (!spec.host().isAuto()) {
            Host host = Hosts.find(store, spec.host().hostName());
            requireNoCluster(spec.name(), spec.provider(), host, listing(spec.provider(), host), false);
            return store.create(spec, allocator);
        }
        Map<String, EnvctlException> unanswered = new LinkedHashMap<>();
        for (EnvironmentSpec placing = spec; ; ) {
            Environment recorded;
            try {
                recorded = store.create(placing, allocator);
            } catch (EnvctlException e) {
                if (unanswered.isEmpty() || e.code() != ErrorCode.POOL_EXHAUSTED) {
                    throw e;
                }
                throw noHostAnswered(spec.name(), unanswered, e);
            }
            Host host;
            List<ClusterStatus> listed;
            try {
                host = Hosts.find(store, recorded.host());
                listed = listing(spec.provider(), host);
            } catch (EnvctlException notListed) {
                removeRecord(recorded, notListed);
                unanswered.put(recorded.host(), notListed);
                placing = placing.withHost(placing.host().excluding(recorded.host()));
                continue;
            }
            try {
                requireNoCluster(spec.name(), spec.provider(), host, listed, true);
            } catch (RuntimeException e) {
                removeRecord(recorded, e);
                throw e;
            }
            unanswered.forEach((skipped, why) -> LOG.warn("{}; placing environment '{}' on host '{}' instead",
                    unanswered(skipped, why), spec.name(), recorded.host()));
            return recorded;
        }
    }

    /** Removes the record {@code auto} placement just made, adding a failure to do so to {@code cause}. */
    private void removeRecord(Environment recorded, RuntimeException cause) {
        try {
            store.delete(recorded.name(), recorded.version());
        } catch (RuntimeException notRemoved) {
            cause.addSuppressed(notRemoved);
            throw cause;
        }
    }

    /**
     * The failure of an {@code auto} create whose every host with room failed to list: the one failure when there
     * was one host and no other matched, else each host's, and why each other host that matched was not used
     * ({@code noneLeft}, placement's failure once those hosts were excluded, says how full each is).
     */
    private static EnvctlException noHostAnswered(String name, Map<String, EnvctlException> unanswered,
                                                  EnvctlException noneLeft) {
        EnvctlException first = unanswered.values().iterator().next();
        Map<String, String> full = noneLeft instanceof HostsFullException f ? f.full() : Map.of();
        if (unanswered.size() == 1 && full.isEmpty()) {
            first.addSuppressed(noneLeft);
            return first;
        }
        EnvctlException all = new EnvctlException(first.code(), "no host " + (full.isEmpty() ? "" : "with room ")
                + "answered for environment '" + name + "': " + Stream.concat(unanswered.entrySet().stream()
                        .map(e -> unanswered(e.getKey(), e.getValue())), full.values().stream())
                .collect(Collectors.joining("; ")), first);
        all.addSuppressed(noneLeft);
        return all;
    }

    /** {@code why} naming {@code host}: the failure of a host other than {@code local} names it already. */
    private static String unanswered(String host, EnvctlException why) {
        return why.getMessage().startsWith("host '") ? why.getMessage()
                : "host '" + host + "' did not answer: " + why.getMessage();
    }

    /**
     * What creates of {@code environments} check before they record, for a dry run: fails, for the first of them in
     * their order, as {@link #create} would when the provider lists a cluster of its name on its host that no record
     * owns. Each provider is listed once on each host, of {@code hosts} (the store's, as the dry run read them);
     * where it cannot list (its tool missing, the host not answering), nothing is checked, as a dry run needs no tool.
     */
    public void requireNoUnmanagedClusters(List<Environment> environments, List<Host> hosts) {
        Map<Where, Optional<Listing>> listings = new HashMap<>();
        Map<String, Host> byName = RoundRunner.hostsByName(hosts);
        for (Environment e : environments) {
            Optional<Listing> listed = listings.computeIfAbsent(new Where(e.host(), e.provider()),
                    k -> listed(e.provider(), e.host(), byName));
            if (listed.isPresent()) {
                requireNoCluster(e.name(), listed.get().provider(), e.host(), listed.get().clusters(), false);
            }
        }
    }

    /**
     * The names of the clusters the provider {@code providerId} lists on {@code host}, of {@code hosts} (the store's,
     * as the dry run read them), for a dry run; empty when it cannot list there (its tool missing, the host not
     * answering), as a dry run needs no tool.
     */
    public Optional<Set<String>> listedClusters(String providerId, String host, List<Host> hosts) {
        return listed(providerId, host, RoundRunner.hostsByName(hosts)).map(l -> l.byName().keySet());
    }

    /**
     * What a provider lists on a host: its clusters, by name too (the last listed of a name, as the converge takes
     * it), and the provider that listed them, so that a record's cluster is found without a scan and without asking
     * the store for its host again.
     */
    private record Listing(ClusterProvider provider, List<ClusterStatus> clusters, Map<String, ClusterStatus> byName) {
        static Listing of(ClusterProvider provider, List<ClusterStatus> clusters) {
            return new Listing(provider, clusters, RoundRunner.byName(clusters));
        }
    }

    /**
     * What the provider {@code providerId} lists on {@code host}, taken from {@code hosts} (read before, by name; a
     * host not there is asked of the store); empty when it cannot list there.
     */
    private Optional<Listing> listed(String providerId, String host, Map<String, Host> hosts) {
        try {
            Host read = hosts.get(host);
            ClusterProvider provider = providers.get(providerId, read != null ? read : Hosts.find(store, host));
            return Optional.of(Listing.of(provider, ProviderCalls.call(provider, "list", provider::list)));
        } catch (EnvctlException notListed) {
            LOG.debug("{} clusters on host {} not listed: {}", providerId, host, notListed.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The clusters provider {@code providerId} lists on {@code host}; on a host other than {@code local}, a
     * listing that fails says the host did not answer.
     */
    private List<ClusterStatus> listing(String providerId, Host host) {
        ClusterProvider provider = providers.get(providerId, host);
        try {
            return ProviderCalls.call(provider, "list", provider::list);
        } catch (EnvctlException e) {
            if (host.isLocal()) {
                throw e;
            }
            throw new EnvctlException(e.code(), "host '" + host.name() + "' did not answer: " + e.getMessage(), e);
        }
    }

    /**
     * Fails when {@code listed}, the clusters of {@code providerId} on {@code host}, has one named {@code name} that
     * no record owns ({@code ours}: the record just made for it, which owns none yet).
     */
    private void requireNoCluster(String name, String providerId, Host host, List<ClusterStatus> listed,
                                  boolean ours) {
        requireNoCluster(name, providers.get(providerId, host), host.name(), listed, ours);
    }

    private void requireNoCluster(String name, ClusterProvider provider, String host, List<ClusterStatus> listed,
                                  boolean ours) {
        for (ClusterStatus c : listed) {
            if (c.name().equals(name)) {
                if (!ours && store.find(name).isPresent()) {
                    // the cluster is this record's: never tell the user to delete a managed cluster
                    throw EnvctlException.conflict("environment '" + name + "' already exists in "
                            + store.location() + "; choose another name or delete it first");
                }
                throw EnvctlException.conflict("a " + provider.id() + " cluster named '" + name
                        + "' already exists" + (host.equals(Host.LOCAL_NAME) ? "" : " on host '" + host + "'")
                        + " and no envctl record owns it; delete it with " + provider.id()
                        + ", pick another name, or adopt it with an apply that lists it with the ports and subnet "
                        + "it publishes");
            }
        }
    }

    /**
     * The record after a failed converge, marked {@code failed} with {@code error} if the converge could not. One the
     * converge left {@code creating} with its error (what the failed create made may remain) stays so: as
     * {@code failed}, the next converge would take a half-made cluster that runs as made.
     */
    private Environment recordedFailure(String name, String error) {
        try {
            Optional<Environment> now = store.find(name);
            if (now.isPresent() && now.get().failure().isPresent()) {
                return now.get();
            }
            Optional<Environment> marked = writer.actual(name, ActualState.FAILED, error);
            if (marked.isPresent()) {
                return marked.get();
            }
        } catch (EnvctlException e) {
            // the store failing once more as it failed the create is said once
            throw new EnvctlException(e.code(), "creating environment '" + name + "' failed" + (e.getMessage()
                    .equals(error) ? ", and the store could not record that either: " + error : " (" + error
                    + ") and the record could not be marked failed: " + e.getMessage()), e);
        }
        throw new EnvctlException(ErrorCode.FAILURE, "creating environment '" + name + "' failed (" + error
                + ") and its record is gone");
    }

    /**
     * Records desired absent and reconciles now: pre-delete hooks, provider delete, post-delete hooks, record
     * removed. With {@code keepRecord} the cluster is deleted but the record stays (see
     * {@link #KEEP_RECORD_LABEL}). Returns the remaining record, if any; a failed step leaves it
     * {@code failed} with {@code lastError}, desired absent, and a later reconcile retries it. So does a record
     * whose host no provider can reach (providers given as instances, an unknown host): its cluster is not
     * removed, which is logged at WARN.
     *
     * @throws EnvctlException {@code NOT_FOUND} for an unknown name, {@code PROVIDER_FAILED} when the
     *                         record's provider is not configured, {@code CONFLICT} when another writer undid the
     *                         delete: the record left is desired other than absent, or older than the one this
     *                         delete wrote (an old script writing the CSV file back from an older copy)
     */
    public Optional<Environment> delete(String name, boolean keepRecord, ProgressListener progress) {
        return delete(requireName(name), keepRecord, Objects.requireNonNull(progress, "progress"), Map.of());
    }

    /**
     * As {@link #delete(String, boolean, ProgressListener)}; {@code hosts}: the store's hosts read before, by name (a
     * host not there is asked of the store).
     */
    private Optional<Environment> delete(String name, boolean keepRecord, ProgressListener progress,
                                         Map<String, Host> hosts) {
        provider(store.get(name).provider());
        long marked = writer.modify(name, e -> markAbsent(e, keepRecord)).map(Environment::version).orElse(0L);
        Outcome o = runner.convergeOne(name, null, hosts, progress, null);
        if (o.action() == Action.FAILED && o.error() != null) {
            // a step that failed wrote failed itself; one that could not start (no provider reaches the host, the
            // store refused its first write) did not, and a record failed before still says the earlier failure; a
            // store that refuses this write too throws its own error
            store.find(name).filter(e -> e.desiredState() == DesiredState.ABSENT
                    && !(e.actualState() == ActualState.FAILED && o.error().equals(e.lastError()))).ifPresent(e -> {
                        writer.modify(name, r -> r.desiredState() == DesiredState.ABSENT
                                ? r.withActualState(ActualState.FAILED, o.error()) : r);
                        LOG.warn("{}: the cluster was not removed: {}; the record stays, desired absent, and a later "
                                + "reconcile retries the delete", name, o.error());
                    });
        }
        Optional<Environment> left = store.find(name);
        if (left.isPresent() && (left.get().desiredState() != DesiredState.ABSENT || left.get().version() < marked)) {
            throw changedBack(name, left.get(), marked, o.action() == Action.DELETED);
        }
        return left;
    }

    /**
     * The record a delete left is not the one it marked absent: another writer wrote it back (an old script
     * rewriting the CSV file from a copy read before, or a create of the same name).
     */
    private static EnvctlException changedBack(String name, Environment left, long marked, boolean clusterDeleted) {
        return EnvctlException.conflict("the delete of environment '" + name + "' was undone by another writer: "
                + "its record is back, desired " + left.desiredState().key() + ", state "
                + left.actualState().key() + ", version " + left.version() + " (the delete wrote version " + marked
                + ")" + (clusterDeleted ? ", though its cluster was deleted" : "") + "; an old script writing the "
                + "store from an older copy does this: let it finish, look at the record, and delete it again");
    }

    /**
     * Records desired {@code stopped} and reconciles now: the cluster is stopped, its ports and subnet stay held,
     * and reconcile and apply leave it stopped until {@link #start}. Returns the record as it ends:
     * {@code stopped} (its {@code lastError} null, or kept when it is a post-create hook's failure: not failed,
     * {@link Environment#failure()} is empty, and {@link #start} runs those hooks), or {@code failed} with
     * {@code lastError}; {@code creating} for a create that did not finish, or failed other than in its post-create
     * hooks, whose cluster is listed (its cluster stopped, or {@code lastError} the failed stop's), so that the start
     * asks whether that create finished; or, when another thread or envctl process is
     * converging the environment, desired {@code stopped} in whatever state it is (that one carries the stop
     * out: compare {@code actualState()} with the desired state to tell).
     *
     * @throws EnvctlException {@code NOT_FOUND} for an unknown name, {@code CONFLICT} for an environment being
     *                         deleted, {@code PROVIDER_FAILED} when its provider is not configured or cannot list
     *                         its clusters (the desired state is recorded then, and reconcile carries it out),
     *                         {@code STORE_UNAVAILABLE} when the store failed
     */
    public Environment stop(String name, ProgressListener progress) {
        return changeDesired(name, DesiredState.STOPPED, progress);
    }

    /**
     * Records desired {@code present} for a stopped environment and reconciles now: its cluster is started (or
     * created if it vanished, a port envctl allocated that the host cannot bind now replaced by a free one, see
     * {@link #AUTO_PORTS_LABEL}), without the post-create hooks; but a record whose post-create hooks failed keeps
     * that failure as its {@code lastError} through the stop, and its start runs them after starting the cluster,
     * recording {@code running} only when they pass. The stopped cluster of an {@code unknown} record
     * (a row of the Kindler scripts), which reconcile leaves alone, is started and adopted as reconcile adopts a
     * running one. The stopped cluster of a {@code creating} record (a stop of a create that did not finish) is
     * started and the provider asked whether that create finished: finished, the post-create hooks run; else it is
     * deleted and created again. Returns the record as it ends: {@code running}, or
     * {@code failed} with {@code lastError}, still desired {@code stopped} so that neither reconcile nor a
     * retried start takes the stopped cluster for a half-made one (post-create hooks that fail again: desired
     * {@code present}, as a create they fail); or, when another thread or envctl process is
     * converging the environment, desired {@code present} in whatever state it is (that one starts it).
     *
     * @throws EnvctlException as {@link #stop}
     */
    public Environment start(String name, ProgressListener progress) {
        return changeDesired(name, DesiredState.PRESENT, progress);
    }

    /**
     * {@link #stop(String, ProgressListener)} of each of {@code names} (a name given twice, once), up to
     * {@link EngineOptions#concurrency} at once; the records as they end, in the order of {@code names}. Every name is
     * checked before any is changed, so one that is wrong changes nothing: an unknown name is {@code NOT_FOUND}, one
     * being deleted {@code CONFLICT}, one whose provider is not configured {@code PROVIDER_FAILED} (the first in the
     * order given). Then one that fails does not keep the others from being stopped; once envctl is stopping
     * ({@link CommandRunner#stopping}), the ones not begun are left as they are, and out of the list.
     *
     * @throws EnvctlException what the checks throw, with nothing changed; else what
     *                         {@link #stop(String, ProgressListener)} throws for the first of {@code names} that threw,
     *                         once every other has ended (the later ones suppressed in it)
     */
    public List<Environment> stop(Collection<String> names, ProgressListener progress) {
        return changeDesired(names, DesiredState.STOPPED, progress);
    }

    /**
     * {@link #start(String, ProgressListener)} of each of {@code names}, as {@link #stop(Collection, ProgressListener)}
     * stops them.
     */
    public List<Environment> start(Collection<String> names, ProgressListener progress) {
        return changeDesired(names, DesiredState.PRESENT, progress);
    }

    private List<Environment> changeDesired(Collection<String> names, DesiredState desired,
                                            ProgressListener progress) {
        Set<String> named = new LinkedHashSet<>(Validation.requireNames(names));
        Objects.requireNonNull(progress, "progress");
        List<Environment> records = checkedFirst(named, e -> {
            provider(e.provider());
            requireNotBeingDeleted(e, desired);
        });
        // each provider listed once on each host of the names, not once for each name
        RoundRunner.Listed listed = runner.list(records);
        return each(named, desired == DesiredState.STOPPED ? "stop" : "start", name -> changeDesired(name, desired,
                progress, listed.hints().get(name), listed.hosts()));
    }

    /**
     * {@link #delete(String, boolean, ProgressListener)} of each of {@code names} (a name given twice, once), up to
     * {@link EngineOptions#concurrency} at once, as {@link #stop(Collection, ProgressListener)} stops them: every
     * name checked first ({@code NOT_FOUND} for an unknown one, {@code PROVIDER_FAILED} for one whose provider is not
     * configured, with nothing changed); the record each left (empty when it is gone), by name in the order of
     * {@code names}.
     *
     * @throws EnvctlException what the checks throw, with nothing changed; else what
     *                         {@link #delete(String, boolean, ProgressListener)} throws for the first of {@code names}
     *                         that threw, once every other has ended (the later ones suppressed in it)
     */
    public Map<String, Optional<Environment>> delete(Collection<String> names, boolean keepRecord,
                                                     ProgressListener progress) {
        Set<String> named = new LinkedHashSet<>(Validation.requireNames(names));
        Objects.requireNonNull(progress, "progress");
        checkedFirst(named, e -> provider(e.provider()));
        Map<String, Optional<Environment>> left = new LinkedHashMap<>();
        // the store's hosts read once for them all, as a stop of several names reads them, not once for each name
        Map<String, Host> hosts = RoundRunner.hostsByName(store.hosts());
        each(named, "delete", name -> Map.entry(name, delete(name, keepRecord, progress, hosts)))
                .forEach(e -> left.put(e.getKey(), e.getValue()));
        return left;
    }

    /**
     * The records of {@code names}, read at once, in their order, each checked by {@code check} (what a change of it
     * alone checks before it writes), all before any is changed: {@code NOT_FOUND} for the first name the store does
     * not have, then what {@code check} throws for the first record it refuses. A caller that got one name of several
     * wrong has no half-done change to undo, as the CLI, which checks every name first, has none.
     */
    private List<Environment> checkedFirst(Set<String> names, Consumer<Environment> check) {
        Map<String, Environment> byName = new HashMap<>();
        store.list(EnvironmentFilter.ALL).forEach(e -> byName.put(e.name(), e));
        List<Environment> records = new ArrayList<>();
        for (String name : names) {
            Environment e = byName.get(name);
            records.add(e != null ? e : store.get(name)); // the store's own NOT_FOUND, as for one name
        }
        records.forEach(check);
        return records;
    }

    /**
     * {@code one} of each of {@code names}, up to {@link EngineOptions#concurrency} at once, each even when another
     * throws; what they returned, in the order of {@code names}. Once envctl is stopping
     * ({@link CommandRunner#stopping}), the names not begun are left as they are, and out of the list.
     *
     * @throws RuntimeException what the first of {@code names} that threw threw, once every other has ended (the
     *                          later ones suppressed in it)
     */
    private <T> List<T> each(Set<String> names, String verb, Function<String, T> one) {
        List<Ended<T>> ended = runner.each(List.copyOf(names), verb, name -> {
            try {
                return new Ended<>(one.apply(name), null);
            } catch (RuntimeException e) {
                return new Ended<>(null, e);
            }
        }, CommandRunner::stopping);
        RuntimeException first = null;
        List<T> results = new ArrayList<>();
        for (Ended<T> c : ended) {
            if (c.error() == null) {
                results.add(c.result());
            } else if (first == null) {
                first = c.error();
            } else {
                first.addSuppressed(c.error());
            }
        }
        if (first != null) {
            throw first;
        }
        return results;
    }

    /** What one of several names ended with: its result, or what it threw. */
    private record Ended<T>(T result, RuntimeException error) {
    }

    private Environment changeDesired(String name, DesiredState desired, ProgressListener progress) {
        return changeDesired(requireName(name), desired, Objects.requireNonNull(progress, "progress"), null,
                Map.of());
    }

    /**
     * As {@link #changeDesired(String, DesiredState, ProgressListener)}; {@code hint}: a listing of the record's
     * provider made after the record was read (null: none), which stands in for listing again while the record is
     * the one read or the one this writes over it; {@code hosts}: the hosts read with it, by name.
     */
    private Environment changeDesired(String name, DesiredState desired, ProgressListener progress,
                                      Converger.Hint hint, Map<String, Host> hosts) {
        Environment e = store.get(name);
        provider(e.provider());
        requireNotBeingDeleted(e, desired);
        if (startOfRunning(e, desired) && (hint == null || hint.version() != e.version())) {
            // listed now, after the record was read, as a start of several names lists: the listing that tells
            // whether its cluster runs serves the converge too, which does not list again
            RoundRunner.Listed listed = runner.list(List.of(e));
            return changeDesired(e, desired, progress, listed.hints().get(name), listed.hosts());
        }
        return changeDesired(e, desired, progress, hint, hosts);
    }

    /** The rest of the change of {@code e}, read and checked by the caller. */
    private Environment changeDesired(Environment e, DesiredState desired, ProgressListener progress,
                                      Converger.Hint hint, Map<String, Host> hosts) {
        String name = e.name();
        boolean hinted = hint != null && hint.version() == e.version();
        if (startOfRunning(e, desired) && runs(e, hinted ? hint : null, hosts).orElse(false)) {
            return e; // nothing to start, nothing to record
        }
        long[] over = {-1};
        // checked again on the record written over: a delete recorded meanwhile must not be undone
        Optional<Environment> written = writer.modify(name, r -> {
            over[0] = r.version();
            requireNotBeingDeleted(r, desired);
            if (stopOfFailedCreate(r, desired)) {
                return r.withDesiredState(desired).withActualState(ActualState.CREATING, r.lastError());
            }
            if (fromStopped(r, desired) && Converger.adoptionRefused(r)) {
                // a stop could not hold the ports of a cluster envctl never adopted: the start adopts it, as it
                // starts and adopts the stopped cluster of an unknown record, rather than take the record's ports
                return r.withDesiredState(desired).withActualState(ActualState.UNKNOWN, r.lastError());
            }
            return fromStopped(r, desired) || startOfRunning(r, desired) ? r.withDesiredState(desired)
                    .withActualState(ActualState.STOPPED, HookRunner.keptWhenStopped(r)) : r.withDesiredState(desired);
        });
        // this write changes no cluster: the listing stands for the record it wrote, if it wrote over the one read
        Converger.Hint fresh = hinted && over[0] == e.version() ? written.map(w -> new Converger.Hint(w.version(),
                hint.listed(), hint.listFailure())).orElse(null) : null;
        Outcome o = runner.convergeOne(name, fresh, hosts, progress,
                desired == DesiredState.PRESENT ? e.desiredState() : null);
        if (o.action() == Action.FAILED && o.code() != null) {
            // failed before the provider was asked (it could not list), so the record does not say it
            throw new EnvctlException(o.code(), "environment '" + name + "' is recorded desired " + desired.key()
                    + ", but " + o.error() + "; a reconcile carries it out once that works", null, o.remedy());
        }
        return store.find(name).orElseThrow(() -> EnvctlException.conflict("environment '" + name + "' was deleted "
                + "while it was being " + (desired == DesiredState.STOPPED ? "stopped" : "started") + " (a delete "
                + "recorded meanwhile); its cluster was deleted too"));
    }

    /**
     * {@code CONFLICT} when {@code e} is desired {@code absent}: a delete not carried out yet, or one that kept the
     * record, which has no cluster to stop or start ({@code desired}).
     */
    private static void requireNotBeingDeleted(Environment e, DesiredState desired) {
        if (e.desiredState() == DesiredState.ABSENT && !ApplyPlan.deleteUnfinished(e)) {
            throw EnvctlException.conflict("environment '" + e.name() + "' is not being deleted: its delete "
                    + "finished and kept the record (keepRecord), so it has no cluster to "
                    + (desired == DesiredState.STOPPED ? "stop" : "start") + "; apply a list that names it to create "
                    + "it again with its ports, or delete it to remove the record");
        }
        if (e.desiredState() == DesiredState.ABSENT) {
            throw EnvctlException.conflict("environment '" + e.name() + "' is being deleted (desired absent); "
                    + "let the delete finish and create it again, or apply a list that names it (that keeps its ports) "
                    + "first");
        }
    }

    /**
     * A start of a record that says {@code running}: its cluster may have been stopped (or deleted) outside
     * envctl since the last reconcile, so the start looks again as it does after a stop: a stopped cluster is
     * started, a vanished one created; a running one changes nothing (the record is not written).
     */
    private static boolean startOfRunning(Environment e, DesiredState desired) {
        return desired == DesiredState.PRESENT && e.desiredState() == DesiredState.PRESENT
                && e.actualState() == ActualState.RUNNING;
    }

    /**
     * Whether the provider lists {@code e}'s cluster as running on its host with every node its record asks for
     * (as the converge judges it); empty when it cannot list or tell (the converge then looks again and reports
     * why). {@code hint}: a listing made after {@code e} was read, on its host of {@code hosts} (null: listed now).
     */
    private Optional<Boolean> runs(Environment e, Converger.Hint hint, Map<String, Host> hosts) {
        Map<Where, Optional<Listing>> listings = new HashMap<>();
        // a listing made after e was read (its provider's, on e's host, which it was made on), else one made now
        listings.put(new Where(e.host(), e.provider()), hint == null ? listed(e.provider(), e.host(), hosts)
                : hint.listFailure() != null ? Optional.empty()
                : Optional.of(Listing.of(providers.get(e.provider(), hosts.get(e.host())),
                Stream.ofNullable(hint.listed()).toList())));
        return listedAs(e, listings).map(c -> c == Listed.RUNNING);
    }

    /** How a provider lists a record's cluster, as the converge judges it. */
    private enum Listed {
        /** Listed running with every node its record asks for. */
        RUNNING,
        /** Listed with every node its record asks for, not running. */
        STOPPED,
        /** Not listed, or listed lacking nodes its record asks for. */
        OTHERWISE
    }

    /**
     * Whether the converge leaves {@code e}, a record to resume, as it is ({@link #leftAlone(ApplyPlan, List, Map)}).
     */
    private boolean leftAlone(Environment e, Map<Where, Optional<Listing>> listings) {
        if (ApplyPlan.replacing(e)) {
            return false; // its converge deletes the old cluster whatever is listed, as reconcile's does
        }
        if (e.desiredState() == DesiredState.STOPPED) {
            return e.actualState() == ActualState.CREATING && e.lastError() == null
                    && listedAs(e, listings).map(c -> c == Listed.STOPPED).orElse(false);
        }
        return e.desiredState() == DesiredState.PRESENT && switch (e.actualState()) {
            case UNKNOWN -> listedAs(e, listings).map(c -> c == Listed.STOPPED).orElse(false);
            case FAILED -> drift == DriftPolicy.MARK_FAILED
                    && listedAs(e, listings).map(c -> c != Listed.RUNNING).orElse(false);
            default -> false;
        };
    }

    /**
     * Whether {@code e} is {@code unknown} (nothing converged it yet), failed because its adoption was refused
     * ({@link Converger#adoptionRefused}), or lacks a host port (envctl makes no cluster without every port), and the
     * provider lists its cluster running: its converge takes the ports that cluster binds.
     */
    private boolean runsUnadopted(Environment e, Map<Where, Optional<Listing>> listings) {
        return (e.actualState() == ActualState.UNKNOWN || Converger.adoptionRefused(e) || !e.ports().complete())
                && listedAs(e, listings).orElse(null) == Listed.RUNNING;
    }

    /**
     * Whether {@code e} says {@code running}, desired {@code present}, and the provider lists its cluster with every
     * node, not running: stopped outside envctl, which the converge starts (as reconcile does).
     */
    private boolean stoppedOutside(Environment e, Map<Where, Optional<Listing>> listings) {
        return e.desiredState() == DesiredState.PRESENT && e.actualState() == ActualState.RUNNING
                && listedAs(e, listings).orElse(null) == Listed.STOPPED;
    }

    /**
     * How the provider lists {@code e}'s cluster on its host; empty when it cannot list or tell. {@code listings}
     * keeps each listing by provider and host, for the next record.
     */
    private Optional<Listed> listedAs(Environment e, Map<Where, Optional<Listing>> listings) {
        Optional<Listing> listed = listings.computeIfAbsent(new Where(e.host(), e.provider()),
                k -> listed(e.provider(), e.host(), Map.of()));
        if (listed.isEmpty()) {
            return Optional.empty();
        }
        try {
            ClusterProvider provider = listed.get().provider();
            Optional<ClusterStatus> c = Optional.ofNullable(listed.get().byName().get(e.name()));
            if (c.isEmpty() || ProviderCalls.call(provider, "missingNodes", () -> provider.missingNodes(e, c.get()))
                    .isPresent()) {
                return Optional.of(Listed.OTHERWISE);
            }
            return Optional.of(c.get().running() ? Listed.RUNNING : Listed.STOPPED);
        } catch (EnvctlException notTold) {
            LOG.debug("{}: whether its cluster runs is not known: {}", e.name(), notTold.getMessage());
            return Optional.empty();
        }
    }

    /**
     * A start ({@code desired} present) of a record a stop or start left {@code failed}, desired {@code stopped}: its
     * cluster was made and stopped (or is about to be), so the start treats it as stopped, never as an interrupted
     * create to redo. One whose post-create hooks failed (a stop recorded while its provider could not list) keeps
     * that failure, as a stop keeps it, so the start runs them. A stop of it keeps it {@code failed}: the converge
     * then stops what the failed stop or start left running, which a provider may list as not running.
     */
    private static boolean fromStopped(Environment e, DesiredState desired) {
        return desired == DesiredState.PRESENT && e.desiredState() == DesiredState.STOPPED
                && e.actualState() == ActualState.FAILED;
    }

    /**
     * A stop of a record left {@code failed} and desired {@code present} by a create (or a start's create of a
     * vanished cluster) that failed, but not in its post-create hooks: its cluster, when listed, may be half made
     * and its post-create hooks never ran, so the stop records it {@code creating}, as a stop of a create that did not
     * finish ({@code stoppedUnfinished} in the converge), and the start asks whether the create finished: finished,
     * the hooks run; else the cluster is made again. Without a listed cluster the converge records it
     * {@code stopped}, and the start creates it. Not a record whose cluster's adoption was refused
     * ({@link Converger#adoptionRefused}): envctl did not make that cluster, so it has no mark of a finished create,
     * and the start would delete it.
     */
    private static boolean stopOfFailedCreate(Environment e, DesiredState desired) {
        return desired == DesiredState.STOPPED && e.desiredState() == DesiredState.PRESENT
                && e.actualState() == ActualState.FAILED && !HookRunner.postCreateFailed(e)
                && !Converger.adoptionRefused(e);
    }

    /**
     * Converges the named environments (empty = all) once, at most {@code concurrency} at a time. When the JVM
     * shuts down (a SIGINT or SIGTERM, {@link CommandRunner#stopping()}), environments not yet started are left as
     * they are; once the listings are done, the report is empty and no record is changed, as the shutdown may have
     * ended the listings.
     *
     * @throws EnvctlException {@code NOT_FOUND} for a name the store does not have (the first in their order),
     *                         before any provider is asked (or after, for a record another writer removed while
     *                         the providers listed), with the store unchanged
     */
    public ReconcileReport reconcile(Collection<String> names, ProgressListener progress) {
        return runner.run(Validation.requireNames(names), Objects.requireNonNull(progress, "progress"),
                CommandRunner::stopping);
    }

    /**
     * Reconciles every {@code interval} until {@code stop} is set (or the thread is interrupted, or the JVM shuts
     * down); failures retry with backoff; returns after finishing or safely abandoning the work in flight. A round
     * stopped before it converged anything is not passed to {@code afterEachRound}: the stop may have ended its
     * listings. What {@code afterEachRound} throws ends the watch and is thrown from here; what {@code progress}
     * throws is logged and ignored, as in every call of the engine.
     */
    public void watch(Duration interval, AtomicBoolean stop, ProgressListener progress,
                      Consumer<ReconcileReport> afterEachRound) {
        watch(List.of(), interval, stop, progress, afterEachRound);
    }

    /**
     * As {@link #watch(Duration, AtomicBoolean, ProgressListener, Consumer)}, over the environments named
     * {@code names} only (all when it is empty); one deleted meanwhile drops out of the rounds.
     *
     * @throws EnvctlException {@code INVALID_INPUT} for an interval under 1ms, before the store is read;
     *                         {@code NOT_FOUND} for a name the store does not have, before the first round
     */
    public void watch(Collection<String> names, Duration interval, AtomicBoolean stop, ProgressListener progress,
                      Consumer<ReconcileReport> afterEachRound) {
        Validation.requireNames(names);
        // at least 1ms, as the CLI's --interval: a shorter one runs rounds without a pause, each listing every provider
        Durations.requireParsable("watch interval", Objects.requireNonNull(interval, "interval"));
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(afterEachRound, "afterEachRound");
        names.forEach(store::get);
        new WatchLoop(store, runner).run(Set.copyOf(names), interval, stop, progress, afterEachRound);
    }

    /**
     * What {@code apply} would do, field by field, changing nothing (for {@code diff} and --dry-run). An
     * {@code unknown} record the list names is resumed unless its cluster is listed stopped (the converge leaves that
     * one stopped and the record unknown), and is {@link ApplyPlan#adopting} when it is listed running; a
     * {@code running} one is resumed when its cluster is listed stopped with every node (stopped outside envctl: the
     * converge starts it, no hook); under
     * {@link DriftPolicy#MARK_FAILED} a {@code failed} record the list names is resumed only when its cluster is
     * listed running (its post-create hooks run again), as the converge leaves the others failed.
     *
     * @throws EnvctlException {@code INVALID_INPUT} when a provider refuses the options of an environment to
     *                         create or change ({@link ClusterProvider#validate}), new or existing alike; its
     *                         message is the provider's after {@code environment 'NAME': }; also when an option value
     *                         of any environment {@code desired} names has spaces around it
     *                         ({@link Validation#requireOptionValuesAsWritten})
     */
    public ApplyPlan plan(List<EnvironmentSpec> desired, boolean prune) {
        // every environment the request names, also one whose record the value means (which the plan leaves alone)
        for (EnvironmentSpec spec : Validation.requireNoNulls(desired, "desired")) {
            try {
                Validation.requireOptionValuesAsWritten(spec.options(), " of environment " + spec.name());
            } catch (EnvctlException e) {
                throw EnvctlException.invalid("environment '" + spec.name() + "': " + e.getMessage());
            }
        }
        Map<Where, Optional<Listing>> listings = new HashMap<>();
        ApplyPlan plan = requireValid(leftAlone(Apply.plan(store, desired, prune, id -> providers.ids().contains(id)
                ? Optional.of(provider(id)) : Optional.empty()), desired, listings));
        Map<Where, List<ClusterStatus>> listed = new HashMap<>();
        listings.forEach((where, clusters) -> clusters.ifPresent(l -> listed.put(where, l.clusters())));
        lastPlanned = new Planned(plan, listed);
        return plan;
    }

    /**
     * The last plan this engine made and what the providers listed for it, by host and provider: applying that
     * very plan takes those listings to report unmanaged clusters where it converges nothing, rather than listing
     * the providers there a second time. One slot: a plan made meanwhile by another thread only costs the listings.
     */
    private record Planned(ApplyPlan plan, Map<Where, List<ClusterStatus>> listed) {
    }

    /**
     * {@code plan}, when every provider that is configured takes the options of each environment it creates or
     * changes; else {@code INVALID_INPUT}, as {@link #plan} says.
     */
    private ApplyPlan requireValid(ApplyPlan plan) {
        // options a provider refuses are invalid input, refused before anything is written; a provider that is
        // not configured is that environment's failure in apply
        List<EnvironmentSpec> requests = new ArrayList<>(plan.toCreate());
        plan.toUpdate().forEach(u -> requests.add(u.spec()));
        // a replacement, and the create again of a kept record, by the same provider keep the record's options the
        // request leaves out (ApplyPlan.Update#options): the provider must still take them, or apply would delete
        // the old cluster (or mark the kept record present) and fail to make the new one
        int firstKept = requests.size();
        plan.replacements().forEach(u -> store.find(u.name())
                .ifPresent(e -> requests.add(u.spec().withOptions(u.options(e)))));
        plan.toCreate().forEach(spec -> store.find(spec.name()).ifPresent(kept -> ApplyPlan.Update.ofKept(kept, spec)
                .ifPresent(u -> requests.add(spec.withOptions(u.options(kept))))));
        for (int i = 0; i < requests.size(); i++) {
            EnvironmentSpec spec = requests.get(i);
            if (!providers.ids().contains(spec.provider())) {
                continue;
            }
            try {
                validate(spec);
            } catch (EnvctlException e) {
                if (e.code() != ErrorCode.INVALID_INPUT) {
                    throw e;
                }
                throw new EnvctlException(e.code(), "environment '" + spec.name() + "': " + e.getMessage()
                        + (i < firstKept ? "" : " (the options the request leaves out are kept from the record, "
                        + "so it would be made with " + spec.options() + "; to make it with " + spec.provider()
                        + " without them, delete the environment and apply again)"), e);
            }
        }
        return plan;
    }

    /**
     * {@code plan} with the records to resume that the converge leaves alone moved to {@code unchanged}: an
     * {@code unknown} one desired present whose cluster is listed stopped with every node (reconcile leaves such a
     * cluster stopped, and a start adopts it), under {@link DriftPolicy#MARK_FAILED} a {@code failed} one desired
     * present whose cluster is not listed running, and a {@code creating} one desired stopped, without a
     * {@code lastError}, whose cluster is listed stopped with every node (a stop of its unfinished create left it
     * so). A provider that cannot list leaves them to resume, where the converge reports why. An {@code unknown} one
     * desired present whose cluster is listed running is {@link ApplyPlan#adopting}, and so is an {@code unknown} one
     * to create whose record is desired absent (marked present again) and not made anew for a changed spec
     * ({@link ApplyPlan.Update#ofKept}). A {@code running} one desired present, unchanged or changed in place only,
     * whose cluster is listed stopped with every node (stopped outside envctl) is moved to resume, whose converge
     * starts it. Each provider is listed once per host, and only for such records. {@code unchanged} keeps the order
     * in which {@code desired} lists the names, the moved ones included.
     */
    private ApplyPlan leftAlone(ApplyPlan plan, List<EnvironmentSpec> desired,
                                Map<Where, Optional<Listing>> listings) {
        List<String> resume = new ArrayList<>();
        List<String> adopting = new ArrayList<>();
        List<String> unchanged = new ArrayList<>(plan.unchanged());
        Set<String> updated = plan.toUpdate().stream().map(ApplyPlan.Update::name).collect(Collectors.toSet());
        // one read of the store for every record the loops below look at (a CSV store reads its whole file)
        Map<String, Environment> records = new HashMap<>();
        store.list(EnvironmentFilter.ALL).forEach(e -> records.put(e.name(), e));
        for (String name : plan.toResume()) {
            Optional<Environment> e = Optional.ofNullable(records.get(name));
            if (e.isPresent() && leftAlone(e.get(), listings)) {
                if (!updated.contains(name)) {
                    unchanged.add(name);
                }
                continue;
            }
            resume.add(name);
            if (e.isPresent() && e.get().desiredState() == DesiredState.PRESENT && runsUnadopted(e.get(), listings)) {
                adopting.add(name);
            }
        }
        for (EnvironmentSpec spec : plan.toCreate()) {
            // a record desired absent the list names is marked present again: one never converged whose cluster
            // runs is adopted by its converge, as a resumed one is
            Optional<Environment> e = Optional.ofNullable(records.get(spec.name()));
            if (e.isPresent() && ApplyPlan.Update.ofKept(e.get(), spec).isEmpty() && runsUnadopted(e.get(), listings)) {
                adopting.add(spec.name());
            }
        }
        adopting.sort(null);
        // a record that says running whose cluster was stopped outside envctl: the converge starts it
        Set<String> settled = new HashSet<>(plan.unchanged());
        plan.toUpdate().stream().filter(u -> !u.replace()).forEach(u -> settled.add(u.name()));
        settled.removeAll(resume);
        if (!settled.isEmpty()) {
            for (Environment e : records.values()) {
                if (settled.contains(e.name()) && stoppedOutside(e, listings)) {
                    unchanged.remove(e.name());
                    resume.add(e.name());
                }
            }
            resume.sort(null);
        }
        Map<String, Integer> listed = new HashMap<>();
        desired.forEach(spec -> listed.putIfAbsent(spec.name(), listed.size()));
        unchanged.sort(Comparator.comparing(listed::get));
        return new ApplyPlan(plan.toCreate(), plan.toUpdate(), plan.toDelete(), resume, unchanged, adopting);
    }

    /**
     * Makes the store match {@code desired} as {@link #plan} says, then reconciles what it touched: missing ones
     * created (an existing cluster of the same name is adopted), ones desired absent marked present again, ones
     * absent from the list marked for deletion when {@code prune} (and ones it leaves out whose delete was recorded
     * before and not finished, {@link ApplyPlan#deleteUnfinished}, deleted as they are); record-only changes
     * (labels, node port) written in place ({@link Action#UPDATED}, cluster untouched, no hooks); listed
     * environments whose record a converge still acts on ({@link ApplyPlan#unfinished}: {@code failed}, a create or
     * delete left {@code creating} or {@code deleting}, or {@code unknown}, whose running cluster is adopted and
     * missing one created; but for those {@link #plan} leaves unchanged), changed in place or not, converged as a
     * reconcile would (the cause may be fixed, by this file or otherwise; one another process converges is
     * {@link Action#SKIPPED_LOCKED}); and,
     * only with {@code replace},
     * environments whose provider, host ports, subnet or provider options changed replaced
     * ({@link Action#REPLACED}): the new spec is allocated and recorded first, so a conflict leaves the old record
     * and cluster as they were; then, under the environment's lock, the old cluster is deleted (delete hooks
     * included) and the new one created (post-create hooks). The creates and replacements are allocated first
     * without writing: when the store would refuse one, nothing is changed. A request the store rejects later (a
     * port another writer took meanwhile) is a {@link Action#FAILED} outcome and the others still proceed. When
     * the JVM shuts down ({@link CommandRunner#stopping()}) while the plan is made, nothing is written; later, what
     * is recorded stays recorded, and the converges stop as {@link #reconcile(Collection, ProgressListener)}'s do:
     * none once the listings are done, and the report is then empty.
     *
     * @throws EnvctlException {@code CONFLICT} when an environment needs replacement and {@code replace} is
     *                         false ({@link ApplyPlan#requireNoReplacement}); {@code INVALID_INPUT} when a
     *                         provider refuses a request's options, as {@link #plan} says it; the
     *                         store's error (a port or subnet held, by another environment or another entry of
     *                         {@code desired}, an exhausted pool, an unknown host) when it would refuse a create
     *                         or replacement, naming each; {@code STORE_UNAVAILABLE} with
     *                         {@link Remedy#FIX_STORE_SETTINGS} when the store refuses the first write for its
     *                         settings (a privilege the role lacks); nothing is changed then
     */
    public ReconcileReport apply(List<EnvironmentSpec> desired, boolean prune, ProgressListener progress) {
        return apply(desired, prune, false, progress);
    }

    /**
     * As {@link #apply(List, boolean, ProgressListener)}, and with {@code replace} environments that need a new
     * cluster get one instead of the whole apply being refused.
     */
    public ReconcileReport apply(List<EnvironmentSpec> desired, boolean prune, boolean replace,
                                 ProgressListener progress) {
        Objects.requireNonNull(progress, "progress");
        return applyPlanned(plan(desired, prune), replace, progress);
    }

    /**
     * As {@link #apply(List, boolean, boolean, ProgressListener)}, carrying out {@code plan}, which {@link #plan}
     * made just before (a caller that shows the plan, or checks something by it, then applies it without the
     * providers listed a second time). What changed since is met as apply meets it: each write is checked by the
     * store (a name another writer recorded meanwhile is taken as it is, a port another writer took is a
     * {@link Action#FAILED} outcome), and each converge reads its record and lists its provider anew. When
     * {@code plan} is the one this engine made last, a provider on a host where nothing is converged is not listed
     * again: the unmanaged clusters reported there are those its plan saw. The providers' checks of the options
     * are made again, so a plan built by hand cannot bring in options a provider refuses.
     *
     * @throws EnvctlException as {@link #apply(List, boolean, boolean, ProgressListener)}
     */
    public ReconcileReport apply(ApplyPlan plan, boolean replace, ProgressListener progress) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(progress, "progress");
        return applyPlanned(requireValid(plan), replace, progress);
    }

    private ReconcileReport applyPlanned(ApplyPlan plan, boolean replace, ProgressListener progress) {
        if (CommandRunner.stopping()) {
            return new ReconcileReport(List.of(), List.of()); // the stop may have ended the plan's listings
        }
        if (!replace) {
            plan.requireNoReplacement();
        }
        requireAllocatable(plan);
        Allocator forApply = plan.reserving(allocator);
        List<Outcome> direct = new ArrayList<>();
        Set<String> touched = new LinkedHashSet<>(); // an in-place update to resume is planned twice
        Set<String> resumed = new HashSet<>(plan.toResume());
        for (EnvironmentSpec spec : plan.toCreate()) {
            try {
                provider(spec.provider());
                Optional<Environment> existing = store.find(spec.name());
                if (existing.isEmpty()) {
                    try {
                        store.create(spec, forApply);
                    } catch (EnvctlException e) {
                        // another writer (an apply of the same file) recorded the name since: taken as it is
                        existing = e.code() == ErrorCode.CONFLICT ? store.find(spec.name()) : Optional.empty();
                        if (existing.isEmpty()) {
                            throw e;
                        }
                    }
                }
                if (existing.isPresent()) {
                    // a kept record is made what the file says (allocated as a replacement); another, as it is
                    Optional<ApplyPlan.Update> kept = ApplyPlan.Update.ofKept(existing.get(), spec);
                    if (kept.isPresent()) {
                        ApplyPlan.Update u = kept.get();
                        writer.reallocate(spec.name(), u::host, (current, others) -> ApplyPlan.markedPresent(
                                u.resolve(current, forApply, others)));
                    } else {
                        writer.modify(spec.name(), ApplyPlan::markedPresent);
                        if (!plan.adopting().contains(spec.name())) {
                            fillMissingPorts(spec.name(), forApply); // an adopted cluster gives its own ports
                        }
                    }
                }
                touched.add(spec.name());
            } catch (EnvctlException e) {
                refuseWholeApply(e, touched, direct);
                direct.add(Outcome.failed(spec.name(), null, e.getMessage(), e));
            }
        }
        // in-place updates are written together, with one store write where the store can (a file rewritten once)
        Map<String, UnaryOperator<Environment>> inPlace = new LinkedHashMap<>();
        for (ApplyPlan.Update u : plan.toUpdate()) {
            try {
                provider(u.spec().provider());
                if (u.replace()) {
                    writer.reallocate(u.name(), u::host, (current, others) -> Replacement.mark(
                            u.resolve(current, forApply, others), current));
                    touched.add(u.name());
                } else {
                    inPlace.put(u.name(), u::inPlace);
                }
            } catch (EnvctlException e) {
                updateFailed(u.name(), e, touched, direct);
            }
        }
        writer.modifyAll(inPlace, (name, updated) -> updated.ifPresent(e -> {
            if (resumed.contains(name)) {
                touched.add(name);
            } else {
                direct.add(new Outcome(name, Action.UPDATED, e.actualState(), e.lastError()));
            }
        }), (name, e) -> updateFailed(name, e, touched, direct));
        for (String name : plan.toDelete()) {
            try {
                // a delete recorded before (a prune cut short, a delete keeping its record) is converged as it is
                writer.modify(name, e -> e.desiredState() == DesiredState.ABSENT ? e : markAbsent(e, false));
            } catch (EnvctlException e) {
                refuseWholeApply(e, touched, direct);
                throw e;
            }
            touched.add(name);
        }
        // what the file lists and the store already has: an unfinished one is converged, as reconcile would (one
        // whose cluster runs is adopted with the ports the cluster publishes: none from the pools); the others are
        // reported too, so an apply says what it saw
        plan.toResume().stream().filter(name -> !plan.adopting().contains(name))
                .forEach(name -> fillMissingPorts(name, forApply));
        touched.addAll(plan.toResume());
        if (!plan.unchanged().isEmpty()) {
            Set<String> unchanged = new HashSet<>(plan.unchanged());
            store.list(EnvironmentFilter.ALL).stream().filter(e -> unchanged.contains(e.name())).forEach(e ->
                    direct.add(unchangedOutcome(e)));
        }
        Planned planned = lastPlanned;
        ReconcileReport done = runner.runExactly(touched, progress, CommandRunner::stopping,
                planned != null && planned.plan() == plan ? planned.listed() : Map.of());
        if (done.outcomes().isEmpty() && CommandRunner.stopping()) {
            return done; // stopped before it converged: no report of listings the stop may have ended
        }
        Set<String> pruned = new HashSet<>(plan.toDelete());
        List<Outcome> all = new ArrayList<>(done.outcomes().stream().map(LifecycleEngine::afterStoreFailure)
                .map(o -> raced(o, pruned.contains(o.name()))).toList());
        all.addAll(direct);
        all.sort((a, b) -> a.name().compareTo(b.name()));
        return new ReconcileReport(all, done.unmanaged(), done.records());
    }

    /** Records the failure of {@code name}'s update, or refuses the whole apply ({@link #refuseWholeApply}). */
    private void updateFailed(String name, EnvctlException e, Set<String> touched, List<Outcome> direct) {
        refuseWholeApply(e, touched, direct);
        direct.add(Outcome.failed(name, store.find(name).map(Environment::actualState).orElse(null), e.getMessage(),
                e));
    }

    /**
     * The outcome of {@code e}, which the plan leaves alone: {@link Action#UNCHANGED}, but
     * {@link Action#SKIPPED_LOCKED} for an unfinished record another reconciler holds, as for the ones apply
     * converges: the plan saw the cluster that one is making (listed before it runs, as a stopped cluster is), and
     * the environment is in its hands.
     */
    private Outcome unchangedOutcome(Environment e) {
        if (ApplyPlan.unfinished(e) && store.lockedElsewhere(e.name())) {
            return new Outcome(e.name(), Action.SKIPPED_LOCKED, e.actualState(), null);
        }
        return new Outcome(e.name(), Action.UNCHANGED, e.actualState(), e.lastError());
    }

    /**
     * Records now the host ports {@code name} lacks (rows of the Kindler scripts have no api port), as its converge
     * would before making its cluster, allocated {@code with}: called in the plan's order, before the converges run
     * in parallel, it gives each record the ports the dry run showed ({@link DryRuns#apply} allocates them one after
     * another in that order). A record desired stopped, or with every port, or that says running (its cluster,
     * stopped outside envctl, binds its own ports when the converge starts it), is left as it is, and {@code apply}
     * calls this for no record the plan is {@link ApplyPlan#adopting} (its cluster gives its ports, also for one
     * whose delete was pending that the list names again); an allocation
     * that fails is left to the converge, which fails the environment saying why.
     */
    private void fillMissingPorts(String name, Allocator with) {
        Optional<Environment> e = store.find(name);
        if (e.isEmpty() || e.get().desiredState() != DesiredState.PRESENT || e.get().ports().complete()
                || e.get().actualState() == ActualState.RUNNING) {
            return;
        }
        try {
            new MissingPorts(store, with).fill(e.get());
        } catch (EnvctlException ex) {
            LOG.debug("{}: the host ports it lacks were not recorded before its converge: {}", name,
                    ex.getMessage());
        }
    }

    /**
     * {@code o} saying, when the store failed its converge, what {@link #create} says then: the record was written
     * and its cluster may exist, so a reconcile finishes it (a second apply does too: the record is left
     * {@link ApplyPlan#unfinished}, {@code unknown} when its converge never started). A record read back as
     * {@code unknown} made no cluster (the store refused the converge's first write, a privilege the role lacks)
     * and gets no such words.
     */
    private static Outcome afterStoreFailure(Outcome o) {
        if (o.code() != ErrorCode.STORE_UNAVAILABLE || o.error() == null || o.state() == ActualState.UNKNOWN) {
            return o;
        }
        return new Outcome(o.name(), o.action(), o.state(), o.error() + recordedBeforeStoreFailed(o.name()),
                o.code(), o.remedy());
    }

    /**
     * {@code o} as apply reports it when another writer recorded a desired state for the environment after this apply
     * recorded its own (the last one recorded wins): {@link Action#SUPERSEDED} for one the list names that the
     * converge deleted (a delete recorded meanwhile), and for one {@code pruned} whose record is desired present or
     * stopped again; {@link Action#PENDING} for one {@code pruned} that another reconciler holds, still desired absent
     * or deleted by it.
     */
    private Outcome raced(Outcome o, boolean pruned) {
        if (!pruned) {
            return o.action() != Action.DELETED ? o : superseded(o, "environment '" + o.name() + "' was deleted "
                    + "while it was being applied: another writer recorded its delete after this apply recorded it, "
                    + "and the last desired state recorded wins; its cluster was deleted too"
                    + (o.state() == null ? "" : " (its record is kept)"));
        }
        if (o.action() == Action.DELETED || o.action() == Action.FAILED) {
            return o;
        }
        Optional<Environment> now;
        try {
            now = store.find(o.name());
        } catch (RuntimeException e) {
            // the converge is over and reported; a store gone meanwhile does not change what it did
            LOG.debug("{}: its record could not be read again after the converge: {}", o.name(), e.getMessage());
            return o;
        }
        if (now.isPresent() && now.get().desiredState() != DesiredState.ABSENT) {
            return superseded(o, "the delete of environment '" + o.name() + "' this apply recorded was undone by "
                    + "another writer, which recorded it desired " + now.get().desiredState().key() + " after it, and "
                    + "the last desired state recorded wins" + (o.action() == Action.SKIPPED_LOCKED ? ""
                    : "; its cluster was not deleted"));
        }
        return o.action() == Action.SKIPPED_LOCKED ? new Outcome(o.name(), Action.PENDING, o.state(), null) : o;
    }

    private static Outcome superseded(Outcome o, String why) {
        return new Outcome(o.name(), Action.SUPERSEDED, o.state(), why, ErrorCode.CONFLICT);
    }

    /** What a store failure after recording {@code name} adds: the record is there and reconcile finishes it. */
    private static String recordedBeforeStoreFailed(String name) {
        return "; environment '" + name + "' was recorded before the store failed and its cluster may exist: "
                + "reconcile it once the store is back";
    }

    /**
     * Refuses {@code plan}, changing nothing, when the store would refuse one of its creates or replacements as
     * things stand (two entries asking for one port, a port another environment holds, an exhausted pool):
     * allocated one after another as apply records them, from one read of the store. A writer that takes a
     * resource after this check fails only its environment.
     */
    private void requireAllocatable(ApplyPlan plan) {
        if (plan.toCreate().isEmpty() && plan.replacements().isEmpty()) {
            return;
        }
        // a resume that cannot record the ports it lacks fails only its environment, as its converge does
        List<PlannedStep> refused = DryRuns.allocationsOnly(store, allocator).apply(plan).stream()
                .filter(s -> s.error() != null && s.kind() != PlannedStep.Kind.RESUME).toList();
        if (!refused.isEmpty()) {
            EnvctlException first = refused.get(0).error();
            throw new EnvctlException(first.code(), "apply refused, nothing was changed: " + refused.stream()
                    .map(s -> s.environment().name() + ": " + s.error().getMessage())
                    .collect(Collectors.joining("; ")), first, first.remedy().orElse(null));
        }
    }

    /**
     * Refuses the whole apply when the store refused its first write for its settings
     * ({@link Remedy#FIX_STORE_SETTINGS}, such as a privilege the role lacks): such a store refuses every write
     * alike, before storing anything, so nothing was changed and every other environment would fail the same way.
     * The line says the store's refusal (its cause, when that is the same refusal without the write's action), not
     * the first environment's write, which is not what went wrong.
     */
    private static void refuseWholeApply(EnvctlException e, Set<String> touched, List<Outcome> direct) {
        if (e.remedy().orElse(null) == Remedy.FIX_STORE_SETTINGS && touched.isEmpty()
                && direct.stream().noneMatch(o -> o.action() == Action.UPDATED)) {
            String why = e.getCause() instanceof EnvctlException refusal
                    && refusal.remedy().orElse(null) == Remedy.FIX_STORE_SETTINGS ? refusal.getMessage()
                    : e.getMessage();
            throw new EnvctlException(e.code(), "apply refused, nothing was changed: " + why, e,
                    Remedy.FIX_STORE_SETTINGS);
        }
    }

    /** Environments handed to this engine that wait for a slot; for tests of the concurrency bound. */
    int waitingForSlot() {
        return runner.waiting();
    }

    /**
     * Checks the request {@code spec} as {@link #record} does before it asks the store or the provider's tool
     * anything, and as a dry run of it must: no label of envctl's own, no option value with spaces around it, and
     * options its provider takes.
     *
     * @throws EnvctlException {@code INVALID_INPUT} naming what is wrong; {@code PROVIDER_FAILED} when the provider
     *                         is not configured or its {@code validate} fails otherwise
     */
    public void requireValidRequest(EnvironmentSpec spec) {
        Objects.requireNonNull(spec, "spec");
        Validation.requireNoOwnLabels(spec.labels(), " of environment '" + spec.name() + "'");
        Validation.requireOptionValuesAsWritten(spec.options(), " of environment " + spec.name());
        validate(spec);
    }

    /**
     * Asks the provider whether it takes {@code spec}'s options: {@code INVALID_INPUT} when it refuses them,
     * {@code PROVIDER_FAILED} when it fails otherwise.
     */
    private void validate(EnvironmentSpec spec) {
        ClusterProvider p = provider(spec.provider());
        ProviderCalls.run(p, "validate", () -> p.validate(spec));
    }

    /** {@code PROVIDER_FAILED} naming what {@link ClusterProvider#checkTool} finds missing for {@code spec}. */
    private void requireTool(EnvironmentSpec spec) {
        ClusterProvider p = provider(spec.provider());
        String missing = ProviderCalls.call(p, "checkTool", p::checkTool).stream()
                .filter(c -> c.status() == PrerequisiteCheck.Status.FAIL).map(PrerequisiteCheck::detail)
                .collect(Collectors.joining("; "));
        if (!missing.isEmpty()) {
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "environment '" + spec.name() + "' was not "
                    + "recorded: " + missing);
        }
    }

    /**
     * {@code name}, checked as the facade checks it ({@link Validation#requireName}): a name no environment can have
     * is {@code INVALID_INPUT}, not {@code NOT_FOUND}; null is a NullPointerException saying {@code name}.
     */
    private static String requireName(String name) {
        return Validation.requireName(Objects.requireNonNull(name, "name"));
    }

    /** The provider {@code id} on {@code local}; a {@code PROVIDER_FAILED} error when none is configured. */
    private ClusterProvider provider(String id) {
        return providers.get(id, Host.LOCAL);
    }

    /**
     * {@code e} desired absent, labelled {@link #KEEP_RECORD_LABEL} when {@code keepRecord}. A kept delete of a record
     * no converge acted on yet ({@code unknown}: a row of the Kindler scripts whose cluster runs, a create without
     * wait) records it {@code deleting}: kept and {@code unknown} is what a finished kept delete leaves, which the
     * converge leaves alone, so its cluster would stay.
     */
    private static Environment markAbsent(Environment e, boolean keepRecord) {
        Map<String, String> labels = new HashMap<>(e.labels());
        if (keepRecord) {
            labels.put(KEEP_RECORD_LABEL, "true");
        } else {
            labels.remove(KEEP_RECORD_LABEL);
        }
        Environment marked = e.withDesiredState(DesiredState.ABSENT).withLabels(labels);
        boolean keptAlready = e.desiredState() == DesiredState.ABSENT && e.labels().containsKey(KEEP_RECORD_LABEL);
        return keepRecord && e.actualState() == ActualState.UNKNOWN && !keptAlready
                ? marked.withActualState(ActualState.DELETING, e.lastError()) : marked;
    }

}
