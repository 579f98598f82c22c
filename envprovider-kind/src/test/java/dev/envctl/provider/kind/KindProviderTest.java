package dev.envctl.provider.kind;

import dev.envctl.core.testing.RecordingProgress;
import dev.envctl.core.testing.StandInTools;
import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.PortRole;
import dev.envctl.core.exec.CommandFailedException;
import dev.envctl.core.spi.ClusterProvider.OptionChange;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.PlannedCommand;
import dev.envctl.core.spi.PrerequisiteCheck;
import dev.envctl.core.provider.DockerNetworks;
import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/** The kind provider driving stand-in kind and docker executables; asserts the exact commands and config. */
class KindProviderTest {
    private static final Instant T = Instant.parse("2026-11-26T08:00:00Z");
    private static final Cidr SUBNET = Cidr.parse("10.102.0.0/16");
    private static final String NETWORK_VARIABLE = "KIND_EXPERIMENTAL_DOCKER_NETWORK";
    private static final String CONFIG = """
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
            """;

    @TempDir
    Path dir;

    private StandInTools tools;
    private KindProvider provider;
    private String kind;
    private String docker;

    @BeforeEach
    void standIns() {
        tools = new StandInTools(dir, "kind", "docker");
        provider = provider(Map.of());
        kind = tools.tool("kind").toString();
        docker = tools.tool("docker").toString();
    }

    private KindProvider provider(Map<String, String> settings) {
        return new KindProviderFactory().create(settings, tools.environment());
    }

    static Environment env(String name, Cidr subnet, Map<String, String> options) {
        return new Environment(name, "kind", subnet, new HostPorts(18091, 18444, 19002, 26443), 30080, Map.of(),
                options, DesiredState.PRESENT, ActualState.CREATING, null, T, T, 1);
    }

    private List<String> createArgv(String name) {
        return List.of(kind, "create", "cluster", "--name", name, "--config", "-");
    }

    @Test
    void createWithoutSubnetPassesTheGeneratedConfigOnStdinAndUsesKindsSharedNetwork() {
        Environment dev = env("dev", null, Map.of());

        provider.create(dev, ProgressListener.NONE);

        List<String> mark = List.of(docker, "exec", "dev-control-plane", "sh", "-c", ": > /kind/envctl-created");
        assertThat(tools.calls()).containsExactly(
                List.of("kind", "create", "cluster", "--name", "dev", "--config", "-"),
                List.of("docker", "exec", "dev-control-plane", "sh", "-c", ": > /kind/envctl-created"));
        assertThat(tools.argv("kind")).containsExactly(createArgv("dev"));
        assertThat(provider.createFinished(dev)).isTrue();
        assertThat(tools.read("kind-create.stdin")).isEqualTo(CONFIG);
        assertThat(provider.renderConfig(dev)).isEqualTo(CONFIG);
        assertThat(tools.environmentLog()).containsExactly("kind " + NETWORK_VARIABLE + "=");
        assertThat(provider.createEnvironment(dev)).isEqualTo(Map.of(NETWORK_VARIABLE, ""));
        assertThat(provider.planCreate(dev)).containsExactly(
                new PlannedCommand(createArgv("dev"), Map.of(NETWORK_VARIABLE, ""), CONFIG), PlannedCommand.of(mark));
        assertThat(provider.list()).containsExactly(new ClusterStatus("dev", "kind", true, "nodes 1/1 running")
                .withNodes(1, 0));
        assertThat(tools.calls()).endsWith(List.of("docker", "ps", "-a", "--filter", "label=io.x-k8s.kind.cluster",
                "--format", "{{.Label \"io.x-k8s.kind.cluster\"}} {{.State}} {{.Label \"io.x-k8s.kind.role\"}}"));
    }

