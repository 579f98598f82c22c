package dev.envctl.core.provider;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingValuesTest {
    @ParameterizedTest
    @ValueSource(strings = {"rancher/k3s:v1.31.5-k3s1", "kindest/node:v1.32.2", "busybox", "envctl-fake/k3s:probe",
            "localhost:5000/team/app:dev", "registry.example.com/a/b/c", "Registry.Example.com:443/app",
            "[::1]:5000/app:1", "a__b", "a---b", "a.b_c/d", "app:Latest_2.0-rc",
            "kindest/node:v1.32.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "app@sha512:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                    + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    void aReferenceDockerParsesIsKept(String image) {
        assertThat(SettingValues.image("--image", " " + image + " ", "rancher/k3s:v1.31.5-k3s1")).isEqualTo(image);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bad:Image:x", "team/App", "a b", "-rm", "--help", "$(id)", "", "app:", ":tag", "/app",
            "app/", "a//b", "a..b", "a_-b", ".app", "app:-tag", "app@sha256:abc", "app@sha256",
            "app@sha256:0123456789abcdef0123456789abcdef", "app@md5:0123456789abcdef0123456789abcdef",
            "app@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
            "app:tag:more", "http://registry/app"})
    void aReferenceDockerRefusesIsInvalidInputSayingWhatIsAllowed(String image) {
        assertThatThrownBy(() -> SettingValues.image("--image", image, "rancher/k3s:v1.31.5-k3s1"))
                .isInstanceOf(EnvctlException.class)
                .hasMessageStartingWith("--image '" + image + "' is invalid; allowed: an image reference "
                        + "[REGISTRY[:PORT]/]REPOSITORY[:TAG][@DIGEST], the repository in lowercase letters and "
                        + "digits joined by . _ or -, such as rancher/k3s:v1.31.5-k3s1");
    }

    @ParameterizedTest
    @ValueSource(ints = {129, 256})
    void aTagOrNameTooLongIsInvalid(int length) {
        String tooLong = length == 129 ? "app:" + "t".repeat(129) : "a".repeat(256);
        assertThatThrownBy(() -> SettingValues.image("--image", tooLong, "busybox"))
                .hasMessageContaining("is invalid; allowed: an image reference");
        String longest = length == 129 ? "app:" + "t".repeat(128) : "a".repeat(255);
        assertThat(SettingValues.image("--image", longest, "busybox")).isEqualTo(longest);
    }

    @Test
    void eachErrorSaysWhatIsWrongWithTheValueAlsoWithoutNamingIt() {
        Map<String, Runnable> problems = new LinkedHashMap<>();
        problems.put("the value is empty; give a command name such as k3d or a path to it",
                () -> SettingValues.binary("k3d", Map.of("binary", " "), "binary", "k3d"));
        problems.put("'maybe' is not a boolean; allowed: true, false (any case), 1, 0", () -> SettingValues.bool("wait", "maybe"));
        problems.put("'0' is invalid; allowed: a whole number from 1 to 99", () -> SettingValues.count("servers", "0",
                1));
        problems.put("'localhost' is not an IP address; allowed: an IPv4 or IPv6 address such as 127.0.0.1 or "
                + "0.0.0.0 (the tools take no host names)", () -> SettingValues.address("listen-address", "localhost"));
        problems.put("'UPPER' is invalid; allowed: an image reference [REGISTRY[:PORT]/]REPOSITORY[:TAG][@DIGEST], "
                + "the repository in lowercase letters and digits joined by . _ or -, such as busybox",
                () -> SettingValues.image("image", "UPPER", "busybox"));
        problems.forEach((problem, parse) -> assertThatThrownBy(parse::run)
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.problem()).isEqualTo(problem))
                .satisfies(e -> assertThat(e.getMessage()).as("the message names the value")
                        .isIn("k3d setting binary is empty; give a command name such as k3d or a path to it",
                                "wait " + problem, "servers " + problem, "listen-address " + problem,
                                "image " + problem)));
    }

    /** Every boolean setting takes one rule: true or false in any case, or 1 or 0; nothing else. */
    @Test
    void aBooleanIsTrueOrFalseInAnyCaseOrOneOrZero() {
        assertThat(SettingValues.bool("wait", " TRUE ")).isTrue();
        assertThat(SettingValues.bool("wait", "False")).isFalse();
        assertThat(SettingValues.bool("wait", "1")).isTrue();
        assertThat(SettingValues.bool("wait", "0")).isFalse();
        for (String other : new String[] {"yes", "2", "on", ""}) {
            assertThatThrownBy(() -> SettingValues.bool("k3d setting wait", other))
                    .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code())
                            .isEqualTo(dev.envctl.core.ErrorCode.INVALID_INPUT))
                    .hasMessage("k3d setting wait '" + other + "' is not a boolean; allowed: true, false (any case), 1, 0");
        }
    }

    @Test
    void aRefusedValueIsQuotedWithoutControlCharacters() {
        assertThatThrownBy(() -> SettingValues.address("listen-address", "127.0.0.1\u001b[2J"))
                .hasMessageStartingWith("listen-address '127.0.0.1?[2J' is not an IP address; ");
        assertThatThrownBy(() -> SettingValues.count("servers", "1\u0007", 1))
                .hasMessage("servers '1?' is invalid; allowed: a whole number from 1 to 99");
        assertThatThrownBy(() -> SettingValues.bool("wait", "tr\nue"))
                .hasMessage("wait 'tr?ue' is not a boolean; allowed: true, false (any case), 1, 0");
    }

    /**
     * A listen address is bound to, so every address of the machine (0.0.0.0, ::) is one, but a multicast or the
     * broadcast address is none, as host add --address refuses them: Docker would refuse it only at the first create.
     */
    @Test
    void aListenAddressIsNoMulticastOrBroadcastAddress() {
        assertThat(SettingValues.address("listen-address", "0.0.0.0")).isEqualTo("0.0.0.0");
        assertThat(SettingValues.address("listen-address", "::")).isEqualTo("::");
        assertThat(SettingValues.address("listen-address", "240.0.0.1")).isEqualTo("240.0.0.1");
        assertThatThrownBy(() -> SettingValues.address("k3d setting listen-address", "224.0.0.1"))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code())
                        .isEqualTo(dev.envctl.core.ErrorCode.INVALID_INPUT))
                .hasMessage("k3d setting listen-address '224.0.0.1' is a multicast address (224.0.0.0/4, ff00::/8), "
                        + "a group of machines, none that clients reach one at; allowed: an address of this machine "
                        + "such as 127.0.0.1, or 0.0.0.0 for all of them");
        assertThatThrownBy(() -> SettingValues.address("listen-address", "ff02::1"))
                .hasMessageStartingWith("listen-address 'ff02::1' is a multicast address");
        assertThatThrownBy(() -> SettingValues.address("listen-address", "255.255.255.255"))
                .hasMessageStartingWith("listen-address '255.255.255.255' is the broadcast address");
    }
}
