package dev.envctl.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InvariantsTest {

    private static Environment env(String name, HostPorts ports, String subnet) {
        return new Environment(name, "k3d", subnet == null ? null : Cidr.parse(subnet), ports, 30080, Map.of(),
                Map.of(), DesiredState.PRESENT, ActualState.RUNNING, null, Instant.EPOCH, Instant.EPOCH, 1);
    }

    @Test
    void validContentsHaveNoViolations() {
        assertThat(Invariants.violations(List.of(env("a", new HostPorts(1, 2, 3, 4), "10.1.0.0/16"),
                env("b", new HostPorts(5, 6, 7, null), "10.2.0.0/16"), env("c", HostPorts.NONE, null),
                env("d", HostPorts.NONE, null)))).isEmpty();
    }

    @Test
    void reportsDuplicateNamesPortsAcrossRolesAndOverlapsBehindAWideSubnet() {
        List<String> v = Invariants.violations(List.of(env("a", new HostPorts(1, 2, 3, 4), "10.0.0.0/8"),
                env("a", HostPorts.NONE, null), env("b", new HostPorts(null, null, 2, null), "10.200.0.0/16"),
                env("c", HostPorts.NONE, "10.201.0.0/16")));

        assertThat(v).containsExactlyInAnyOrder("name a twice", "port 2 held by a and b",
                "subnet 10.200.0.0/16 of b overlaps 10.0.0.0/8 of a",
                "subnet 10.201.0.0/16 of c overlaps 10.0.0.0/8 of a");
    }
}
