package dev.envctl.store.jdbc;

import dev.envctl.core.ActualState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.store.jdbc.internal.LockKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a pooling data source of the caller's, a connection on which envctl sent PostgreSQL's cancel request (an
 * interrupt ended a wait for a lock) does not go back to the pool: the server handles a cancel request apart from
 * the statement it was sent for, so one that reaches it late would cut what the next borrower runs on that session.
 * The connection is aborted, its server session ends, and the pool drops it; connections nothing cancelled go back.
 */
class CancelledPooledConnectionTest {
    private final Pool pool = new Pool(TestDatabase.dataSource());
    private final Allocator allocator = new Allocator(ConcurrencyTest.widePolicy());
    private final String schema = TestDatabase.freshSchemaName("pooled");
    private JdbcEnvironmentStore store;
    private Environment dev;

    @BeforeEach
    void open() {
        store = JdbcEnvironmentStore.open(pool, JdbcStoreOptions.defaults().withSchema(schema));
        dev = store.create(EnvironmentSpec.of("dev", "k3d"), allocator);
    }

    @AfterEach
    void close() {
        store.close();
        pool.close();
        TestDatabase.dropSchema(schema);
    }

    @Test
    void aConnectionAnInterruptCancelledDoesNotGoBackToThePool() throws Exception {
        int cancelled = interruptWhileWaitingForTheWriteLock(
                () -> store.create(EnvironmentSpec.of("web", "k3d"), allocator));

        assertEnded(cancelled);
        assertThat(store.create(EnvironmentSpec.of("web", "k3d"), allocator).name()).isEqualTo("web");
        store.close();
        assertThat(pool.idleSessions()).as("the connections nothing cancelled went back to the pool").isNotEmpty()
                .doesNotContain(cancelled);
    }

    @Test
    void theConnectionOfALockAnInterruptCancelledDoesNotGoBackToThePool() throws Exception {
        int cancelled = interruptWhileWaitingForTheWriteLock(() -> {
            try (EnvironmentLock lock = store.tryLock("dev").orElseThrow()) {
                store.update(dev.withActualState(ActualState.RUNNING, null), dev.version());
            }
        });

        assertEnded(cancelled);
        assertThat(store.tryLock("dev")).as("the lock was released").isPresent().get()
                .satisfies(EnvironmentLock::close);
        store.close();
        assertThat(pool.idleSessions()).isNotEmpty().doesNotContain(cancelled);
    }

    /**
     * Runs {@code write} on a thread of its own while another session holds the write lock, interrupts that thread
     * once it waits for the lock, and returns the backend process id of the session that waited, once the write
     * ended with the error saying that it was interrupted.
     */
    private int interruptWhileWaitingForTheWriteLock(Runnable write) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                write.run();
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "interrupted-pooled-writer");
        long key = LockKeys.writes(schema);
        String waiter;
        try (Connection holder = TestDatabase.dataSource().getConnection(); Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            s.execute("SELECT pg_advisory_xact_lock(" + key + ")");
            writer.start();
            Instant until = Instant.now().plus(Duration.ofSeconds(30));
            do {
                assertThat(Instant.now()).as("no write waits for the lock").isBefore(until);
                Thread.sleep(20);
                waiter = TestDatabase.value("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                        + "AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = " + key);
            } while (waiter == null);

            writer.interrupt();
            writer.join(Duration.ofSeconds(20).toMillis());
            assertThat(writer.isAlive()).as("the interrupted write still waited for the lock").isFalse();
        }
        assertThat(thrown.get()).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.getMessage()).contains(" interrupted while it ran on PostgreSQL store "));
        return Integer.parseInt(waiter);
    }

    /** Asserts that the pool keeps no connection of server process {@code pid}, and that its session ends. */
    private void assertEnded(int pid) throws Exception {
        assertThat(pool.idleSessions()).as("the cancelled connection went back to the pool").doesNotContain(pid);
        Instant until = Instant.now().plus(Duration.ofSeconds(10));
        while (TestDatabase.value("SELECT pid FROM pg_stat_activity WHERE pid = " + pid) != null) {
            assertThat(Instant.now()).as("the cancelled connection's session still runs").isBefore(until);
            Thread.sleep(20);
        }
    }

    /**
     * A pool as HikariCP keeps one: a connection closed by its borrower goes back for the next one, unless the
     * borrower aborted it (the physical connection is closed then); every other call, {@code abort} and
     * {@code unwrap} included, goes to the physical connection.
     */
    private static final class Pool implements DataSource {
        private final DataSource physical;
        private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();

        Pool(DataSource physical) {
            this.physical = physical;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection c = idle.pollFirst();
            Connection borrowed = c != null ? c : physical.getConnection();
            boolean[] closed = {false};
            return (Connection) Proxy.newProxyInstance(Pool.class.getClassLoader(), new Class<?>[]{Connection.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "close" -> {
                            if (!closed[0] && !borrowed.isClosed()) {
                                idle.addFirst(borrowed);
                            }
                            closed[0] = true;
                            yield null;
                        }
                        case "isClosed" -> closed[0] || borrowed.isClosed();
                        default -> TestDatabase.invoke(borrowed, method, args);
                    });
        }

        /** The backend process ids of the idle connections. */
        List<Integer> idleSessions() throws SQLException {
            List<Integer> pids = new ArrayList<>();
            for (Connection c : idle) {
                pids.add(c.unwrap(PGConnection.class).getBackendPID());
            }
            return pids;
        }

        void close() {
            for (Connection c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // closed already
                }
            }
        }

        @Override
        public Connection getConnection(String username, String password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
