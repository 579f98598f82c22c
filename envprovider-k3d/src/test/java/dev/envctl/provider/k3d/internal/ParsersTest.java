package dev.envctl.provider.k3d.internal;

import dev.envctl.core.spi.ClusterStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The small readers behind the provider: kill timeout, k3d's version and cluster list. */
class ParsersTest {

    @Test
    void createIsKilledAtTheTimeoutPlusAtMostThirtySeconds() {
        assertThat(K3dSettings.createKillTimeout(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(4));
        assertThat(K3dSettings.createKillTimeout(Duration.ofSeconds(300))).isEqualTo(Duration.ofSeconds(330));
    }

    @Test
    void versionIsReadFromJsonOrFromText() {
        assertThat(K3dVersion.fromJson("{\"k3d\":\"v5.8.3\",\"k3s\":\"v1.31.5-k3s1\"}")).contains("v5.8.3");
        assertThat(K3dVersion.fromJson("Error: unknown shorthand flag: 'o' in -o")).isEmpty();
        assertThat(K3dVersion.fromJson("{\"k3s\":\"v1.31.5-k3s1\"}")).isEmpty();
        assertThat(K3dVersion.fromText("k3d version v5.4.9\nk3s version v1.25.7-k3s1 (default)\n"))
                .isEqualTo(Optional.of("v5.4.9"));
        assertThat(K3dVersion.fromText("k3s version v1.25.7-k3s1 (default)")).isEmpty();
    }

    @Test
    void aClusterRunsWhenEveryNodeRunsAndCountsDecideWithoutNodes() {
        String json = "[{\"name\":\"a\",\"nodes\":[{\"role\":\"server\",\"State\":{\"Running\":true}},"
                + "{\"role\":\"loadbalancer\",\"State\":{\"Running\":false}}],\"serversRunning\":1,\"serversCount\":1,"
                + "\"agentsRunning\":0,\"agentsCount\":0},"
                + "{\"name\":\"b\",\"serversRunning\":2,\"serversCount\":2,\"agentsRunning\":1,\"agentsCount\":1}]";
        assertThat(K3dClusterList.parse("k3d", json)).containsExactly(
                new ClusterStatus("a", "k3d", false, "servers 1/1, agents 0/0"),
                new ClusterStatus("b", "k3d", true, "servers 2/2, agents 1/1"));
        assertThat(K3dClusterList.parse("k3d", "[]")).isEmpty();
        assertThatThrownBy(() -> K3dClusterList.parse("k3d", "[{\"nodes\":[]}]")).hasMessageContaining("no name");
        assertThatThrownBy(() -> K3dClusterList.parse("k3d", "")).hasMessageContaining("expected a JSON array");
    }
}
