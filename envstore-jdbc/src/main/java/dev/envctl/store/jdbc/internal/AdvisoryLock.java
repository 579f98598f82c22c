package dev.envctl.store.jdbc.internal;

import dev.envctl.core.spi.EnvironmentLock;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A per-environment lock: a session-level {@code pg_try_advisory_lock} on a connection of its own, held
 * until {@link #close()}. If the process dies, the server drops the session and with it the lock. The thread that
 * took it runs its reads and writes of the store on that connection while it is free ({@link Database#hold}).
 */
public final class AdvisoryLock implements EnvironmentLock {
    private static final Logger LOG = LoggerFactory.getLogger(AdvisoryLock.class);

    private final String name;
    private final long key;
    private final Database database;
    private final Connection connection;
    private final Database.Held held;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private AdvisoryLock(String name, long key, Database database, Connection connection) {
        this.name = name;
        this.key = key;
        this.database = database;
        this.connection = connection;
        this.held = database.hold(connection);
    }

    /** The lock of {@code name}, or empty when another session holds it. */
    public static Optional<EnvironmentLock> tryLock(Database database, String schema, String name) {
        long key = LockKeys.environment(schema, name);
        Connection c = database.borrow();
        boolean locked = false;
        boolean broken = false;
        try {
            locked = Boolean.TRUE.equals(database.dsl(c)
                    .select(DSL.function("pg_try_advisory_lock", Boolean.class, DSL.val(key))).fetchOne(0, Boolean.class));
            return locked ? Optional.of(new AdvisoryLock(name, key, database, c)) : Optional.empty();
        } catch (RuntimeException e) {
            broken = Failures.isConnectionFailure(e);
            throw Failures.map(database.location(), "locking environment '" + name + "'", e, null);
        } finally {
            if (!locked) {
                database.release(c, broken);
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        database.endHold(held);
        boolean broken = false;
        try {
            database.dsl(connection).select(DSL.function("pg_advisory_unlock", Boolean.class, DSL.val(key))).execute();
        } catch (RuntimeException e) {
            // the session is gone, and the server released the lock with it
            broken = true;
            LOG.debug("releasing the lock of environment '{}' failed; its session is gone", name);
        } finally {
            database.release(connection, broken);
        }
    }
}
