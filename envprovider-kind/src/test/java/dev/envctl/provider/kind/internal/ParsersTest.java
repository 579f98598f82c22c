package dev.envctl.provider.kind.internal;

import dev.envctl.core.spi.ClusterStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The small readers behind the provider: kind's version, cluster names, node states and error output. */
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
    void anErrorSummaryKeepsKindsErrorLineAndTheEndOfWhatFollowsItWithoutBlankLines() {
        List<String> stderr = List.of("Creating cluster \"q-f2\" ...",
                " ✗ Preparing nodes 📦 ",
                "Deleted nodes: [\"q-f2-control-plane\"]",
                "ERROR: failed to create cluster: command \"docker run --name q-f2-control-plane ... "
                        + "envctl-fake/kind-node:explore\" failed with error: exit status 125",
                "",
                "Command Output: 5d2447b5a83e388aed7f4a284078e70060d3b2131b01589da75822071a6c47e2",
                "docker: Error response from daemon: driver failed programming external connectivity on endpoint "
                        + "q-f2-control-plane (9e9a): Error starting userland proxy: listen tcp4 0.0.0.0:20191: bind: "
                        + "address already in use",
                "",
                "Run 'docker run --help' for more information");

        assertThat(KindOutput.errorSummary(stderr)).isEqualTo("ERROR: failed to create cluster: command \"docker run "
                + "--name q-f2-control-plane ... envctl-fake/kind-node:explore\" failed with error: exit status 125 | "
                + "Command Output: 5d2447b5a83e388aed7f4a284078e70060d3b2131b01589da75822071a6c47e2 | docker: Error "
                + "response from daemon: driver failed programming external connectivity on endpoint "
                + "q-f2-control-plane (9e9a): Error starting userland proxy: listen tcp4 0.0.0.0:20191: bind: address already in use | "
                + "Run 'docker run --help' for more information");
        assertThat(KindOutput.errorSummary(List.of("ERROR: failed to init node with kubeadm: exit status 1",
                "Command Output: I0101 one", "two", "", "three", "four", "five")))
                .isEqualTo("ERROR: failed to init node with kubeadm: exit status 1 | ... | two | three | four | five");
        assertThat(KindOutput.errorSummary(List.of("a", "", "b", "c", "d", "e", "f", "")))
                .isEqualTo("b | c | d | e | f");
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