    @Test
    void createWithSubnetPreCreatesTheNetworkPointsKindAtItAndDeleteRemovesIt() {
        Environment sub = env("sub", SUBNET, Map.of());
        List<String> network = List.of(docker, "network", "create", "--subnet", "10.102.0.0/16", "--gateway",
                "10.102.0.1", "--label", "dev.envctl.environment=sub", "kind-sub-net");

        provider.create(sub, ProgressListener.NONE);

        List<String> mark = List.of(docker, "exec", "sub-control-plane", "sh", "-c", ": > /kind/envctl-created");
        assertThat(tools.calls()).extracting(c -> c.get(0) + " " + c.get(1)).containsExactly("docker network",
                "kind create", "docker exec");
        assertThat(tools.argv("docker")).containsExactly(network, mark);
        assertThat(tools.environmentLog()).last().isEqualTo("kind " + NETWORK_VARIABLE + "=kind-sub-net");
        assertThat(provider.createEnvironment(sub)).isEqualTo(Map.of(NETWORK_VARIABLE, "kind-sub-net"));
        assertThat(provider.planCreate(sub)).containsExactly(PlannedCommand.of(network),
                new PlannedCommand(createArgv("sub"), Map.of(NETWORK_VARIABLE, "kind-sub-net"), provider.renderConfig(sub)),
                PlannedCommand.of(mark));
        assertThat(tools.read("networks/kind-sub-net")).startsWith("10.102.0.0/16\n");

        List<PlannedCommand> plan = provider.planDelete(sub);
        tools.forgetCalls();
        provider.delete(sub, ProgressListener.NONE);

        List<List<String>> deleted = List.of(List.of(kind, "delete", "cluster", "--name", "sub"),
                List.of(docker, "network", "rm", "kind-sub-net"));
        assertThat(tools.calls()).extracting(c -> c.get(0)).containsExactly("kind", "docker", "docker");
        assertThat(tools.argv("kind")).containsExactly(deleted.get(0));
        assertThat(tools.argv("docker")).containsExactly(List.of(docker, "network", "ls", "--filter",
                "label=dev.envctl.environment=sub", "--format", "{{.Name}}"), deleted.get(1));
        assertThat(plan).containsExactly(PlannedCommand.of(deleted.get(0)), PlannedCommand.of(deleted.get(1)));
        assertThat(tools.has("networks/kind-sub-net")).isFalse();
        assertThat(provider.list()).isEmpty();
    }

    @Test
    void listenAddressAndImageComeFromSettingsAndTheImageOptionOverridesThem() {
        KindProvider p = provider(Map.of("listen-address", "127.0.0.1", "image", "kindest/node:v1.31.4"));
        Environment e = env("img", null, Map.of("image", "kindest/node:v1.32.2"));

        p.create(e, ProgressListener.NONE);

        assertThat(tools.read("kind-create.stdin")).isEqualTo("""
                kind: Cluster
                apiVersion: kind.x-k8s.io/v1alpha4
                networking:
                  apiServerAddress: 127.0.0.1
                  apiServerPort: 26443
                nodes:
                - role: control-plane
                  image: kindest/node:v1.32.2
                  extraPortMappings:
                  - containerPort: 80
                    hostPort: 18091
                    listenAddress: 127.0.0.1
                    protocol: TCP
                  - containerPort: 443
                    hostPort: 18444
                    listenAddress: 127.0.0.1
                    protocol: TCP
                """);
        assertThat(p.renderConfig(env("other", null, Map.of()))).contains("  image: kindest/node:v1.31.4\n");
    }

    @Test
    void serversAndAgentsOptionsBecomeControlPlaneAndWorkerNodesWithThePortsOnTheFirst() {
        Environment ha = env("ha", null, Map.of("servers", "3", "agents", "1", "image", "kindest/node:v1.32.2"));

        assertThat(provider.renderConfig(ha)).isEqualTo("""
                kind: Cluster
                apiVersion: kind.x-k8s.io/v1alpha4
                networking:
                  apiServerAddress: 127.0.0.1
                  apiServerPort: 26443
                nodes:
                - role: control-plane
                  image: kindest/node:v1.32.2
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
                  image: kindest/node:v1.32.2
                - role: control-plane
                  image: kindest/node:v1.32.2
                - role: worker
                  image: kindest/node:v1.32.2
                """);
    }

    @Test
    void nameCollisionSurfacesTheToolsErrorAndLeavesTheExistingClusterAndNetwork() {
        provider.create(env("dev", SUBNET, Map.of()), ProgressListener.NONE);
        tools.forgetCalls();

        assertThatThrownBy(() -> provider.create(env("dev", SUBNET, Map.of()), ProgressListener.NONE))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("ERROR: failed to create cluster: node(s) already exist for a cluster with the "
                        + "name \"dev\"")
                .hasMessageContaining("existed before, so envctl removed nothing")
                .satisfies(e -> assertThat(((EnvctlException) e).exitCode()).isEqualTo(6));
        assertThat(tools.calls()).extracting(c -> String.join(" ", c.subList(0, 3))).containsExactly(
                "docker network create", "docker network inspect", "kind create cluster");
        assertThat(tools.has("kind/dev")).isTrue();
        assertThat(tools.has("networks/kind-dev-net")).isTrue();
    }

