package dev.envctl.core.fallback;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.Remedy;
import dev.envctl.core.Validation;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.BatchWriteException;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.StoreHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A primary store (typically PostgreSQL) with a fallback (typically CSV). Reads go to the primary; when it
 * cannot be reached ({@code STORE_UNAVAILABLE}, {@link #isOutage}) they go to the fallback with a WARN that the data
 * may be stale, and {@link #lastReadWasStale()} turns true. A primary that answers but refuses its settings (remedy
 * {@link Remedy#FIX_STORE_SETTINGS}: a refused login, a missing database) is not an outage: its error is thrown
 * and the fallback is not read. Writes and locks go to the primary only, so an outage of the
 * primary makes writes fail rather than split the truth. In mirror mode each successful write is repeated on
 * the fallback (created and updated records copied as the primary stored them, deleted ones removed; the records a
 * batch stored, with one batch write of the fallback); a mirror failure is a WARN and the primary's result stands.
 * Hosts go the same way: read from the primary (or the fallback when it is unavailable), added and removed on the
 * primary, and in mirror mode on the fallback too (a record mirrored onto a host the fallback lacks brings that host
 * along). {@link #get} never says "not found" from
 * the fallback: a name it lacks is {@code STORE_UNAVAILABLE}, since the primary may hold it.
 *
 * <p>For work that writes (a create, a delete, a reconcile), reads must not fall back: a decision taken on stale
 * data (a record the fallback lacks taken for one deleted meanwhile) could undo what the primary holds. Such
 * work uses a store made with {@code readsFallBack} false, whose reads fail as the primary's do. Thread-safe if
 * both stores are.
 */
public final class FallbackStore implements EnvironmentStore {
    private static final Logger LOG = LoggerFactory.getLogger(FallbackStore.class);

    private final EnvironmentStore primary;
    private final EnvironmentStore fallback;
    private final boolean mirror;
    private final boolean readsFallBack;
    private volatile boolean stale;

    /** A store whose reads fall back while the primary is down (for work that only reads). */
    public FallbackStore(EnvironmentStore primary, EnvironmentStore fallback, boolean mirror) {
        this(primary, fallback, mirror, true);
    }

    /**
     * @param readsFallBack whether reads go to the fallback while the primary is down; false for work that writes,
     *                      whose reads then fail as the primary's do (writes are mirrored either way)
     */
    public FallbackStore(EnvironmentStore primary, EnvironmentStore fallback, boolean mirror, boolean readsFallBack) {
        this.primary = Objects.requireNonNull(primary, "primary");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.mirror = mirror;
        this.readsFallBack = readsFallBack;
    }

    /** Whether the most recent read was served by the fallback because the primary was unavailable. */
    public boolean lastReadWasStale() {
        return stale;
    }

    public boolean mirror() {
        return mirror;
    }

    /** The store writes go to, and reads while it answers. */
    public EnvironmentStore primary() {
        return primary;
    }

    /** The store reads go to while the primary is down (and, in mirror mode, each write is copied to). */
    public EnvironmentStore fallback() {
        return fallback;
    }

    @Override
    public String location() {
        return primary.location() + " (fallback " + fallback.location() + (mirror ? ", mirrored" : "") + ")";
    }

    @Override
    public Optional<Environment> find(String name) {
        return read(() -> primary.find(name), () -> fallback.find(name));
    }

    /**
     * The record of {@code name}; {@code NOT_FOUND} only on the primary's word: a name the fallback lacks while the
     * primary is down is {@code STORE_UNAVAILABLE} ({@link #staleMiss}).
     */
    @Override
    public Environment get(String name) {
        EnvctlException[] down = new EnvctlException[1];
        Optional<Environment> found = read(() -> primary.find(name), () -> fallback.find(name), down);
        return found.orElseThrow(() -> down[0] != null ? staleMiss(name, fallback.location(), down[0])
                : EnvctlException.notFound("environment '" + name + "' not found in " + location()));
    }

    /**
     * The error for {@code name} missing from the fallback store at {@code fallbackLocation} while the primary is
     * down ({@code outage}): not "not found", which scripts take as a fact (exit 3), since the primary may hold it.
     */
    public static EnvctlException staleMiss(String name, String fallbackLocation, EnvctlException outage) {
        return new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "environment '" + name + "' is not in the fallback "
                + "store " + fallbackLocation + ", read because " + outage.getMessage() + "; it may exist there: "
                + "retry once the store answers", outage, outage.remedy().orElse(null));
    }

    @Override
    public List<Environment> list(EnvironmentFilter filter) {
        return read(() -> primary.list(filter), () -> fallback.list(filter));
    }

    @Override
    public List<Host> hosts() {
        return read(primary::hosts, fallback::hosts);
    }

    @Override
    public Optional<Host> findHost(String name) {
        return read(() -> primary.findHost(name), () -> fallback.findHost(name));
    }

    @Override
    public Host addHost(Host host) {
        Host added = primary.addHost(host);
        mirrorHost(added);
        return added;
    }

    @Override
    public boolean removeHost(String name) {
        boolean removed = primary.removeHost(name);
        if (mirror) {
            try {
                fallback.removeHost(name);
            } catch (RuntimeException e) {
                LOG.warn("could not remove host {} from the fallback {}: {}; the primary's removal stands", name,
                        fallback.location(), e.getMessage());
            }
        }
        return removed;
    }

    private void mirrorHost(Host host) {
        if (!mirror) {
            return;
        }
        try {
            if (fallback.findHost(host.name()).isEmpty()) {
                fallback.addHost(host);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not mirror host {} to the fallback {}: {}; the primary's write stands", host.name(),
                    fallback.location(), e.getMessage());
        }
    }

    private <T> T read(Supplier<T> fromPrimary, Supplier<T> fromFallback) {
        return read(fromPrimary, fromFallback, new EnvctlException[1]);
    }

    /** A read as above; {@code outage[0]} is the primary's error when the fallback served it. */
    private <T> T read(Supplier<T> fromPrimary, Supplier<T> fromFallback, EnvctlException[] outage) {
        try {
            T value = fromPrimary.get();
            stale = false;
            return value;
        } catch (EnvctlException e) {
            if (!readsFallBack || !isOutage(e)) {
                throw e;
            }
            outage[0] = e;
            LOG.warn("store {} is unavailable ({}); reading from the fallback {}: the data may be stale",
                    primary.location(), e.getMessage(), fallback.location());
            T value = fromFallback.get();
            stale = true;
            return value;
        }
    }

    /**
     * Whether {@code e} says the primary cannot be reached now, which the fallback covers: {@code STORE_UNAVAILABLE},
     * but not one whose remedy is {@link Remedy#FIX_STORE_SETTINGS} (a refused login, a missing database), which
     * the user must see rather than stale data.
     */
    public static boolean isOutage(EnvctlException e) {
        return e.code() == ErrorCode.STORE_UNAVAILABLE && e.remedy().orElse(null) != Remedy.FIX_STORE_SETTINGS;
    }

    @Override
    public Environment create(EnvironmentSpec spec, Allocator allocator) {
        Environment stored = primary.create(spec, allocator);
        copy(stored);
        return stored;
    }

    @Override
    public Environment insert(Environment environment) {
        Environment stored = primary.insert(environment);
        copy(stored);
        return stored;
    }

    /** The primary's check: writes go there. */
    @Override
    public void checkInsert(Environment environment) {
        primary.checkInsert(environment);
    }

    @Override
    public Environment update(Environment next, long expectedVersion) {
        Environment stored = primary.update(next, expectedVersion);
        copy(stored);
        return stored;
    }

    /**
     * The primary's batch, whose stored records, all or those before the one it stopped at, are mirrored. A primary
     * that fails other than with a {@link BatchWriteException} (a store's or a plugin's bug, which the SPI's default
     * batch passes on as it is, the records before it stored) does not say which it stored: none is mirrored, a WARN
     * names the batch's records, which the fallback may lack until each is written again, and the error is thrown.
     */
    @Override
    public List<Environment> insertAll(List<Environment> environments) {
        return batch(environments, () -> primary.insertAll(environments));
    }

    /** As {@link #insertAll}. */
    @Override
    public List<Environment> updateAll(List<Environment> environments) {
        return batch(environments, () -> primary.updateAll(environments));
    }

    private List<Environment> batch(List<Environment> records, Supplier<List<Environment>> write) {
        List<Environment> stored;
        try {
            stored = write.get();
        } catch (BatchWriteException e) {
            copyAll(e.stored());
            throw e;
        } catch (RuntimeException e) {
            if (mirror) {
                // the error is the caller's to report: this says only what it leaves of the mirror
                LOG.warn("the primary {} failed in a batch without saying which of {} it stored: the fallback {} may "
                        + "lack them until each is written again", primary.location(),
                        String.join(", ", records.stream().map(Environment::name).toList()), fallback.location());
            }
            throw e;
        }
        copyAll(stored);
        return stored;
    }

    @Override
    public boolean delete(String name) {
        boolean removed = primary.delete(name);
        remove(name);
        return removed;
    }

    @Override
    public void delete(String name, long expectedVersion) {
        primary.delete(name, expectedVersion);
        remove(name);
    }

    /**
     * Mirrors a record as the primary stored it: inserted, or written over the fallback's copy. When the fallback
     * refuses it for a port or subnet one of its copies still holds (a change of the primary's it missed while it
     * was unavailable, or written by another writer to the primary alone), those copies are first brought in step
     * ({@link #resync}) and the copy tried once more.
     */
    private void copy(Environment stored) {
        if (!mirror) {
            return;
        }
        try {
            try {
                put(stored);
            } catch (EnvctlException e) {
                if (e.code() != ErrorCode.CONFLICT || !resync()) {
                    throw e;
                }
                put(stored);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not mirror {} to the fallback {}: {}; the primary's write stands{}", stored.name(),
                    fallback.location(), e.getMessage(), blockers(stored));
        }
    }

    /**
     * Mirrors records as {@link #copy} mirrors each, with one {@link EnvironmentStore#updateAll} of the fallback for
     * those it holds and one {@link EnvironmentStore#insertAll} for the others (a CSV file rewritten once, not once per
     * record). From a record the fallback refuses on, the rest are copied one by one as {@link #copy} copies them; a
     * fallback that cannot be written ({@code STORE_UNAVAILABLE}), or fails other than by refusing (a bug), is one
     * warning for the records from the write that failed on.
     */
    private void copyAll(List<Environment> stored) {
        if (!mirror || stored.isEmpty()) {
            return;
        }
        List<Environment> rest = stored;
        try {
            stored.stream().map(Environment::host).filter(h -> !h.equals(Host.LOCAL_NAME)).distinct()
                    .forEach(h -> primary.findHost(h).ifPresent(this::mirrorHost));
            Map<String, Environment> copies = fallback.list(EnvironmentFilter.ALL).stream()
                    .collect(Collectors.toMap(Environment::name, c -> c));
            Map<Boolean, List<Environment>> held = stored.stream()
                    .collect(Collectors.partitioningBy(e -> copies.containsKey(e.name())));
            rest = Stream.concat(held.get(true).stream(), held.get(false).stream()).toList();
            if (!held.get(true).isEmpty()) {
                fallback.updateAll(held.get(true).stream().map(e -> over(copies.get(e.name()), e)).toList());
            }
            rest = held.get(false);
            if (!rest.isEmpty()) {
                fallback.insertAll(rest);
            }
        } catch (RuntimeException e) {
            List<Environment> left = e instanceof BatchWriteException b
                    ? rest.subList(b.stored().size(), rest.size()) : rest;
            if (e instanceof EnvctlException x && x.code() != ErrorCode.STORE_UNAVAILABLE) {
                left.forEach(this::copy);
            } else {
                LOG.warn("could not mirror {} to the fallback {}: {}; the primary's writes stand",
                        String.join(", ", left.stream().map(Environment::name).toList()), fallback.location(),
                        e.getMessage());
            }
        }
    }

    private void put(Environment stored) {
        if (!stored.host().equals(Host.LOCAL_NAME)) {
            primary.findHost(stored.host()).ifPresent(this::mirrorHost);
        }
        Optional<Environment> old = fallback.find(stored.name());
        if (old.isPresent()) {
            fallback.update(over(old.get(), stored), old.get().version());
        } else {
            fallback.insert(stored);
        }
    }

    /**
     * Writes the primary's record over each copy in the fallback that holds another host, ports or subnet;
     * returns whether any was. Records the primary does not hold are left as they are: they may be kept outside
     * it on purpose (the Kindler scripts' management cluster, which a migration skips). A copy refused for what
     * another copy still holds (b moved off its ports, then a took them) is tried again once others are in step.
     */
    private boolean resync() {
        Map<String, Environment> copies = new HashMap<>();
        fallback.list(EnvironmentFilter.ALL).forEach(c -> copies.put(c.name(), c));
        List<Environment> behind = new ArrayList<>(primary.list(EnvironmentFilter.ALL).stream()
                .filter(t -> copies.containsKey(t.name()) && !holdsTheSame(t, copies.get(t.name()))).toList());
        boolean any = !behind.isEmpty();
        while (!behind.isEmpty()) {
            int before = behind.size();
            EnvctlException refused = null;
            for (Iterator<Environment> it = behind.iterator(); it.hasNext(); ) {
                Environment t = it.next();
                try {
                    fallback.update(over(copies.get(t.name()), t), copies.get(t.name()).version());
                    LOG.info("brought the fallback's copy of {} in step with the primary", t.name());
                    it.remove();
                } catch (EnvctlException e) {
                    if (e.code() != ErrorCode.CONFLICT) {
                        throw e;
                    }
                    refused = e;
                }
            }
            if (behind.size() == before) {
                throw refused; // each one left waits for another: no order brings them in step
            }
        }
        return any;
    }

    /**
     * The primary's record {@code stored} as it is written over the fallback's {@code copy} (with the copy's version,
     * for the fallback's optimistic check): with the labels of the copy that the record lacks, other than envctl's
     * own. The primary may never have held them: the Kindler scripts' {@code clusters} table has no column for their
     * file's {@code register_portainer} and {@code haproxy_route} flags, so a row their {@code migrate_csv_to_db.sh}
     * copied lacks them, and the file, written over without them, would say yes to both. envctl removes no label but
     * its own, so a label the record lacks is one the primary never had.
     */
    private static Environment over(Environment copy, Environment stored) {
        Map<String, String> labels = new TreeMap<>(stored.labels());
        copy.labels().forEach((key, value) -> {
            if (!Validation.isOwnLabel(key)) {
                labels.putIfAbsent(key, value);
            }
        });
        return stored.withLabels(labels).withWrite(stored.updatedAt(), copy.version());
    }

    private static boolean holdsTheSame(Environment a, Environment b) {
        return a.host().equals(b.host()) && a.ports().equals(b.ports()) && Objects.equals(a.subnet(), b.subnet());
    }

    /** For the warning: the fallback's records the primary lacks holding one of {@code stored}'s ports or subnet. */
    String blockers(Environment stored) {
        try {
            List<String> names = fallback.list(EnvironmentFilter.ALL).stream()
                    .filter(c -> c.host().equals(stored.host()) && !c.name().equals(stored.name())
                            && (c.ports().asMap().values().stream().anyMatch(stored.ports().asMap()::containsValue)
                            || c.subnet() != null && stored.subnet() != null && c.subnet().overlaps(stored.subnet()))
                            && primary.find(c.name()).isEmpty())
                    .map(Environment::name).toList();
            return names.isEmpty() ? "" : " (the fallback's " + String.join(", ", names) + ", which the primary does "
                    + "not hold, holds what the primary gave it; remove " + (names.size() == 1 ? "that record"
                    : "those records") + " from the fallback if it is stale)";
        } catch (RuntimeException e) {
            return "";
        }
    }

    private void remove(String name) {
        if (!mirror) {
            return;
        }
        try {
            fallback.delete(name);
        } catch (RuntimeException e) {
            LOG.warn("could not remove {} from the fallback {}: {}; the primary's delete stands", name,
                    fallback.location(), e.getMessage());
        }
    }

    @Override
    public Optional<EnvironmentLock> tryLock(String name) {
        return primary.tryLock(name);
    }

    @Override
    public StoreHealth health() {
        StoreHealth p = primary.health();
        StoreHealth f = fallback.health();
        // reads go to the fallback only in an outage, not when the primary refuses its settings (isOutage)
        boolean served = !p.available() && f.available() && p.remedy() != Remedy.FIX_STORE_SETTINGS;
        String detail = "primary: " + p.detail() + "; fallback: " + f.detail()
                + (served ? " (reads served from the fallback, possibly stale)" : "");
        return new StoreHealth(p.available(), detail, p.schemaVersion(), p.problem(), p.remedy(), p.warning());
    }

    @Override
    public void close() {
        try {
            primary.close();
        } finally {
            fallback.close();
        }
    }
}
