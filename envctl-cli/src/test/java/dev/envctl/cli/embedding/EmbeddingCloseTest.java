package dev.envctl.cli.embedding;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Envctl;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.EnvironmentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What docs/embedding.md says of {@code close()}: it closes only a store the facade opened, which then fails each call. */
class EmbeddingCloseTest {
    @TempDir
    Path tmp;

    @Test
    void aClosedFacadeOverAStoreItOpenedFailsEachCallSayingTheStoreIsClosed() {
        Envctl envctl = Envctl.builder().store("csv:" + tmp.resolve("environments.csv")).environment(Map.of()).build();
        assertThat(envctl.list()).isEmpty();

        envctl.close();
        envctl.close(); // a second close is harmless

        assertThatThrownBy(envctl::list).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILURE)).hasMessageContaining("is closed");
        assertThatThrownBy(() -> envctl.get("dev")).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILURE)).hasMessageContaining("is closed");
    }

    @Test
    void closingAFacadeOverAStoreTheCallerGaveLeavesThatStoreOpen() {
        try (EnvironmentStore store = PluginRegistry.discover().openStore("csv:" + tmp.resolve("environments.csv"),
                Map.of(), Map.of())) {
            Envctl envctl = Envctl.builder().store(store).environment(Map.of()).build();
            envctl.close();

            assertThat(store.list(dev.envctl.core.EnvironmentFilter.ALL)).isEmpty();
            assertThat(envctl.list()).isEmpty();
        }
    }
}
