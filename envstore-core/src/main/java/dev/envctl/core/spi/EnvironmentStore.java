package dev.envctl.core.spi;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.Host;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.alloc.Allocator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one source of truth for environments. Every implementation enforces, under concurrent writers in
 * threads and in other processes: unique names; no host port held twice on one {@link Host} across all roles
 * (environments on different hosts may use the same port); no two overlapping subnets anywhere in the store;
 * every environment on a host the store knows; and a write that finds a conflict changes nothing.
 *
 * <p>Hosts: every store has the implicit host {@link Host#LOCAL}; a store that keeps hosts also offers
 * {@link #addHost} and {@link #removeHost}. A create whose spec asks for {@link dev.envctl.core.HostRequest#AUTO}
 * is placed by {@link dev.envctl.core.alloc.Placement} inside the same atomic step as its allocation.
 *
 * <p>Implementations are thread-safe. Timestamps are kept to the millisecond (stores truncate on write).
 * {@link #list} returns environments ordered by name unless the store documents another stable order.
 */
public interface EnvironmentStore extends AutoCloseable {

    /** Where the store is, for messages: a file path or a JDBC URL with any password removed. */
    String location();

    Optional<Environment> find(String name);

    /** The named environment, or a {@link ErrorCode#NOT_FOUND} error. */
    default Environment get(String name) {
        return find(name).orElseThrow(() -> EnvctlException.notFound("environment '" + name + "' not found in "
                + location()));
    }

    List<Environment> list(EnvironmentFilter filter);

    /**
     * Reads what is held, allocates with {@code allocator} and inserts, as one atomic step. The new record is
     * desired {@code present}, actual {@code unknown}, version 1.
     *
     * @throws EnvctlException {@link ErrorCode#CONFLICT} when the name exists or an explicit port or subnet is
     *                         held, {@link ErrorCode#POOL_EXHAUSTED} when a pool is empty
     */
    Environment create(EnvironmentSpec spec, Allocator allocator);

    /**
     * Inserts a fully resolved record as it is (timestamps, states and version kept), as migration and
     * import need; the invariants are checked exactly as for {@link #create}.
     */
    Environment insert(Environment environment);

    /**
     * Inserts fully resolved records as {@link #insert} would, in order, each checked against the store and the
     * records before it; returns them as stored. It stops at the first record it cannot store: the records before
     * it stay stored, that record and the ones after it are not, and a {@link BatchWriteException} carries that
     * record's error (the one {@code insert} would throw, or the store's failure) and the records stored.
     * Migration writes its rows with it. The default inserts one record at a time; a store for which each write
     * costs much (a whole file rewritten) overrides it to check them all and write once.
     *
     * @throws BatchWriteException for the first record not stored
     */
    default List<Environment> insertAll(List<Environment> environments) {
        List<Environment> inserted = new ArrayList<>(environments.size());
        for (Environment e : environments) {
            try {
                inserted.add(insert(e));
            } catch (EnvctlException refused) {
                throw new BatchWriteException(inserted, refused);
            }
        }
        return inserted;
    }

    /**
     * Checks {@link #insert}{@code (environment)} as the store would run it now, storing nothing: throws the error
     * the insert would throw, such as for a value the store cannot hold. Dry runs ask it, so that they predict
     * what the write does. The default checks nothing: a store whose insert refuses only what the invariants
     * refuse, which callers check with {@link Allocator#requireFree}, need not override it.
     */
    default void checkInsert(Environment environment) {
    }

    /**
     * Replaces the record of {@code next.name()} if its stored version is {@code expectedVersion}. Ports and
     * subnet may change; what the update newly takes (a port the record did not hold on that host, a different
     * subnet) is checked against the other environments, what it already held is not checked again
     * ({@link Allocator#requireFree(Environment, Environment, dev.envctl.core.alloc.HeldResources)}): a record
     * sharing a port with another, as rows of the Kindler scripts can, may still change its state. An update that
     * moves the record to another host is refused when that host is at its capacity
     * ({@link dev.envctl.core.alloc.Placement#requireRoomToMove}), as a create there would be. Returns the
     * stored record, with version {@code expectedVersion + 1} and a new update time.
     *
     * @throws EnvctlException {@link ErrorCode#NOT_FOUND}, {@link ErrorCode#VERSION_CONFLICT},
     *                         {@link ErrorCode#CONFLICT}, {@link ErrorCode#POOL_EXHAUSTED} for a move onto a full
     *                         host
     */
    Environment update(Environment next, long expectedVersion);

    /**
     * Replaces records as {@link #update}{@code (e, e.version())} would, in order: each only if its stored version is
     * the one it carries (the version read), checked as {@code update} checks it against the store and the records
     * before it; returns them as stored. It stops at the first record it cannot store: the records before it stay
     * stored, that record and the ones after it are not, and a {@link BatchWriteException} carries that record's
     * error (the one {@code update} would throw, such as {@link ErrorCode#VERSION_CONFLICT} when another writer changed
     * it, or the store's failure) and the records stored. {@code apply} writes its in-place updates with it. The
     * default updates one record at a time; a store for which each write costs much (a whole file rewritten)
     * overrides it to check them all and write once.
     *
     * @throws BatchWriteException for the first record not stored
     */
    default List<Environment> updateAll(List<Environment> environments) {
        List<Environment> updated = new ArrayList<>(environments.size());
        for (Environment e : environments) {
            try {
                updated.add(update(e, e.version()));
            } catch (EnvctlException refused) {
                throw new BatchWriteException(updated, refused);
            }
        }
        return updated;
    }

    /** Removes the record whatever its version; false when there was none. */
    boolean delete(String name);

    /**
     * Removes the record if its stored version is {@code expectedVersion}.
     *
     * @throws EnvctlException {@link ErrorCode#NOT_FOUND}, {@link ErrorCode#VERSION_CONFLICT}
     */
    void delete(String name, long expectedVersion);

    /**
     * Takes the per-environment lock that keeps two reconcilers (in this or another process) from acting on
     * the same environment at once, without waiting; empty when someone else holds it. The name need not
     * have a record.
     */
    Optional<EnvironmentLock> tryLock(String name);

    /**
     * Whether another reconciler (in this or another process) holds {@code name}'s lock now: a probe that takes the
     * lock ({@link #tryLock}) and releases it at once.
     */
    default boolean lockedElsewhere(String name) {
        Optional<EnvironmentLock> lock = tryLock(name);
        lock.ifPresent(EnvironmentLock::close);
        return lock.isEmpty();
    }

    /** The hosts environments can live on, ordered by name; {@link Host#LOCAL} always among them. */
    default List<Host> hosts() {
        return List.of(Host.LOCAL);
    }

    /** The named host, {@link Host#LOCAL} included. */
    default Optional<Host> findHost(String name) {
        return hosts().stream().filter(h -> h.name().equals(name)).findFirst();
    }

    /**
     * Adds a host.
     *
     * @throws EnvctlException {@link ErrorCode#CONFLICT} when a host of that name exists (local included),
     *                         {@link ErrorCode#INVALID_INPUT} when the store keeps no hosts
     */
    default Host addHost(Host host) {
        throw EnvctlException.invalid("the store at " + location() + " keeps no hosts besides 'local'");
    }

    /**
     * Removes a host; false when there was none.
     *
     * @throws EnvctlException {@link ErrorCode#CONFLICT} while environments live there, or for {@code local}
     */
    default boolean removeHost(String name) {
        Host.requireRemovable(name, List.of());
        return false;
    }

    /** Whether the store answers now; never throws for an unreachable store. */
    StoreHealth health();

    @Override
    void close();
}
