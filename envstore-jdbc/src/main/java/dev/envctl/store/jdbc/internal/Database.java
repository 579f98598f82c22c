package dev.envctl.store.jdbc.internal;

import dev.envctl.core.EnvctlException;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs jOOQ work on a few reusable connections over a {@link DataSource}, so that a create costs its statements
 * and not a new server process: reads in auto-commit, writes in one transaction each, run again (at most
 * {@value #ATTEMPTS} times, with jittered back-off) after a serialization failure or deadlock. Every failure
 * leaves as an {@link EnvctlException}.
 *
 * <p>Connections idle for more than a second are validated before reuse, so a restarted server costs no failed
 * operation; a connection that failed is closed with every idle one. The only thing set on a connection is its
 * schema (JDBC's {@link Connection#setSchema}, which pools such as HikariCP reset on return); planner settings
 * and driver thresholds stay as the server and the data source configure them. Thread-safe.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    static final int ATTEMPTS = 5;
    private static final long VALIDATE_AFTER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final DataSource dataSource;
    private final String schema;
    private final int validateTimeoutSeconds;
    private final int maxIdle;
    private final String location;
    private final Settings settings = new Settings().withExecuteLogging(false);
    private final Deque<Idle> idle = new ArrayDeque<>();
    private boolean closed;

    private record Idle(Connection connection, long since) {
    }

    /**
     * @param validateTimeoutSeconds how long validating an idle connection may take
     * @param maxIdle                how many idle connections to keep for reuse
     * @param location               the URL or name for messages
     */
    public Database(DataSource dataSource, String schema, int validateTimeoutSeconds, int maxIdle, String location) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.schema = Objects.requireNonNull(schema, "schema");
        this.validateTimeoutSeconds = Math.max(1, validateTimeoutSeconds);
        this.maxIdle = maxIdle;
        this.location = location;
    }

    public String location() {
        return location;
    }

    /** Work in auto-commit mode (one statement, or reads that need no common snapshot). */
    public <T> T read(String action, Function<DSLContext, T> work) {
        Connection c = borrow();
        boolean broken = false;
        try {
            return work.apply(dsl(c));
        } catch (RuntimeException e) {
            broken = Failures.isConnectionFailure(e);
            throw Failures.map(location, action, e);
        } finally {
            release(c, broken);
        }
    }

    /** Work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T write(String action, Function<DSLContext, T> work) {
        for (int attempt = 1; ; attempt++) {
            Connection c = borrow();
            boolean broken = false;
            try {
                c.setAutoCommit(false);
                T result = work.apply(dsl(c));
                c.commit();
                return result;
            } catch (RuntimeException | SQLException e) {
                quietly(c::rollback);
                broken = Failures.isConnectionFailure(e);
                if (!broken && attempt < ATTEMPTS && Failures.isRetryable(e)) {
                    LOG.debug("{}: attempt {} hit {}, retrying", action, attempt, Failures.sqlState(e));
                    backOff(attempt);
                    continue;
                }
                throw Failures.map(location, action, e);
            } finally {
                quietly(() -> c.setAutoCommit(true));
                release(c, broken);
            }
        }
    }

    /**
     * A connection in auto-commit mode with the store's search path, of its own (for session locks); the caller
     * gives it back with {@link #release}.
     */
    public Connection borrow() {
        try {
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
                if (System.nanoTime() - i.since() < VALIDATE_AFTER_IDLE_NANOS
                        || i.connection().isValid(validateTimeoutSeconds)) {
                    return i.connection();
                }
                quietly(i.connection()::close);
            }
        } catch (SQLException e) {
            throw Failures.unavailable(location, e);
        } catch (RuntimeException e) {
            throw Failures.map(location, "connecting", e);
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
    private void evictIdle() {
        Deque<Idle> gone;
        synchronized (this) {
            gone = new ArrayDeque<>(idle);
            idle.clear();
        }
        gone.forEach(i -> quietly(i.connection()::close));
    }

    public DSLContext dsl(Connection c) {
        return DSL.using(c, SQLDialect.POSTGRES, settings);
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvctlException(dev.envctl.core.ErrorCode.FAILURE, "interrupted while retrying a write", e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        evictIdle();
    }

    /** A JDBC call on a connection. */
    private interface JdbcCall {
        void run() throws SQLException;
    }

    /** Runs {@code call}, ignoring its failure: the connection is broken, and the server cleans up its session. */
    private static void quietly(JdbcCall call) {
        try {
            call.run();
        } catch (SQLException | RuntimeException e) {
            // nothing left to release
        }
    }
}
