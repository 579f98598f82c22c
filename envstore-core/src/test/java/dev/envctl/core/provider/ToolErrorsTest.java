package dev.envctl.core.provider;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.envctl.core.testing.StandInTools.realOutputLines;
import static org.assertj.core.api.Assertions.assertThat;

/** What a failed tool's error keeps of its stderr, on the real tools' output. */
class ToolErrorsTest {

    @Test
    void k3dsErrorLinesAreKeptAsTheirMessagesWithoutItsTimeAndLevel() {
        assertThat(ToolErrors.summary(realOutputLines("k3d-v5.7.4/create-held-port.stderr"))).isEqualTo(
                "Failed Cluster Start: Failed to add one or more helper nodes: runtime failed to start node "
                        + "'k3d-hb-p1-serverlb': docker failed to start container for node 'k3d-hb-p1-serverlb': Error "
                        + "response from daemon: driver failed programming external connectivity on endpoint "
                        + "k3d-hb-p1-serverlb (8b805d42fee9e7a0c199d429185e25b4587a9a7ff44ad50ad78f37e93630e063): Error "
                        + "starting userland proxy: listen tcp4 0.0.0.0:28091: bind: address already in use | Failed to "
                        + "create cluster >>> Rolling Back | Cluster creation FAILED, all changes have been rolled back!");
        assertThat(HeldPorts.takenPort(ToolErrors.summary(realOutputLines("k3d-v5.7.4/create-held-port.stderr"))))
                .contains(28091);
    }

    @Test
    void ofManyK3dErrorLinesTheFirstTwoAndTheLastAreKept() {
        assertThat(ToolErrors.summary(realOutputLines("k3d-v5.7.4/create-missing-image.stderr"))).isEqualTo(
                "failed Cluster Creation: failed setup of server/agent node k3d-hb-p3-server-0: failed to create "
                        + "node: runtime failed to create node 'k3d-hb-p3-server-0': failed to create container for "
                        + "node 'k3d-hb-p3-server-0': docker failed to pull image 'envctl-fake/k3s:hb-missing': docker "
                        + "failed to pull the image 'envctl-fake/k3s:hb-missing': Error response from daemon: Get "
                        + "\"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io on "
                        + "10.255.255.53:53: no such host | Failed to create cluster >>> Rolling Back | ... | Cluster "
                        + "creation FAILED, all changes have been rolled back!");
    }

    @Test
    void k3dsWarningLinesAreLeftOut() {
        assertThat(ToolErrors.summary(realOutputLines("k3d-v5.7.4/start-network-gone.stderr"))).isEqualTo(
                "Failed to run tools container for cluster 'hb-s1' | failed to gather info about cluster "
                        + "environment: failed to run k3d-tools node for cluster 'hb-s1': failed to start node "
                        + "'k3d-hb-s1-tools': runtime failed to start node 'k3d-hb-s1-tools': docker failed to start "
                        + "container for node 'k3d-hb-s1-tools': Error response from daemon: network hb-net not found");
        assertThat(ToolErrors.summary(List.of("WARN[0000] No node filter specified",
                "ERRO[0001] Failed Cluster Start: boom", "FATA[0001] Cluster creation FAILED")))
                .isEqualTo("Failed Cluster Start: boom | Cluster creation FAILED");
    }

    @Test
    void kindsErrorLineAndWhatFollowsItAreKept() {
        assertThat(ToolErrors.summary(realOutputLines("kind-v0.24.0/create-held-port.stderr"))).isEqualTo(
                "ERROR: failed to create cluster: command \"docker run --name hb-k1-control-plane --hostname "
                        + "hb-k1-control-plane --label io.x-k8s.kind.role=control-plane --privileged --security-opt "
                        + "seccomp=unconfined --security-opt apparmor=unconfined --tmpfs /tmp --tmpfs /run --volume "
                        + "/var --volume /lib/modules:/lib/modules:ro -e KIND_EXPERIMENTAL_CONTAINERD_SNAPSHOTTER "
                        + "--detach --tty --label io.x-k8s.kind.cluster=hb-k1 --net kind --restart=on-failure:1 "
                        + "--init=false --cgroupns=private --publish=0.0.0.0:28091:80/TCP "
                        + "--publish=127.0.0.1:26994:6443/TCP -e KUBECONFIG=/etc/kubernetes/admin.conf "
                        + "envctl-fake/kind-node:hb\" failed with error: exit status 125 | Command Output: "
                        + "b82eb1dc8eb693daa5cb39135dd974526a1bed9e751d651c834075917b54d528 | docker: Error response "
                        + "from daemon: driver failed programming external connectivity on endpoint "
                        + "hb-k1-control-plane (656398eadb5018db7742f85b32d5d1897b3ac9d24c1642394640717ee1c668b0): "
                        + "Error starting userland proxy: listen tcp4 0.0.0.0:28091: bind: address already in use | "
                        + "Run 'docker run --help' for more information");
        assertThat(ToolErrors.summary(realOutputLines("kind-v0.24.0/create-missing-image.stderr"))).isEqualTo(
                "ERROR: failed to create cluster: failed to pull image \"envctl-fake/kind-node:hb-missing\": "
                        + "command \"docker pull envctl-fake/kind-node:hb-missing\" failed with error: exit status 1 "
                        + "| Command Output: Error response from daemon: Get \"https://registry-1.docker.io/v2/\": "
                        + "dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host");
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

        assertThat(ToolErrors.summary(stderr)).isEqualTo("ERROR: failed to create cluster: command \"docker run "
                + "--name q-f2-control-plane ... envctl-fake/kind-node:explore\" failed with error: exit status 125 | "
                + "Command Output: 5d2447b5a83e388aed7f4a284078e70060d3b2131b01589da75822071a6c47e2 | docker: Error "
                + "response from daemon: driver failed programming external connectivity on endpoint "
                + "q-f2-control-plane (9e9a): Error starting userland proxy: listen tcp4 0.0.0.0:20191: bind: address already in use | "
                + "Run 'docker run --help' for more information");
        assertThat(ToolErrors.summary(List.of("ERROR: failed to init node with kubeadm: exit status 1",
                "Command Output: I0101 one", "two", "", "three", "four", "five")))
                .isEqualTo("ERROR: failed to init node with kubeadm: exit status 1 | ... | two | three | four | five");
        assertThat(ToolErrors.summary(List.of("a", "", "b", "c", "d", "e", "f", "")))
                .isEqualTo("b | c | d | e | f");
    }
}
