package dev.envctl.store.jdbc.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Redaction;
import dev.envctl.core.Remedy;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.conf.MappedSchema;
import org.jooq.conf.RenderMapping;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.postgresql.PGConnection;
import org.postgresql.ds.common.BaseDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs jOOQ work on a few reusable connections over a {@link DataSource}, so that a create costs its statements
 * and not a new server process: reads in auto-commit, writes in one transaction each, run again (at most
 * {@value #ATTEMPTS} times, with jittered back-off) after a serialization failure or deadlock. Every failure
 * leaves as an {@link EnvctlException}; an interrupt of the calling thread cancels the statement it runs or waits in
 * ({@link Cancelling}), and the work fails saying so.
 *
 * <p>Connections idle for more than a second are validated before reuse, so a restarted server costs no failed
 * operation; a connection that failed or was cancelled is {@link #discard discarded}, and every idle one closed. A
 * thread that holds an environment lock ({@link #hold}) runs its reads and writes on the lock's connection while that
 * one is free, so working under a lock takes one server session, not two. The only things set on a connection are its
 * schema (JDBC's {@link Connection#setSchema}, which pools such as HikariCP reset on return) and the mark of its
 * session ({@link #sessionMark}); planner settings and driver thresholds stay as the server and the data source
 * configure them. Statements name the store's tables with the schema, so they read and write there whatever
 * search path their session has (behind a transaction pooler, the one another client set). Thread-safe.
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
    private final Settings settings;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private final ThreadLocal<Held> held = new ThreadLocal<>();
    static final String SESSION_SETTING = "envctl.session";
    /** This process's part of every mark: a mark of another process on a new connection's session is shared. */
    private static final String PROCESS_MARK = UUID.randomUUID().toString();
    private boolean closed;

    private record Idle(Connection connection, long since) {
    }

    /**
     * The connection of a lock, lent to the reads and writes of the thread that took it: {@code lent} while one
     * runs on it, {@code ended} once the lock is released or the connection failed. Guarded by itself.
     */
    static final class Held {
        private final Connection connection;
        private boolean lent;
        private boolean ended;
        /** Whether a read or write gave the connection back broken (it failed, or was cancelled). */
        private boolean broken;
        private long since = System.nanoTime();

        private Held(Connection connection) {
            this.connection = connection;
        }
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
        this.settings = new Settings().withExecuteLogging(false).withRenderMapping(new RenderMapping()
                .withSchemata(new MappedSchema().withInput("").withOutput(schema)));
    }

    public String location() {
        return location;
    }

    /**
     * The data source, for work that takes its own connections (Flyway's): while such a connection is open, an
     * interrupt of the thread that opened it cancels its statement, as in {@link #read} ({@link Cancelling}); closing
     * a connection that was cancelled {@link #discard discards} it.
     */
    public DataSource cancellable() {
        ClassLoader loader = Database.class.getClassLoader();
        return (DataSource) Proxy.newProxyInstance(loader, new Class<?>[]{DataSource.class}, (p, m, args) -> {
            Object opened = invoke(dataSource, m, args);
            if (!(opened instanceof Connection c)) {
                return opened;
            }
            Cancelling cancelling = new Cancelling(c);
            return Proxy.newProxyInstance(loader, new Class<?>[]{Connection.class}, (q, call, callArgs) -> {
                if (call.getName().equals("close") && cancelling.end()) {
                    discard(c);
                    return null;
                }
                return invoke(c, call, callArgs);
            });
        });
    }

    /** {@code method} on {@code target}, throwing what it threw. */
    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Work in auto-commit mode (one statement, or reads that need no common snapshot). */
    public <T> T read(String action, Function<DSLContext, T> work) {
        Connection c = lease();
        Cancelling cancelling = new Cancelling(c);
        boolean broken = false;
        try {
            return work.apply(dsl(c));
        } catch (RuntimeException e) {
            if (cancelling.end() || cancelledForInterrupt(e)) {
                throw interrupted(action, "", e);
            }
            broken = Failures.isConnectionFailure(e);
            throw Failures.map(location, action, e, broken ? null : role(c));
        } finally {
            broken |= cancelling.end();
            giveBack(c, broken);
        }
    }

    /** Work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T write(String action, Function<DSLContext, T> work) {
        return transaction(action, work, true);
    }

    /** Work in one transaction that is rolled back in any case: what {@link #write} would do, storing nothing. */
    public <T> T rehearse(String action, Function<DSLContext, T> work) {
        return transaction(action, work, false);
    }

    private <T> T transaction(String action, Function<DSLContext, T> work, boolean commit) {
        for (int attempt = 1; ; attempt++) {
            Connection c = lease();
            Cancelling cancelling = new Cancelling(c);
            boolean broken = false;
            try {
                c.setAutoCommit(false);
                T result = work.apply(dsl(c));
                if (commit) {
                    c.commit();
                } else {
                    c.rollback();
                }
                return result;
            } catch (RuntimeException | SQLException e) {
                boolean cancelled = cancelling.end();
                // a connection whose rollback failed is in a state no one knows (still in the failed transaction,
                // say): closed, as a broken one, so that the next work does not meet it
                broken = !rolledBack(c) || cancelled || Failures.isConnectionFailure(e);
                if (cancelled || cancelledForInterrupt(e)) {
                    throw interrupted(action, "; it was rolled back, nothing was stored", e);
                }
                if (!broken && attempt < ATTEMPTS && Failures.isRetryable(e)) {
                    LOG.debug("{}: attempt {} hit {}, retrying", action, attempt, Failures.sqlState(e));
                    backOff(attempt);
                    continue;
                }
                throw Failures.map(location, action, e, broken ? null : role(c));
            } finally {
                broken |= cancelling.end();
                quietly(() -> c.setAutoCommit(true));
                giveBack(c, broken);
            }
        }
    }

    /**
     * Whether {@code e} is a statement's cancel on a thread that is interrupted: one {@link Cancelling} sent, that of
     * the work's own connection or that of one the work opened itself (Flyway's), whichever checked first.
     */
    private static boolean cancelledForInterrupt(Throwable e) {
        return Thread.currentThread().isInterrupted() && Failures.QUERY_CANCELED.equals(Failures.sqlState(e));
    }

    /** The error for work on {@code action} that an interrupt of its thread cancelled ({@link Cancelling}). */
    private EnvctlException interrupted(String action, String outcome, Throwable cause) {
        return new EnvctlException(ErrorCode.FAILURE, action + " interrupted while it ran on PostgreSQL store "
                + Redaction.redactLocation(location) + outcome, cause);
    }

    /**
     * Cancels the statement running on a connection (PostgreSQL's cancel request) when the thread that runs work on
     * it is interrupted, until {@link #end}: pgjdbc does not heed {@link Thread#interrupt}, so a wait for a lock
     * another session holds would otherwise last until that session lets go. The thread is checked every
     * {@value #CHECK_MILLIS} ms off the work's path; while it stays interrupted, each check cancels again, so a
     * statement that starts after a cancel is cancelled too. Thread-safe.
     */
    private static final class Cancelling {
        private static final long CHECK_MILLIS = 100;
        private static final ScheduledExecutorService CHECKS = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "envctl-jdbc-interrupts");
            t.setDaemon(true);
            return t;
        });

        private final Connection connection;
        private final Thread thread = Thread.currentThread();
        private final Future<?> checks;
        /** Guarded by this. */
        private boolean ended;
        private boolean cancelled;

        Cancelling(Connection connection) {
            this.connection = connection;
            this.checks = CHECKS.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS,
                    TimeUnit.MILLISECONDS);
        }

        private synchronized void check() {
            if (!ended && thread.isInterrupted()) {
                cancelled = true;
                quietly(() -> connection.unwrap(PGConnection.class).cancelQuery());
            }
        }

        /**
         * Stops cancelling, once no cancel is on its way; true when a statement was cancelled: the work then failed
         * for the interrupt, or ended as the cancel came, and a cancel that reaches the server late could cut the
         * connection's next statement, so the connection is given back as a broken one ({@link #discard discarded};
         * a lock's connection first runs only the lock's release).
         */
        synchronized boolean end() {
            if (!ended) {
                ended = true;
                checks.cancel(false);
            }
            return cancelled;
        }
    }

    /** The user {@code c} logged in as (pgjdbc knows it without a query), or {@code null}. */
    private static String role(Connection c) {
        try {
            return c.getMetaData().getUserName();
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Lends {@code c}, on which the calling thread just took a session lock, to that thread's reads and writes
     * until {@link #endHold}; null (nothing lent) when the thread lends one already.
     */
    Held hold(Connection c) {
        if (held.get() != null) {
            return null;
        }
        Held h = new Held(c);
        held.set(h);
        return h;
    }

    /**
     * Ends the lending of {@code h} (null: nothing to end), from any thread; waits while a read or write of its
     * thread runs on the connection, so that the caller may use the connection once this returns. True when a read
     * or write gave the connection back broken: the caller then releases it as a broken one once done with it.
     */
    boolean endHold(Held h) {
        if (h == null) {
            return false;
        }
        if (held.get() == h) {
            held.remove();
        }
        boolean interrupted = false;
        boolean broken;
        synchronized (h) {
            h.ended = true;
            while (h.lent) {
                try {
                    h.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            broken = h.broken;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return broken;
    }

    /**
     * The lock's connection this thread holds, when free and usable and the store is open, else one from
     * {@link #borrow} (which refuses a closed store).
     */
    private Connection lease() {
        Held h = held.get();
        if (h != null && isOpen()) {
            synchronized (h) {
                if (!h.ended && !h.lent && usable(h.connection, h.since)) {
                    h.lent = true;
                    return h.connection;
                }
                if (!h.lent) {
                    // the lock's session is gone with its connection; the lock's close cleans up
                    h.ended = true;
                    held.remove();
                }
            }
        }
        return borrow();
    }

    private synchronized boolean isOpen() {
        return !closed;
    }

    /** Gives back what {@link #lease} gave. */
    private void giveBack(Connection c, boolean broken) {
        Held h = held.get();
        if (h == null || h.connection != c) {
            release(c, broken);
            return;
        }
        synchronized (h) {
            h.lent = false;
            h.since = System.nanoTime();
            h.ended |= broken;
            h.broken |= broken;
            h.notifyAll();
        }
        if (broken) {
            held.remove();
            evictIdle();
        }
    }

    /** Whether {@code c}, idle since {@code since}, may be used: recently used, or it answers now. */
    private boolean usable(Connection c, long since) {
        try {
            return System.nanoTime() - since < VALIDATE_AFTER_IDLE_NANOS || c.isValid(validateTimeoutSeconds);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * A connection in auto-commit mode with the store's search path, of its own (for session locks; never one
     * {@link #hold lent} to this thread); the caller gives it back with {@link #release}.
     */
    public Connection borrow() {
        try {
            while (true) {
                Idle i;
                synchronized (this) {
                    if (closed) {
                        // the caller's mistake, not the server's: told as such, not as a connection that failed
                        throw new EnvctlException(ErrorCode.FAILURE, "the PostgreSQL store "
                                + Redaction.redactLocation(location) + " is closed and cannot be used (closed by its "
                                + "caller, or with the Envctl that opened it); open it again");
                    }
                    i = idle.pollFirst();
                }
                if (i == null) {
                    return open();
                }
                if (usable(i.connection(), i.since())) {
                    return i.connection();
                }
                quietly(i.connection()::close);
            }
        } catch (SQLException e) {
            throw Failures.unavailable(location, e, loginRole());
        } catch (RuntimeException e) {
            throw Failures.map(location, "connecting", e, null);
        }
    }

    /**
     * The user the data source logs in as, for a refused login's message: what pgjdbc's own data sources are set to
     * (the factory's: {@code jdbc.user}, else the URL's, else {@code PGUSER}); null when not set or not known.
     */
    public String loginRole() {
        return dataSource instanceof BaseDataSource b && b.getUser() != null && !b.getUser().isBlank()
                ? b.getUser() : null;
    }

    private Connection open() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            c.setSchema(schema);
            // the mark the session had (a fresh one, and one PgBouncer hands over in session mode, has none)
            String before = dsl(c).resultQuery("WITH before AS MATERIALIZED (SELECT current_setting({0}, true) "
                    + "AS mark) SELECT mark, set_config({0}, {1}, false) FROM before", DSL.val(SESSION_SETTING),
                    DSL.val(sessionMark(c))).fetchOne(0, String.class);
            if (ofAnotherProcess(before)) {
                throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, Failures.sharedSessions(location,
                        "a new connection's server session was used by another envctl before"), null,
                        Remedy.FIX_STORE_SETTINGS);
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            quietly(c::close);
            throw e;
        }
    }

    /**
     * Returns a connection; a broken one is {@link #discard discarded}, and the idle ones, which likely broke too,
     * are closed.
     */
    public void release(Connection c, boolean broken) {
        if (broken) {
            discard(c);
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

    /**
     * Ends {@code c} with its server session: aborted ({@link Connection#abort}), so that a pool behind the data
     * source drops it instead of lending it again (HikariCP evicts an aborted connection when it is closed), then
     * closed, which gives a pool's connection back. For a connection whose state no one knows, or on which a cancel
     * request was sent ({@link Cancelling}): the server handles a cancel request apart from the statement it was
     * sent for, so one that reaches it late would cut whatever runs next on that session, whoever runs it.
     */
    private static void discard(Connection c) {
        quietly(() -> c.abort(Runnable::run));
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

    /**
     * The mark {@code c} gave its server session when it was opened ({@value #SESSION_SETTING}): a statement that
     * finds another one there runs on a session another client uses too, as behind a pooler in transaction pooling
     * mode, where a session lock would protect whichever client runs there next. Opening a connection refuses a
     * session that carries another process's mark: the server starts every connection on a fresh session, and
     * PgBouncer in session mode resets one before handing it to the next client.
     */
    String sessionMark(Connection c) {
        return PROCESS_MARK + "." + System.identityHashCode(c);
    }

    /** Whether {@code mark}, found on a session, is another envctl process's (null or empty: there was none). */
    static boolean ofAnotherProcess(String mark) {
        return mark != null && !mark.isEmpty() && !mark.startsWith(PROCESS_MARK + ".");
    }

    /**
     * Whether the statement runs on the session that the connection of {@code ctx} marked when it opened it: false
     * when another client marked it since, as behind a pooler in transaction pooling mode. Costs no round trip of
     * its own: a write asks it in the statement that takes the store's write lock.
     */
    public Field<Boolean> onOwnSession(DSLContext ctx) {
        return DSL.field("current_setting({0}, true) IS NOT DISTINCT FROM {1}", Boolean.class,
                DSL.val(SESSION_SETTING), DSL.val((String) ctx.data(SESSION_SETTING)));
    }

    /** jOOQ on {@code c}, knowing the mark of its session for {@link #onOwnSession}. */
    public DSLContext dsl(Connection c) {
        DSLContext ctx = DSL.using(c, SQLDialect.POSTGRES, settings);
        ctx.data(SESSION_SETTING, sessionMark(c));
        return ctx;
    }

    /**
     * Waits a jittered moment before attempt {@code attempt + 1} of work that lost a deadlock or serialization
     * failure; interrupted, it gives up.
     */
    public static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvctlException(ErrorCode.FAILURE, "interrupted while retrying a write", e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        evictIdle();
    }

    /** Rolls {@code c} back; false when that failed. */
    private static boolean rolledBack(Connection c) {
        try {
            c.rollback();
            return true;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
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
