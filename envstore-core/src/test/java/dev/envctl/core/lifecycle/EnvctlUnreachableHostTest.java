package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Envctl;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.HostRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import dev.envctl.core.testing.ScriptedClusterProvider;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A host no provider can reach (the providers were given as instances, which drive the local Docker daemon
 * only): {@code record} refuses it as {@code create} does, and {@code delete} says the cluster was not removed.
 */
class EnvctlUnreachableHostTest {
    private final InMemoryEnvironmentStore store = new InMemoryEnvironmentStore();
    private final Envctl envctl = Envctl.builder().store(store)
            .provider("k3d", new ScriptedClusterProvider("k3d")).environment(Map.of()).build();

    EnvctlUnreachableHostTest() {
        store.addHost(new Host("two", "tcp://two.example:2375", "192.168.1.20", Map.of(), null));
    }

    @Test
    void recordRefusesAHostNoProviderReachesAsCreateDoes() {
        EnvironmentSpec onTwo = EnvironmentSpec.of("dev", "k3d").withHost(HostRequest.of("two"));

        for (Runnable call : new Runnable[]{() -> envctl.create(onTwo), () -> envctl.record(onTwo)}) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(EnvctlException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED))
                    .hasMessageContaining("cannot act on host 'two'");
            assertThat(store.find("dev")).isEmpty();
        }
        assertThatThrownBy(() -> envctl.record(EnvironmentSpec.of("dev", "k3d").withHost(HostRequest.of("nowhere"))))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));
    }

    @Test
    void deleteOfARecordOnAHostNoProviderReachesLeavesItFailedSayingWhy() {
        store.create(EnvironmentSpec.of("dev", "k3d").withHost(HostRequest.of("two")),
                new Allocator(AllocationPolicy.defaults()));

        Optional<Environment> left = envctl.delete("dev");

        assertThat(left).hasValueSatisfying(e -> {
            assertThat(e.desiredState()).isEqualTo(DesiredState.ABSENT);
            assertThat(e.actualState()).isEqualTo(ActualState.FAILED);
            assertThat(e.lastError()).contains("cannot act on host 'two'");
        });
    }
}
