package dev.envctl.provider.kind.internal;

import dev.envctl.core.spi.ClusterStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The small readers behind the provider: kind's version, cluster names and node states. */
class ParsersTest {

    @Test
    void versionIsReadFromTheFullOrTheQuietForm() {
        assertThat(KindVersion.parse("kind v0.27.0 go1.23.4 linux/amd64\n")).contains("v0.27.0");
        assertThat(KindVersion.parse("kind v0.30.0-alpha.12+0123456789abcd go1.24.1 darwin/arm64"))
                .contains("v0.30.0-alpha.12+0123456789abcd");
        assertThat(KindVersion.parse("0.27.0\n")).contains("v0.27.0");
        assertThat(KindVersion.parse("Usage: kind [command]")).isEmpty();
    }

    @Test
    void namesSkipTheNoneFoundMessageAndRejectOtherText() {
        assertThat(KindClusterList.names(List.of("dev", "uat", ""))).containsExactly("dev", "uat");
        assertThat(KindClusterList.names(List.of("No kind clusters found."))).isEmpty();
        assertThatThrownBy(() -> KindClusterList.names(List.of("ERROR: failed to list clusters")))
                .hasMessageContaining("line 'ERROR: failed to list clusters' is not a cluster name");
    }

    @Test
    void aClusterRunsWhenItHasNodesAndAllRun() {
        List<String> ps = List.of("ha running", "ha running", "ha exited", "dev running", "");
        assertThat(KindClusterList.statuses("kind", List.of("dev", "ha", "gone"), ps)).containsExactly(
                new ClusterStatus("dev", "kind", true, "nodes 1/1 running").withNodes(0, 0),
                new ClusterStatus("ha", "kind", false, "nodes 2/3 running").withNodes(0, 0),
                new ClusterStatus("gone", "kind", false, "nodes 0/0 running").withNodes(0, 0));
        assertThatThrownBy(() -> KindClusterList.statuses("kind", List.of("dev"), List.of("dev")))
                .hasMessageContaining("is not 'CLUSTER STATE ROLE'");
        assertThatThrownBy(() -> KindClusterList.statuses("kind", List.of("dev"), List.of("dev running worker x")))
                .hasMessageContaining("is not 'CLUSTER STATE ROLE'");
    }

    /** Lines as docker printed them for kind v0.24.0 clusters, after {@code docker rm -f q-n2-control-plane}. */
    @Test
    void controlPlaneAndWorkerNodesAreCountedByTheirRoleLabel() {
        List<String> ps = List.of("ha running external-load-balancer", "ha running control-plane",
                "ha exited control-plane", "ha running worker", "ha running worker", "q-n2 running worker");
        assertThat(KindClusterList.statuses("kind", List.of("ha", "q-n2"), ps)).containsExactly(
                new ClusterStatus("ha", "kind", false, "nodes 4/5 running").withNodes(2, 2),
                new ClusterStatus("q-n2", "kind", true, "nodes 1/1 running").withNodes(0, 1));
    }
}
