package dev.envctl.store.jdbc.internal;

import org.jooq.SQLDialect;
import org.postgresql.PGConnection;
import org.jooq.impl.DSL;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A few reusable connections over a {@link DataSource}, so that a create costs its statements and not a new
 * server process. Connections idle for more than a second are validated before reuse, so a restarted server
 * costs no failed operation; a connection that failed is closed with every idle one. Each new connection has
 * its search path set to the store's schema, generic plans ({@code plan_cache_mode}), no sequential or
 * bitmap scans ({@code enable_seqscan}, {@code enable_bitmapscan}) and no JIT, and prepares each statement on
 * the server from its first use. Thread-safe.
 */
public final class ConnectionPool implements AutoCloseable {
    private static final long VALIDATE_AFTER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final DataSource dataSource;
    private final String schema;
    private final int validateTimeoutSeconds;
    private final int maxIdle;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private boolean closed;

    private record Idle(Connection connection, long since) {
    }

    public ConnectionPool(DataSource dataSource, String schema, int validateTimeoutSeconds, int maxIdle) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.schema = Objects.requireNonNull(schema, "schema");
        this.validateTimeoutSeconds = Math.max(1, validateTimeoutSeconds);
        this.maxIdle = maxIdle;
    }

    /** A connection in auto-commit mode with the store's search path; give it back with {@link #release}. */
    public Connection borrow() throws SQLException {
        while (true) {
            Idle i;
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("the store is closed");
                }
                i = idle.pollFirst();
            }
            if (i == null) {
                return open();
            }
            if (System.nanoTime() - i.since() < VALIDATE_AFTER_IDLE_NANOS || i.connection().isValid(validateTimeoutSeconds)) {
                return i.connection();
            }
            closeQuietly(i.connection());
        }
    }

    private Connection open() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            c.setSchema(schema);
            // every statement of the store (its own and those of its triggers) is an index probe: plan each
            // once, generically, and never as a sequential scan, which a plan made while the tables were small
            // would otherwise keep as they grow; nor as a bitmap scan: the lowest-free-subnet probe walks run
            // ends in index order and stops at the first free block, where a bitmap scan (which a planner with
            // stale statistics picks) collects them all. No JIT: a query that must still scan (a catalog
            // query) gets the disabled scan's huge cost estimate, which would otherwise make a server with JIT
            // compile it
            List<org.jooq.Field<String>> settings = new ArrayList<>();
            SESSION_SETTINGS.forEach((name, value) -> settings.add(setting(name, value)));
            DSL.using(c, SQLDialect.POSTGRES).select(settings).execute();
            // and keep each statement prepared on the server from its first use, not its fifth: the store runs
            // a few statement texts over and over, and a create's is worth a millisecond of parse and plan
            if (c.isWrapperFor(PGConnection.class)) {
                c.unwrap(PGConnection.class).setPrepareThreshold(1);
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /** What each connection sets for its session (tests that plan the store's queries set the same). */
    static final Map<String, String> SESSION_SETTINGS = Map.of("plan_cache_mode", "force_generic_plan",
            "enable_seqscan", "off", "enable_bitmapscan", "off", "jit", "off");

    private static org.jooq.Field<String> setting(String name, String value) {
        return DSL.function("set_config", String.class, DSL.inline(name), DSL.inline(value), DSL.inline(false));
    }

    /** Returns a connection; a broken one is closed, and so are the idle ones, which likely broke too. */
    public void release(Connection c, boolean broken) {
        if (broken) {
            closeQuietly(c);
            evictIdle();
            return;
        }
        synchronized (this) {
            if (!closed && idle.size() < maxIdle) {
                idle.addFirst(new Idle(c, System.nanoTime()));
                return;
            }
        }
        closeQuietly(c);
    }

    /** Closes every idle connection. */
    public void evictIdle() {
        Deque<Idle> gone;
        synchronized (this) {
            gone = new ArrayDeque<>(idle);
            idle.clear();
        }
        gone.forEach(i -> closeQuietly(i.connection()));
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        evictIdle();
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            // already broken; nothing left to release
        }
    }
}
