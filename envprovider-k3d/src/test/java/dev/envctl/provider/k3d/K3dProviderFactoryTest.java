package dev.envctl.provider.k3d;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.InvalidSettingException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class K3dProviderFactoryTest {

    @Test
    void isDiscoveredWithServiceLoaderUnderItsId() {
        PluginRegistry registry = PluginRegistry.discover();
        assertThat(registry.providerIds()).contains("k3d");
        assertThat(registry.createProvider("k3d", Map.of("network", "team-net")).id()).isEqualTo("k3d");
    }

    @Test
    void theRegistryRejectsAnUnknownSettingListingTheValidOnes() {
        assertThatThrownBy(() -> PluginRegistry.discover().createProvider("k3d", Map.of("colour", "red")))
                .isInstanceOf(EnvctlException.class)
                .hasMessageContaining("colour")
                .hasMessageContaining("k3s-args");
        assertThatThrownBy(() -> new K3dProviderFactory().create(Map.of("colour", "red")))
                .hasMessage("unknown k3d provider setting(s) [colour]; valid keys: [agents, api-listen-address, "
                        + "binary, docker-binary, image, k3s-args, listen-address, network, servers, timeout, wait]");
    }

    @Test
    void badValuesAreInvalidInputSayingWhatIsAllowed() {
        K3dProviderFactory f = new K3dProviderFactory();
        assertThatThrownBy(() -> f.create(Map.of("timeout", "soon")))
                .hasMessage("k3d setting timeout 'soon' is not a positive duration; write it like 500ms, 60s, 5m or 1h")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
        assertThatThrownBy(() -> f.create(Map.of("wait", "yes"))).hasMessageContaining("allowed: true, false (any case), 1, 0");
        assertThatThrownBy(() -> f.create(Map.of("wait", "on")))
                .hasMessage("k3d setting wait 'on' is not a boolean; allowed: true, false (any case), 1, 0");
        assertThat(f.create(Map.of("wait", "FALSE"))).isNotNull();
        assertThat(f.create(Map.of("wait", "1"))).isNotNull();
        assertThatThrownBy(() -> f.create(Map.of("agents", "-1"))).hasMessageContaining("from 0 to 99");
        assertThatThrownBy(() -> f.create(Map.of("network", "bad name"))).hasMessageContaining("not a Docker network");
        assertThatThrownBy(() -> f.create(Map.of("image", "a b"))).hasMessageContaining(
                "an image reference [REGISTRY[:PORT]/]REPOSITORY[:TAG][@DIGEST], the repository in lowercase letters "
                        + "and digits joined by . _ or -");
        assertThatThrownBy(() -> f.create(Map.of("image", "--help"))).hasMessageContaining("'--help' is invalid");
        assertThatThrownBy(() -> f.create(Map.of("binary", " "))).hasMessageContaining("binary is empty");
    }

    /**
     * k3d v5.7.4's {@code --api-port} takes no IPv6 address: {@code [::1]:26443} fails with "Failed to lookup host
     * '[::1]'", {@code ::1:26443} with "Failed to lookup IPv4 address for host '::1'"; refused before anything is made.
     */
    @Test
    void anIpv6ApiListenAddressIsRefusedAsK3dTakesNone() {
        K3dProviderFactory f = new K3dProviderFactory();
        for (String address : List.of("::1", "::", "2001:db8::5", "::ffff:127.0.0.1")) {
            assertThatThrownBy(() -> f.create(Map.of("api-listen-address", address))).as(address)
                    .hasMessage("k3d setting api-listen-address '" + address + "' is an IPv6 address, which k3d's "
                            + "--api-port does not take; allowed: an IPv4 address such as 127.0.0.1 or 0.0.0.0")
                    .isInstanceOfSatisfying(InvalidSettingException.class,
                            e -> assertThat(e.key()).isEqualTo("api-listen-address"))
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
        }
        assertThat(f.create(Map.of("api-listen-address", "0.0.0.0", "listen-address", "::")).id()).isEqualTo("k3d");
    }

    /**
     * k3d v5.7.4 refuses a {@code --k3s-arg} without a node filter whenever the cluster has more than one node, and
     * envctl's clusters always have their load balancer besides the server: "K3sExtraArg '--disable=traefik' lacks a
     * node filter, but there's more than one node"; refused before anything is made.
     */
    @Test
    void aK3sArgWithoutANodeFilterIsRefusedAsK3dTakesNone() {
        K3dProviderFactory f = new K3dProviderFactory();
        for (String args : List.of("--disable=traefik", "--disable=traefik@server:* --tls-san=a.example",
                "--disable=traefik@")) {
            assertThatThrownBy(() -> f.create(Map.of("k3s-args", args))).as(args)
                    .hasMessageStartingWith("k3d setting k3s-args '")
                    .hasMessageEndingWith("' has no node filter, which k3d needs (the load balancer is a node too); "
                            + "allowed: ARG@NODEFILTER such as --disable=traefik@server:*")
                    .isInstanceOfSatisfying(InvalidSettingException.class,
                            e -> assertThat(e.key()).isEqualTo("k3s-args"))
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
        }
        assertThat(f.create(Map.of("k3s-args", "--disable=traefik@server:* --tls-san=a,b@server:0")).id())
                .isEqualTo("k3d");
    }

    /** A bad value of each setting. */
    private static final Map<String, String> BAD = Map.of("binary", " ", "docker-binary", "", "network", "bad name",
            "listen-address", "localhost", "api-listen-address", "x", "timeout", "soon", "wait", "yes", "servers", "0",
            "agents", "-1", "image", "a b");

    @Test
    void aBadValueSaysWhichSettingItIsAbout() {
        K3dProviderFactory f = new K3dProviderFactory();
        BAD.forEach((key, value) -> assertThatThrownBy(() -> f.create(Map.of(key, value))).as(key)
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.key()).isEqualTo(key)));
    }

    @Test
    void aBadValueSaysWhatIsWrongWithItAlsoWithoutNamingTheSetting() {
        K3dProviderFactory f = new K3dProviderFactory();
        BAD.forEach((key, value) -> assertThatThrownBy(() -> f.create(Map.of(key, value))).as(key)
                .hasMessageStartingWith("k3d setting " + key + " ")
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.problem()).hasValueSatisfying(
                        p -> assertThat(p).startsWith(value.isBlank() ? "the value is empty; give a command name"
                                : "'" + value + "' ").doesNotContain("setting"))));
    }

    @Test
    void aRefusedNetworkNameIsQuotedWithoutControlCharacters() {
        assertThatThrownBy(() -> new K3dProviderFactory().create(Map.of("network", "k3d\u001b[2J")))
                .hasMessage("k3d setting network 'k3d?[2J' is not a Docker network name; allowed: letters, digits, "
                        + "'_', '.', '-', starting with a letter or digit");
    }
}
