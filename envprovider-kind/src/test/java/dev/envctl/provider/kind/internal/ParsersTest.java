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
    void aClusterIsListedWhileANodeExistsAndRunsWhenAllItsNodesRun() {
        List<String> ps = List.of("ha running", "ha running", "ha exited", "dev running", "", "gone exited");
        assertThat(KindClusterList.statuses("kind", ps)).containsExactly(
                new ClusterStatus("dev", "kind", true, "nodes 1/1 running").withNodes(0, 0),
                new ClusterStatus("gone", "kind", false, "nodes 0/1 running").withNodes(0, 0),
                new ClusterStatus("ha", "kind", false, "nodes 2/3 running").withNodes(0, 0));
        assertThat(KindClusterList.statuses("kind", List.of())).isEmpty();
    }

    @Test
    void aContainerWithAnEmptyClusterLabelIsNoClusterAndOtherTextIsRefused() {
        // docker prints an empty label as nothing: kind's own listing skips such a container
        assertThat(KindClusterList.statuses("kind", List.of(" running control-plane", "dev running control-plane ")))
                .containsExactly(new ClusterStatus("dev", "kind", true, "nodes 1/1 running").withNodes(1, 0));
        assertThatThrownBy(() -> KindClusterList.statuses("kind", List.of("dev")))
                .hasMessageContaining("is not 'CLUSTER STATE ROLE'");
        assertThatThrownBy(() -> KindClusterList.statuses("kind", List.of("dev running worker x")))
                .hasMessageContaining("is not 'CLUSTER STATE ROLE'");
        assertThatThrownBy(() -> KindClusterList.statuses("kind", List.of("Dev_1 running worker")))
                .hasMessage("could not read the node states from docker ps: line 'Dev_1 running worker' does not "
                        + "start with a kind cluster name");
    }

    /**
     * kind v0.24.0 takes any name of {@code ^[a-z0-9.-]+$} ({@code kind create cluster --name test-} makes
     * {@code test--control-plane}): a cluster made by hand under such a name is listed, not an error that stops every
     * listing, and so every create, of kind clusters.
     */
    @Test
    void aClusterWhoseNameKindTakesButEnvctlDoesNotIsListed() {
        List<String> ps = List.of("test- running control-plane", "v1. exited control-plane", "dev running control-plane");
        assertThat(KindClusterList.statuses("kind", ps)).containsExactly(
                new ClusterStatus("dev", "kind", true, "nodes 1/1 running").withNodes(1, 0),
                new ClusterStatus("test-", "kind", true, "nodes 1/1 running").withNodes(1, 0),
                new ClusterStatus("v1.", "kind", false, "nodes 0/1 running").withNodes(1, 0));
    }

    /** Lines as docker printed them for kind v0.24.0 clusters, after {@code docker rm -f q-n2-control-plane}. */
    @Test
    void controlPlaneAndWorkerNodesAreCountedByTheirRoleLabel() {
        List<String> ps = List.of("ha running external-load-balancer", "ha running control-plane",
                "ha exited control-plane", "ha running worker", "ha running worker", "q-n2 running worker");
        assertThat(KindClusterList.statuses("kind", ps)).containsExactly(
                new ClusterStatus("ha", "kind", false, "nodes 4/5 running").withNodes(2, 2),
                new ClusterStatus("q-n2", "kind", true, "nodes 1/1 running").withNodes(0, 1));
    }
}