    @Test
    void toolFailureMidCreateRemovesTheHalfMadeClusterAndItsNetwork() {
        tools.flag("kind-fail-next-create", "Bind for 0.0.0.0:18091 failed: port is already allocated");

        assertThatThrownBy(() -> provider.create(env("sub", SUBNET, Map.of()), ProgressListener.NONE))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageStartingWith("could not create kind cluster 'sub': ")
                .hasMessageContaining("ERROR: failed to create cluster: failed to init node with kubeadm: Bind for "
                        + "0.0.0.0:18091 failed: port is already allocated")
                .hasMessageContaining("host port 18091 is held by a program on this host that is not a container; "
                        + "choose another port, or leave it out to allocate a free one")
                .hasMessageEndingWith("envctl removed what this create had made")
                .satisfies(e -> {
                    CommandFailedException c = (CommandFailedException) e;
                    assertThat(c.code()).isEqualTo(ErrorCode.PROVIDER_FAILED);
                    assertThat(c.argv()).isEqualTo(createArgv("sub"));
                    assertThat(c.getMessage()).doesNotContain("\n");
                });
        assertThat(tools.calls()).extracting(c -> String.join(" ", c.subList(0, 3))).containsExactly(
                "docker network create", "kind create cluster", "docker ps --filter",
                "kind delete cluster", "docker network rm");
        assertThat(tools.has("kind/sub")).isFalse();
        assertThat(tools.has("networks/kind-sub-net")).isFalse();
    }

    @Test
    void aNodeThatDockerCouldNotRunKeepsKindsErrorLineAndDockersAnswerInTheError() {
        String daemon = "driver failed programming external connectivity on endpoint sub-control-plane "
                + "(9e9ab4e32dbf295dc84ebc6bd36539617f475d67e97b0a0c6c86024e2875a40e): Error starting userland proxy: "
                + "listen tcp4 0.0.0.0:18091: bind: address already in use";
        tools.flag("kind-fail-next-node-run", daemon);

        assertThatThrownBy(() -> provider.create(env("sub", SUBNET, Map.of()), ProgressListener.NONE))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageStartingWith("could not create kind cluster 'sub': " + kind + " create cluster failed "
                        + "with exit code 1: ERROR: failed to create cluster: command \"docker run --name "
                        + "sub-control-plane ")
                .hasMessageContaining("--net kind-sub-net ")
                .hasMessageContaining(" failed with error: exit status 125 | Command Output: 5d2447b5a83e388aed7f4a2"
                        + "84078e70060d3b2131b01589da75822071a6c47e2 | docker: Error response from daemon: " + daemon
                        + " | Run 'docker run --help' for more information; host port 18091 is held by a program on "
                        + "this host that is not a container")
                .hasMessageEndingWith("envctl removed what this create had made")
                .satisfies(e -> {
                    assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("|  |").doesNotContain(": |");
                    assertThat(((CommandFailedException) e).stderrTail())
                            .startsWith("ERROR: failed to create cluster: command \"docker run ")
                            .endsWith("| Run 'docker run --help' for more information");
                });
        assertThat(tools.has("kind/sub")).isFalse();
        assertThat(tools.has("networks/kind-sub-net")).isFalse();
    }

    @Test
    void aSubnetDockerRefusesAsOverlappingNamesTheNetworksItOverlaps() {
        tools.flag("docker-check-overlaps");
        tools.flag("networks/kind", "10.102.0.0/16\n\n10.102.0.1\n");
        tools.flag("networks/big", "10.0.0.0/8\n\n10.0.0.1\n");

        assertThatThrownBy(() -> provider.create(env("sub", SUBNET, Map.of()), ProgressListener.NONE))
                .isInstanceOf(CommandFailedException.class)
                .hasMessage("could not create Docker network kind-sub-net with subnet 10.102.0.0/16 (exit code 1): "
                        + StandInTools.realOutput("docker-20.10/network-create-overlap.stderr").strip()
                        + "; 10.102.0.0/16 overlaps Docker network 'big' (10.0.0.0/8), Docker network 'kind' "
                        + "(10.102.0.0/16)");
        assertThat(tools.argv("kind")).isEmpty();
    }

