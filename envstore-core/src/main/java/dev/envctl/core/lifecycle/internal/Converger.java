package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.AutoPorts;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.HostPorts;
import dev.envctl.core.PortRole;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.exec.CommandRunner;
import dev.envctl.core.lifecycle.Action;
import dev.envctl.core.lifecycle.DriftPolicy;
import dev.envctl.core.lifecycle.HostProviders;
import dev.envctl.core.lifecycle.Outcome;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.provider.CreateFailure;
import dev.envctl.core.provider.HeldPorts;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Converges one environment under its store lock: reads the record, compares it with what the provider
 * lists, takes one step (create, finish an interrupted create, delete, adopt, stop, start, mark failed), writes the
 * actual state before and after each provider call, and repeats until nothing is left to do (at most
 * {@value #MAX_STEPS} steps, so a record flipped between present and absent cannot keep it forever).
 * Each environment is acted on with the provider of its host ({@link HostProviders}), and its hooks are told
 * that host. The decision table is in docs/lifecycle.md. Thread-safe.
 */
public final class Converger {
    private static final Logger LOG = LoggerFactory.getLogger(Converger.class);
    static final int MAX_STEPS = 4;
    /** How the last error of a record whose cluster's adoption was refused begins ({@link #adoptionRefused}). */
    private static final String NOT_ADOPTED = Environment.ADOPTION_FAILURE_PREFIX + "%s cluster binds ";

    private final EnvironmentStore store;
    private final HostProviders providers;
    private final HookRunner hooks;
    private final DriftPolicy drift;
    private final RecordWriter writer;
    private final String keepLabel;
    private final MissingPorts missingPorts;

    public Converger(EnvironmentStore store, Allocator allocator, HostProviders providers,
                     HookRunner hooks, DriftPolicy drift, String keepLabel) {
        this.store = store;
        this.missingPorts = new MissingPorts(store, allocator);
        this.providers = providers;
        this.hooks = hooks;
        this.drift = drift;
        this.writer = new RecordWriter(store);
        this.keepLabel = keepLabel;
    }

    /**
     * What is known about the cluster during one lock hold: {@code present} null means "ask the provider" (or
     * read {@code hint}, a round's listing, in the first step); {@code missing}: the nodes a listed cluster lacks
     * ({@link ClusterProvider#missingNodes}), null when it has them all, and such a cluster never counts as
     * running; {@code portMoved}: a port a tool found taken was moved already (one retry per lock hold);
     * {@code startedFrom}: a start asked for this converge, of a record that was desired this (null: no start
     * asked), so the stopped cluster of an {@code unknown} record is started and adopted, and a start of a record
     * desired {@code stopped} that fails leaves it desired {@code stopped}; {@code hosts}: the hosts a round read, by
     * name, so that a converge does not ask the store for its record's host again.
     */
    private static final class Seen {
        Boolean present;
        boolean running;
        String missing;
        boolean portMoved;
        DesiredState startedFrom;
        Hint hint;
        Map<String, Host> hosts;

        void set(boolean isPresent, boolean isRunning) {
            present = isPresent;
            running = isRunning;
            missing = null;
        }
    }

    /**
     * What a round's listing saw of a cluster ({@code listed}, null when it was not listed; {@code listFailure}, when
     * not null, the error of that listing, which failed), valid only while the
     * record still has {@code version}: every engine writes the record before and after each provider call, so an
     * unchanged version means no engine created or deleted the cluster since the record was read (the round reads
     * records before clusters).
     */
    public record Hint(long version, ClusterStatus listed, RuntimeException listFailure) {
        public Hint(long version, ClusterStatus listed) {
            this(version, listed, null);
        }

        /**
         * The round's listing of the record's provider failed with {@code failure}: the converge fails as its own
         * listing would, without asking the provider again for each environment.
         */
        static Hint unlisted(long version, RuntimeException failure) {
            return new Hint(version, null, failure);
        }
    }

    /**
     * Converges {@code name} if its lock is free; {@link Action#SKIPPED_LOCKED} otherwise. {@code hint} (nullable)
     * stands in for listing; {@code startedFrom}: a start asked for it, of a record that was desired this (null: no
     * start asked); a start alone starts the stopped cluster of a record envctl has not adopted yet (reconcile leaves
     * such a cluster alone); {@code hosts}: the hosts the round read, by name (a host not there is asked of the
     * store).
     */
    public Outcome converge(String name, ProgressListener progress, Hint hint, DesiredState startedFrom,
                            Map<String, Host> hosts) {
        Optional<EnvironmentLock> lock;
        try {
            lock = store.tryLock(name);
        } catch (RuntimeException e) {
            return Outcome.failed(name, null, HookRunner.describe(e), e);
        }
        if (lock.isEmpty()) {
            LOG.info("{}: another reconciler is working on it; skipped", name);
            return new Outcome(name, Action.SKIPPED_LOCKED, stateOf(name), null);
        }
        try {
            return convergeLocked(name, progress, hint, startedFrom, hosts);
        } catch (RuntimeException e) {
            // a store write failed: the record keeps its last written state, which the next pass resumes from;
            // returned, and so reported by the caller (a report's row, create's or stop's error): not logged again
            String message = HookRunner.describe(e);
            LOG.debug("{}: {}", name, message, e);
            return Outcome.failed(name, stateOf(name), message, e);
        } finally {
            lock.get().close();
        }
    }

    private Outcome convergeLocked(String name, ProgressListener progress, Hint hint, DesiredState startedFrom,
                                   Map<String, Host> hosts) {
        Seen seen = new Seen();
        seen.startedFrom = startedFrom;
        seen.hosts = hosts;
        Outcome last = null;
        long read = 0;
        for (int i = 0; i < MAX_STEPS; i++) {
            Optional<Environment> record = store.find(name);
            if (record.isEmpty()) {
                return last != null ? last : new Outcome(name, Action.UNCHANGED, null, null);
            }
            if (record.get().version() < read) {
                // versions only grow: an older copy of the record (an old script rewriting the CSV file from what
                // it read before) is not a desired state to act on in this pass; the caller reports it
                return new Outcome(name, Action.FAILED, record.get().actualState(), "its record went back from "
                        + "version " + read + " to " + record.get().version() + ": another writer wrote an older "
                        + "copy of it; nothing more was done in this pass");
            }
            read = record.get().version();
            if (i == 0 && hint != null && hint.version() == record.get().version()) {
                seen.hint = hint;
            }
            Outcome o = step(record.get(), seen, progress);
            if (o == null) {
                continue;
            }
            if (o.action() == Action.UNCHANGED) {
                return last != null ? last : o;
            }
            if (o.action() == Action.FAILED || o.action() == Action.MARKED_FAILED) {
                return o;
            }
            if (o.action() == Action.DELETED && o.state() == null) {
                // the record is removed: one there again was written by another writer meanwhile (an old copy
                // of it must not make this delete create the cluster again); a later pass converges it
                return o;
            }
            last = o;
        }
        return last != null ? last : new Outcome(name, Action.UNCHANGED, stateOf(name), null);
    }

    private Outcome step(Environment env, Seen seen, ProgressListener progress) {
        String name = env.name();
        Host host;
        ClusterProvider provider;
        try {
            host = host(env.host(), seen);
            provider = providers.get(env.provider(), host);
        } catch (EnvctlException e) {
            return Outcome.failed(name, env.actualState(), e.getMessage(), e);
        }
        Hint hint = seen.hint;
        seen.hint = null;
        String replacing = env.labels().get(Replacement.LABEL);
        if (replacing != null) {
            return replace(env, replacing, host, provider, seen, progress);
        }
        if (env.desiredState() == DesiredState.ABSENT) {
            if (env.labels().containsKey(keepLabel) && env.actualState() == ActualState.UNKNOWN) {
                return unchanged(env);
            }
            return delete(env, host, provider, seen, progress);
        }
        if (seen.present == null) {
            try {
                observe(provider, env, seen, hint);
            } catch (RuntimeException e) {
                String message = "could not list " + provider.id() + " clusters" + Hosts.on(host) + ": "
                        + HookRunner.describe(e);
                // a stopped cluster stays stopped: as failed and desired present it would read as a half-made
                // create, which the next pass deletes and creates again
                if (env.actualState() == ActualState.RUNNING || env.actualState() == ActualState.FAILED
                        || env.actualState() == ActualState.STOPPED) {
                    return new Outcome(name, Action.FAILED, env.actualState(), message, ErrorCode.PROVIDER_FAILED);
                }
                return keepingState(name, message, ErrorCode.PROVIDER_FAILED);
            }
        }
        if (env.desiredState() == DesiredState.STOPPED) {
            return stopped(env, provider, seen, progress);
        }
        switch (env.actualState()) {
            case STOPPED:
                return start(env, host, provider, seen, progress);
            case RUNNING:
                if (!seen.present || seen.missing != null) {
                    return drift(env, host, provider, seen, progress);
                }
                if (!seen.running) {
                    // stopped outside envctl (k3d cluster stop, docker stop, a Docker restart, after which kind's
                    // nodes stay stopped): desired present is a running cluster, under either drift policy
                    LOG.warn("{}: its {} cluster was stopped outside envctl; starting it", name, provider.id());
                    return start(env, host, provider, seen, progress);
                }
                return !env.ports().complete() ? adoptPorts(env, provider, ActualState.RUNNING) : unchanged(env);
            case UNKNOWN:
                return unadopted(env, host, provider, seen, progress);
            case FAILED:
                // a start asks for the cluster, whatever the policy leaves to the user
                if (drift == DriftPolicy.MARK_FAILED && seen.startedFrom == null && !(seen.present && seen.running)) {
                    return new Outcome(name, Action.UNCHANGED, ActualState.FAILED, env.lastError());
                }
                if (adoptionRefused(env)) {
                    // a cluster envctl did not make: adopted once the port is free, never finished as a create of
                    // envctl's own (post-create hooks, the record's ports, a cluster without the provider's mark)
                    return unadopted(env, host, provider, seen, progress);
                }
                return resume(env, host, provider, seen, progress);
            default:
                return resume(env, host, provider, seen, progress);
        }
    }

    /** The host {@code name} as the round read it, else as the store has it ({@link Hosts#find}). */
    private Host host(String name, Seen seen) {
        Host host = seen.hosts.get(name);
        return host != null ? host : Hosts.find(store, name);
    }

    /**
     * A record no converge adopted a cluster for ({@code unknown}, or {@link #adoptionRefused}): its running cluster is
     * adopted, a stopped one's ports are taken (and a start starts and adopts it), and a missing one, or one lacking
     * nodes after removing what is left, is created.
     */
    private Outcome unadopted(Environment env, Host host, ClusterProvider provider, Seen seen,
                              ProgressListener progress) {
        if (!seen.present || seen.missing != null) {
            return recreate(env, host, provider, Action.CREATED, seen, progress);
        }
        if (seen.running) {
            return adopt(env, provider);
        }
        return seen.startedFrom != null ? startAndAdopt(env, provider, seen, progress) : notAdoptedYet(env, provider);
    }

    /**
     * Whether {@code e} is {@code failed} because adopting its existing cluster was refused: another environment holds
     * a port that cluster binds ({@link #takePorts}). That cluster is one envctl did not make.
     */
    public static boolean adoptionRefused(Environment e) {
        return e.actualState() == ActualState.FAILED && e.lastError() != null
                && e.lastError().startsWith(String.format(NOT_ADOPTED, e.provider()));
    }

    /**
     * Desired {@code stopped}: a running cluster is stopped, and so is one a failed stop or start left (a provider
     * lists a cluster as running only when all its nodes run, and a failed start can leave one node up) and one
     * lacking nodes (what is left of it may run; start creates it again); a stopped
     * one is recorded as such; a missing one is left missing (the record keeps its allocation, and start creates
     * it), never treated as drift, and recorded {@code stopped} whatever the record said: no cluster runs, which
     * is what {@code stopped} tells (an {@code unknown}, {@code creating} or {@code failed} record has none made).
     * A {@code creating} record whose cluster is listed is the exception ({@link #stoppedUnfinished}): it stays
     * {@code creating}, so that the start after it asks whether the create finished. A post-create hook's failure
     * stays the record's last error ({@link HookRunner#keptWhenStopped}), so that the start runs those hooks.
     */
    private Outcome stopped(Environment env, ClusterProvider provider, Seen seen, ProgressListener progress) {
        String name = env.name();
        if (seen.present && env.actualState() == ActualState.CREATING) {
            return stoppedUnfinished(env, provider, seen, progress);
        }
        if (!seen.present) {
            if (env.actualState() == ActualState.STOPPED) {
                return unchanged(env);
            }
            if (env.actualState() == ActualState.RUNNING) {
                LOG.warn("{}: its {} cluster is gone; recorded as stopped, and start creates it", name, provider.id());
            } else {
                LOG.info("{}: it has no {} cluster; recorded as stopped, and start creates it", name, provider.id());
            }
            writer.actual(name, ActualState.STOPPED, HookRunner.keptWhenStopped(env));
            return new Outcome(name, Action.UNCHANGED, ActualState.STOPPED, null);
        }
        boolean whole = seen.missing == null;
        if (seen.running || seen.missing != null || env.actualState() == ActualState.FAILED) {
            progress.step(name, "stopping " + provider.id() + " cluster " + name);
            Optional<String> error = ProviderCalls.failure(provider, "stop", () -> provider.stop(env, progress));
            if (error.isPresent()) {
                return fail(name, HookRunner.keepingPendingHooks(env, error.get()));
            }
            seen.set(true, false);
            return recordStopped(env, provider, whole, Action.STOPPED);
        }
        if (env.actualState() != ActualState.STOPPED) {
            return recordStopped(env, provider, whole, Action.UNCHANGED);
        }
        return unchanged(env);
    }

    /**
     * Writes {@code stopped} for {@code env}, whose cluster is listed ({@code whole}: with all its nodes). A record no
     * converge adopted that cluster for ({@code unknown}, or {@link #adoptionRefused}) also takes the ports it binds,
     * as one not adopted yet does ({@link #notAdoptedYet}), so that no other environment is given them while it is
     * stopped; {@code failed} when another environment holds one.
     */
    private Outcome recordStopped(Environment env, ClusterProvider provider, boolean whole, Action action) {
        String name = env.name();
        if (whole && (env.actualState() == ActualState.UNKNOWN || adoptionRefused(env))) {
            Optional<Map<PortRole, Integer>> published = published(env, provider);
            if (published.isPresent()) {
                Outcome taken = takePorts(name, provider, published.get(), ActualState.STOPPED);
                return taken.action() == Action.FAILED ? taken : new Outcome(name, action, ActualState.STOPPED, null);
            }
        }
        writer.actual(name, ActualState.STOPPED, HookRunner.keptWhenStopped(env));
        return new Outcome(name, action, ActualState.STOPPED, null);
    }

    /**
     * Desired {@code stopped}, a {@code creating} record whose cluster is listed: a create cut short or not cleaned
     * up may have left it half made, and only {@code creating} makes a later converge ask whether the create finished
     * ({@link #resume}), so the record stays {@code creating}. What of the cluster runs (all of it, or what is left
     * of one lacking nodes) is stopped; once nothing runs, {@code lastError} is cleared, as a stop clears it. A
     * failed stop leaves it {@code creating} with the stop's error ({@link #leftCreating}): as {@code failed}, a
     * start would take the cluster for a stopped one made whole.
     */
    private Outcome stoppedUnfinished(Environment env, ClusterProvider provider, Seen seen,
                                      ProgressListener progress) {
        String name = env.name();
        Action action = Action.UNCHANGED;
        if (seen.running || seen.missing != null) {
            progress.step(name, "stopping " + provider.id() + " cluster " + name + ", whose create did not finish");
            Optional<String> error = ProviderCalls.failure(provider, "stop", () -> provider.stop(env, progress));
            if (error.isPresent()) {
                return leftCreating(name, error.get());
            }
            seen.set(true, false);
            action = Action.STOPPED;
        }
        if (action == Action.STOPPED || env.lastError() != null) {
            LOG.info("{}: its {} cluster is stopped and its create did not finish; the record stays creating, and a "
                    + "start finishes the create or makes the cluster again", name, provider.id());
        }
        writer.actual(name, ActualState.CREATING, null);
        return new Outcome(name, action, ActualState.CREATING, null);
    }

    /**
     * Desired present after a stop: start the stopped cluster (no create hooks, but for a record whose post-create
     * hooks failed, {@link HookRunner#postCreateFailed}: they run, and it is {@code running} only when they pass), or
     * create a vanished one, or one lacking nodes after removing what is left (a start would bring back only the
     * nodes that remain). A failed start leaves the record {@code failed} and desired {@code stopped} again: as
     * {@code failed} and desired {@code present} it would read as a half-made create, which reconcile deletes and
     * creates again. Hooks that fail again leave it {@code failed}, desired {@code present}, as a create they fail.
     */
    private Outcome start(Environment env, Host host, ClusterProvider provider, Seen seen,
                          ProgressListener progress) {
        if (!seen.present || seen.missing != null) {
            Outcome o = recreate(env, host, provider, Action.CREATED, seen, progress);
            if (o.action() == Action.FAILED && seen.startedFrom == DesiredState.STOPPED && !CommandRunner.stopping()) {
                // as a failed start of a stopped cluster: the user asked for a start, not for a retry later; but a
                // cluster made whose post-create hooks failed runs, and stays desired present, as a create they fail;
                // and a start cut short because envctl stops stays desired present for the reconcile to finish
                writer.modify(env.name(), r -> r.desiredState() == DesiredState.PRESENT
                        && r.actualState() == ActualState.FAILED && !HookRunner.postCreateFailed(r)
                        ? r.withDesiredState(DesiredState.STOPPED) : r);
            }
            return o;
        }
        if (!seen.running) {
            Optional<Outcome> failed = startCluster(env, provider, seen, progress);
            if (failed.isPresent()) {
                return failed.get();
            }
        }
        if (HookRunner.postCreateFailed(env)) {
            // a stop kept the post-create hooks' failure: they have not passed since the cluster was made
            return finishCreate(env.name(), host, Action.STARTED, progress);
        }
        writer.actual(env.name(), ActualState.RUNNING, null);
        return new Outcome(env.name(), Action.STARTED, ActualState.RUNNING, null);
    }

    /** The provider's start of a listed, stopped cluster; empty when it started, else the failed outcome. */
    private Optional<Outcome> startCluster(Environment env, ClusterProvider provider, Seen seen,
                                           ProgressListener progress) {
        progress.step(env.name(), "starting " + provider.id() + " cluster " + env.name());
        Optional<String> error = ProviderCalls.failure(provider, "start", () -> provider.start(env, progress));
        if (error.isPresent() && CommandRunner.stopping()) {
            // envctl stops (SIGINT, SIGTERM): no failed start, and no command may run to stop what it started; the
            // record keeps desired present, as a crash leaves it, so that the next reconcile finishes the start
            return Optional.of(new Outcome(env.name(), Action.FAILED, env.actualState(), error.get()));
        }
        if (error.isPresent()) {
            // a failed start can leave nodes running (k3d's server when its load balancer cannot bind a port)
            progress.step(env.name(), "start failed; stopping what it started");
            ProviderCalls.failure(provider, "stop", () -> provider.stop(env, progress)).ifPresent(stop -> LOG.warn(
                    "{}: stopping what the failed start started failed too ({}); a reconcile stops it", env.name(),
                    stop));
            String recorded = HookRunner.keepingPendingHooks(env, error.get());
            writer.modify(env.name(), r -> r.withDesiredState(DesiredState.STOPPED)
                    .withActualState(ActualState.FAILED, recorded));
            return Optional.of(new Outcome(env.name(), Action.FAILED, ActualState.FAILED, recorded));
        }
        seen.set(true, true);
        return Optional.empty();
    }

    /**
     * An interrupted or failed create: finish it if the cluster runs, else clear leftovers and create. A start asked
     * of a {@code creating} record whose cluster is listed with all its nodes, stopped (a stop of the unfinished
     * create stopped it), starts it first: the provider's mark can be read only in a running node. A cluster whose
     * create finished is then finished with the post-create hooks; a half-made one, or one that does not start, is
     * removed and created again. Reconcile does not start such a cluster: it removes it and creates it again. A
     * {@code failed} record whose post-create hooks failed ({@link HookRunner#postCreateFailed}) has its cluster made
     * whole: one listed with all its nodes, stopped, is started (as one stopped outside envctl) before the hooks run.
     */
    private Outcome resume(Environment env, Host host, ClusterProvider provider, Seen seen,
                           ProgressListener progress) {
        if (seen.startedFrom != null && env.actualState() == ActualState.CREATING && seen.present && !seen.running
                && seen.missing == null) {
            progress.step(env.name(), "starting " + provider.id() + " cluster " + env.name()
                    + " to ask whether its create finished");
            Optional<String> error = ProviderCalls.failure(provider, "start", () -> provider.start(env, progress));
            if (error.isPresent()) {
                LOG.info("{}: its {} cluster, whose create did not finish, did not start ({}); creating it again",
                        env.name(), provider.id(), error.get());
            } else {
                seen.set(true, true);
            }
        }
        if (env.actualState() == ActualState.FAILED && HookRunner.postCreateFailed(env) && seen.present
                && !seen.running && seen.missing == null) {
            // its cluster was made whole (only its post-create hooks failed) and stopped since, as by a Docker
            // restart: started as one stopped outside envctl is, not deleted and made again
            LOG.warn("{}: its {} cluster was stopped outside envctl; starting it", env.name(), provider.id());
            return start(env, host, provider, seen, progress);
        }
        if (seen.present && seen.running && (env.actualState() != ActualState.CREATING || finished(provider, env))) {
            if (!env.ports().complete()) {
                // envctl makes a cluster only with every port (create records those it lacks first): this one was
                // made elsewhere (a row of the scripts whose delete failed), so it binds its own, which the record
                // takes before the hooks are told them
                Outcome taken = adoptPorts(env, provider, env.actualState());
                if (taken.action() == Action.FAILED) {
                    return taken;
                }
            }
            return finishCreate(env.name(), host, Action.CREATED, progress);
        }
        return recreate(env, host, provider, Action.CREATED, seen, progress);
    }

    /**
     * Creates the cluster after removing what is listed of it (a half-made cluster, or one lacking nodes): the
     * provider's delete, without the delete hooks, as no post-create hook ran for a half-made cluster and one
     * lacking nodes is made again from the same record.
     */
    private Outcome recreate(Environment env, Host host, ClusterProvider provider, Action action, Seen seen,
                             ProgressListener progress) {
        if (seen.present) {
            if (seen.missing != null) {
                LOG.warn("{}: its {} cluster lacks nodes ({}); removing what is left before creating it again",
                        env.name(), provider.id(), seen.missing);
                progress.step(env.name(), "deleting what is left of " + provider.id() + " cluster " + env.name()
                        + ", which lacks nodes, to create it again");
            } else {
                LOG.info("{}: removing a half-made {} cluster before creating it again", env.name(), provider.id());
            }
            Optional<String> error = ProviderCalls.failure(provider, "delete", () -> provider.delete(env, progress));
            if (error.isPresent()) {
                return env.actualState() == ActualState.CREATING ? keepingState(env.name(), error.get(), null)
                        : fail(env.name(), error.get());
            }
            seen.set(false, false);
        }
        return create(env, host, provider, action, seen, progress);
    }

    /** {@link ClusterProvider#createFinished}, false when it cannot say: a new create is always right. */
    private static boolean finished(ClusterProvider provider, Environment env) {
        try {
            return provider.createFinished(env);
        } catch (Throwable e) {
            PluginRegistry.rethrowIfFatal(e);
            LOG.info("{}: could not tell whether its {} create finished ({}); creating it again", env.name(),
                    provider.id(), HookRunner.describe(e));
            return false;
        }
    }

    /**
     * A record marked {@link Replacement#LABEL}: its new spec is recorded (and allocated); delete the old cluster
     * as a delete would (hooks around the old provider's delete), unmark the record, then create the new cluster
     * (desired present), leave it to start (desired stopped) or go on to delete it (desired absent).
     */
    private Outcome replace(Environment env, String mark, Host host, ClusterProvider provider, Seen seen,
                            ProgressListener progress) {
        String name = env.name();
        ClusterProvider oldProvider;
        Host oldHost;
        try {
            oldHost = host(Replacement.oldHost(mark), seen);
            oldProvider = providers.get(Replacement.oldProvider(mark), oldHost);
        } catch (EnvctlException e) {
            return Outcome.failed(name, env.actualState(), e.getMessage() + " (to delete the cluster being replaced)",
                    e);
        }
        Optional<Environment> deleting = writer.actual(name, ActualState.DELETING, null);
        if (deleting.isEmpty()) {
            return null;
        }
        Environment old = Replacement.old(deleting.get(), mark);
        Optional<String> error = hooks.run(HookPhase.PRE_DELETE, old, oldHost, progress);
        if (error.isEmpty()) {
            progress.step(name, "deleting " + oldProvider.id() + " cluster " + name + Hosts.on(oldHost)
                    + " to replace it");
            error = ProviderCalls.failure(oldProvider, "delete", () -> oldProvider.delete(old, progress));
        }
        if (error.isEmpty()) {
            error = hooks.run(HookPhase.POST_DELETE, old, oldHost, progress);
        }
        if (error.isPresent()) {
            return fail(name, error.get());
        }
        seen.present = null;
        Optional<Environment> unmarked = writer.modify(name, Replacement::done);
        if (unmarked.isEmpty() || unmarked.get().desiredState() == DesiredState.ABSENT) {
            return null;
        }
        if (unmarked.get().desiredState() == DesiredState.STOPPED) {
            return new Outcome(name, Action.REPLACED, ActualState.STOPPED, null);
        }
        return create(unmarked.get(), host, provider, Action.REPLACED, seen, progress);
    }

    /**
     * Adopts the running cluster of a record never converged (a row of the Kindler scripts, an apply naming a
     * cluster envctl did not make): records it {@code running}, with the host ports the provider says the cluster
     * publishes where the record says otherwise (ports allocated for it from the pools, or given wrong), since
     * the cluster binds those. When the provider cannot read them now, the record stays {@code unknown}, so a later
     * converge adopts it; when another environment holds one of them, the record is {@code failed} instead.
     */
    private Outcome adopt(Environment env, ClusterProvider provider) {
        LOG.info("{}: adopting the existing {} cluster", env.name(), provider.id());
        return adoptPorts(env, provider, ActualState.RUNNING);
    }

    /**
     * Records the host ports the provider says the cluster binds, with {@code state}: {@code running} for an
     * adoption, or for a running record lacking a port whose cluster runs (envctl makes each cluster of its own with
     * every port, so that one was made elsewhere: a row of the scripts recorded {@code running} before its ports were
     * read); {@code unknown} for the stopped cluster of a record not adopted yet. Nothing is written when the record
     * has them already ({@link RecordWriter#modify} writes no record equal to the one read).
     */
    private Outcome adoptPorts(Environment env, ClusterProvider provider, ActualState state) {
        Optional<Map<PortRole, Integer>> published = published(env, provider);
        return published.isEmpty() ? unchanged(env) : takePorts(env.name(), provider, published.get(), state);
    }

    /** What the provider says the cluster binds; empty, with a WARN, when it could not read that now. */
    private static Optional<Map<PortRole, Integer>> published(Environment env, ClusterProvider provider) {
        String name = env.name();
        try {
            return Optional.of(ProviderCalls.call(provider, "publishedPorts", () -> provider.publishedPorts(name)));
        } catch (EnvctlException e) {
            LOG.warn("{}: could not read the host ports its {} cluster binds ({}); the record stays {}, and the "
                    + "next reconcile, start or apply reads them again", name, provider.id(), e.getMessage(),
                    env.actualState().key());
            return Optional.empty();
        }
    }

    /**
     * An {@code unknown} record whose cluster is listed but stopped: not adopted now (the record stays
     * {@code unknown}, not {@code running}: its cluster is not), and reconcile leaves the cluster stopped: it
     * starts only clusters envctl made or adopted. The record takes the host ports the cluster binds when it
     * starts, so that no other environment is given them meanwhile. A start, or the first converge once the
     * cluster runs, adopts it.
     */
    private Outcome notAdoptedYet(Environment env, ClusterProvider provider) {
        LOG.warn("{}: its {} cluster is listed but not running (stopped, or still being made by another program); the "
                + "record stays unknown, and envctl adopts the cluster once it runs "
                + "(a start of the environment starts it)", env.name(), provider.id());
        return adoptPorts(env, provider, ActualState.UNKNOWN);
    }

    /** A start of an {@code unknown} record whose cluster is stopped: the provider starts it, then it is adopted. */
    private Outcome startAndAdopt(Environment env, ClusterProvider provider, Seen seen, ProgressListener progress) {
        Optional<Outcome> failed = startCluster(env, provider, seen, progress);
        if (failed.isPresent()) {
            return failed.get();
        }
        Outcome adopted = adopt(env, provider);
        return adopted.state() == ActualState.RUNNING ? new Outcome(env.name(), Action.STARTED, ActualState.RUNNING,
                null) : adopted;
    }

    /**
     * Writes {@code state} ({@code running}, or {@code unknown} for a stopped cluster) with {@code published} over
     * the record's ports where they differ, logging each (at WARN when a recorded port is replaced, at INFO when the
     * record only lacked them), and without the {@link AutoPorts} mark of the ports replaced; {@code failed} when
     * another environment holds one of them.
     */
    private Outcome takePorts(String name, ClusterProvider provider, Map<PortRole, Integer> published,
                              ActualState state) {
        List<String> corrected = new ArrayList<>();
        List<PortRole> replaced = new ArrayList<>();
        try {
            writer.actual(name, state, null, r -> {
                corrected.clear();
                replaced.clear();
                HostPorts ports = r.ports();
                for (Map.Entry<PortRole, Integer> p : published.entrySet()) {
                    Integer recorded = ports.get(p.getKey());
                    if (!p.getValue().equals(recorded)) {
                        corrected.add(p.getKey().key() + " port " + p.getValue() + " (recorded "
                                + (recorded == null ? "none" : recorded) + ")");
                        if (recorded != null) {
                            replaced.add(p.getKey());
                        }
                        ports = ports.with(p.getKey(), p.getValue());
                    }
                }
                // a port envctl allocated that the cluster's replaces is not envctl's any more: nor is its mark
                return AutoPorts.after(r, r.withPorts(ports), Set.of());
            });
        } catch (EnvctlException e) {
            if (e.code() != ErrorCode.CONFLICT) {
                throw e;
            }
            return fail(name, String.format(NOT_ADOPTED, provider.id()) + String.join(", ", corrected)
                    + ", which cannot be recorded: " + e.getMessage() + "; delete that cluster or the environment "
                    + "holding the port");
        }
        if (!corrected.isEmpty()) {
            // recording a port the record lacked (a row of the scripts has no api port) is no correction to warn of
            LOG.atLevel(replaced.isEmpty() ? Level.INFO : Level.WARN).log("{}: {} its existing {} cluster, which "
                    + "binds {}; the record now holds what the cluster binds", name,
                    state == ActualState.RUNNING ? "adopted" : "not adopting yet", provider.id(),
                    String.join(", ", corrected));
        }
        return new Outcome(name, Action.UNCHANGED, state, null);
    }

    /**
     * A record that says running whose cluster is gone, or lacks nodes its record asks for (their containers were
     * removed outside envctl): created again, after removing what is left, or marked failed, per the policy.
     */
    private Outcome drift(Environment env, Host host, ClusterProvider provider, Seen seen,
                          ProgressListener progress) {
        String what = seen.present ? "its " + provider.id() + " cluster lacks nodes (" + seen.missing + ")"
                : provider.id() + " lists no such cluster";
        LOG.warn("{}: the record says running but {} (drift); policy {}", env.name(), what, drift);
        if (drift == DriftPolicy.RECREATE) {
            return recreate(env, host, provider, Action.RECREATED, seen, progress);
        }
        // what happened, why it stays so, and what fixes it: a start makes the cluster again under either policy
        String message = "its " + provider.id() + " cluster " + (seen.present ? "lacks nodes (" + seen.missing + ")"
                : "is gone (" + provider.id() + " lists no cluster of this name, though the record said running)")
                + "; the mark-failed drift policy leaves it failed: start the environment to "
                + (seen.present ? "delete what is left and " : "") + "create the cluster again with the record's "
                + "ports and subnet, or delete it";
        writer.actual(env.name(), ActualState.FAILED, message);
        return new Outcome(env.name(), Action.MARKED_FAILED, ActualState.FAILED, message);
    }

    /**
     * Makes the cluster of a record whose cluster does not exist: records the ports it lacks, and new ones in place
     * of the ports envctl allocated that the host cannot bind now ({@link MissingPorts#rebind}); then
     * {@code creating}, the provider's create, the post-create hooks and {@code running}. When the tool finds a port
     * envctl allocated taken (another program took it after the probe, or on a host that is not probed), that port
     * is moved and the create run once more; a port a request gave stays, and the failure says why.
     */
    private Outcome create(Environment env, Host host, ClusterProvider provider, Action action, Seen seen,
                           ProgressListener progress) {
        String name = env.name();
        Environment filled;
        try {
            filled = missingPorts.fill(env);
        } catch (RuntimeException e) {
            return fail(name, "could not record the host ports it lacks: " + HookRunner.describe(e));
        }
        List<MissingPorts.Move> moved;
        try {
            moved = missingPorts.rebind(filled);
        } catch (RuntimeException e) {
            return fail(name, (isPoolExhausted(e) ? Environment.POOL_FAILURE_PREFIX : "") + "a host port envctl "
                    + "allocated to it cannot be bound on the host now, and no other could be recorded in its "
                    + "place: " + HookRunner.describe(e));
        }
        for (MissingPorts.Move m : moved) {
            LOG.warn("{}: {} port {} cannot be bound on the host now (another program holds it); envctl had "
                    + "allocated it, so the environment now has {} port {}", name, m.role().key(), m.from(),
                    m.role().key(), m.to());
            progress.step(name, m.role().key() + " port " + m.from() + " is taken on the host; creating with "
                    + m.to() + " instead");
        }
        Optional<Environment> creating = writer.actual(name, ActualState.CREATING, null);
        if (creating.isEmpty() || creating.get().desiredState() != DesiredState.PRESENT) {
            return null;
        }
        progress.step(name, "creating " + provider.id() + " cluster " + name);
        Optional<EnvctlException> error = ProviderCalls.error(provider, "create",
                () -> provider.create(creating.get(), progress));
        if (error.isPresent() && CommandRunner.stopping()) {
            // what the stop cut short may be half made and its nodes may run
            return leftCreating(name, error.get().getMessage());
        }
        if (error.isPresent() && env.actualState() == ActualState.UNKNOWN && CreateFailure.nameTaken(error.get())) {
            // another program made a cluster of the name after the listing (the Kindler scripts creating the same
            // row): unknown again, so the next pass adopts it with the ports it binds, as one listed before would be,
            // where failed would take it as this record's own and keep the record's ports
            String message = error.get().getMessage();
            writer.actual(name, ActualState.UNKNOWN, message);
            return new Outcome(name, Action.FAILED, ActualState.UNKNOWN, message);
        }
        if (error.isPresent()) {
            seen.present = null;
            return failedCreate(creating.get(), error.get().getMessage(), CreateFailure.leftBehind(error.get()), host,
                    provider, action, seen, progress);
        }
        seen.set(true, true);
        Environment made = creating.get();
        if (store.find(name).isEmpty()) {
            return removeUnrecorded(made, host, provider, seen, progress);
        }
        try {
            keepAsMade(name, made, ActualState.CREATING);
        } catch (EnvctlException e) {
            if (e.code() != ErrorCode.CONFLICT) {
                throw e;
            }
            return fail(name, Environment.CONFLICT_FAILURE_PREFIX + " while its cluster was being created ("
                    + String.join(", ", AsMade.differences(store.get(name), made)) + ") and what the cluster was "
                    + "made with cannot be recorded back: " + e.getMessage() + "; the cluster still binds what it "
                    + "was made with: delete this environment or the one holding those now");
        }
        return finishCreate(name, host, action, progress, made);
    }

    /**
     * A create that failed: when the tool says a host port of the record is taken and envctl allocated that port
     * ({@link AutoPorts}), the next free port of its pool is recorded instead and the create run once more (after
     * removing what the failed one left); otherwise the record is {@code failed} with the error, which says why a
     * taken port a request gave stays, or {@code creating} with it when {@code leftBehind}: the provider could not
     * remove what the create made ({@link CreateFailure#leftBehind}).
     */
    private Outcome failedCreate(Environment made, String error, boolean leftBehind, Host host,
                                 ClusterProvider provider, Action action, Seen seen, ProgressListener progress) {
        String name = made.name();
        Optional<Integer> taken = HeldPorts.takenPort(error);
        Optional<PortRole> role = taken.flatMap(p -> made.ports().asMap().entrySet().stream()
                .filter(e -> e.getValue().equals(p)).map(Map.Entry::getKey).findFirst());
        if (role.isEmpty()) {
            return createFailed(name, error, leftBehind);
        }
        if (!AutoPorts.of(made).contains(role.get())) {
            // the provider's advice for a create (leave the port out) does nothing to a record that has the port
            // a record with the mark says which ports were given; one without it cannot tell (every port given,
            // or recorded before envctl marked the ports it allocates)
            String why = made.labels().containsKey(AutoPorts.LABEL) ? "as it was given"
                    : "as its record marks no port as allocated by envctl (every port given, or recorded before "
                    + "envctl marked them)";
            return createFailed(name, HeldPorts.withoutCreateAdvice(error) + "; envctl keeps " + role.get().key()
                    + " port " + taken.get() + ", " + why + ": free it on the host and try again, or give the "
                    + "environment another " + role.get().key() + " port", leftBehind);
        }
        if (seen.portMoved) {
            return createFailed(name, error, leftBehind);
        }
        MissingPorts.Move m;
        try {
            // the record stays creating meanwhile (the move keeps its states): the one write of a failure follows
            m = missingPorts.replace(store.get(name), role.get(), taken.get());
        } catch (EnvctlException noOther) {
            LOG.info("{}: {} port {} was taken on the host and no other could be recorded: {}", name,
                    role.get().key(), taken.get(), noOther.getMessage());
            // an exhausted pool is said as such; after a store that refuses, the tool's error stands
            return createFailed(name, isPoolExhausted(noOther) ? Environment.POOL_FAILURE_PREFIX + role.get().key()
                    + " port " + taken.get() + ", which envctl allocated, was taken on the host and "
                    + noOther.getMessage() + " (" + error + ")" : error, leftBehind);
        }
        seen.portMoved = true;
        LOG.warn("{}: {} port {} was taken on the host when its cluster was made; envctl had allocated it, so the "
                + "environment now has {} port {}", name, m.role().key(), m.from(), m.role().key(), m.to());
        progress.step(name, m.role().key() + " port " + m.from() + " was taken on the host meanwhile; creating again "
                + "once with " + m.to());
        observe(provider, made, seen, null);
        if (seen.present) {
            // the provider removes what a failed create made (its contract); whatever it left goes first
            Optional<String> left = ProviderCalls.failure(provider, "delete", () -> provider.delete(made, progress));
            if (left.isPresent()) {
                return createFailed(name, left.get(), leftBehind);
            }
            seen.set(false, false);
        }
        Optional<Environment> again = store.find(name);
        return again.isEmpty() ? null : create(again.get(), host, provider, action, seen, progress);
    }

    private static boolean isPoolExhausted(RuntimeException e) {
        return e instanceof EnvctlException ee && ee.code() == ErrorCode.POOL_EXHAUSTED;
    }

    private Outcome finishCreate(String name, Host host, Action action, ProgressListener progress) {
        return finishCreate(name, host, action, progress, null);
    }

    /** Post-create hooks, then {@code running}; {@code made} (nullable): the record the provider created from. */
    private Outcome finishCreate(String name, Host host, Action action, ProgressListener progress,
                                 Environment made) {
        Optional<Environment> current = store.find(name);
        if (current.isEmpty()) {
            return null;
        }
        Optional<String> error = hooks.run(HookPhase.POST_CREATE, current.get(), host, progress);
        if (error.isPresent()) {
            return fail(name, error.get());
        }
        if (made == null) {
            writer.actual(name, ActualState.RUNNING, null);
        } else {
            keepAsMade(name, made, ActualState.RUNNING);
        }
        return new Outcome(name, action, ActualState.RUNNING, null);
    }

    /**
     * Writes {@code state}, putting back what the cluster was made with ({@link AsMade}) where another writer
     * changed it meanwhile, which is logged at WARN: the cluster binds those ports, so a record naming others
     * would leave them free for the next allocation.
     */
    private void keepAsMade(String name, Environment made, ActualState state) {
        List<String> overridden = new ArrayList<>();
        Optional<Environment> written = writer.actual(name, state, null, r -> {
            overridden.clear();
            overridden.addAll(AsMade.differences(r, made));
            return AsMade.restore(r, made);
        });
        if (written.isPresent() && !overridden.isEmpty()) {
            LOG.warn("{}: another writer changed its record while its {} cluster was being created: {}; the cluster "
                    + "binds what it was made with, so the record keeps that (its other changes stay)", name,
                    made.provider(), String.join(", ", overridden));
        }
    }

    /**
     * The record was deleted (by another writer: an old script's {@code db_delete_cluster}) while its cluster was
     * being created: the cluster no record owns is removed again, and the create fails saying so.
     */
    private Outcome removeUnrecorded(Environment made, Host host, ClusterProvider provider, Seen seen,
                                     ProgressListener progress) {
        String name = made.name();
        progress.step(name, "deleting " + provider.id() + " cluster " + name + Hosts.on(host)
                + ": its record was deleted meanwhile");
        Optional<String> error = ProviderCalls.failure(provider, "delete", () -> provider.delete(made, progress));
        seen.present = null;
        String what = "environment '" + name + "' was deleted by another writer while its " + provider.id()
                + " cluster was being created; ";
        return new Outcome(name, Action.FAILED, null, what + error.map(e -> "the cluster could not be removed ("
                + e + ") and remains: a reconcile lists it as unmanaged; delete it with " + provider.id())
                .orElse("the cluster was removed again; create the environment again if it is still wanted"));
    }

    private Outcome delete(Environment env, Host host, ClusterProvider provider, Seen seen,
                           ProgressListener progress) {
        String name = env.name();
        Optional<Environment> deleting = writer.actual(name, ActualState.DELETING, null);
        if (deleting.isEmpty()) {
            return null;
        }
        Optional<String> error = hooks.run(HookPhase.PRE_DELETE, deleting.get(), host, progress);
        if (error.isEmpty()) {
            progress.step(name, "deleting " + provider.id() + " cluster " + name);
            error = ProviderCalls.failure(provider, "delete", () -> provider.delete(deleting.get(), progress));
        }
        if (error.isPresent()) {
            return fail(name, error.get());
        }
        seen.set(false, false);
        error = hooks.run(HookPhase.POST_DELETE, deleting.get(), host, progress);
        if (error.isPresent()) {
            return fail(name, error.get());
        }
        Optional<Environment> now = store.find(name);
        if (now.isPresent() && now.get().labels().containsKey(keepLabel)) {
            writer.actual(name, ActualState.UNKNOWN, null);
            return new Outcome(name, Action.DELETED, ActualState.UNKNOWN, null);
        }
        return writer.removeIfAbsent(name) ? new Outcome(name, Action.DELETED, null, null) : null;
    }

    private Outcome fail(String name, String message) {
        writer.actual(name, ActualState.FAILED, message);
        return new Outcome(name, Action.FAILED, ActualState.FAILED, message);
    }

    /** A failed create: {@link #leftCreating} when what it made may remain ({@code leftBehind}), else failed. */
    private Outcome createFailed(String name, String message, boolean leftBehind) {
        return leftBehind ? leftCreating(name, message) : fail(name, message);
    }

    /**
     * A create that failed and whose cluster may remain half made, its nodes running (a stop cut it short, or the
     * provider could not remove what it made): {@code creating}, with {@code message} as its last error, as only
     * {@code creating} makes the next converge ask the provider whether the create finished ({@link #resume}), where
     * {@code failed} would take a running cluster as made and run its post-create hooks.
     */
    private Outcome leftCreating(String name, String message) {
        writer.actual(name, ActualState.CREATING, message);
        return new Outcome(name, Action.FAILED, ActualState.CREATING, message);
    }

    /**
     * A failure of a record no create of its own finished ({@code unknown}, {@code creating}, {@code deleting}) that
     * keeps its actual state, with {@code message} as its last error. As {@code failed}, the next pass would finish a
     * running cluster as its own create's: a half-made one without asking whether its create finished (only for
     * {@code creating} does {@link #resume} ask: a cluster envctl did not make, or made before it left marks, has no
     * mark), and one envctl did not make with the post-create hooks and the record's ports instead of adopting it.
     * {@code code}: {@code PROVIDER_FAILED} when the provider could not be asked, null when its tool failed.
     */
    private Outcome keepingState(String name, String message, ErrorCode code) {
        Optional<Environment> kept = writer.modify(name, r -> r.withActualState(r.actualState(), message));
        return new Outcome(name, Action.FAILED, kept.map(Environment::actualState).orElse(null), message, code);
    }

    /**
     * Reads what the provider lists of {@code env}'s cluster, or what {@code hint} (nullable) saw of it: a cluster
     * lacking nodes its record asks for is present but not running, whatever its remaining nodes do.
     */
    private static void observe(ClusterProvider provider, Environment env, Seen seen, Hint hint) {
        if (hint != null && hint.listFailure() != null) {
            throw hint.listFailure();
        }
        ClusterStatus listed = hint != null ? hint.listed() : ProviderCalls.call(provider, "list", provider::list)
                .stream().filter(c -> c.name().equals(env.name())).reduce((first, last) -> last).orElse(null);
        seen.set(listed != null, false);
        if (listed != null) {
            seen.missing = ProviderCalls.call(provider, "missingNodes", () -> provider.missingNodes(env, listed))
                    .orElse(null);
            seen.running = listed.running() && seen.missing == null;
        }
    }

    private static Outcome unchanged(Environment env) {
        return new Outcome(env.name(), Action.UNCHANGED, env.actualState(), env.lastError());
    }

    /** The record's actual state for an outcome; null when it is gone or cannot be read. */
    private ActualState stateOf(String name) {
        try {
            return store.find(name).map(Environment::actualState).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
