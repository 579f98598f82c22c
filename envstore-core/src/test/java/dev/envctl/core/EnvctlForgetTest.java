package dev.envctl.core;

import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import dev.envctl.core.testing.ScriptedClusterProvider;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Envctl#forget}: the record goes, the cluster stays, and a converging holder is not overtaken. */
class EnvctlForgetTest {
    private final InMemoryEnvironmentStore store = new InMemoryEnvironmentStore();
    private final ScriptedClusterProvider k3d = new ScriptedClusterProvider("k3d");
    private final Envctl envctl = Envctl.builder().store(store).provider("k3d", k3d).environment(Map.of()).build();

    @Test
    void forgetRemovesOnlyTheRecordAndFreesItsPorts() {
        Environment dev = envctl.create(EnvironmentSpec.of("dev", "k3d"));

        Environment removed = envctl.forget("dev");

        assertThat(removed).isEqualTo(dev);
        assertThat(envctl.find("dev")).isEmpty();
        assertThat(k3d.has("dev")).as("the cluster is left as it is").isTrue();
        assertThat(k3d.count("delete dev")).isZero();
        assertThat(envctl.record(EnvironmentSpec.of("web", "k3d")).ports()).as("its ports are free again")
                .isEqualTo(dev.ports());
        assertThatThrownBy(() -> envctl.forget("dev")).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void forgetWhileAnotherConvergesTheEnvironmentIsAConflictAndKeepsTheRecord() {
        Environment dev = envctl.create(EnvironmentSpec.of("dev", "k3d"));

        try (EnvironmentLock held = store.tryLock("dev").orElseThrow()) {
            assertThatThrownBy(() -> envctl.forget("dev")).isInstanceOfSatisfying(EnvctlException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
                    .hasMessage("environment 'dev' is being converged (by another envctl process, or a thread of "
                            + "this one); forget it once that is done");
        }
        assertThat(envctl.get("dev")).isEqualTo(dev);
    }
}
