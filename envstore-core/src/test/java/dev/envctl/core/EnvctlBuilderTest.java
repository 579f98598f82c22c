package dev.envctl.core;

import dev.envctl.core.hook.ExecHook;
import dev.envctl.core.hook.ExecHookFactory;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.InvalidSettingException;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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

    /**
     * A bad exec hook timeout given to the builder names the hook, as the CLI's names it by its config key
     * (hook.exec.timeout): an embedder with several hooks must know whose setting it is.
     */
    @ParameterizedTest
    @ValueSource(strings = {"0s", "-5s", "0"})
    void aBadExecHookTimeoutGivenAsASettingNamesTheHook(String timeout) {
        Envctl.Builder builder = Envctl.builder().store(new InMemoryEnvironmentStore()).environment(Map.of())
                .hook("exec", Map.of("timeout", timeout));
        String problem = "'" + timeout + "' is not a positive duration; write it like 500ms, 60s, 5m or 1h";

        assertThatThrownBy(builder::build).isInstanceOfSatisfying(InvalidSettingException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(e.key()).isEqualTo("timeout");
            assertThat(e.problem()).contains(problem);
        }).hasMessage("exec hook setting timeout " + problem);
    }

    /**
     * An unknown hook or provider id given to the builder is refused on one line: the id was pasted as given into
     * "unknown hook '...'", a line break and all, where the setting keys are shown printable.
     */
    @Test
    void anUnknownHookOrProviderIdIsRefusedOnOneLine() {
        Envctl.Builder hook = Envctl.builder().store(new InMemoryEnvironmentStore()).environment(Map.of())
                .hook("ex\nec", Map.of());
        Envctl.Builder provider = Envctl.builder().store(new InMemoryEnvironmentStore()).environment(Map.of())
                .providerSettings("k3\nd", Map.of());

        assertThatThrownBy(hook::build).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT)).hasMessageStartingWith("unknown hook 'ex?ec'");
        assertThatThrownBy(provider::build).isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageStartingWith("unknown provider 'k3?d'");
    }

    /**
     * An exec hook made with a zero or negative timeout is refused when made, naming the hook and its setting, not
     * when its first script runs (then a hook failure saying only "timeout must not be less than 1").
     */
    @Test
    void anExecHookMadeWithAZeroOrNegativeTimeoutIsRefusedNamingTheHook() {
        Path dir = Path.of("/nonexistent/hooks");

        assertThatThrownBy(() -> new ExecHook(dir, Duration.ZERO)).isInstanceOfSatisfying(
                InvalidSettingException.class, e -> assertThat(e.key()).isEqualTo("timeout"))
                .hasMessage("exec hook setting timeout '0s' is not a positive duration; write it like 500ms, 60s, "
                        + "5m or 1h");
        assertThatThrownBy(() -> new ExecHook(dir, Duration.ofMillis(-1500))).isInstanceOfSatisfying(
                InvalidSettingException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("exec hook setting timeout '-1500ms' is not a positive duration; write it like 500ms, 60s, "
                        + "5m or 1h");
        assertThat(new ExecHook(dir, Duration.ofMillis(1)).timeout()).isEqualTo(Duration.ofMillis(1));
    }

    /**
     * A positive timeout under 1ms is too short, as the same value written as a setting is ({@code PT0.0005S}): it
     * was called "'0s' is not a positive duration", a value the caller never gave, and a positive one at that.
     */
    @Test
    void anExecHookMadeWithATimeoutUnderAMillisecondIsTooShortAsTheSettingWouldBe() {
        Path dir = Path.of("/nonexistent/hooks");
        String asSetting = "exec hook setting timeout 'PT0.0005S' is too short; at least 1ms";

        assertThatThrownBy(() -> new ExecHookFactory().create(Map.of("dir", "/nonexistent/hooks", "timeout",
                "PT0.0005S"))).hasMessage(asSetting);
        assertThatThrownBy(() -> new ExecHook(dir, Duration.ofNanos(500_000))).isInstanceOfSatisfying(
                InvalidSettingException.class, e -> {
                    assertThat(e.key()).isEqualTo("timeout");
                    assertThat(e.problem()).contains("'PT0.0005S' is too short; at least 1ms");
                }).hasMessage(asSetting);
    }
}
