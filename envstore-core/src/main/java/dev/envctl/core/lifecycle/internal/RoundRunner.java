package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.Host;
import dev.envctl.core.lifecycle.Action;
import dev.envctl.core.lifecycle.HostProviders;
import dev.envctl.core.lifecycle.Outcome;
import dev.envctl.core.lifecycle.ReconcileReport;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One reconcile pass over a set of environments: reads the records, lists each provider's clusters once on each
 * host (to report unmanaged ones, and as a {@link Converger.Hint} that spares a listing per environment whose
 * record has not changed since), then converges each environment on a pool of at most {@code concurrency} threads,
 * each holding one of the engine's slots. When {@code stop} turns true, environments not yet started are
 * abandoned and those in flight finish their step; true when the listings are done, it ends the round with an
 * empty report and their failures unlogged, as the stop may have ended them. An interrupt of the calling thread
 * abandons them too, and is passed on to those in flight, listings included; it stays set, and once the listings
 * are done it ends the round as a stop does.
 *
 * <p>A host other than {@code local} whose provider cannot list is taken as not answering: the environments of that
 * provider there get a {@link Action#FAILED} outcome naming the host, their records untouched, and the others
 * proceed. Hosts are listed in parallel when there are several. Thread-safe.
 */
public final class RoundRunner {
    private static final Logger LOG = LoggerFactory.getLogger(RoundRunner.class);
    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final int MAX_LISTING_THREADS = 8;

    private final EnvironmentStore store;
    private final HostProviders providers;
    private final Converger converger;
    private final Semaphore slots;
    private final int concurrency;
    private final AtomicInteger waiting = new AtomicInteger();
    /** The unmanaged clusters (host/provider/name) the last round saw: a watch logs each once, as it appears. */
    private volatile Set<String> lastUnmanaged = Set.of();
    /**
     * Why each listing failed in the last round (host and provider: error): a watch warns of a failure when it starts
     * or changes, not every round while Docker is down, and says when the listing works again.
     */
    private volatile Map<Where, String> lastUnlisted = Map.of();

    public RoundRunner(EnvironmentStore store, HostProviders providers, Converger converger, int concurrency) {
        this.store = store;
        this.providers = providers;
        this.converger = converger;
        this.concurrency = concurrency;
        this.slots = new Semaphore(concurrency, true);
    }

    /** Converges one environment in the calling thread, within the engine-wide bound; {@code hint} may be null. */
    public Outcome convergeOne(String name, Converger.Hint hint, ProgressListener progress) {
        return convergeOne(name, hint, progress, null);
    }

    /**
     * As {@link #convergeOne(String, Converger.Hint, ProgressListener)}; {@code startedFrom}: a start asked for it, of
     * a record that was desired this (null: no start asked).
     */
    public Outcome convergeOne(String name, Converger.Hint hint, ProgressListener progress, DesiredState startedFrom) {
        return convergeOne(name, hint, Map.of(), progress, startedFrom);
    }

    /**
     * As {@link #convergeOne(String, Converger.Hint, ProgressListener, DesiredState)}; {@code hosts}: hosts read
     * before, by name ({@link Listed#hosts}; a host not there is asked of the store).
     */
    public Outcome convergeOne(String name, Converger.Hint hint, Map<String, Host> hosts, ProgressListener progress,
                               DesiredState startedFrom) {
        waiting.incrementAndGet();
        return task(name, hint, hosts, GuardedProgress.of(progress), () -> false, new AtomicBoolean(), startedFrom);
    }

    /**
     * Lists the provider of each of {@code records} once on its host, as a round does, for converges of them one by
     * one: a listing per environment spared, as in a round.
     */
    public Listed list(List<Environment> records) {
        List<Host> stored = store.hosts();
        Set<Where> only = new HashSet<>();
        records.forEach(e -> only.add(new Where(e.host(), e.provider())));
        return new Listed(hints(records, listClusters(stored, only, Map.of())), hostsByName(stored));
    }

    /**
     * What {@link #list} found: the hint of each record it was given, by name (none for one being created or
     * deleted, as in a round), and the store's hosts it read, by name.
     */
    public record Listed(Map<String, Converger.Hint> hints, Map<String, Host> hosts) {
    }

    /** Environments handed to this runner that have not yet got a slot (queued or waiting). */
    public int waiting() {
        return waiting.get();
    }

    /**
     * Converges {@code names} (empty: every record) once; an unknown name is a NOT_FOUND error (the first in their
     * order), raised before any provider is asked (after the listings for a record removed meanwhile). Named, it
     * lists only their providers, on their hosts, and so reports only those providers' unmanaged clusters.
     */
    public ReconcileReport run(Collection<String> names, ProgressListener progress, BooleanSupplier stop) {
        return round(names, true, progress, stop, Map.of());
    }

    /** Converges exactly those of {@code names} that have a record (none when empty); reports unmanaged clusters. */
    public ReconcileReport runExactly(Collection<String> names, ProgressListener progress, BooleanSupplier stop) {
        return runExactly(names, progress, stop, Map.of());
    }

    /**
     * As {@link #runExactly(Collection, ProgressListener, BooleanSupplier)}, taking from {@code listedBefore} (what
     * the caller listed moments ago, by host and provider) the listing of each provider on a host where none of
     * {@code names} lives: those listings only report unmanaged clusters. Where one of them lives, the provider is
     * listed anew, as its hint must come from a listing made after its record was read.
     */
    public ReconcileReport runExactly(Collection<String> names, ProgressListener progress, BooleanSupplier stop,
                                      Map<Where, List<ClusterStatus>> listedBefore) {
        return round(names, false, progress, stop, listedBefore);
    }

    private ReconcileReport round(Collection<String> names, boolean allWhenEmpty, ProgressListener listener,
                                  BooleanSupplier stop, Map<Where, List<ClusterStatus>> listedBefore) {
        ProgressListener progress = GuardedProgress.of(listener);
        List<Environment> before = store.list(EnvironmentFilter.ALL);
        Map<Where, List<ClusterStatus>> reused = new HashMap<>(listedBefore);
        if (!reused.isEmpty()) {
            Set<String> named = new HashSet<>(names);
            before.stream().filter(e -> named.contains(e.name())).forEach(e -> reused.remove(
                    new Where(e.host(), e.provider())));
        }
        Set<Where> only = null;
        if (allWhenEmpty && !names.isEmpty()) {
            only = new HashSet<>();
            Set<String> named = new HashSet<>(names);
            Set<String> had = new HashSet<>();
            for (Environment e : before) {
                had.add(e.name());
                if (named.contains(e.name())) {
                    only.add(new Where(e.host(), e.provider()));
                }
            }
            // an unknown name is told before any provider is asked: a typo is not reported as Docker's failure
            requireKnown(names, had);
        }
        // read once for the round: its listings and each converge take their hosts from here
        List<Host> stored = store.hosts();
        Map<String, Host> hosts = hostsByName(stored);
        Listing listing = listClusters(stored, only, reused);
        if (stop.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            // the stop or interrupt may have ended the listings (a signal ends the tools in flight): what they found
            // or failed is not the providers' word, so it is neither logged nor reported, and nothing is converged
            // on it
            return new ReconcileReport(List.of(), List.of());
        }
        List<Environment> records = store.list(EnvironmentFilter.ALL);
        Set<String> known = new HashSet<>();
        records.forEach(e -> known.add(e.name()));
        List<String> targets = new ArrayList<>(new TreeSet<>(names.isEmpty() && allWhenEmpty ? known : names));
        if (!allWhenEmpty) {
            targets.retainAll(known);
        }
        requireKnown(targets, known); // one removed while the providers listed
        Set<String> converged = new HashSet<>(targets); // a lookup per record: a list's would be quadratic
        Set<Where> converging = new HashSet<>();
        Map<String, Instant> createdAt = new HashMap<>();
        records.stream().filter(e -> converged.contains(e.name())).forEach(e -> {
            converging.add(new Where(e.host(), e.provider()));
            createdAt.put(e.name(), e.createdAt());
        });
        logUnlisted(listing.failed, listing.clusters.keySet(), converging);
        Map<String, Converger.Hint> hints = hints(before, listing);
        Map<String, Outcome> unanswered = unanswered(records, listing.failed);
        return new ReconcileReport(convergeAll(targets, hints, hosts, unanswered, progress, stop),
                unmanaged(listing.clusters, records), createdAt);
    }

    /** NOT_FOUND for the first of {@code names}, in their order, that is not {@code known}. */
    private void requireKnown(Collection<String> names, Set<String> known) {
        for (String name : names) {
            if (!known.contains(name)) {
                throw EnvctlException.notFound("environment '" + name + "' not found in " + store.location());
            }
        }
    }

    /** Where a listing was made: a provider on a host. */
    public record Where(String host, String provider) implements Comparable<Where> {
        @Override
        public int compareTo(Where o) {
            int c = host.compareTo(o.host);
            return c != 0 ? c : provider.compareTo(o.provider);
        }
    }

    /** What the round's listings found; {@code failed} the error of each listing that failed. */
    private record Listing(Map<Where, List<ClusterStatus>> clusters, Map<Where, RuntimeException> failed) {
    }

    private static Map<String, Converger.Hint> hints(List<Environment> records, Listing listing) {
        Map<String, Converger.Hint> hints = new HashMap<>();
        // each listing by name, so that a record's cluster is not a scan of it
        Map<Where, Map<String, ClusterStatus>> byName = new HashMap<>();
        listing.clusters.forEach((where, clusters) -> byName.put(where, byName(clusters)));
        for (Environment e : records) {
            Where where = new Where(e.host(), e.provider());
            Map<String, ClusterStatus> listed = byName.get(where);
            RuntimeException failed = listing.failed.get(where);
            // creating/deleting: an engine may have been inside a provider call while we listed
            boolean settled = e.actualState() != ActualState.CREATING && e.actualState() != ActualState.DELETING;
            if (listed != null && settled) {
                hints.put(e.name(), new Converger.Hint(e.version(), listed.get(e.name())));
            } else if (failed != null && settled) {
                hints.put(e.name(), Converger.Hint.unlisted(e.version(), failed));
            }
        }
        return hints;
    }

    /** {@code clusters} by name: the last listed of a name, as the converge takes it. */
    public static Map<String, ClusterStatus> byName(List<ClusterStatus> clusters) {
        Map<String, ClusterStatus> byName = new HashMap<>();
        clusters.forEach(c -> byName.put(c.name(), c));
        return byName;
    }

    /** {@code hosts} by name. */
    public static Map<String, Host> hostsByName(List<Host> hosts) {
        Map<String, Host> byName = new HashMap<>();
        hosts.forEach(h -> byName.put(h.name(), h));
        return byName;
    }

    /** The failed outcome of each record on a host not local whose listing of its provider failed. */
    private static Map<String, Outcome> unanswered(List<Environment> records, Map<Where, RuntimeException> failed) {
        Map<String, Outcome> out = new HashMap<>();
        for (Environment e : records) {
            RuntimeException error = failed.get(new Where(e.host(), e.provider()));
            if (error != null && !e.host().equals(Host.LOCAL_NAME)) {
                out.put(e.name(), new Outcome(e.name(), Action.FAILED, e.actualState(), "host '" + e.host()
                        + "' did not answer (" + unanswered(e.provider(), error) + "); the environment was left as "
                        + "it is", ErrorCode.PROVIDER_FAILED));
            }
        }
        return out;
    }

    private static String unanswered(String provider, RuntimeException error) {
        return "could not list " + provider + " clusters there: " + HookRunner.describe(error);
    }

    private List<Outcome> convergeAll(List<String> targets, Map<String, Converger.Hint> hints,
                                      Map<String, Host> hosts, Map<String, Outcome> unanswered,
                                      ProgressListener progress, BooleanSupplier stop) {
        if (targets.isEmpty()) {
            return List.of();
        }
        AtomicBoolean abandon = new AtomicBoolean();
        ExecutorService pool = pool(Math.min(concurrency, targets.size()), "reconcile");
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (String name : targets) {
                Outcome skipped = unanswered.get(name);
                if (skipped != null) {
                    futures.add(CompletableFuture.completedFuture(skipped));
                    continue;
                }
                waiting.incrementAndGet();
                futures.add(pool.submit(() -> task(name, hints.get(name), hosts, progress, stop, abandon, null)));
            }
            return collect(futures, abandon, pool);
        } finally {
            pool.shutdown();
        }
    }

    private Outcome task(String name, Converger.Hint hint, Map<String, Host> hosts, ProgressListener progress,
                         BooleanSupplier stop, AtomicBoolean abandon, DesiredState startedFrom) {
        if (stop.getAsBoolean() || abandon.get()) {
            waiting.decrementAndGet();
            return null;
        }
        slots.acquireUninterruptibly();
        waiting.decrementAndGet();
        try {
            if (stop.getAsBoolean() || abandon.get()) {
                return null;
            }
            Outcome outcome = converger.converge(name, progress, hint, startedFrom, hosts);
            progress.finished(name, outcome == null || outcome.action() != Action.FAILED);
            return outcome;
        } catch (RuntimeException e) {
            // only releasing the lock can get here: report it with the environment it belongs to
            progress.finished(name, false);
            return Outcome.failed(name, null, HookRunner.describe(e), e);
        } finally {
            slots.release();
        }
    }

    /**
     * Runs {@code task} for each of {@code names} on a pool of at most {@code concurrency} threads, named after
     * {@code verb} (one name, or a concurrency of 1: in turn on the calling thread, which an interrupt then reaches);
     * what the tasks returned, null left out, in the order of {@code names}. A task begins only while {@code stop}
     * is false and the calling thread was not interrupted while it waited (the interrupt stays set, and is passed on
     * to those in flight); those in flight finish. What a task throws must be returned instead: an {@link Error} is
     * rethrown once all ended.
     */
    public <T> List<T> each(List<String> names, String verb, Function<String, T> task, BooleanSupplier stop) {
        if (names.size() <= 1 || concurrency == 1) {
            List<T> results = new ArrayList<>();
            for (String name : names) {
                // an interrupt of the calling thread (its caller cancelling) begins no further task, as in the pool
                T result = stop.getAsBoolean() || Thread.currentThread().isInterrupted() ? null : task.apply(name);
                if (result != null) {
                    results.add(result);
                }
            }
            return results;
        }
        AtomicBoolean abandon = new AtomicBoolean();
        ExecutorService pool = pool(Math.min(concurrency, names.size()), verb);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (String name : names) {
                futures.add(pool.submit(() -> stop.getAsBoolean() || abandon.get() ? null : task.apply(name)));
            }
            return collect(futures, abandon, pool);
        } finally {
            pool.shutdown();
        }
    }

    /** A pool of {@code threads} daemon threads named {@code envctl-PURPOSE-N}. */
    private static ExecutorService pool(int threads, String purpose) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "envctl-" + purpose + "-" + POOLS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * What {@code futures}, run on {@code pool}, returned, null left out, in their order, waiting for every one: an
     * interrupt of the waiting thread sets {@code abandon} (tasks not begun skip), is passed on to the tasks in flight,
     * as it reaches a task run on the calling thread, and stays set; an {@link Error} is rethrown last.
     */
    private static <T> List<T> collect(List<Future<T>> futures, AtomicBoolean abandon, ExecutorService pool) {
        List<T> outcomes = new ArrayList<>();
        boolean interrupted = false;
        Error crash = null;
        for (Future<T> f : futures) {
            while (true) {
                try {
                    T o = f.get();
                    if (o != null) {
                        outcomes.add(o);
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    abandon.set(true);
                    // what it cuts in a task is a wait (for a store's lock another process holds, say) or a tool, as
                    // on the calling thread; the tasks not begun are run here, where they skip
                    pool.shutdownNow().forEach(Runnable::run);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error err) {
                        crash = crash == null ? err : crash;
                    } else {
                        throw new IllegalStateException("task failed", e.getCause()); // not reached
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (crash != null) {
            throw crash;
        }
        return outcomes;
    }

    /**
     * Each provider's clusters on each host of the store. A provider that cannot list on {@code local} is logged
     * by the round ({@link #logUnlisted}), and its error kept for the converges of its environments, which fail
     * with it as their own listing would (without listing again: one listing per round, not one per environment);
     * on another host its error is kept, to fail that host's environments of that provider. {@code stored}: the
     * store's hosts; {@code only}: the listings to make (null: all); {@code reused}: listings made before, taken as
     * they are.
     */
    private Listing listClusters(List<Host> stored, Set<Where> only, Map<Where, List<ClusterStatus>> reused) {
        List<Host> hosts = stored.stream()
                .filter(h -> only == null || only.stream().anyMatch(w -> w.host().equals(h.name()))).toList();
        Map<Where, List<ClusterStatus>> clusters = new ConcurrentHashMap<>();
        Map<Where, RuntimeException> failed = new ConcurrentHashMap<>();
        if (hosts.size() <= 1) {
            hosts.forEach(h -> list(h, only, reused, clusters, failed));
        } else {
            // an interrupt is passed on to the listings in flight, and begins no other, as for converges
            AtomicBoolean abandon = new AtomicBoolean();
            ExecutorService pool = pool(Math.min(hosts.size(), MAX_LISTING_THREADS), "list");
            try {
                List<Future<Object>> listings = new ArrayList<>();
                hosts.forEach(h -> listings.add(pool.submit(() -> {
                    if (!abandon.get()) {
                        list(h, only, reused, clusters, failed);
                    }
                    return null;
                })));
                collect(listings, abandon, pool);
            } finally {
                pool.shutdownNow();
            }
        }
        return new Listing(new TreeMap<>(clusters), failed);
    }

    private void list(Host host, Set<Where> only, Map<Where, List<ClusterStatus>> reused,
                      Map<Where, List<ClusterStatus>> clusters, Map<Where, RuntimeException> failed) {
        for (String id : providers.ids()) {
            Where where = new Where(host.name(), id);
            if (only != null && !only.contains(where)) {
                continue;
            }
            List<ClusterStatus> known = reused.get(where);
            if (known != null) {
                clusters.put(where, onHost(host, known));
                continue;
            }
            ClusterProvider p;
            try {
                p = providers.get(id, host);
            } catch (RuntimeException e) {
                // no provider can reach the host (given instances): its environments fail when converged
                LOG.debug("no {} provider for host {}: {}", id, host.name(), HookRunner.describe(e));
                continue;
            }
            try {
                clusters.put(where, onHost(host, ProviderCalls.call(p, "list", p::list)));
            } catch (RuntimeException e) {
                failed.put(where, e);
            }
        }
    }

    /** {@code listed}, a provider's listing on {@code host}, each cluster naming that host when it is not local. */
    private static List<ClusterStatus> onHost(Host host, List<ClusterStatus> listed) {
        return host.isLocal() ? listed : listed.stream().map(c -> c.withHost(host.name())).toList();
    }

    /**
     * Logs the listings that failed in this round for another reason than in the last, and those that failed in the
     * last and were made in this one ({@code listed}). A listing this round did not try (a named reconcile lists only
     * its environments' providers) keeps what the last said of it. A failed listing of {@code converging} (a provider
     * on a host with an environment this round converges) is not described again: its environments fail with it.
     */
    private void logUnlisted(Map<Where, RuntimeException> failed, Set<Where> listed, Set<Where> converging) {
        Map<Where, String> now = new TreeMap<>();
        failed.forEach((where, e) -> now.put(where, HookRunner.describe(e)));
        Map<Where, String> last = lastUnlisted;
        now.forEach((where, why) -> {
            if (!why.equals(last.get(where))) {
                if (where.host().equals(Host.LOCAL_NAME)) {
                    // the environments it fails say why; said again only where none does
                    LOG.warn("could not list {} clusters, so unmanaged ones are not reported{}", where.provider(),
                            converging.contains(where) ? " (the failed environments say why)" : ": " + why);
                } else {
                    LOG.warn("host {} did not answer{}", where.host(), converging.contains(where)
                            ? " (the failed environments say why)"
                            : ": " + unanswered(where.provider(), failed.get(where)));
                }
            }
        });
        last.keySet().stream().filter(listed::contains).sorted().forEach(where ->
                LOG.info("{} clusters{} are listed again", where.provider(), where.host().equals(Host.LOCAL_NAME) ? ""
                        : " on host " + where.host()));
        last.forEach((where, why) -> {
            if (!listed.contains(where) && !failed.containsKey(where)) {
                now.put(where, why);
            }
        });
        lastUnlisted = now;
    }

    private List<ClusterStatus> unmanaged(Map<Where, List<ClusterStatus>> clusters, List<Environment> records) {
        Set<String> owned = new HashSet<>();
        for (Environment e : records) {
            owned.add(e.host() + "/" + e.provider() + "/" + e.name());
            String replacing = e.labels().get(Replacement.LABEL);
            if (replacing != null) {
                // the old cluster of a replacement in progress is still this record's
                owned.add(Replacement.oldHost(replacing) + "/" + Replacement.oldProvider(replacing) + "/" + e.name());
            }
        }
        List<ClusterStatus> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<String> news = new ArrayList<>();
        for (Map.Entry<Where, List<ClusterStatus>> listed : clusters.entrySet()) {
            Where where = listed.getKey();
            for (ClusterStatus c : listed.getValue()) {
                String key = where.host() + "/" + where.provider() + "/" + c.name();
                if (owned.contains(key)) {
                    continue;
                }
                if (seen.add(key) && !lastUnmanaged.contains(key)) {
                    news.add(c.name() + " (" + where.provider()
                            + (where.host().equals(Host.LOCAL_NAME) ? "" : " on host " + where.host()) + ")");
                }
                out.add(c);
            }
        }
        // at INFO: the report returns them, and its caller says them (the CLI on stdout), so a warning would say them
        // twice; one line for them all: a daemon another store's clusters share would fill the log line by line
        if (news.size() == 1) {
            LOG.info("cluster {} has no record; envctl leaves it alone", news.get(0));
        } else if (!news.isEmpty()) {
            Collections.sort(news);
            LOG.info("{} clusters have no record; envctl leaves them alone: {}", news.size(), String.join(", ", news));
        }
        // what a listing this round did not make (it failed, or a named reconcile did not try it) saw stays known
        Set<String> made = new HashSet<>();
        clusters.keySet().forEach(w -> made.add(w.host() + "/" + w.provider() + "/"));
        lastUnmanaged.stream().filter(k -> made.stream().noneMatch(k::startsWith)).forEach(seen::add);
        lastUnmanaged = seen;
        return out;
    }
}
