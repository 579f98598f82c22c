package dev.envctl.core.testing;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Remedy;
import dev.envctl.core.Host;
import dev.envctl.core.alloc.Allocation;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.HeldSnapshot;
import dev.envctl.core.alloc.Placement;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.StoreHealth;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The reference store: a map under one monitor. It passes {@link EnvironmentStoreContract} and serves the
 * engine and CLI tests. Thread-safe; nothing survives the JVM.
 */
public final class InMemoryEnvironmentStore implements EnvironmentStore {
    private final TreeMap<String, Environment> rows = new TreeMap<>();
    private final TreeMap<String, Host> hosts = new TreeMap<>(Map.of(Host.LOCAL_NAME, Host.LOCAL));
    private final Set<String> locks = ConcurrentHashMap.newKeySet();
    private final Clock clock;
    private volatile boolean available = true;
    private volatile Remedy unavailableRemedy;

    public InMemoryEnvironmentStore() {
        this(Clock.systemUTC());
    }

    public InMemoryEnvironmentStore(Clock clock) {
        this.clock = clock;
    }

    /** Makes every operation fail with {@link ErrorCode#STORE_UNAVAILABLE}, as a server outage would. */
    public void setAvailable(boolean up) {
        this.available = up;
        this.unavailableRemedy = null;
    }

    /**
     * Makes every operation fail with {@link ErrorCode#STORE_UNAVAILABLE} and {@code remedy}, as a store whose
     * server answers but refuses its settings would ({@link Remedy#FIX_STORE_SETTINGS}).
     */
    public void setUnavailable(Remedy remedy) {
        this.available = false;
        this.unavailableRemedy = remedy;
    }

    private void requireUp() {
        if (!available) {
            throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "store " + location() + " is unavailable", null,
                    unavailableRemedy);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    @Override
    public String location() {
        return "memory:";
    }

    @Override
    public synchronized Optional<Environment> find(String name) {
        requireUp();
        return Optional.ofNullable(rows.get(name));
    }

    @Override
    public synchronized List<Environment> list(EnvironmentFilter filter) {
        requireUp();
        List<Environment> out = new ArrayList<>();
        for (Environment e : rows.values()) {
            if (filter.matches(e)) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public synchronized Environment create(EnvironmentSpec spec, Allocator allocator) {
        requireUp();
        requireNewName(spec.name());
        Host host = Placement.choose(spec.host(), hosts(), counts(), allocator.policy());
        Allocation a = allocator.allocate(spec, HeldSnapshot.of(rows.values(), host.name()));
        Environment e = Environment.created(spec, a.ports(), a.subnet(), now()).withHost(host.name());
        rows.put(e.name(), e);
        return e;
    }

    @Override
    public synchronized Environment insert(Environment environment) {
        requireUp();
        requireNewName(environment.name());
        requireKnownHost(environment.host());
        Allocator.requireFree(environment, HeldSnapshot.of(rows.values(), environment.host()));
        Environment e = environment.withWrite(environment.updatedAt().truncatedTo(ChronoUnit.MILLIS),
                environment.version());
        e = new Environment(e.name(), e.provider(), e.subnet(), e.ports(), e.nodePort(), e.labels(), e.options(),
                e.desiredState(), e.actualState(), e.lastError(), e.createdAt().truncatedTo(ChronoUnit.MILLIS),
                e.updatedAt(), e.version(), e.host());
        rows.put(e.name(), e);
        return e;
    }

    /** The checks of {@link #insert}, storing nothing. */
    @Override
    public synchronized void checkInsert(Environment environment) {
        requireUp();
        requireNewName(environment.name());
        requireKnownHost(environment.host());
        Allocator.requireFree(environment, HeldSnapshot.of(rows.values(), environment.host()));
    }

    private Map<String, Integer> counts() {
        Map<String, Integer> counts = new HashMap<>();
        rows.values().forEach(e -> counts.merge(e.host(), 1, Integer::sum));
        return counts;
    }

    private void requireKnownHost(String name) {
        if (!hosts.containsKey(name)) {
            throw Host.unknown(name, List.copyOf(hosts.keySet()));
        }
    }

    @Override
    public synchronized List<Host> hosts() {
        requireUp();
        return List.copyOf(hosts.values());
    }

    @Override
    public synchronized Host addHost(Host host) {
        requireUp();
        if (hosts.putIfAbsent(host.name(), host) != null) {
            throw Host.exists(host.name());
        }
        return host;
    }

    @Override
    public synchronized boolean removeHost(String name) {
        requireUp();
        Host.requireRemovable(name, rows.values().stream().filter(e -> Host.usedBy(e, name)).toList());
        return hosts.remove(name) != null;
    }

    private void requireNewName(String name) {
        if (rows.containsKey(name)) {
            throw EnvctlException.conflict("environment '" + name + "' already exists in " + location()
                    + "; choose another name or delete it first");
        }
    }

    @Override
    public synchronized Environment update(Environment next, long expectedVersion) {
        requireUp();
        Environment current = current(next.name(), expectedVersion);
        List<Environment> others = new ArrayList<>(rows.values());
        others.remove(current);
        requireKnownHost(next.host());
        if (!next.host().equals(current.host())) {
            Placement.requireRoomToMove(findHost(next.host()).orElseThrow(),
                    (int) others.stream().filter(e -> e.host().equals(next.host())).count());
        }
        Allocator.requireFree(next, current, HeldSnapshot.of(others, next.host()));
        Environment stored = new Environment(next.name(), next.provider(), next.subnet(), next.ports(),
                next.nodePort(), next.labels(), next.options(), next.desiredState(), next.actualState(),
                next.lastError(), current.createdAt(), now(), expectedVersion + 1, next.host());
        rows.put(stored.name(), stored);
        return stored;
    }

    private Environment current(String name, long expectedVersion) {
        Environment current = rows.get(name);
        if (current == null) {
            throw EnvctlException.notFound("environment '" + name + "' not found in " + location());
        }
        if (current.version() != expectedVersion) {
            throw new EnvctlException(ErrorCode.VERSION_CONFLICT, "environment '" + name + "' changed (version "
                    + current.version() + ", expected " + expectedVersion + "); read it again and retry");
        }
        return current;
    }

    @Override
    public synchronized boolean delete(String name) {
        requireUp();
        return rows.remove(name) != null;
    }

    @Override
    public synchronized void delete(String name, long expectedVersion) {
        requireUp();
        current(name, expectedVersion);
        rows.remove(name);
    }

    @Override
    public Optional<EnvironmentLock> tryLock(String name) {
        requireUp();
        if (!locks.add(name)) {
            return Optional.empty();
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return Optional.of(new EnvironmentLock() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void close() {
                if (open.compareAndSet(true, false)) {
                    locks.remove(name);
                }
            }
        });
    }

    @Override
    public StoreHealth health() {
        return available ? StoreHealth.up("in memory", null) : StoreHealth.down("marked unavailable", unavailableRemedy);
    }

    @Override
    public void close() {
        // nothing to release
    }
}
