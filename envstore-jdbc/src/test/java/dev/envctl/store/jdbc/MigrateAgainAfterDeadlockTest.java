package dev.envctl.store.jdbc;

import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A schema migration that lost a deadlock to a writer of the table (a script inserting while the table is adopted)
 * runs again; any other failure is reported at once.
 */
class MigrateAgainAfterDeadlockTest {
    private static FlywayException failed(String sqlState) {
        return new FlywayException("Migration V3__lighter_held_bookkeeping.sql failed",
                new SQLException("ERROR: " + sqlState, sqlState));
    }

    @Test
    void aMigrationThatLostADeadlockRunsAgain() {
        AtomicInteger runs = new AtomicInteger();

        String result = JdbcStoreAdmin.againAfterDeadlock(() -> {
            if (runs.incrementAndGet() == 1) {
                throw failed("40P01");
            }
            return "migrated";
        });

        assertThat(result).isEqualTo("migrated");
        assertThat(runs).hasValue(2);
    }

    @Test
    void otherFailuresAreNotRunAgainAndDeadlocksOnlyAFewTimes() {
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> JdbcStoreAdmin.againAfterDeadlock(() -> {
            runs.incrementAndGet();
            throw failed("23505");
        })).isInstanceOf(FlywayException.class);
        assertThat(runs).hasValue(1);

        runs.set(0);
        assertThatThrownBy(() -> JdbcStoreAdmin.againAfterDeadlock(() -> {
            runs.incrementAndGet();
            throw failed("40P01");
        })).isInstanceOf(FlywayException.class);
        assertThat(runs).hasValue(JdbcStoreAdmin.MIGRATE_ATTEMPTS);
    }
}
