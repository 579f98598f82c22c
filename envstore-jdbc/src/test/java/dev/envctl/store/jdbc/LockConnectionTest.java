package dev.envctl.store.jdbc;

import dev.envctl.core.ActualState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.testing.StoreInvariants;
import dev.envctl.store.jdbc.internal.LockKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Work under an environment lock runs on the lock's connection: a thread converging one environment uses one
 * server session, not two, and the lock stays exclusive whatever else the thread, or another one, does.
 */
class LockConnectionTest {
    private final AtomicInteger opened = new AtomicInteger();
    private final List<String> misuse = new CopyOnWriteArrayList<>();
    private final Allocator allocator = new Allocator(ConcurrencyTest.widePolicy());
    private String schema;
    private JdbcEnvironmentStore store;

    /**
     * A store keeping one idle connection, so that every connection a test's work needs beyond it is counted, on
     * connections {@link #watching watched} for use by two threads at once.
     */
    @BeforeEach
    void open() {
        schema = TestDatabase.freshSchemaName("lockconn");
        store = JdbcEnvironmentStore.open(watching(TestDatabase.dataSource()),
                JdbcStoreOptions.defaults().withSchema(schema).withPoolSize(1), TestDatabase.url());
    }

    @AfterEach
    void close() {
        assertThat(misuse).isEmpty();
        store.close();
        TestDatabase.dropSchema(schema);
    }

