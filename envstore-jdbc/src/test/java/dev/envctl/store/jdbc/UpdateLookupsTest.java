package dev.envctl.store.jdbc;

import dev.envctl.core.ActualState;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.Host;
import dev.envctl.core.HostRequest;
import dev.envctl.core.PortRole;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.Allocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An update checks what it newly takes, as the store interface says, and nothing else: a change of state (the
 * writes of every create, stop, start and delete) runs the write lock's round trip and the update, no lookup of
 * held ports, subnets or hosts; an update that takes a port does look it up. Each statement the store prepares is
 * recorded from the connection.
 */
class UpdateLookupsTest {
    private final String schema = TestDatabase.freshSchemaName("updlookups");
    private final AtomicBoolean recording = new AtomicBoolean();
    private final List<String> statements = new CopyOnWriteArrayList<>();
    private final Allocator allocator = new Allocator(ConcurrencyTest.widePolicy());

    @AfterEach
    void dropSchema() {
        TestDatabase.dropSchema(schema);
    }

    @Test
    void aChangeOfStateLooksUpNoHeldResourceNorHost() {
        try (JdbcEnvironmentStore store = openRecording()) {
            store.addHost(new Host("two", "tcp://192.0.2.2:2376", "192.0.2.2", Map.of(), 5));
            store.create(EnvironmentSpec.of("other", "k3d").withHost(HostRequest.of("two")), allocator);
            Environment dev = store.create(EnvironmentSpec.of("dev", "k3d").withSubnet(SubnetRequest.AUTO)
                    .withHost(HostRequest.of("two")), allocator);

            Environment stopped = recorded(() -> store.update(dev.withActualState(ActualState.STOPPED, null),
                    dev.version()));

            assertThat(stopped.actualState()).isEqualTo(ActualState.STOPPED);
            assertThat(statements).as("the lock's round trip (with the stored row) and the update").hasSize(2)
                    .noneMatch(sql -> sql.contains("held_ports") || sql.contains("held_subnets")
                            || sql.contains("\"hosts\""));
        }
    }

    @Test
    void anUpdateTakingAPortLooksItUp() {
        try (JdbcEnvironmentStore store = openRecording()) {
            Environment dev = store.create(EnvironmentSpec.of("dev", "k3d"), allocator);
            int free = dev.ports().http() + 500;

            Environment moved = recorded(() -> store.update(dev.withPorts(dev.ports().with(PortRole.HTTP, free)),
                    dev.version()));

            assertThat(moved.ports().http()).isEqualTo(free);
            assertThat(statements).filteredOn(sql -> sql.contains("held_ports")).hasSize(1);
        }
    }

    private JdbcEnvironmentStore openRecording() {
        DataSource recordingSource = TestDatabase.wrapping(TestDatabase.dataSource(), (real, m, a) -> {
            if (recording.get() && m.getName().startsWith("prepare")) {
                statements.add((String) a[0]);
            }
            return TestDatabase.invoke(real, m, a);
        });
        return JdbcEnvironmentStore.open(recordingSource, JdbcStoreOptions.defaults().withSchema(schema),
                TestDatabase.url());
    }

    private Environment recorded(Supplier<Environment> update) {
        statements.clear();
        recording.set(true);
        try {
            return update.get();
        } finally {
            recording.set(false);
        }
    }
}
