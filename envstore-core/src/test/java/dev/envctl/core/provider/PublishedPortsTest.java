package dev.envctl.core.provider;

import dev.envctl.core.PortRole;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading {@code docker port}'s lines as Docker 20.10 to 27 print them. */
class PublishedPortsTest {
    @Test
    void containerPorts80And443And6443AreHttpHttpsAndApiTheFirstAddressWinning() {
        List<String> k3dLoadBalancer = List.of("443/tcp -> 0.0.0.0:18443", "443/tcp -> :::18443",
                "6443/tcp -> 127.0.0.1:26999", "80/tcp -> 0.0.0.0:18080", "80/tcp -> [::]:18080");

        assertThat(PublishedPorts.parse(k3dLoadBalancer)).isEqualTo(Map.of(PortRole.HTTP, 18080, PortRole.HTTPS,
                18443, PortRole.API, 26999));
    }

    @Test
    void otherPortsUdpAndNoiseAreNotRoles() {
        assertThat(PublishedPorts.parse(List.of("30080/tcp -> 0.0.0.0:30080", "80/udp -> 0.0.0.0:18080",
                "Error: No public port '80/tcp' published for x", ""))).isEmpty();
    }
}
