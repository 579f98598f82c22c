package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.PortRole;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An update of a record that is not there, or not at the expected version, is refused as that (exit 3, or a
 * version conflict the engine re-reads after), whatever else is wrong with it, as the CSV store and the model do;
 * found by envctl-differential.
 */
class UpdateRefusalOrderTest {
    private static final TestDatabase.ClassSchema SCHEMA = new TestDatabase.ClassSchema("updorder");
    private final Allocator allocator = new Allocator(AllocationPolicy.defaults());

    @AfterAll
    static void dropSchema() {
        SCHEMA.drop();
    }

    @Test
    void refusesAnUpdateOfAMissingRecordOnAnUnknownHostAsNotFound() {
        try (JdbcEnvironmentStore store = SCHEMA.emptyStore()) {
            Environment ghost = store.create(EnvironmentSpec.of("ghost", "k3d"), allocator);
            store.delete("ghost");

            assertThatThrownBy(() -> store.update(ghost.withHost("three"), 1))
                    .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code())
                            .isEqualTo(ErrorCode.NOT_FOUND));
        }
    }

    @Test
    void refusesAnUpdateOfAMissingRecordTakingAHeldPortAsNotFound() {
        try (JdbcEnvironmentStore store = SCHEMA.emptyStore()) {
            Environment held = store.create(EnvironmentSpec.of("held", "k3d"), allocator);
            Environment ghost = store.create(EnvironmentSpec.of("ghost", "k3d"), allocator);
            store.delete("ghost");
            Environment next = ghost.withPorts(ghost.ports().with(PortRole.HTTP, held.ports().http()));

            assertThatThrownBy(() -> store.update(next, 1))
                    .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code())
                            .isEqualTo(ErrorCode.NOT_FOUND));
        }
    }

    @Test
    void refusesAStaleUpdateTakingAHeldPortAsAVersionConflict() {
        try (JdbcEnvironmentStore store = SCHEMA.emptyStore()) {
            Environment held = store.create(EnvironmentSpec.of("held", "k3d"), allocator);
            Environment mine = store.create(EnvironmentSpec.of("mine", "k3d"), allocator);
            store.update(mine.withLabels(Map.of("team", "a")), 1);
            Environment next = mine.withPorts(new HostPorts(held.ports().http(), mine.ports().https(),
                    mine.ports().pf(), mine.ports().api()));

            assertThatThrownBy(() -> store.update(next, 1))
                    .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code())
                            .isEqualTo(ErrorCode.VERSION_CONFLICT));
        }
    }
}
