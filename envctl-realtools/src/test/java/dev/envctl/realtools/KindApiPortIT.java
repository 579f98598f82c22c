package dev.envctl.realtools;

import dev.envctl.core.PortRole;
import dev.envctl.provider.kind.KindProviderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API port of a kind cluster of several control-plane nodes, as envctl reads it to adopt a cluster: kind
 * v0.24.0 publishes the configured {@code apiServerPort} on its external load balancer, and the API container port
 * of each control-plane node on 127.0.0.1 at a port it picks itself. The nodes are kind's own, left by a create
 * with {@code --retain} that stops where the minimal node images end (joining the second control-plane node);
 * what they publish is set when Docker makes them. Where no registry answers, kind's load balancer image
 * ({@code kindest/haproxy}, looked up by that exact name) is a local stand-in made for this test and removed after
 * it.
 */
@ExtendWith(RealToolsExtension.class)
class KindApiPortIT {
    private static final String HAPROXY = "kindest/haproxy:v20230606-42a2262b";

    @Test
    void theApiPortOfSeveralControlPlaneNodesIsTheOneTheLoadBalancerPublishes(Sandbox s) {
        boolean madeHaproxy = s.tool("docker", "image", "inspect", HAPROXY).exit() != 0
                && s.tool("docker", "pull", HAPROXY).exit() != 0 && s.machine.fakeImages();
        if (madeHaproxy) {
            String container = s.lines("docker", "create", "envctl-fake/k3d-tools:" + Machine.FAKE_TAG).get(0);
            s.lines("docker", "commit", "--change", "ENTRYPOINT [\"/bin/sh\", \"-c\", \"trap '' HUP; trap 'exit 0' "
                    + "TERM INT; while :; do sleep 1; done\"]", container, HAPROXY);
            s.lines("docker", "rm", container);
        }
        try {
            String name = s.name("ha");
            Sandbox.write(s.dir.resolve("kind.yaml"), String.join("\n", "kind: Cluster",
                    "apiVersion: kind.x-k8s.io/v1alpha4", "networking:", "  apiServerAddress: 127.0.0.1",
                    "  apiServerPort: 27631", "nodes:", "- role: control-plane", "  extraPortMappings:",
                    "  - containerPort: 80", "    hostPort: 28131", "  - containerPort: 443", "    hostPort: 28531",
                    "- role: control-plane", ""));
            s.tool("kind", "create", "cluster", "--name", name, "--image", s.machine.kindImage, "--retain",
                    "--config", s.dir.resolve("kind.yaml").toString());
            assertThat(s.published(name + "-external-load-balancer", 6443)).containsExactly("127.0.0.1:27631");
            assertThat(s.published(name + "-control-plane", 6443)).singleElement().asString()
                    .startsWith("127.0.0.1:").isNotEqualTo("127.0.0.1:27631");

            Map<String, String> environment = new HashMap<>(System.getenv());
            environment.putAll(s.env);
            Map<PortRole, Integer> ports = new KindProviderFactory().create(Map.of("timeout", "60s"), environment)
                    .publishedPorts(name);

            assertThat(ports).isEqualTo(Map.of(PortRole.HTTP, 28131, PortRole.HTTPS, 28531, PortRole.API, 27631));
            assertThat(s.tool("kind", "delete", "cluster", "--name", name).exit()).isZero();
            assertThat(s.leftovers(name)).isEmpty();
        } finally {
            if (madeHaproxy) {
                Shell.run(List.of("docker", "rmi", "-f", HAPROXY), Map.of(), Duration.ofSeconds(60));
            }
        }
    }
}
