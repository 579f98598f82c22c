package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.testing.StoreInvariants;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The server stops in the middle of a run of creates and starts again: while it is down every operation fails
 * with STORE_UNAVAILABLE (exit 5) and leaves no partial row; once it is back, the same store object works
 * again. Uses a server of its own (stopping the shared one would break other tests), also when
 * ENVCTL_TEST_JDBC_URL is set.
 */
class ServerRestartTest {
    @TempDir
    Path dataDir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private EmbeddedPostgres start(int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port).start();
    }

    @Test
    void operationsFailWithStoreUnavailableWhileTheServerIsDownAndSucceedOnceItIsBack() throws Exception {
        int port = freePort();
        EmbeddedPostgres server = start(port);
        String url = server.getJdbcUrl("postgres", "postgres");
        Allocator allocator = new Allocator(ConcurrencyTest.widePolicy());
        Set<String> created = ConcurrentHashMap.newKeySet();
        Set<String> failed = ConcurrentHashMap.newKeySet();
        AtomicInteger unexpected = new AtomicInteger();
        try (JdbcEnvironmentStore store = (JdbcEnvironmentStore) new JdbcStoreFactory(Map.of())
                .open(url, Map.of(JdbcStoreFactory.CONNECT_TIMEOUT, "2s"))) {
            AtomicBoolean running = new AtomicBoolean(true);
            CountDownLatch someCreated = new CountDownLatch(20);
            Thread writer = new Thread(() -> {
                for (int i = 0; running.get(); i++) {
                    String name = "w-" + i;
                    try {
                        store.create(EnvironmentSpec.of(name, "k3d").withSubnet(SubnetRequest.AUTO), allocator);
                        created.add(name);
                        someCreated.countDown();
                    } catch (EnvctlException e) {
                        failed.add(name);
                        if (e.code() != ErrorCode.STORE_UNAVAILABLE) {
                            unexpected.incrementAndGet();
                        }
                    }
                }
            });
            writer.start();
            assertThat(someCreated.await(2, TimeUnit.MINUTES)).isTrue();

            server.close();
            int failedWhenStopped = failed.size();
            assertThatThrownBy(() -> store.create(EnvironmentSpec.of("while-down", "k3d"), allocator))
                    .isInstanceOfSatisfying(EnvctlException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                        assertThat(e.exitCode()).isEqualTo(5);
                        assertThat(e.getMessage()).contains("localhost:" + port);
                    });
            assertThatThrownBy(() -> store.list(EnvironmentFilter.ALL)).isInstanceOf(EnvctlException.class)
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
            assertThatThrownBy(() -> store.tryLock("dev")).isInstanceOf(EnvctlException.class)
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
            assertThat(store.health().available()).isFalse();
            while (failed.size() < failedWhenStopped + 3) {
                Thread.sleep(50);
            }
            running.set(false);
            writer.join(TimeUnit.MINUTES.toMillis(1));

            server = start(port);
            Environment after = store.create(EnvironmentSpec.of("after-restart", "k3d").withSubnet(SubnetRequest.AUTO),
                    allocator);
            assertThat(store.health().available()).isTrue();

            List<Environment> all = store.list(EnvironmentFilter.ALL);
            assertThat(unexpected.get()).as("errors other than STORE_UNAVAILABLE").isZero();
            assertThat(all).contains(after);
            assertThat(all).extracting(Environment::name).containsAll(created).doesNotContain("while-down");
            // at most the one create whose commit was in flight when the server stopped may have landed
            assertThat(all.size()).isBetween(created.size() + 1, created.size() + 2);
            assertThat(all).allSatisfy(e -> assertThat(e.ports().complete()).isTrue());
            StoreInvariants.assertHold(all);
            assertThat(heldPorts(url)).isEqualTo(4L * all.size());
        } finally {
            server.close();
        }
    }

    private static long heldPorts(String url) throws SQLException {
        try (Connection c = TestDatabase.dataSourceFor(url).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM public.held_ports")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
