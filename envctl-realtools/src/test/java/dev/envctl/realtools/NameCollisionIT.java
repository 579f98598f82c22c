package dev.envctl.realtools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.HostPorts;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.provider.k3d.K3dProviderFactory;
import dev.envctl.provider.kind.KindProviderFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A provider asked to create a cluster that already exists leaves it and its network as they are: the providers
 * do not list before they create, and rely on the real tools refusing an existing name before they make
 * anything, with the messages they recognise.
 */
@ExtendWith(RealToolsExtension.class)
class NameCollisionIT {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d,10.230.9.0/24", "kind,10.230.10.0/24"})
    void aSecondCreateOfTheSameClusterRemovesNothing(String providerId, String subnet, Sandbox s) {
        String name = s.name("twice");
        Shell.Result created = s.envctl("create", name, "--provider", providerId, "--subnet", subnet);
        assertThat(created.exit()).as(created.toString()).isZero();
        JsonNode e = s.get(name);
        JsonNode ports = e.get("ports");
        Environment again = new Environment(name, providerId, Cidr.parse(subnet), new HostPorts(
                ports.get("http").asInt(), ports.get("https").asInt(), ports.get("pf").asInt(),
                ports.get("api").asInt()), ports.get("node").asInt(), Map.of(), Map.of(), DesiredState.PRESENT,
                ActualState.CREATING, null, Instant.now(), Instant.now(), 1);
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(s.env);
        ClusterProvider provider = providerId.equals("k3d")
                ? new K3dProviderFactory().create(Map.of("image", s.machine.k3dImage, "timeout", "120s"), environment)
                : new KindProviderFactory().create(Map.of("image", s.machine.kindImage, "timeout", "120s"),
                environment);

        assertThatThrownBy(() -> provider.create(again, ProgressListener.NONE))
                .isInstanceOf(EnvctlException.class)
                .hasMessageContaining("existed before, so envctl removed nothing");

        String network = providerId.equals("k3d") ? "k3d-" + name : "kind-" + name + "-net";
        assertThat(s.lines("docker", "network", "inspect", "--format",
                "{{range .IPAM.Config}}{{.Subnet}}{{end}}", network)).containsExactly(subnet);
        assertThat(provider.list()).anySatisfy(c -> {
            assertThat(c.name()).isEqualTo(name);
            assertThat(c.running()).isTrue();
        });
        Shell.Result deleted = s.envctl("delete", name);
        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }
}
