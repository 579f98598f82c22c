package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.store.jdbc.internal.Database;
import dev.envctl.store.jdbc.internal.LockKeys;
import dev.envctl.store.jdbc.internal.Migrations;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An opening that waits for the migration lock, which another process holds while it migrates the schema, ends
 * when its thread is interrupted (as the CLI does after a signal), having migrated nothing.
 */
class InterruptedMigrationWaitTest {
    private final String schema = TestDatabase.freshSchemaName("migrationwait");

    @AfterEach
    void drop() {
        TestDatabase.dropSchema(schema);
    }

    @Test
    void anInterruptEndsAMigrationWaitingForATableAnotherSessionLocks() throws Exception {
        TestDatabase.migrateTo(schema, "7");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread opener = new Thread(() -> {
            try {
                TestDatabase.open(schema, MigrateMode.AUTO).close();
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "interrupted-migration");
        try (Connection holder = TestDatabase.dataSource().getConnection(); Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            s.execute("LOCK TABLE " + schema + ".clusters IN ROW EXCLUSIVE MODE");
            opener.start();
            Instant until = Instant.now().plus(Duration.ofSeconds(30));
            while (!"1".equals(TestDatabase.value("SELECT count(*) FROM pg_locks WHERE locktype = 'relation' AND NOT "
                    + "granted AND relation = '" + schema + ".clusters'::regclass"))) {
                assertThat(Instant.now()).as("no migration waits for table clusters").isBefore(until);
                Thread.sleep(20);
            }

            opener.interrupt();
            opener.join(Duration.ofSeconds(20).toMillis());
            boolean ended = !opener.isAlive();
            holder.rollback();
            opener.join(Duration.ofSeconds(60).toMillis());

            assertThat(ended).as("the interrupted migration still waited for table clusters").isTrue();
        }
        assertThat(thrown.get()).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.getMessage()).startsWith("migrating schema " + schema + " interrupted"));
        assertThat(TestDatabase.value("SELECT max(version::int) FROM " + schema + "." + Migrations.HISTORY_TABLE
                + " WHERE success")).as("V8 rolled back").isEqualTo("7");
    }

    /**
     * Two checks of the interrupt watch an opening that migrates: that of the connection holding the migration lock,
     * and that of the migration's own connection, which cancels the statement waiting for the table. Whichever runs
     * first, the error says that the opening was interrupted. Here the checks are held up (another thread's check
     * waits) while the waiting statement is cancelled as the migration connection's check would cancel it, so the
     * migration fails before the lock connection's check has run.
     */
    @Test
    void anInterruptedMigrationSaysSoWhicheverCheckRunsFirst() throws Exception {
        TestDatabase.migrateTo(schema, "7");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread opener = new Thread(() -> {
            try {
                TestDatabase.open(schema, MigrateMode.AUTO).close();
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "interrupted-migration");
        try (Connection holder = TestDatabase.dataSource().getConnection(); Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            s.execute("LOCK TABLE " + schema + ".clusters IN ROW EXCLUSIVE MODE");
            opener.start();
            String migration = await("SELECT pid FROM pg_locks WHERE locktype = 'relation' AND NOT granted "
                    + "AND relation = '" + schema + ".clusters'::regclass", "no migration waits for table clusters");

            CountDownLatch checking = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            try (Database other = new Database(TestDatabase.wrapping(TestDatabase.dataSource(), (real, m, a) -> {
                if (m.getName().equals("unwrap") && Thread.currentThread().getName().equals("envctl-jdbc-interrupts")) {
                    checking.countDown();
                    release.await(60, TimeUnit.SECONDS);
                }
                return TestDatabase.invoke(real, m, a);
            }), "public", 5, 1, "other")) {
                Thread sleeper = new Thread(() -> {
                    try {
                        other.read("sleeping", ctx -> ctx.execute("SELECT pg_sleep(60)"));
                    } catch (EnvctlException e) {
                        // interrupted, as meant
                    }
                }, "interrupted-sleeper");
                sleeper.start();
                await("SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query = 'SELECT pg_sleep(60)'",
                        "no statement sleeps");
                sleeper.interrupt();
                assertThat(checking.await(30, TimeUnit.SECONDS)).as("the sleeper's check ran").isTrue();

                opener.interrupt();
                TestDatabase.value("SELECT pg_cancel_backend(" + migration + ")");
                opener.join(Duration.ofSeconds(20).toMillis());
                release.countDown();
                sleeper.join(Duration.ofSeconds(20).toMillis());
            }
            boolean ended = !opener.isAlive();
            holder.rollback();
            opener.join(Duration.ofSeconds(60).toMillis());

            assertThat(ended).as("the interrupted migration still waited for table clusters").isTrue();
        }
        assertThat(thrown.get()).isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.getMessage())
                .startsWith("migrating schema " + schema + " interrupted while it ran on PostgreSQL store "));
        assertThat(TestDatabase.value("SELECT max(version::int) FROM " + schema + "." + Migrations.HISTORY_TABLE
                + " WHERE success")).as("V8 rolled back").isEqualTo("7");
    }

    /** The first column of what {@code query} returns, once it returns a row (at most 30 s). */
    private static String await(String query, String never) throws InterruptedException {
        Instant until = Instant.now().plus(Duration.ofSeconds(30));
        for (String found = TestDatabase.value(query); ; found = TestDatabase.value(query)) {
            if (found != null) {
                return found;
            }
            assertThat(Instant.now()).as(never).isBefore(until);
            Thread.sleep(20);
        }
    }

    @Test
    void anInterruptEndsAnOpeningWaitingForTheMigrationLock() throws Exception {
        long key = LockKeys.migrations(schema);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread opener = new Thread(() -> {
            try {
                TestDatabase.open(schema, MigrateMode.AUTO).close();
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "interrupted-opener");
        try (Connection holder = TestDatabase.dataSource().getConnection(); Statement s = holder.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + key + ")");
            opener.start();
            Instant until = Instant.now().plus(Duration.ofSeconds(30));
            while (!"1".equals(TestDatabase.value("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT "
                    + "granted AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = " + key))) {
                assertThat(Instant.now()).as("no opening waits for the migration lock").isBefore(until);
                Thread.sleep(20);
            }

            opener.interrupt();
            opener.join(Duration.ofSeconds(20).toMillis());
            boolean ended = !opener.isAlive();
            s.execute("SELECT pg_advisory_unlock(" + key + ")");
            opener.join(Duration.ofSeconds(60).toMillis());

            assertThat(ended).as("the interrupted opening still waited for the migration lock").isTrue();
        }
        assertThat(thrown.get()).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.getMessage()).startsWith("migrating schema " + schema + " interrupted"));
        assertThat(TestDatabase.value("SELECT to_regclass('" + schema + "." + Migrations.HISTORY_TABLE + "')"))
                .as("nothing migrated").isNull();
        assertThat(TestDatabase.value("SELECT to_regclass('" + schema + ".clusters')")).isNull();
    }
}
