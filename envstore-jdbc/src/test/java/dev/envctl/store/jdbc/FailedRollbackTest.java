package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.alloc.Allocator;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A transaction whose rollback fails leaves its connection in a state no one knows (still in the failed
 * transaction, say): it is closed, not kept for the next operation, which would meet "current transaction is
 * aborted" there.
 */
class FailedRollbackTest {
    @Test
    void aConnectionWhoseRollbackFailedIsClosedNotReused() {
        String schema = TestDatabase.freshSchemaName("rollback");
        AtomicBoolean failNextRollback = new AtomicBoolean();
        List<Connection> closed = new CopyOnWriteArrayList<>();
        try (JdbcEnvironmentStore store = JdbcEnvironmentStore.open(failingRollbacks(TestDatabase.dataSource(),
                failNextRollback, closed), JdbcStoreOptions.defaults().withSchema(schema), TestDatabase.url())) {
            Allocator allocator = new Allocator(ConcurrencyTest.widePolicy());
            store.create(EnvironmentSpec.of("dev", "k3d"), allocator);
            int closedBefore = closed.size();
            failNextRollback.set(true);

            // the name is taken: the create's transaction is rolled back, and that rollback fails
            assertThatThrownBy(() -> store.create(EnvironmentSpec.of("dev", "k3d"), allocator))
                    .isInstanceOf(EnvctlException.class);

            assertThat(failNextRollback).as("the rollback was tried").isFalse();
            assertThat(closed).as("the connection whose rollback failed is closed").hasSizeGreaterThan(closedBefore);
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(e -> e.name()).containsExactly("dev");
        } finally {
            TestDatabase.dropSchema(schema);
        }
    }

    /** {@code base}, whose connections fail their rollback (after doing it) while {@code fail} is set, once. */
    private static DataSource failingRollbacks(DataSource base, AtomicBoolean fail, List<Connection> closed) {
        return TestDatabase.wrapping(base, (real, m, a) -> {
            if (m.getName().equals("close")) {
                closed.add(real);
            }
            Object r = TestDatabase.invoke(real, m, a);
            if (m.getName().equals("rollback") && (a == null || a.length == 0) && fail.compareAndSet(true, false)) {
                throw new SQLException("rollback failed", "XX000");
            }
            return r;
        });
    }
}