    @Test
    void whenCleanupFailsTooTheErrorReportsBothAndHowToRemoveTheLeftovers() {
        tools.flag("kind-fail-next-create", "boom");
        tools.flag("kind-fail-delete");
        tools.flag("docker-fail-network-rm");

        assertThatThrownBy(() -> provider.create(env("sub", SUBNET, Map.of()), ProgressListener.NONE))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("failed to init node with kubeadm: boom")
                .hasMessageContaining("cleanup failed too: ")
                .hasMessageContaining("ERROR: failed to delete cluster \"sub\": failed to delete nodes")
                .hasMessageContaining("has active endpoints")
                .hasMessageEndingWith("remove the leftovers by hand: kind delete cluster --name sub && docker network "
                        + "rm kind-sub-net")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(2));
        assertThat(provider.list()).containsExactly(new ClusterStatus("sub", "kind", false, "nodes 0/1 running")
                .withNodes(1, 0));
    }

    @Test
    void aHangingCreateIsKilledAtTheTimeoutAndCleanedUp() {
        KindProvider p = provider(Map.of("timeout", "3s"));
        tools.flag("kind-hang-next-create");

        assertThatThrownBy(() -> p.create(env("slow", null, Map.of()), ProgressListener.NONE))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("timed out after 3 s and was killed")
                .hasMessageEndingWith("envctl removed what this create had made")
                .satisfies(e -> assertThat(((CommandFailedException) e).timedOut()).isTrue());

        long pid = Long.parseLong(tools.read("kind-hang.pid").strip());
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
        assertThat(tools.calls()).contains(List.of("kind", "delete", "cluster", "--name", "slow"));
        assertThat(p.list()).isEmpty();
    }

    @Test
    void aMissingBinaryIsAProviderErrorNamingItAndHowToInstallIt(@TempDir Path empty) {
        KindProvider p = new KindProviderFactory().create(Map.of(), Map.of("PATH", empty.toString()));

        assertThatThrownBy(() -> p.create(env("dev", null, Map.of()), ProgressListener.NONE))
                .isInstanceOf(EnvctlException.class)
                .hasMessage("kind not found: no executable 'kind' on PATH; install it (https://kind.sigs.k8s.io/docs/"
                        + "user/quick-start/#installation) or set the kind provider setting 'binary' to its path")
                .satisfies(e -> assertThat(((EnvctlException) e).exitCode()).isEqualTo(6));
        assertThatThrownBy(p::version).hasMessageStartingWith("kind not found");
        assertThat(p.checkPrerequisites()).extracting(PrerequisiteCheck::name, PrerequisiteCheck::status)
                .containsExactly(tuple("kind", PrerequisiteCheck.Status.FAIL),
                        tuple("docker", PrerequisiteCheck.Status.FAIL));
        assertThat(p.checkTool()).as("what a create checks before it records").singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(PrerequisiteCheck.Status.FAIL))
                .satisfies(c -> assertThat(c.detail()).startsWith("kind not found: no executable 'kind' on PATH"));
        assertThat(provider(Map.of()).checkTool()).extracting(PrerequisiteCheck::status)
                .containsExactly(PrerequisiteCheck.Status.PASS);

        KindProvider noDocker = provider(Map.of("docker-binary", "/opt/none/docker"));
        assertThatThrownBy(() -> noDocker.create(env("sub", SUBNET, Map.of()), ProgressListener.NONE))
                .hasMessageStartingWith("/opt/none/docker not found: '/opt/none/docker' does not exist or is not "
                        + "executable")
                .hasMessageContaining("setting 'docker-binary'");
        assertThat(tools.calls()).isEmpty();
    }

    @Test
    void unparsableListOutputIsAProviderError() {
        tools.flag("kind-list-garbage", "Cannot connect to the Docker daemon\n");

        assertThatThrownBy(provider::list)
                .isInstanceOf(EnvctlException.class)
                .hasMessage("could not read the node states from docker ps: line 'Cannot connect to the Docker "
                        + "daemon' is not 'CLUSTER STATE ROLE'")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.PROVIDER_FAILED));
    }

    @Test
    void stopAndStartAreDockerStopAndStartOfTheNodesLabelledWithTheCluster() {
        provider.create(env("dev", null, Map.of()), ProgressListener.NONE);
        tools.forgetCalls();

        provider.stop(env("dev", null, Map.of()), ProgressListener.NONE);
        assertThat(provider.list()).extracting(ClusterStatus::running).containsExactly(false);
        provider.start(env("dev", null, Map.of()), ProgressListener.NONE);

        assertThat(provider.list()).extracting(ClusterStatus::running).containsExactly(true);
        assertThat(tools.argv("docker")).contains(
                List.of(docker, "ps", "-aq", "--filter", "label=io.x-k8s.kind.cluster=dev"),
                List.of(docker, "stop", "dev-control-plane"), List.of(docker, "start", "dev-control-plane"));
        assertThatThrownBy(() -> provider.stop(env("ghost", null, Map.of()), ProgressListener.NONE))
                .hasMessageContaining("no kind node containers found for cluster 'ghost'")
                .satisfies(e -> assertThat(((EnvctlException) e).exitCode()).isEqualTo(6));
    }

    /**
     * The ports a kind cluster binds, as envctl adopts a cluster it did not make: the control-plane node publishes
     * the config's http and https mappings and, alone, the API; with several control-plane nodes the API is the
     * port kind's external load balancer publishes, not the one kind picks for each control-plane node. A stopped
     * node still binds them (Docker's configuration of the container).
     */
    @Test
    void publishedPortsAreWhatTheNodesBindRunningOrStopped() {
        provider.create(env("dev", null, Map.of()), ProgressListener.NONE);
        provider.create(new Environment("ha", "kind", null, new HostPorts(18092, 18445, 19003, 26444), 30080,
                Map.of(), Map.of("servers", "3"), DesiredState.PRESENT, ActualState.CREATING, null, T, T, 1),
                ProgressListener.NONE);
        Map<PortRole, Integer> dev = Map.of(PortRole.HTTP, 18091, PortRole.HTTPS, 18444, PortRole.API, 26443);

        assertThat(provider.publishedPorts("dev")).isEqualTo(dev);
        assertThat(provider.publishedPorts("ha")).isEqualTo(Map.of(PortRole.HTTP, 18092, PortRole.HTTPS, 18445,
                PortRole.API, 26444));
        provider.stop(env("dev", null, Map.of()), ProgressListener.NONE);
        assertThat(provider.publishedPorts("dev")).isEqualTo(dev);
        provider.delete(env("dev", null, Map.of()), ProgressListener.NONE);
        assertThatThrownBy(() -> provider.publishedPorts("dev")).hasMessageContaining("No such object: dev-");
    }

    /**
     * In the engine's and k3d's words, so that a progress display can tell the engine's line of the step again;
     * docker's own output, one id a node container it stopped or started, goes on as a tool's output does.
     */
    @Test
    void stopAndStartEachSayTheirStepInTheUsersTermsAndPassOnDockersOutput() {
        provider.create(env("dev", null, Map.of()), ProgressListener.NONE);
        RecordingProgress listener = new RecordingProgress();

        provider.stop(env("dev", null, Map.of()), listener);
        provider.start(env("dev", null, Map.of()), listener);

        assertThat(listener.transcript()).containsExactly("step dev: stopping kind cluster dev",
                "out dev: dev-control-plane", "step dev: starting kind cluster dev", "out dev: dev-control-plane");
    }

    @Test
    void aClusterWhoseWorkerContainerWasRemovedStillListsRunningButLacksTheWorkerItsRecordAsksFor() {
        Environment dev = env("dev", null, Map.of("agents", "1"));
        provider.create(dev, ProgressListener.NONE);
        ClusterStatus whole = provider.list().get(0);
        tools.flag("kind-nodes/dev", "control-plane\n"); // docker rm -f dev-worker

        ClusterStatus noWorker = provider.list().get(0);

        assertThat(whole).isEqualTo(new ClusterStatus("dev", "kind", true, "nodes 2/2 running").withNodes(1, 1));
        assertThat(provider.missingNodes(dev, whole)).isEmpty();
        assertThat(noWorker).isEqualTo(new ClusterStatus("dev", "kind", true, "nodes 1/1 running").withNodes(1, 0));
        assertThat(provider.missingNodes(dev, noWorker))
                .contains("kind lists 0 of the 1 worker nodes its record asks for");
        tools.flag("kind-nodes/dev", "worker\n"); // docker rm -f dev-control-plane
        assertThat(provider.missingNodes(dev, provider.list().get(0)))
                .contains("kind lists 0 of the 1 control-plane nodes its record asks for");
    }

    @Test
    void aStartRefusedForATakenHostPortSaysWhoHoldsItAndWhatToDo() {
        provider.create(env("dev", null, Map.of()), ProgressListener.NONE);
        provider.stop(env("dev", null, Map.of()), ProgressListener.NONE);
        tools.flag("docker-fail-next-start", "driver failed programming external connectivity on endpoint "
                + "dev-control-plane: Bind for 0.0.0.0:18080 failed: port is already allocated");

        assertThatThrownBy(() -> provider.start(env("dev", null, Map.of()), ProgressListener.NONE))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED);
                    assertThat(e.argv()).containsExactly(docker, "start", "dev-control-plane");
                })
                .hasMessageContaining("Bind for 0.0.0.0:18080 failed: port is already allocated")
                // not create's advice: a stopped cluster's containers publish the ports they were made with
                .hasMessageContaining("; host port 18080 is held by a program on this host that is not a container: "
                        + "stop what holds it and start again, or give the environment other ports")
                .hasMessageNotContaining("leave it out");
    }

    @Test
    void aStartRefusedBecauseTheClustersOwnNetworkIsGoneSaysSoAndWhatToDo() throws Exception {
        provider.create(env("dev", SUBNET, Map.of()), ProgressListener.NONE);
        provider.stop(env("dev", SUBNET, Map.of()), ProgressListener.NONE);
        ProcessBuilder rm = new ProcessBuilder(tools.tool("docker").toString(), "network", "rm", "kind-dev-net");
        rm.environment().putAll(tools.environment());
        assertThat(rm.start().waitFor()).isZero();
        // what Docker 20.10 says when it starts a container whose network was removed
        tools.flag("docker-fail-next-start", "network ec32366d8a0f not found");

        assertThatThrownBy(() -> provider.start(env("dev", SUBNET, Map.of()), ProgressListener.NONE))
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.PROVIDER_FAILED))
                .hasMessageContaining("network ec32366d8a0f not found")
                .hasMessageEndingWith("; its Docker network kind-dev-net is gone (removed while the cluster was "
                        + "stopped), and Docker cannot start containers whose network was removed: delete the "
                        + "environment and create it again");
    }

    @Test
    void theApiServerListensWhereTheSettingSays() {
        assertThat(provider(Map.of("api-listen-address", "0.0.0.0")).renderConfig(env("dev", null, Map.of())))
                .contains("networking:\n  apiServerAddress: 0.0.0.0\n  apiServerPort: 26443\n");
    }

    @Test
    void aDeleteThatFoundTheKubeconfigLockedByAnotherKindIsRunAgain() {
        provider.create(env("dev", null, Map.of()), ProgressListener.NONE);
        tools.flag("kind-kubeconfig-locked", "2");
        tools.forgetCalls();

        provider.delete(env("dev", null, Map.of()), ProgressListener.NONE);

        assertThat(tools.argv("kind")).containsExactly(List.of(kind, "delete", "cluster", "--name", "dev"),
                List.of(kind, "delete", "cluster", "--name", "dev"), List.of(kind, "delete", "cluster", "--name", "dev"));
        assertThat(provider.list()).isEmpty();

        tools.flag("kind-kubeconfig-locked", "99");
        assertThatThrownBy(() -> provider.delete(env("dev", null, Map.of()), ProgressListener.NONE))
                .hasMessageContaining("failed to lock config file");
    }

    @Test
    void deleteLeavesANetworkOfItsNameThatEnvctlDidNotMakeForIt() {
        RecordingProgress listener = new RecordingProgress();
        tools.flag("networks/kind-sub-net", "10.160.0.0/24\n\n10.160.0.1\n");
        assertThatThrownBy(() -> provider.create(env("sub", SUBNET, Map.of()), ProgressListener.NONE))
                .hasMessageContaining("Docker network kind-sub-net exists already");

        List<PlannedCommand> plan = provider.planDelete(env("sub", SUBNET, Map.of()));
        provider.delete(env("sub", SUBNET, Map.of()), listener);

        assertThat(tools.read("networks/kind-sub-net")).isEqualTo("10.160.0.0/24\n\n10.160.0.1\n");
        assertThat(tools.calls()).noneMatch(c -> c.containsAll(List.of("network", "rm")));
        assertThat(plan).noneMatch(c -> c.argv().containsAll(List.of("network", "rm")));
        assertThat(listener.steps()).contains("leaving Docker network kind-sub-net alone: it has subnet 10.160.0.0/24 gateway "
                + "10.160.0.1, not 10.102.0.0/16 with a gateway, and envctl did not make it for sub");
    }

    @Test
    void deleteAndItsPlanLeaveANetworkOfItsSubnetWithoutAGatewayThatTheCreateRefused() {
        RecordingProgress listener = new RecordingProgress();
        tools.flag("networks/kind-sub-net", "10.102.0.0/16\n\n\n");
        Environment sub = env("sub", SUBNET, Map.of());
        assertThatThrownBy(() -> provider.create(sub, ProgressListener.NONE)).hasMessageContaining(
                "Docker network kind-sub-net exists already with subnet 10.102.0.0/16 (no gateway)");

        List<PlannedCommand> plan = provider.planDelete(sub);
        provider.delete(sub, listener);

        assertThat(tools.read("networks/kind-sub-net")).isEqualTo("10.102.0.0/16\n\n\n");
        assertThat(tools.calls()).noneMatch(c -> c.containsAll(List.of("network", "rm")));
        assertThat(plan).noneMatch(c -> c.argv().containsAll(List.of("network", "rm")));
        assertThat(listener.steps()).contains("leaving Docker network kind-sub-net alone: it has subnet 10.102.0.0/16 "
                + "(no gateway), not 10.102.0.0/16 with a gateway, and envctl did not make it for sub");
    }

    @Test
    void deleteRemovesANetworkOfItsNameWithExactlyItsSubnetThatTheKindlerScriptsMade() {
        tools.flag("networks/kind-sub-net", "10.102.0.0/16\n\n10.102.0.1\n");

        List<PlannedCommand> plan = provider.planDelete(env("sub", SUBNET, Map.of()));
        provider.delete(env("sub", SUBNET, Map.of()), ProgressListener.NONE);

        assertThat(plan).contains(PlannedCommand.of(List.of(docker, "network", "rm", "kind-sub-net")));
        assertThat(tools.has("networks/kind-sub-net")).isFalse();
    }

    @Test
    void deleteRemovesANetworkAnOlderEnvctlMadeWithoutAGateway() {
        tools.flag("networks/kind-sub-net", "10.102.0.0/16\ndev.envctl.environment=sub\n\n");

        List<PlannedCommand> plan = provider.planDelete(env("sub", SUBNET, Map.of()));
        provider.delete(env("sub", SUBNET, Map.of()), ProgressListener.NONE);

        assertThat(plan).contains(PlannedCommand.of(List.of(docker, "network", "rm", "kind-sub-net")));
        assertThat(tools.has("networks/kind-sub-net")).isFalse();
    }

    @Test
    void aCreateStoppedHalfWayLeavesRunningNodesWithoutTheFinishedMark() throws Exception {
        Environment dev = env("dev", null, Map.of());
        tools.flag("kind-hang-next-create");
        Thread create = new Thread(() -> {
            try {
                provider.create(dev, ProgressListener.NONE);
            } catch (RuntimeException e) {
                // ended by the interrupt below
            }
        });
        create.start();
        while (!tools.has("kind-hang.pid")) {
            Thread.sleep(20);
        }

        assertThat(provider.list()).containsExactly(new ClusterStatus("dev", "kind", true, "nodes 1/1 running")
                .withNodes(1, 0));
        assertThat(provider.createFinished(dev)).isFalse();
        ProcessHandle.of(Long.parseLong(tools.read("kind-hang.pid").strip())).ifPresent(ProcessHandle::destroy);
        create.join(30_000);
        provider.delete(dev, ProgressListener.NONE);
        assertThat(provider.createFinished(dev)).isFalse();
    }

    @Test
    void deleteOfAMissingClusterSucceeds() {
        provider.delete(env("ghost", SUBNET, Map.of()), ProgressListener.NONE);

        assertThat(tools.calls()).containsExactly(List.of("kind", "delete", "cluster", "--name", "ghost"),
                List.of("docker", "network", "ls", "--filter", "label=dev.envctl.environment=ghost", "--format",
                        "{{.Name}}"),
                List.of("docker", "network", "inspect", "--format", DockerNetworks.SUBNETS_TEMPLATE, "kind-ghost-net"));
    }

    @Test
    void listingIsOneDockerQueryOfKindsNodeContainersAsKindItselfMakes() {
        assertThat(provider.list()).isEmpty();
        provider.create(env("dev", null, Map.of()), ProgressListener.NONE);
        tools.forgetCalls();

        assertThat(provider.list()).extracting(ClusterStatus::name, ClusterStatus::running)
                .containsExactly(tuple("dev", true));
        assertThat(tools.calls()).containsExactly(List.of("docker", "ps", "-a", "--filter",
                "label=io.x-k8s.kind.cluster", "--format",
                "{{.Label \"io.x-k8s.kind.cluster\"}} {{.State}} {{.Label \"io.x-k8s.kind.role\"}}"));
    }

    @Test
    void versionAndPrerequisites() {
        assertThat(provider.version()).isEqualTo("v0.24.0");
        assertThat(provider.checkPrerequisites()).containsExactly(
                PrerequisiteCheck.pass("kind", "kind v0.24.0 at " + kind),
                PrerequisiteCheck.pass("docker", "Docker 20.10.24+dfsg1 answers (docker info)"));

        tools.flag("docker-down");
        assertThat(provider.checkPrerequisites().get(1)).satisfies(c -> {
            assertThat(c.status()).isEqualTo(PrerequisiteCheck.Status.FAIL);
            assertThat(c.detail()).contains("Cannot connect to the Docker daemon");
        });
    }

    @Test
    void progressReceivesStepsAndKindsStderrLines() {
        RecordingProgress listener = new RecordingProgress();
        provider.create(env("dev", null, Map.of()), listener);

        assertThat(listener.transcript()).contains("step dev: creating kind cluster dev",
                "err dev: Creating cluster \"dev\" ...", "err dev:  ✓ Starting control-plane 🕹️",
                "err dev: Set kubectl context to \"kind-dev\"");
    }

    @Test
    void anEnvironmentWithoutAnHttpPortOrWithAnUnknownOptionIsRefusedBeforeAnythingRuns() {
        Environment noHttp = new Environment("old", "kind", null, new HostPorts(null, 18444, 19002, 26443), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.CREATING, null, T, T, 1);
        assertThatThrownBy(() -> provider.create(noHttp, ProgressListener.NONE))
                .hasMessageContaining("environment old has no http port")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
        assertThatThrownBy(() -> provider.planCreate(env("dev", null, Map.of("k3s-args", "--disable=traefik"))))
                .hasMessage("environment dev has option(s) [k3s-args] that kind does not know; allowed: [agents, "
                        + "image, servers, timeout]");
        assertThatThrownBy(() -> provider.planCreate(env("dev", null, Map.of("agents", "x"))))
                .hasMessage("option agents of environment dev 'x' is invalid; allowed: a whole number from 0 to 99");
        assertThat(tools.calls()).isEmpty();
    }

    /** apply's question: the same value written two ways is no change; timeout changes in place. */
    @Test
    void optionChangesAreJudgedByWhatTheyMeanForTheCluster() {
        assertThat(provider.optionChange("agents", "2", "02")).isEqualTo(OptionChange.NONE);
        assertThat(provider.optionChange("timeout", "300s", "5m")).isEqualTo(OptionChange.NONE);
        assertThat(provider.optionChange("timeout", "300s", "10m")).isEqualTo(OptionChange.IN_PLACE);
        assertThat(provider.optionChange("servers", null, "3")).isEqualTo(OptionChange.NEW_CLUSTER);
        assertThat(provider.optionChange("image", "kindest/node:v1.31.0", "kindest/node:v1.32.2"))
                .isEqualTo(OptionChange.NEW_CLUSTER);
    }
}
