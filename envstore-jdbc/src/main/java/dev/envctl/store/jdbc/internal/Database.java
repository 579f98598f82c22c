package dev.envctl.store.jdbc.internal;

import dev.envctl.core.EnvctlException;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Runs jOOQ work on pooled connections: reads in auto-commit, writes in one transaction each, run again
 * (at most {@value #ATTEMPTS} times, with jittered back-off) after a serialization failure or deadlock.
 * Every failure leaves as an {@link EnvctlException}. Thread-safe.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    static final int ATTEMPTS = 5;

    private final ConnectionPool pool;
    private final String location;
    private final Settings settings = new Settings().withExecuteLogging(false);

    public Database(ConnectionPool pool, String location) {
        this.pool = pool;
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
            pool.release(c, broken);
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
                ConnectionPool.quietly(c::rollback);
                broken = Failures.isConnectionFailure(e);
                if (!broken && attempt < ATTEMPTS && Failures.isRetryable(e)) {
                    LOG.debug("{}: attempt {} hit {}, retrying", action, attempt, Failures.sqlState(e));
                    backOff(attempt);
                    continue;
                }
                throw Failures.map(location, action, e);
            } finally {
                ConnectionPool.quietly(() -> c.setAutoCommit(true));
                pool.release(c, broken);
            }
        }
    }

    /** A connection of its own (for session locks); the caller gives it back with {@link #release}. */
    public Connection borrow() {
        try {
            return pool.borrow();
        } catch (SQLException e) {
            throw Failures.unavailable(location, e);
        } catch (RuntimeException e) {
            throw Failures.map(location, "connecting", e);
        }
    }

    public void release(Connection c, boolean broken) {
        pool.release(c, broken);
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
        pool.close();
    }
}
