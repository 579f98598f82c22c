package dev.envctl.provider.kind.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.HostPorts;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The exact YAML text of the kind cluster config: field order, left-out fields and quoting. */
class KindConfigTest {
    private static final Instant T = Instant.parse("2026-11-26T08:00:00Z");
    private static final Environment ENV = new Environment("dev", "kind", null,
            new HostPorts(18091, 18444, 19002, 26443), 30080, Map.of(), Map.of(), DesiredState.PRESENT,
            ActualState.CREATING, null, T, T, 1);

    @Test
    void oneControlPlaneNodeWithItsImageAndThePortMappings() {
        String image = "registry.local:5000/kindest/node:v1.31.0@sha256:"
                + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

        assertThat(KindConfig.render(ENV, "::1", "0.0.0.0", image, 1, 0)).isEqualTo("""
                kind: Cluster
                apiVersion: kind.x-k8s.io/v1alpha4
                networking:
                  apiServerAddress: 0.0.0.0
                  apiServerPort: 26443
                nodes:
                - role: control-plane
                  image: registry.local:5000/kindest/node:v1.31.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
                  extraPortMappings:
                  - containerPort: 80
                    hostPort: 18091
                    listenAddress: ::1
                    protocol: TCP
                  - containerPort: 443
                    hostPort: 18444
                    listenAddress: ::1
                    protocol: TCP
                """);
    }

    @Test
    void threeServersAndTwoAgentsWithoutAnImage() {
        assertThat(KindConfig.render(ENV, "0.0.0.0", "127.0.0.1", null, 3, 2)).isEqualTo("""
                kind: Cluster
                apiVersion: kind.x-k8s.io/v1alpha4
                networking:
                  apiServerAddress: 127.0.0.1
                  apiServerPort: 26443
                nodes:
                - role: control-plane
                  extraPortMappings:
                  - containerPort: 80
                    hostPort: 18091
                    listenAddress: 0.0.0.0
                    protocol: TCP
                  - containerPort: 443
                    hostPort: 18444
                    listenAddress: 0.0.0.0
                    protocol: TCP
                - role: control-plane
                - role: control-plane
                - role: worker
                - role: worker
                """);
    }

    @Test
    void anImageThatYamlWouldReadAsSomethingElseIsQuoted() {
        assertThat(KindConfig.render(ENV, "0.0.0.0", "127.0.0.1", "yes", 1, 1))
                .contains("""
                        - role: control-plane
                          image: "yes"
                          extraPortMappings:
                        """)
                .endsWith("""
                        - role: worker
                          image: "yes"
                        """);
        assertThat(KindConfig.render(ENV, "0.0.0.0", "127.0.0.1", "null", 1, 0)).contains("\n  image: \"null\"\n");
        assertThat(KindConfig.render(ENV, "0.0.0.0", "127.0.0.1", "#x", 1, 0)).contains("\n  image: \"#x\"\n");
        assertThat(KindConfig.render(ENV, "0.0.0.0", "127.0.0.1", "*x", 1, 0)).contains("\n  image: '*x'\n");
    }
}
