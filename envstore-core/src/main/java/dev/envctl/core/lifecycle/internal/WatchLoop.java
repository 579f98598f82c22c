package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.Durations;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.exec.CommandRunner;
import dev.envctl.core.lifecycle.Outcome;
import dev.envctl.core.lifecycle.ReconcileReport;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The continuous reconciler: a round every {@code interval} until {@code stop} is set, the thread is
 * interrupted or the JVM shuts down. Environments that failed sit out rounds by {@link Backoff} (a record made again
 * under a deleted one's name starts afresh); a round that
 * cannot read the store is retried with the same backoff, the outage warned of when it starts (or its error
 * changes) and told at INFO when a round reads the store again; a store plugin's RuntimeException that is no
 * {@link EnvctlException} is taken alike. Stopping abandons environments not yet
 * started and lets those in flight finish their step, so every record is left in a state the next reconcile
 * resumes; a round stopped before it converged anything is not delivered.
 */
public final class WatchLoop {
    private static final Logger LOG = LoggerFactory.getLogger(WatchLoop.class);
    private static final String STORE_KEY = "\u0000store";
    private static final long POLL_MILLIS = 50;

    private final EnvironmentStore store;
    private final RoundRunner runner;

    public WatchLoop(EnvironmentStore store, RoundRunner runner) {
        this.store = store;
        this.runner = runner;
    }

    /** Rounds over the environments named {@code names}, or over all of them when it is empty. */
    public void run(Set<String> names, Duration interval, AtomicBoolean stop, ProgressListener progress,
                    Consumer<ReconcileReport> afterEachRound) {
        Backoff backoff = new Backoff();
        // what the last round that tried the store could not read it for, null when it could: an outage is
        // warned of when it starts or its error changes, not at every retry, as Docker not answering is
        String unread = null;
        long round = 0;
        while (!stopped(stop)) {
            round++;
            if (backoff.due(STORE_KEY, round)) {
                ReconcileReport report = null;
                try {
                    final long r = round;
                    // backoff is kept per record, not per name: one deleted (by another process) and recorded
                    // again under its name does not sit out the rounds the old one's failures earned
                    Map<String, Instant> createdAt = new LinkedHashMap<>();
                    store.list(EnvironmentFilter.ALL).stream()
                            .filter(e -> names.isEmpty() || names.contains(e.name()))
                            .forEach(e -> createdAt.put(e.name(), e.createdAt()));
                    backoff.retainOnly(createdAt.keySet().stream().map(n -> key(n, createdAt))
                            .collect(Collectors.toUnmodifiableSet()), STORE_KEY);
                    List<String> due = createdAt.keySet().stream()
                            .filter(n -> backoff.due(key(n, createdAt), r)).toList();
                    ReconcileReport done = runner.runExactly(due, progress, () -> stopped(stop));
                    for (Outcome o : done.outcomes()) {
                        backoff.record(key(o.name(), createdAt), o.failed(), round);
                    }
                    // the records sitting out the round are there still: a caller keeping something per record
                    // (the CLI's last printed failure) tells them from records that are gone
                    createdAt.putAll(done.records());
                    report = new ReconcileReport(done.outcomes(), done.unmanaged(), createdAt);
                    backoff.record(STORE_KEY, false, round);
                    if (unread != null) {
                        LOG.info("the store answers again: reconcile round {} read it", round);
                        unread = null;
                    }
                } catch (RuntimeException e) {
                    // a store plugin's own exception too (its bug, or an outage it does not tell as envctl's): a
                    // watch outlives it as it outlives an outage; its class is named, its stack is at DEBUG
                    backoff.record(STORE_KEY, true, round);
                    String why = e instanceof EnvctlException && e.getMessage() != null ? e.getMessage()
                            : e.toString();
                    if (!why.equals(unread)) {
                        LOG.warn("reconcile round {} failed: {}; retrying in later rounds, warning again only if "
                                + "the error changes", round, why);
                    } else {
                        LOG.debug("reconcile round {} failed again: {}", round, why);
                    }
                    if (!(e instanceof EnvctlException)) {
                        LOG.debug("reconcile round {} failed", round, e);
                    }
                    unread = why;
                }
                if (report != null) {
                    if (report.outcomes().isEmpty() && stopped(stop)) {
                        // stopped before it converged anything: the stop may have ended its listings, so it
                        // would report clusters missing and providers failing that are neither
                        break;
                    }
                    // outside the round's catch: what the caller's callback throws (an EnvctlException too) ends
                    // the watch and is thrown, never taken for a round that could not read the store
                    afterEachRound.accept(report);
                }
            }
            if (!pause(interval, stop)) {
                break;
            }
        }
        LOG.info("reconciler stopped after {} rounds", round);
    }

    /**
     * Set, interrupted, or the JVM shuts down: its shutdown ends the tools in flight before a caller's own handler
     * may have set {@code stop}, and starts none after.
     */
    private static boolean stopped(AtomicBoolean stop) {
        return stop.get() || Thread.currentThread().isInterrupted() || CommandRunner.stopping();
    }

    /** The backoff key of the record named {@code name}: its name and creation time, as {@code createdAt} has it. */
    private static String key(String name, Map<String, Instant> createdAt) {
        Instant t = createdAt.get(name);
        return t == null ? name : name + "\u0000" + t;
    }

    /** Sleeps for {@code interval}, waking early on stop; false when stopped or interrupted. */
    private static boolean pause(Duration interval, AtomicBoolean stop) {
        long end = System.nanoTime() + Durations.nanos(interval); // may wrap: only differences count
        while (!stopped(stop)) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(left))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
