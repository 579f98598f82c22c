package dev.envctl.store.jdbc.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Remedy;
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
 * Taking and releasing it check that the statement runs on the connection's own session: behind a pooler in
 * transaction pooling mode, PostgreSQL would grant a lock again to another client that runs on the holder's
 * session, and one client's release could end another's lock, so such a session is refused instead.
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
            // null: the session is another client's too (its mark is not c's, or it holds this lock already)
            Boolean answer = database.dsl(c).select(DSL.field("CASE WHEN current_setting({0}, true) IS DISTINCT "
                    + "FROM {1} OR EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 "
                    + "AND pid = pg_backend_pid() AND ((classid::bigint << 32) | objid::bigint) = {2}) THEN NULL "
                    + "ELSE pg_try_advisory_lock({2}) END", Boolean.class, DSL.val(Database.SESSION_SETTING),
                    DSL.val(database.sessionMark(c)), DSL.val(key))).fetchOne(0, Boolean.class);
            if (answer == null) {
                throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "locking environment '" + name + "' failed: "
                        + Failures.sharedSessions(database.location(), "the lock was about to be taken on a session "
                        + "another client of the store uses"), null, Remedy.FIX_STORE_SETTINGS);
            }
            locked = answer;
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
        // a connection a read or write gave back broken (cancelled, say) runs the release, then is discarded
        boolean broken = database.endHold(held);
        try {
            // null: the session is another client's now, whose lock this must not release
            Boolean released = database.dsl(connection).select(DSL.field("CASE WHEN current_setting({0}, true) IS "
                    + "DISTINCT FROM {1} THEN NULL ELSE pg_advisory_unlock({2}) END", Boolean.class,
                    DSL.val(Database.SESSION_SETTING), DSL.val(database.sessionMark(connection)), DSL.val(key)))
                    .fetchOne(0, Boolean.class);
            if (released == null) {
                broken = true;
                LOG.error("the lock of environment '{}' was not released: {}", name, Failures.sharedSessions(
                        database.location(), "its connection runs on a session another client of the store uses"));
            }
        } catch (RuntimeException e) {
            // the session is gone, and the server released the lock with it
            broken = true;
            LOG.debug("releasing the lock of environment '{}' failed; its session is gone", name);
        } finally {
            database.release(connection, broken);
        }
    }
}
