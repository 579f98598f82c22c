package dev.envctl.store.jdbc.internal;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A few reusable connections over a {@link DataSource}, so that a create costs its statements and not a new
 * server process. Connections idle for more than a second are validated before reuse, so a restarted server
 * costs no failed operation; a connection that failed is closed with every idle one. The only thing set on a
 * connection is its schema (JDBC's {@link Connection#setSchema}, which pools such as HikariCP reset on return);
 * planner settings and driver thresholds stay as the server and the data source configure them. Thread-safe.
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
            quietly(i.connection()::close);
        }
    }

    private Connection open() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            c.setSchema(schema);
            return c;
        } catch (SQLException | RuntimeException e) {
            quietly(c::close);
            throw e;
        }
    }

    /** Returns a connection; a broken one is closed, and so are the idle ones, which likely broke too. */
    public void release(Connection c, boolean broken) {
        if (broken) {
            quietly(c::close);
            evictIdle();
            return;
        }
        synchronized (this) {
            if (!closed && idle.size() < maxIdle) {
                idle.addFirst(new Idle(c, System.nanoTime()));
                return;
            }
        }
        quietly(c::close);
    }

    /** Closes every idle connection. */
    public void evictIdle() {
        Deque<Idle> gone;
        synchronized (this) {
            gone = new ArrayDeque<>(idle);
            idle.clear();
        }
        gone.forEach(i -> quietly(i.connection()::close));
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        evictIdle();
    }

    /** A JDBC call on a connection. */
    interface JdbcCall {
        void run() throws SQLException;
    }

    /** Runs {@code call}, ignoring its failure: the connection is broken, and the server cleans up its session. */
    static void quietly(JdbcCall call) {
        try {
            call.run();
        } catch (SQLException | RuntimeException e) {
            // nothing left to release
        }
    }
}