    private Optional<EnvironmentLock> lockOnOtherThread(String name) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            Optional<EnvironmentLock> lock = store.tryLock(name);
            lock.ifPresent(EnvironmentLock::close);
            return lock;
        }).get(30, TimeUnit.SECONDS);
    }

    @Test
    void readsAndWritesUnderALockRunOnTheLocksConnection() {
        int before = opened.get();
        try (EnvironmentLock lock = store.tryLock("a").orElseThrow()) {
            Environment a = store.create(EnvironmentSpec.of("a", "k3d").withSubnet(SubnetRequest.AUTO), allocator);
            store.update(a.withActualState(ActualState.CREATING, null), a.version());
            assertThat(store.find("a")).isPresent();
            assertThat(store.list(EnvironmentFilter.ALL)).hasSize(1);
            assertThat(lock.name()).isEqualTo("a");
        }
        // the store's one idle connection took the lock and did the work; without lending it, a second one opens
        assertThat(opened.get()).isEqualTo(before);
        assertThat(store.find("a")).isPresent();
        assertThat(opened.get()).isEqualTo(before);
    }

    @Test
    void aSecondLockOfTheSameThreadHasItsOwnConnectionAndClosingItKeepsTheFirstHeld() throws Exception {
        EnvironmentLock a = store.tryLock("a").orElseThrow();
        try {
            EnvironmentLock b = store.tryLock("b").orElseThrow();
            assertThat(lockOnOtherThread("b")).isEmpty();
            b.close();
            assertThat(lockOnOtherThread("b")).isPresent();
            // closing b gave back b's connection only: a is still held, and its connection still serves this thread
            assertThat(lockOnOtherThread("a")).isEmpty();
            store.create(EnvironmentSpec.of("x", "k3d"), allocator);
            assertThat(lockOnOtherThread("a")).isEmpty();
        } finally {
            a.close();
        }
        assertThat(lockOnOtherThread("a")).isPresent();
    }

    @Test
    void anotherThreadsWorkUsesAnotherConnectionWhileTheLockIsHeld() throws Exception {
        try (EnvironmentLock lock = store.tryLock("a").orElseThrow()) {
            int before = opened.get();
            Environment made = CompletableFuture.supplyAsync(() -> store.create(EnvironmentSpec.of("b", "k3d"),
                    allocator)).get(30, TimeUnit.SECONDS);
            assertThat(made.name()).isEqualTo("b");
            assertThat(opened.get()).isEqualTo(before + 1);
            assertThat(lockOnOtherThread("a")).isEmpty();
            assertThat(lock.name()).isEqualTo("a");
        }
    }

    @Test
    void closingTheLockFromAnotherThreadWaitsForTheWriteRunningOnItsConnection() throws Exception {
        try (Connection other = TestDatabase.dataSource().getConnection()) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + LockKeys.writes(schema) + ")");
            }
            CompletableFuture<EnvironmentLock> locked = new CompletableFuture<>();
            CompletableFuture<Environment> created = new CompletableFuture<>();
            Thread owner = new Thread(() -> {
                EnvironmentLock lock = store.tryLock("a").orElseThrow();
                locked.complete(lock);
                try {
                    // waits for the write lock the other session holds, on the lock's connection
                    created.complete(store.create(EnvironmentSpec.of("a", "k3d"), allocator));
                } catch (RuntimeException e) {
                    created.completeExceptionally(e);
                }
            });
            owner.start();
            EnvironmentLock lock = locked.get(30, TimeUnit.SECONDS);
            awaitWaitingOnTheWriteLock();
            Thread closer = new Thread(lock::close);
            closer.start();
            awaitState(closer, Thread.State.WAITING);
            assertThat(lockOnOtherThread("a")).isEmpty();
            assertThat(created).isNotDone();

            other.commit();
            assertThat(created.get(30, TimeUnit.SECONDS).name()).isEqualTo("a");
            closer.join(30_000);
            owner.join(30_000);
            assertThat(closer.isAlive()).isFalse();
        }
        assertThat(lockOnOtherThread("a")).isPresent();
        // the owner thread's next work finds its lending ended and takes a pooled connection
        assertThat(store.find("a")).isPresent();
    }

    @Test
    void aClosedStoreRefusesTheWorkOfAThreadThatStillHoldsALock() throws Exception {
        EnvironmentLock lock = store.tryLock("a").orElseThrow();
        store.close();
        assertThatThrownBy(() -> store.find("a")).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.getMessage()).contains("is closed and cannot be used")
                        .doesNotContain("connecting failed"));
        lock.close();
        try (JdbcEnvironmentStore other = JdbcEnvironmentStore.open(TestDatabase.dataSource(),
                JdbcStoreOptions.defaults().withSchema(schema), TestDatabase.url())) {
            Optional<EnvironmentLock> again = other.tryLock("a");
            assertThat(again).isPresent();
            again.get().close();
        }
    }

    @Test
    void aLockWhoseSessionDiedLeavesTheThreadWorkingOnPooledConnections() throws Exception {
        EnvironmentLock lock = store.tryLock("a").orElseThrow();
        try {
            terminateHolderOf(LockKeys.environment(schema, "a"));
            try {
                store.create(EnvironmentSpec.of("a", "k3d"), allocator);
            } catch (EnvctlException e) {
                // the dead connection was used before the idle check applies, as a pooled one would be
                assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
            }
            assertThat(store.create(EnvironmentSpec.of("b", "k3d"), allocator).name()).isEqualTo("b");
            assertThat(store.find("b")).isPresent();
        } finally {
            lock.close();
        }
        assertThat(lockOnOtherThread("a")).isPresent();
    }

    /**
     * Eight threads converge-like work on five names at once: each takes a name's lock when it can (until it has
     * held one 50 times: how often a lock is free depends on the machine's load, not on a count of tries), reads
     * and writes under it, and half the time hands the lock to another thread to close while it goes on working.
     * Every connection is watched: no two threads may be inside it at once, and none may use it while another
     * thread has a transaction open on it.
     */
    private static final int LOCKS_PER_THREAD = 50;

    @Test
    void manyThreadsWorkingUnderLocksNeverShareAConnection() throws Exception {
        List<String> names = List.of("n0", "n1", "n2", "n3", "n4");
        ExecutorService closers = Executors.newFixedThreadPool(2);
        List<Future<?>> closes = new CopyOnWriteArrayList<>();
        AtomicInteger locked = new AtomicInteger();
        try {
            inThreads(8, t -> {
                Random random = new Random(t);
                for (int held = 0, tries = 0; held < LOCKS_PER_THREAD && tries < 20_000; tries++) {
                    String name = names.get(random.nextInt(names.size()));
                    Optional<EnvironmentLock> lock = store.tryLock(name);
                    if (lock.isEmpty()) {
                        store.find(name);
                        continue;
                    }
                    held++;
                    locked.incrementAndGet();
                    try {
                        Optional<Environment> e = store.find(name);
                        if (e.isEmpty()) {
                            store.create(EnvironmentSpec.of(name, "k3d").withSubnet(SubnetRequest.AUTO), allocator);
                        } else if (random.nextBoolean()) {
                            store.update(e.get().withActualState(ActualState.RUNNING, null), e.get().version());
                        } else {
                            store.delete(name, e.get().version());
                        }
                        store.list(EnvironmentFilter.ALL);
                    } finally {
                        if (random.nextBoolean()) {
                            // closed while this thread goes on working
                            closes.add(closers.submit(lock.get()::close));
                        } else {
                            lock.get().close();
                        }
                    }
                }
            });
        } finally {
            closers.shutdown();
        }
        for (Future<?> close : closes) {
            close.get(30, TimeUnit.SECONDS);
        }
        assertThat(misuse).isEmpty();
        assertThat(locked.get()).as("locks held").isEqualTo(8 * LOCKS_PER_THREAD);
        StoreInvariants.assertHold(store.list(EnvironmentFilter.ALL));
        for (String name : names) {
            assertThat(lockOnOtherThread(name)).as(name).isPresent();
        }
    }

    /**
     * {@code ds}, counting in {@link #opened} the connections it opens, whose connections report in
     * {@link #misuse} a call made while another thread is inside one, or while another thread has a transaction
     * open on the connection.
     */
    private DataSource watching(DataSource ds) {
        return (DataSource) Proxy.newProxyInstance(LockConnectionTest.class.getClassLoader(),
                new Class<?>[]{DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        opened.incrementAndGet();
                    }
                    Object result = TestDatabase.invoke(ds, method, args);
                    return result instanceof Connection c ? watched(c, misuse) : result;
                });
    }

    private static Connection watched(Connection c, List<String> misuse) {
        AtomicReference<Thread> inside = new AtomicReference<>();
        AtomicReference<Thread> transaction = new AtomicReference<>();
        return (Connection) Proxy.newProxyInstance(LockConnectionTest.class.getClassLoader(),
                new Class<?>[]{Connection.class}, (proxy, method, args) -> {
                    Thread me = Thread.currentThread();
                    Thread tx = transaction.get();
                    if (tx != null && tx != me && !method.getName().equals("close")) {
                        misuse.add(me.getName() + " called " + method.getName() + " in " + tx.getName()
                                + "'s transaction");
                    }
                    if (!inside.compareAndSet(null, me) && inside.get() != me) {
                        misuse.add(me.getName() + " called " + method.getName() + " while " + inside.get().getName()
                                + " was inside");
                    }
                    try {
                        if (method.getName().equals("setAutoCommit")) {
                            transaction.set(Boolean.FALSE.equals(args[0]) ? me : null);
                        }
                        return TestDatabase.invoke(c, method, args);
                    } finally {
                        inside.compareAndSet(me, null);
                    }
                });
    }

    /** A piece of work of thread number {@code t} that may throw. */
    private interface ThreadWork {
        void run(int t) throws Exception;
    }

    /** Runs {@code work} on {@code n} threads started together; rethrows the first failure after all ended. */
    private static void inThreads(int n, ThreadWork work) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            int id = t;
            CompletableFuture<Void> f = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    work.run(id);
                    f.complete(null);
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            }, "worker-" + t);
            thread.start();
            all.add(f);
        }
        start.countDown();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    }

    private static void terminateHolderOf(long key) throws SQLException {
        try (Connection c = TestDatabase.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                     + "AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = " + key)) {
            assertThat(r.next()).as("a session holds the lock").isTrue();
            assertThat(r.getBoolean(1)).isTrue();
        }
    }

    /** Until a session of this store waits for the store's write lock. */
    private void awaitWaitingOnTheWriteLock() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Connection c = TestDatabase.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                         + "AND NOT granted")) {
                r.next();
                if (r.getInt(1) > 0) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no session waited for the write lock");
    }

    private static void awaitState(Thread t, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.getState() != state) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(t.getName() + " is " + t.getState() + ", not " + state);
            }
            Thread.sleep(10);
        }
    }
}
