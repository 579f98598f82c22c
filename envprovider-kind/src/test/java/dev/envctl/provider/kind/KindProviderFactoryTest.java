package dev.envctl.provider.kind;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.InvalidSettingException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KindProviderFactoryTest {

    @Test
    void isDiscoveredWithServiceLoaderUnderItsId() {
        PluginRegistry registry = PluginRegistry.discover();
        assertThat(registry.providerIds()).contains("kind");
        assertThat(registry.createProvider("kind", Map.of("listen-address", "127.0.0.1")).id()).isEqualTo("kind");
    }

    @Test
    void unknownSettingsAndBadValuesAreInvalidInputSayingWhatIsAllowed() {
        assertThatThrownBy(() -> PluginRegistry.discover().createProvider("kind", Map.of("network", "x")))
                .isInstanceOf(EnvctlException.class)
                .hasMessageContaining("network")
                .hasMessageContaining("listen-address");
        KindProviderFactory f = new KindProviderFactory();
        assertThatThrownBy(() -> f.create(Map.of("network", "x")))
                .hasMessage("unknown kind provider setting(s) [network]; valid keys: [api-listen-address, binary, "
                        + "docker-binary, image, listen-address, timeout]");
        assertThatThrownBy(() -> f.create(Map.of("listen-address", "localhost")))
                .hasMessageContaining("is not an IP address")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
        assertThatThrownBy(() -> f.create(Map.of("listen-address", "256.1.1.1"))).hasMessageContaining("not an IP");
        assertThat(f.create(Map.of("listen-address", "::1")).id()).isEqualTo("kind");
        assertThatThrownBy(() -> f.create(Map.of("timeout", "0s"))).hasMessageContaining("not a positive duration");
        assertThatThrownBy(() -> f.create(Map.of("image", ""))).hasMessageContaining(
                "an image reference [REGISTRY[:PORT]/]REPOSITORY[:TAG][@DIGEST], the repository in lowercase letters "
                        + "and digits joined by . _ or -");
        assertThatThrownBy(() -> f.create(Map.of("image", "--help"))).hasMessageContaining("'--help' is invalid");
    }

    /** A bad value of each setting. */
    private static final Map<String, String> BAD = Map.of("binary", " ", "docker-binary", "", "listen-address",
            "localhost", "api-listen-address", "x", "timeout", "soon", "image", "a b");

    @Test
    void aBadValueSaysWhichSettingItIsAbout() {
        KindProviderFactory f = new KindProviderFactory();
        BAD.forEach((key, value) -> assertThatThrownBy(() -> f.create(Map.of(key, value))).as(key)
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.key()).isEqualTo(key)));
    }

    @Test
    void aBadValueSaysWhatIsWrongWithItAlsoWithoutNamingTheSetting() {
        KindProviderFactory f = new KindProviderFactory();
        BAD.forEach((key, value) -> assertThatThrownBy(() -> f.create(Map.of(key, value))).as(key)
                .hasMessageStartingWith("kind setting " + key + " ")
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.problem()).hasValueSatisfying(
                        p -> assertThat(p).startsWith(value.isBlank() ? "the value is empty; give a command name"
                                : "'" + value + "' ").doesNotContain("setting"))));
    }
}
