package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.alloc.HeldSnapshot;
import dev.envctl.core.spi.BatchWriteException;
import dev.envctl.core.spi.EnvironmentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Read-modify-write of one record with optimistic concurrency: a {@code VERSION_CONFLICT} (someone else
 * wrote) is answered by reading the record again and applying the change to the fresh copy, never by
 * overwriting. So the reconciler's actual-state writes never undo a user's desired-state write. Thread-safe.
 */
public final class RecordWriter {
    private static final Logger LOG = LoggerFactory.getLogger(RecordWriter.class);
    private static final int MAX_ATTEMPTS = 20;
    private static final int MAX_REALLOCATIONS = 5;

    private final EnvironmentStore store;

    public RecordWriter(EnvironmentStore store) {
        this.store = store;
    }

    /** Applies {@code change} to the current record; empty when there is no record (any more). */
    public Optional<Environment> modify(String name, UnaryOperator<Environment> change) {
        for (int attempt = 1; ; attempt++) {
            Optional<Environment> current = store.find(name);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            Environment next = change.apply(current.get());
            if (next.equals(current.get())) {
                return current;
            }
            try {
                return Optional.of(store.update(next, current.get().version()));
            } catch (EnvctlException e) {
                if (e.code() != ErrorCode.VERSION_CONFLICT || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                LOG.debug("{} changed while being written (attempt {}); reading it again", name, attempt);
            }
        }
    }

    /**
     * Applies each of {@code changes} (by name, in order) to its current record as {@link #modify} does, reading the
     * records once and writing the changed ones with one {@link EnvironmentStore#updateAll} (a store that rewrites a
     * whole file per write then writes it once). Tells {@code written} what {@code modify} would return for
     * each name; a record another writer changed meanwhile ({@code VERSION_CONFLICT}) is read again and changed anew,
     * as {@code modify} does, and written with the records after it. A name whose write the store refuses otherwise
     * goes to {@code failed} with the error, and the records after it are still written; a read that fails fails
     * every name not written yet. What {@code failed} throws ends it, the records after that name unwritten.
     */
    public void modifyAll(Map<String, UnaryOperator<Environment>> changes,
                          BiConsumer<String, Optional<Environment>> written,
                          BiConsumer<String, EnvctlException> failed) {
        Map<String, UnaryOperator<Environment>> pending = new LinkedHashMap<>(changes);
        Map<String, Integer> attempts = new HashMap<>();
        while (!pending.isEmpty()) {
            Map<String, Environment> current = new HashMap<>();
            try {
                store.list(EnvironmentFilter.ALL).stream().filter(e -> pending.containsKey(e.name()))
                        .forEach(e -> current.put(e.name(), e));
            } catch (EnvctlException e) {
                for (String name : List.copyOf(pending.keySet())) { // as each one's read would have failed
                    pending.remove(name);
                    failed.accept(name, e);
                }
                return;
            }
            List<Environment> next = new ArrayList<>();
            for (Map.Entry<String, UnaryOperator<Environment>> c : List.copyOf(pending.entrySet())) {
                Environment now = current.get(c.getKey());
                Environment changed = now == null ? null : c.getValue().apply(now);
                if (changed == null || changed.equals(now)) {
                    pending.remove(c.getKey());
                    written.accept(c.getKey(), Optional.ofNullable(now));
                } else {
                    next.add(changed);
                }
            }
            if (next.isEmpty()) {
                return;
            }
            List<Environment> stored;
            try {
                stored = store.updateAll(next);
            } catch (BatchWriteException stopped) {
                stored = stopped.stored();
                String name = next.get(stored.size()).name();
                stored.forEach(e -> written.accept(e.name(), Optional.of(e)));
                stored.forEach(e -> pending.remove(e.name()));
                int attempt = attempts.merge(name, 1, Integer::sum);
                if (stopped.error().code() == ErrorCode.VERSION_CONFLICT && attempt < MAX_ATTEMPTS) {
                    LOG.debug("{} changed while being written (attempt {}); reading it again", name, attempt);
                } else {
                    pending.remove(name);
                    failed.accept(name, stopped.error());
                }
                continue;
            }
            stored.forEach(e -> written.accept(e.name(), Optional.of(e)));
            pending.clear();
        }
    }

    /**
     * Writes {@code next(current record, what the other environments hold)}; when another writer got there first
     * (a version conflict, or a conflict on a port or subnet it took meanwhile), reads again and computes anew.
     * An error {@code next} throws (a given port held by another environment) ends it, nothing written.
     *
     * @throws EnvctlException {@code NOT_FOUND} when there is no record, or what {@code next} or the store threw
     */
    public Environment reallocate(String name, BiFunction<Environment, HeldSnapshot, Environment> next) {
        return reallocate(name, Environment::host, next);
    }

    /** {@link #reallocate(String, BiFunction)} onto the host {@code host(current record)}. */
    public Environment reallocate(String name, Function<Environment, String> host,
                                  BiFunction<Environment, HeldSnapshot, Environment> next) {
        for (int attempt = 1; ; attempt++) {
            Environment current = store.get(name);
            List<Environment> others = store.list(EnvironmentFilter.ALL).stream()
                    .filter(e -> !e.name().equals(name)).toList();
            // ports count on the host the record is to be on, subnets across the store, as the store checks them
            Environment wanted = next.apply(current, HeldSnapshot.of(others, host.apply(current)));
            try {
                return store.update(wanted, current.version());
            } catch (EnvctlException e) {
                boolean raced = e.code() == ErrorCode.CONFLICT || e.code() == ErrorCode.VERSION_CONFLICT;
                if (!raced || attempt >= MAX_REALLOCATIONS) {
                    throw e;
                }
                LOG.debug("{} or what it needs changed while being written (attempt {}); reading it again", name,
                        attempt);
            }
        }
    }

    /** Writes the actual state and last error, keeping everything else of the current record. */
    public Optional<Environment> actual(String name, ActualState state, String error) {
        return actual(name, state, error, UnaryOperator.identity());
    }

    /** As {@link #actual(String, ActualState, String)}, applying {@code also} to each fresh copy in the same write. */
    public Optional<Environment> actual(String name, ActualState state, String error, UnaryOperator<Environment> also) {
        ActualState[] before = new ActualState[1];
        Optional<Environment> after = modify(name, e -> {
            before[0] = e.actualState();
            return also.apply(e).withActualState(state, error);
        });
        if (after.isPresent() && before[0] != state) {
            LOG.info("{}: {} -> {}{}", name, before[0].key(), state.key(), error == null ? "" : " (" + error + ")");
        }
        return after;
    }

    /**
     * Removes the record if it is still desired {@code absent}; false when it is gone already or someone
     * marked it {@code present} again meanwhile (then the caller converges again).
     */
    public boolean removeIfAbsent(String name) {
        for (int attempt = 1; ; attempt++) {
            Optional<Environment> current = store.find(name);
            if (current.isEmpty() || current.get().desiredState() != DesiredState.ABSENT) {
                return false;
            }
            try {
                store.delete(name, current.get().version());
                LOG.info("{}: record removed", name);
                return true;
            } catch (EnvctlException e) {
                if (e.code() != ErrorCode.VERSION_CONFLICT || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
