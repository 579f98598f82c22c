package dev.envctl.store.jdbc;

import dev.envctl.core.ActualState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.store.jdbc.internal.LockKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write waiting for the store's write lock, which another session holds (a {@code psql} session inside a long
 * transaction, say), ends when its thread is interrupted, as a wait for the CSV store's file lock does: the
 * transaction is rolled back, and the error says that it was interrupted.
 */
class InterruptedWaitTest {
    private final Allocator allocator = new Allocator(ConcurrencyTest.widePolicy());
    private JdbcEnvironmentStore store;
    private Environment dev;

    @BeforeEach
    void open() {
        store = TestDatabase.openFresh("interrupted");
        dev = store.create(EnvironmentSpec.of("dev", "k3d"), allocator);
    }

    @AfterEach
    void close() {
        store.close();
        TestDatabase.dropSchema(store.schema());
    }

    @Test
    void anInterruptEndsACreateWaitingForTheWriteLockAndStoresNothing() throws Exception {
        assertInterruptEndsTheWait("creating environment 'web'",
                () -> store.create(EnvironmentSpec.of("web", "k3d"), allocator));

        assertThat(store.list(EnvironmentFilter.ALL)).containsExactly(dev);
        assertThat(store.create(EnvironmentSpec.of("web", "k3d"), allocator).name()).isEqualTo("web");
    }

    @Test
    void anInterruptEndsAnUpdateWaitingUnderAnEnvironmentLockAndReleasesThatLock() throws Exception {
        assertInterruptEndsTheWait("updating environment 'dev'", () -> {
            try (EnvironmentLock lock = store.tryLock("dev").orElseThrow()) {
                store.update(dev.withActualState(ActualState.RUNNING, null), dev.version());
            }
        });

        assertThat(store.list(EnvironmentFilter.ALL)).containsExactly(dev);
        try (EnvironmentLock lock = store.tryLock("dev").orElseThrow()) {
            assertThat(store.update(dev.withActualState(ActualState.RUNNING, null), dev.version()).actualState())
                    .isEqualTo(ActualState.RUNNING);
        }
    }

    /**
     * Runs {@code write} on a thread of its own while another session holds the write lock, interrupts that thread
     * once it waits for the lock, and asserts that it ends with an error saying {@code action} was interrupted,
     * its interrupt kept; then the other session lets go of the lock.
     */
    private void assertInterruptEndsTheWait(String action, Runnable write) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptKept = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                write.run();
            } catch (Throwable t) {
                thrown.set(t);
                interruptKept.set(Thread.currentThread().isInterrupted());
            }
        }, "interrupted-writer");
        try (Connection holder = TestDatabase.dataSource().getConnection(); Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            s.execute("SELECT pg_advisory_xact_lock(" + LockKeys.writes(store.schema()) + ")");
            writer.start();
            awaitLockWaiter(LockKeys.writes(store.schema()));

            writer.interrupt();
            writer.join(Duration.ofSeconds(20).toMillis());
            boolean ended = !writer.isAlive();
            holder.rollback();
            writer.join(Duration.ofSeconds(60).toMillis());

            assertThat(ended).as("the interrupted write still waited for the lock").isTrue();
        }
        assertThat(thrown.get()).isInstanceOfSatisfying(EnvctlException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.FAILURE);
            assertThat(e.getMessage()).startsWith(action + " interrupted").contains("nothing was stored");
        });
        assertThat(interruptKept).as("the thread's interrupt is kept").isTrue();
    }

    /** Waits (at most 30 s) until a session waits for the advisory lock {@code key}. */
    private static void awaitLockWaiter(long key) throws InterruptedException {
        Instant until = Instant.now().plus(Duration.ofSeconds(30));
        while (!"1".equals(TestDatabase.value("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT "
                + "granted AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = " + key))) {
            assertThat(Instant.now()).as("no write waits for the lock").isBefore(until);
            Thread.sleep(20);
        }
    }
}
