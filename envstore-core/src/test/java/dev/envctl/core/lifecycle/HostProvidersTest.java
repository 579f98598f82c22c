package dev.envctl.core.lifecycle;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterProviderFactory;
import dev.envctl.core.spi.InvalidSettingException;
import dev.envctl.core.testing.ScriptedClusterProvider;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostProvidersTest {

    /** A factory that, as k3d's, takes no IPv6 address for its API. */
    private static final ClusterProviderFactory IPV4_API_ONLY = new ClusterProviderFactory() {
        @Override
        public String id() {
            return "k3d";
        }

        @Override
        public Set<String> settingKeys() {
            return Set.of(HostProviders.API_LISTEN_ADDRESS);
        }

        @Override
        public ClusterProvider create(Map<String, String> settings) {
            String address = settings.getOrDefault(HostProviders.API_LISTEN_ADDRESS, "127.0.0.1");
            if (address.contains(":")) {
                throw new InvalidSettingException(HostProviders.API_LISTEN_ADDRESS, "k3d setting api-listen-address '"
                        + address + "' is an IPv6 address, which k3d's --api-port does not take; allowed: an IPv4 "
                        + "address such as 127.0.0.1 or 0.0.0.0", "'" + address + "' is an IPv6 address, which k3d's "
                        + "--api-port does not take; allowed: an IPv4 address such as 127.0.0.1 or 0.0.0.0", null);
            }
            return new ScriptedClusterProvider("k3d");
        }
    };

    /**
     * Records name their provider by id, so an engine given a map whose key is not its provider's id would run
     * another provider for them (records of provider kind would run k3d): refused as the builder refuses it.
     */
    @Test
    void aProviderMapWhoseKeyIsNotItsProvidersIdIsRefused() {
        Map<String, ClusterProvider> wrong = new java.util.TreeMap<>(Map.of("k3d", new ScriptedClusterProvider("k3d"),
                "kind", new ScriptedClusterProvider("k3d")));
        String message = "provider 'kind' was given an instance of provider 'k3d'; give each instance under its own id";

        assertThatThrownBy(() -> HostProviders.localOnly(wrong)).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT)).hasMessage(message);
        assertThatThrownBy(() -> new LifecycleEngine(new dev.envctl.core.testing.InMemoryEnvironmentStore(),
                new dev.envctl.core.alloc.Allocator(dev.envctl.core.alloc.AllocationPolicy.defaults()), wrong,
                List.of(), EngineOptions.defaults())).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT)).hasMessage(message);
    }

    /**
     * A host's address is passed to its providers as the API's address; one a provider refuses is reported as the
     * host's, which the user gave with {@code host add --address}, not as a setting the user never wrote.
     */
    @Test
    void aHostAddressAProviderRefusesIsReportedAsTheHostsAddress() {
        HostProviders providers = HostProviders.fromFactories(PluginRegistry.of(List.of(), List.of(IPV4_API_ONLY),
                List.of()), Map.of(), Map.of());
        Host v6 = new Host("two", "tcp://two.example:2375", "2001:db8::5", Map.of(), null);

        assertThatThrownBy(() -> providers.get("k3d", v6))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                // what the setting allows (0.0.0.0) is no advice for a host's address, which host add refuses
                .hasMessage("the k3d provider cannot use host two's address (envctl host add --address): "
                        + "'2001:db8::5' is an IPv6 address, which k3d's --api-port does not take; on host two use "
                        + "another provider, or remove the host and add it again with an address the k3d provider "
                        + "takes");
        assertThat(providers.get("k3d", new Host("three", "tcp://three.example:2375", "192.0.2.7", Map.of(), null)))
                .isNotNull();
    }
}
