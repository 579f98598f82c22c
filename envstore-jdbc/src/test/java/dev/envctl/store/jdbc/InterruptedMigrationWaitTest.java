package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.store.jdbc.internal.LockKeys;
import dev.envctl.store.jdbc.internal.Migrations;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
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
