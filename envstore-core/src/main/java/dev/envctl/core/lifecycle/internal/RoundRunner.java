package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.lifecycle.Outcome;
import dev.envctl.core.lifecycle.ReconcileReport;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * One reconcile pass over a set of environments: reads the records, lists each provider's clusters once
 * (to report unmanaged ones, and as a {@link Converger.Hint} that spares a listing per environment whose
 * record has not changed since), then converges each environment on a pool of at most {@code concurrency} threads, each holding one of the
 * engine's slots. When {@code stop} turns true, environments not yet started are abandoned and those in
 * flight finish their step. Thread-safe.
 */
public final class RoundRunner {
    private static final Logger LOG = LoggerFactory.getLogger(RoundRunner.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final EnvironmentStore store;
    private final Map<String, ClusterProvider> providers;
    private final Converger converger;
    private final Semaphore slots;
    private final int concurrency;
    private final AtomicInteger waiting = new AtomicInteger();

    public RoundRunner(EnvironmentStore store, Map<String, ClusterProvider> providers, Converger converger,
                       int concurrency) {
        this.store = store;
        this.providers = new TreeMap<>(providers);
        this.converger = converger;
        this.concurrency = concurrency;
        this.slots = new Semaphore(concurrency, true);
    }

    /** Converges one environment in the calling thread, within the engine-wide bound; {@code hint} may be null. */
    public Outcome convergeOne(String name, Converger.Hint hint, ProgressListener progress) {
        waiting.incrementAndGet();
        return task(name, hint, progress, () -> false, new AtomicBoolean());
    }

    /** Environments handed to this runner that have not yet got a slot (queued or waiting). */
    public int waiting() {
        return waiting.get();
    }

    /** Converges {@code names} (empty: every record) once; unknown names are a NOT_FOUND error. */
    public ReconcileReport run(Collection<String> names, ProgressListener progress, BooleanSupplier stop) {
        return round(names, true, progress, stop);
    }

    /** Converges exactly those of {@code names} that have a record (none when empty); reports unmanaged clusters. */
    public ReconcileReport runExactly(Collection<String> names, ProgressListener progress, BooleanSupplier stop) {
        return round(names, false, progress, stop);
    }

    private ReconcileReport round(Collection<String> names, boolean allWhenEmpty, ProgressListener progress,
                                  BooleanSupplier stop) {
        List<Environment> before = store.list(EnvironmentFilter.ALL);
        Map<String, List<ClusterStatus>> clusters = listClusters();
        List<Environment> records = store.list(EnvironmentFilter.ALL);
        Set<String> known = new HashSet<>();
        records.forEach(e -> known.add(e.name()));
        List<String> targets = new ArrayList<>(new TreeSet<>(names.isEmpty() && allWhenEmpty ? known : names));
        if (!allWhenEmpty) {
            targets.retainAll(known);
        }
        for (String name : targets) {
            if (!known.contains(name)) {
                throw EnvctlException.notFound("environment '" + name + "' not found in " + store.location());
            }
        }
        Map<String, Converger.Hint> hints = hints(before, clusters);
        return new ReconcileReport(convergeAll(targets, hints, progress, stop), unmanaged(clusters, records));
    }

    private static Map<String, Converger.Hint> hints(List<Environment> records,
                                                     Map<String, List<ClusterStatus>> clusters) {
        Map<String, Converger.Hint> hints = new HashMap<>();
        for (Environment e : records) {
            List<ClusterStatus> listed = clusters.get(e.provider());
            // creating/deleting: an engine may have been inside a provider call while we listed
            boolean settled = e.actualState() != ActualState.CREATING && e.actualState() != ActualState.DELETING;
            if (listed != null && settled) {
                Optional<ClusterStatus> c = listed.stream().filter(s -> s.name().equals(e.name())).findFirst();
                hints.put(e.name(), new Converger.Hint(e.version(), c.isPresent(), c.map(ClusterStatus::running)
                        .orElse(false)));
            }
        }
        return hints;
    }

    private List<Outcome> convergeAll(List<String> targets, Map<String, Converger.Hint> hints,
                                      ProgressListener progress, BooleanSupplier stop) {
        if (targets.isEmpty()) {
            return List.of();
        }
        AtomicBoolean abandon = new AtomicBoolean();
        int threads = Math.min(concurrency, targets.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "envctl-reconcile-" + POOLS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (String name : targets) {
                waiting.incrementAndGet();
                futures.add(pool.submit(() -> task(name, hints.get(name), progress, stop, abandon)));
            }
            return collect(futures, abandon);
        } finally {
            pool.shutdown();
        }
    }

    private Outcome task(String name, Converger.Hint hint, ProgressListener progress, BooleanSupplier stop,
                         AtomicBoolean abandon) {
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
            return converger.converge(name, progress, hint);
        } catch (RuntimeException e) {
            // only releasing the lock can get here: report it with the environment it belongs to
            return new Outcome(name, dev.envctl.core.lifecycle.Action.FAILED, null, HookRunner.describe(e));
        } finally {
            slots.release();
        }
    }

    private static List<Outcome> collect(List<Future<Outcome>> futures, AtomicBoolean abandon) {
        List<Outcome> outcomes = new ArrayList<>();
        boolean interrupted = false;
        Error crash = null;
        for (Future<Outcome> f : futures) {
            while (true) {
                try {
                    Outcome o = f.get();
                    if (o != null) {
                        outcomes.add(o);
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    abandon.set(true);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error err) {
                        crash = crash == null ? err : crash;
                    } else {
                        throw new IllegalStateException("reconcile task failed", e.getCause()); // not reached
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

    /** Each provider's clusters by provider id; a provider that cannot list is logged and left out. */
    private Map<String, List<ClusterStatus>> listClusters() {
        Map<String, List<ClusterStatus>> all = new TreeMap<>();
        for (ClusterProvider p : providers.values()) {
            try {
                all.put(p.id(), p.list());
            } catch (RuntimeException e) {
                LOG.warn("could not list {} clusters, so unmanaged ones are not reported: {}", p.id(),
                        HookRunner.describe(e));
            }
        }
        return all;
    }

    private static List<ClusterStatus> unmanaged(Map<String, List<ClusterStatus>> clusters,
                                                 List<Environment> records) {
        Set<String> owned = new HashSet<>();
        for (Environment e : records) {
            owned.add(e.provider() + "/" + e.name());
            String replacing = e.labels().get(Replacement.LABEL);
            if (replacing != null) {
                // the old cluster of a replacement in progress is still this record's
                owned.add(Replacement.oldProvider(replacing) + "/" + e.name());
            }
        }
        List<ClusterStatus> out = new ArrayList<>();
        for (Map.Entry<String, List<ClusterStatus>> listed : clusters.entrySet()) {
            for (ClusterStatus c : listed.getValue()) {
                if (owned.contains(listed.getKey() + "/" + c.name())) {
                    continue;
                }
                LOG.warn("cluster {} ({}) has no record; envctl leaves it alone", c.name(), listed.getKey());
                out.add(c);
            }
        }
        return out;
    }
}
