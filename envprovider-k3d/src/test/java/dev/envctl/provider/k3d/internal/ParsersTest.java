package dev.envctl.provider.k3d.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.ClusterStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

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
                new ClusterStatus("a", "k3d", false, "servers 1/1, agents 0/0").withNodes(1, 0),
                new ClusterStatus("b", "k3d", true, "servers 2/2, agents 1/1").withNodes(2, 1));
        assertThat(K3dClusterList.parse("k3d", "[]")).isEmpty();
        assertThatThrownBy(() -> K3dClusterList.parse("k3d", "[{\"nodes\":[]}]")).hasMessageContaining("no name");
        assertThatThrownBy(() -> K3dClusterList.parse("k3d", "")).hasMessageContaining("expected a JSON array");
    }

    @Test
    void versionJsonNeedsAnObjectWithANonBlankStringK3d() {
        assertThat(K3dVersion.fromJson("{\"k3d\":\"v5.7.4\",\"k3s\":\"v1.30.4-k3s1\"}")).contains("v5.7.4");
        assertThat(K3dVersion.fromJson("{\"build\":{\"k3d\":\"v0\",\"tags\":[{}]},\"k3d\":\"v5.7.4\"}"))
                .contains("v5.7.4");
        assertThat(K3dVersion.fromJson("{\"build\":{\"k3d\":\"v5.7.4\"}}")).isEmpty();
        assertThat(K3dVersion.fromJson("{\"k3d\":\"\"}")).isEmpty();
        assertThat(K3dVersion.fromJson("{\"k3d\":\"  \"}")).isEmpty();
        assertThat(K3dVersion.fromJson("{\"k3d\":5}")).isEmpty();
        assertThat(K3dVersion.fromJson("[]")).isEmpty();
        assertThat(K3dVersion.fromJson("[{\"k3d\":\"v5.7.4\"}]")).isEmpty();
        assertThat(K3dVersion.fromJson("{\"k3d\":\"v5.7.4\",")).isEmpty();
        assertThat(K3dVersion.fromJson("k3d version v5.7.4")).isEmpty();
        assertThat(K3dVersion.fromJson("")).isEmpty();
    }

    @Test
    void fieldsOtherThanTheOnesReadAreSkippedWhateverTheyHold() {
        String json = "[" + k3dCluster("dev", true) + "," + k3dCluster("lb-down", false) + "]";

        assertThat(K3dClusterList.parse("k3d", json)).containsExactly(
                new ClusterStatus("dev", "k3d", true, "servers 1/1, agents 0/0").withNodes(1, 0),
                new ClusterStatus("lb-down", "k3d", false, "servers 1/1, agents 0/0").withNodes(1, 0));
    }

    /**
     * A cluster as k3d 5 lists it, with a server and a load balancer node. After the fields that count come
     * nested decoys: a network's name, a node list in {@code kubeAPI}, and in each node and its {@code State} a
     * {@code Running} that says the opposite.
     */
    private static String k3dCluster(String name, boolean lbRunning) {
        return """
                {"name":"%1$s","network":{"name":"k3d-%1$s","ipam":{"ipPrefix":"172.18.0.0/16","ipsUsed":[]}},
                "nodes":[%2$s,%3$s],"InitNode":null,
                "kubeAPI":{"Binding":{"HostIp":"0.0.0.0","HostPort":"6550"},"Port":"6443/tcp","nodes":[{}]},
                "volumes":["k3d-%1$s-images"],"serversRunning":1,"serversCount":1,"agentsRunning":0,"agentsCount":0,
                "hasLoadbalancer":true}""".formatted(name, k3dNode(name + "-server-0", "server", true),
                k3dNode(name + "-serverlb", "loadbalancer", lbRunning));
    }

    private static String k3dNode(String name, String role, boolean running) {
        return """
                {"name":"k3d-%1$s","role":"%2$s","State":{"Running":%3$b,"Health":{"Running":%4$b},"Status":""},
                "volumes":["k3d-images:/k3d/images"],
                "portMappings":{"6443/tcp":[{"HostIp":"0.0.0.0","HostPort":"6550"}]},
                "runtimeLabels":{"app":"k3d"},"serverOpts":{"kubeAPI":null},"IP":{"IP":"172.18.0.2","Static":false},
                "decoy":[{"State":{"Running":%4$b}},[["State"]]]}""".formatted(name, role, running, !running);
    }

    /**
     * k3d v5.7.4 after {@code docker rm -f k3d-dev-serverlb}: it lists the cluster with its server alone, running,
     * and the counts 1/1, as for a whole cluster; only the server's label {@code k3d.server.loadbalancer} says that
     * the cluster was made with a load balancer, the node that publishes the http, https and API ports. A cluster
     * made without one ({@code k3d cluster create --no-lb}) has that label empty and lacks nothing.
     */
    @Test
    void aClusterWhoseLoadBalancerWasRemovedLacksIt() {
        String counts = "\"serversRunning\":1,\"serversCount\":1,\"agentsRunning\":0,\"agentsCount\":0}";
        String json = "[{\"name\":\"dev\",\"nodes\":[{\"name\":\"k3d-dev-server-0\",\"role\":\"server\","
                + "\"runtimeLabels\":{\"k3d.cluster\":\"dev\",\"k3d.role\":\"server\","
                + "\"k3d.server.loadbalancer\":\"k3d-dev-serverlb\"},\"State\":{\"Running\":true}}]," + counts
                + ",{\"name\":\"nolb\",\"nodes\":[{\"name\":\"k3d-nolb-server-0\",\"role\":\"server\","
                + "\"runtimeLabels\":{\"k3d.cluster\":\"nolb\",\"k3d.role\":\"server\","
                + "\"k3d.server.loadbalancer\":\"\"},"
                + "\"State\":{\"Running\":true}}]," + counts + ","
                + k3dCluster("whole", true).replace("{\"app\":\"k3d\"}",
                "{\"k3d.server.loadbalancer\":\"k3d-whole-serverlb\"}") + "]";

        assertThat(K3dClusterList.parse("k3d", json)).containsExactly(
                new ClusterStatus("dev", "k3d", true, "servers 1/1, agents 0/0").withNodes(1, 0)
                        .withLacking("its load balancer k3d-dev-serverlb"),
                new ClusterStatus("nolb", "k3d", true, "servers 1/1, agents 0/0").withNodes(1, 0),
                new ClusterStatus("whole", "k3d", true, "servers 1/1, agents 0/0").withNodes(1, 0));
    }

    @Test
    void aNodeRunsOnlyWhenItsStateSaysRunningTrue() {
        String counts = "\"serversRunning\":1,\"serversCount\":1,\"agentsRunning\":0,\"agentsCount\":0}";
        String json = "[{\"name\":\"no-state\",\"nodes\":[{\"State\":{\"Running\":true}},{\"role\":\"loadbalancer\"}],"
                + counts + ",{\"name\":\"yes\",\"nodes\":[{\"State\":{\"Running\":\"yes\"}}]," + counts
                + ",{\"name\":\"no-running\",\"nodes\":[{\"State\":{\"Status\":\"running\"}}]," + counts
                + ",{\"name\":\"all\",\"nodes\":[{\"State\":{\"Running\":true}},{\"State\":{\"Running\":true}}],"
                + "\"serversRunning\":0,\"serversCount\":1}]";

        assertThat(K3dClusterList.parse("k3d", json)).extracting(ClusterStatus::name, ClusterStatus::running)
                .containsExactly(tuple("no-state", false), tuple("yes", false), tuple("no-running", false),
                        tuple("all", true));
    }

    @Test
    void anEmptyOrMissingNodeListLeavesItToTheCounts() {
        String json = "[{\"name\":\"a\",\"nodes\":[],\"serversRunning\":1,\"serversCount\":1,\"agentsRunning\":2,"
                + "\"agentsCount\":2},{\"name\":\"b\",\"nodes\":[],\"serversRunning\":1,\"serversCount\":1,"
                + "\"agentsRunning\":1,\"agentsCount\":2},{\"name\":\"c\",\"nodes\":null,\"serversRunning\":0,"
                + "\"serversCount\":0,\"agentsRunning\":0,\"agentsCount\":0},{\"name\":\"d\"},{\"name\":\"e\","
                + "\"nodes\":{\"server-0\":{\"State\":{\"Running\":true}}},\"serversRunning\":0,\"serversCount\":1}]";

        assertThat(K3dClusterList.parse("k3d", json)).containsExactly(
                new ClusterStatus("a", "k3d", true, "servers 1/1, agents 2/2").withNodes(1, 2),
                new ClusterStatus("b", "k3d", false, "servers 1/1, agents 1/2").withNodes(1, 2),
                new ClusterStatus("c", "k3d", false, "servers 0/0, agents 0/0").withNodes(0, 0),
                new ClusterStatus("d", "k3d", false, "servers 0/0, agents 0/0").withNodes(0, 0),
                new ClusterStatus("e", "k3d", false, "servers 0/1, agents 0/0").withNodes(1, 0));
    }

    @Test
    void textThatIsNoArrayOfNamedClustersIsAProviderFailure() {
        assertThat(listFailure("[{\"name\":\"dev\",\"nodes\":[")).hasMessageContaining("(Unexpected end-of-input")
                .hasMessageContaining("it began: [{\"name\":\"dev\",\"nodes\":[; check that the k3d binary is k3d 5");
        assertThat(listFailure("Error: unknown shorthand flag: 'o' in -o"))
                .hasMessageContaining("(Unrecognized token 'Error'");
        assertThat(listFailure("[{\"name\":\"dev\" \"nodes\":[]}]")).hasMessageContaining("(Unexpected character");
        assertThat(listFailure("{\"name\":\"dev\",\"nodes\":[]}")).hasMessageContaining("(expected a JSON array)");
        assertThat(listFailure("\"dev\"")).hasMessageContaining("(expected a JSON array)");
        assertThat(listFailure("[{\"name\":\"dev\"},{\"name\":\"\"}]")).hasMessageContaining("(a cluster has no name)");
        assertThat(listFailure("[{\"name\":\"dev\"},[\"x\"]]")).hasMessageContaining("(a cluster has no name)");
        assertThat(listFailure("[{\"name\":{\"first\":\"dev\"}}]")).hasMessageContaining("(a cluster has no name)");
        // a syntax error anywhere wins over what the text holds before it
        assertThat(listFailure("[{\"nodes\":[]},{\"name\":")).hasMessageContaining("(Unexpected end-of-input");
        assertThat(listFailure("{\"name\":\"dev\"")).hasMessageContaining("(Unexpected end-of-input");
        assertThat(listFailure("\"dev")).hasMessageContaining("(Unexpected end-of-input");
    }

    /** What k3d v5.7.4 listed after {@code docker rm -f k3d-q-n1-server-0} (node fields abridged, token left out). */
    @Test
    void aClusterWhoseServerContainerWasRemovedListsNoServerThoughItsLoadBalancerRuns() {
        String json = "[{\"name\":\"q-n1\",\"network\":{\"name\":\"k3d-q-n1\",\"id\":\"\"},\"nodes\":[{"
                + "\"name\":\"k3d-q-n1-serverlb\",\"role\":\"loadbalancer\",\"runtimeLabels\":{\"k3d.cluster\":"
                + "\"q-n1\",\"k3d.cluster.url\":\"https://k3d-q-n1-server-0:6443\",\"k3d.role\":\"loadbalancer\"},"
                + "\"State\":{\"Running\":true,\"Status\":\"running\",\"Started\":\"\"}}],\"InitNode\":null,"
                + "\"imageVolume\":\"k3d-q-n1-images\",\"serversRunning\":0,\"serversCount\":0,\"agentsRunning\":0,"
                + "\"agentsCount\":0,\"hasLoadbalancer\":true}]";

        assertThat(K3dClusterList.parse("k3d", json)).containsExactly(
                new ClusterStatus("q-n1", "k3d", true, "servers 0/0, agents 0/0").withNodes(0, 0));
    }

    @Test
    void nothingAfterTheArrayIsRead() {
        assertThat(K3dClusterList.parse("k3d", "[{\"name\":\"dev\"}]\nWARN[0000] a line after the JSON"))
                .containsExactly(new ClusterStatus("dev", "k3d", false, "servers 0/0, agents 0/0").withNodes(0, 0));
    }

    private static EnvctlException listFailure(String json) {
        EnvctlException e = catchThrowableOfType(EnvctlException.class, () -> K3dClusterList.parse("k3d", json));
        assertThat(e).as("the failure reading %s", json).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED);
        assertThat(e).hasMessageStartingWith("could not read the output of 'k3d cluster list -o json' (");
        return e;
    }
}
