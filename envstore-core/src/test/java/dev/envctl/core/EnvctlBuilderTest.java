package dev.envctl.core;

import dev.envctl.core.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link Envctl.Builder#build()} refuses, and how. */
class EnvctlBuilderTest {
    @Test
    void buildingWithoutAStoreIsInvalidInputSayingWhatToGive() {
        Envctl.Builder noStore = Envctl.builder().plugins(PluginRegistry.of(List.of(), List.of(), List.of()));

        assertThatThrownBy(noStore::build).isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageStartingWith("no store given; give a store location")
                .hasMessageContaining("store(EnvironmentStore)");
    }
}
