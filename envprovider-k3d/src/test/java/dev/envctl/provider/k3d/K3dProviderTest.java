package dev.envctl.provider.k3d;

import dev.envctl.core.testing.RecordingProgress;
import dev.envctl.core.testing.StandInTools;
import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.exec.CommandFailedException;
import dev.envctl.core.spi.ClusterProvider.OptionChange;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.PlannedCommand;
import dev.envctl.core.spi.PrerequisiteCheck;
import dev.envctl.core.provider.DockerNetworks;
import dev.envctl.core.provider.ToolRunner;
import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The k3d provider driving stand-in k3d and docker executables; asserts the exact commands it runs. */
class K3dProviderTest {
    private static final Instant T = Instant.parse("2026-11-26T08:00:00Z");
    private static final Cidr SUBNET = Cidr.parse("10.101.0.0/16");

    @TempDir
    Path dir;

    private StandInTools tools;
    private K3dProvider provider;
    private String k3d;
    private String docker;

    @BeforeEach
    void standIns() {
        tools = new StandInTools(dir, "k3d", "docker");
        provider = provider(Map.of());
        k3d = tools.tool("k3d").toString();
        docker = tools.tool("docker").toString();
    }

    private K3dProvider provider(Map<String, String> settings) {
        return new K3dProviderFactory().create(settings, tools.environment());
    }

    static Environment env(String name, Cidr subnet, Map<String, String> options) {
        return new Environment(name, "k3d", subnet, new HostPorts(18091, 18444, 19002, 26443), 30080, Map.of(),
                options, DesiredState.PRESENT, ActualState.CREATING, null, T, T, 1);
    }

    private List<String> createArgv(String name, String network) {
        return List.of(k3d, "cluster", "create", name, "--api-port", "127.0.0.1:26443",
                "-p", "0.0.0.0:18091:80@loadbalancer", "-p", "0.0.0.0:18444:443@loadbalancer", "--network", network,
                "--wait", "--timeout", "300s");
    }

    @Test
    void createWithoutSubnetCreatesTheMissingSharedNetworkAndPassesEveryHostPort() {
        provider.create(env("dev", null, Map.of()), ProgressListener.NONE);

        assertThat(tools.calls()).as("inspected again under the lock that creates of the network take")
                .containsExactly(
                List.of("docker", "network", "inspect", "k3d-shared"),
                List.of("docker", "network", "inspect", "k3d-shared"),
                List.of("docker", "network", "create", "k3d-shared"),
                recorded("k3d", createArgv("dev", "k3d-shared")),
                recorded("docker", mark("dev")));
        assertThat(tools.argv("k3d")).containsExactly(createArgv("dev", "k3d-shared"));
        assertThat(tools.environmentLog()).containsExactly("k3d LOG_COLORS=false");
        assertThat(provider.planCreate(env("dev", null, Map.of()))).containsExactly(
                PlannedCommand.of(List.of(docker, "network", "create", "k3d-shared")),
                new PlannedCommand(createArgv("dev", "k3d-shared"), Map.of("LOG_COLORS", "false"), null),
                PlannedCommand.of(mark("dev")));
        assertThat(provider.list()).containsExactly(new ClusterStatus("dev", "k3d", true,
                "servers 1/1, agents 0/0").withNodes(1, 0));
    }

    /**
     * k3d writes no kubeconfig when KUBECONFIG lists several files (it warns and exits 0): it is given the one kubectl
     * and kind write, the first that exists, else the last, and the plan says so.
     */
    @Test
    void aKubeconfigVariableOfSeveralFilesIsNarrowedToTheOneKubectlAndKindWouldWrite() throws Exception {
        Path exists = Files.writeString(dir.resolve("b.yaml"), "");
        String missing = dir.resolve("a.yaml").toString();
        String alsoMissing = dir.resolve("c.yaml").toString();
        Environment dev = env("dev", null, Map.of());

        withKubeconfig(missing + ":" + exists + "::" + exists).create(dev, ProgressListener.NONE);
        assertThat(tools.environmentLog()).containsExactly("k3d LOG_COLORS=false KUBECONFIG=" + exists);
        assertThat(withKubeconfig(missing + ":" + alsoMissing + ":").planDelete(dev)).first().isEqualTo(
                new PlannedCommand(List.of(k3d, "cluster", "delete", "dev"), Map.of("LOG_COLORS", "false",
                        "KUBECONFIG", alsoMissing), null));

        // one file, empty entries and repeats left out, is k3d's own case: nothing is set
        tools.forgetCalls();
        withKubeconfig(":" + missing + ":" + missing).delete(dev, ProgressListener.NONE);
        assertThat(tools.environmentLog()).containsExactly("k3d LOG_COLORS=false KUBECONFIG=:" + missing + ":"
                + missing);
        assertThat(withKubeconfig(missing).planDelete(dev)).first()
                .isEqualTo(new PlannedCommand(List.of(k3d, "cluster", "delete", "dev"), Map.of("LOG_COLORS", "false"),
                        null));
    }

    private K3dProvider withKubeconfig(String kubeconfig) {
        Map<String, String> environment = new java.util.HashMap<>(tools.environment());
        environment.put("KUBECONFIG", kubeconfig);
        return new K3dProviderFactory().create(Map.of(), environment);
    }

    @Test
    void theCreatePlanOfTheSharedNetworkListsTheNetworkCreateTheRunMakesWithTheSameArgvAndAsksNoTool() {
        K3dProvider team = provider(Map.of("network", "team-net"));
        Environment dev = env("dev", null, Map.of());

        List<PlannedCommand> plan = team.planCreate(dev);
        assertThat(tools.calls()).isEmpty();
        team.create(dev, ProgressListener.NONE);

        List<List<String>> dockerRan = tools.argv("docker");
        assertThat(dockerRan.get(0)).isEqualTo(List.of(docker, "network", "inspect", "team-net"));
        assertThat(dockerRan.get(1)).isEqualTo(List.of(docker, "network", "inspect", "team-net"));
        assertThat(plan).extracting(PlannedCommand::argv).containsExactly(dockerRan.get(2), tools.argv("k3d").get(0),
                dockerRan.get(3));
        assertThat(plan.get(0).argv()).isEqualTo(List.of(docker, "network", "create", "team-net"));

        // the network exists now, and the plan, which does not ask Docker, still lists its create
        tools.forgetCalls();
        assertThat(team.planCreate(env("web", null, Map.of())).get(0)).isEqualTo(plan.get(0));
        assertThat(tools.calls()).isEmpty();
    }

    @Test
    void secondCreateReusesTheSharedNetwork() {
        provider.create(env("one", null, Map.of()), ProgressListener.NONE);
        tools.forgetCalls();

        provider.create(env("two", null, Map.of()), ProgressListener.NONE);

        assertThat(tools.calls()).extracting(c -> String.join(" ", c)).containsExactly(
                "docker network inspect k3d-shared", String.join(" ", recorded("k3d", createArgv("two", "k3d-shared"))),
                String.join(" ", recorded("docker", mark("two"))));
    }

    @Test
    void aSharedNetworkCreatedByAnotherProcessMeanwhileIsAccepted() {
        // as `docker network create k3d-shared` makes it: Docker's pool, with a gateway
        tools.flag("networks/k3d-shared", "172.18.0.0/16\n\n172.18.0.1\n");
        tools.flag("docker-inspect-misses", "2"); // both inspects, before the lock and under it

        provider.create(env("dev", null, Map.of()), ProgressListener.NONE);

        assertThat(tools.calls()).extracting(c -> String.join(" ", c)).containsExactly(
                "docker network inspect k3d-shared", "docker network inspect k3d-shared",
                "docker network create k3d-shared",
                String.join(" ", recorded("k3d", createArgv("dev", "k3d-shared"))),
                String.join(" ", recorded("docker", mark("dev"))));
        assertThat(tools.has("k3d/dev")).isTrue();
    }

    /** {@code docker network create k3d-shared} run by hand (no lock), as the stand-in docker answers it: the ID. */
    private String createSharedByHand() {
        return new ToolRunner(tools.environment()).runChecked(List.of(docker, "network", "create", "k3d-shared"),
                Map.of(), null, Duration.ofSeconds(20), "", ProgressListener.NONE).stdoutText().strip();
    }

    /**
     * Two {@code docker network create k3d-shared} at once (k3d or a script run by hand, which take no lock) make two
     * networks of the name under Docker 20.10, which then refuses the name as ambiguous: the next create leaves one,
     * of those without containers the one of the lowest ID, removed by ID, and goes on with it.
     */
    @Test
    void aSecondSharedNetworkOfTheNameIsRemovedByTheNextCreateWhichThenUsesTheOneLeft() {
        tools.flag("docker-racy-network-create");
        String first = createSharedByHand();
        String second = createSharedByHand();
        assertThat(tools.has("network-twins/k3d-shared")).as("the stand-in holds two networks of the name").isTrue();
        String kept = first.compareTo(second) < 0 ? first : second;
        String removed = kept.equals(first) ? second : first;
        tools.forgetCalls();
        RecordingProgress progress = new RecordingProgress();

        provider.create(env("dev", null, Map.of()), progress);

        assertThat(tools.calls()).extracting(c -> String.join(" ", c)).containsExactly(
                "docker network inspect k3d-shared",
                "docker network ls --no-trunc --filter name=k3d-shared --format {{.ID}} {{.Name}}",
                "docker network inspect --format {{.Id}} {{len .Containers}} " + String.join(" ",
                        java.util.stream.Stream.of(first, second).sorted().toList()),
                "docker network rm " + removed,
                String.join(" ", recorded("k3d", createArgv("dev", "k3d-shared"))),
                String.join(" ", recorded("docker", mark("dev"))));
        assertThat(progress.steps()).contains("removing Docker network k3d-shared " + removed.substring(0, 12)
                + ": a second network of that name, made by another create at the same time");
        assertThat(tools.has("network-twins/k3d-shared")).isFalse();
        assertThat(tools.read("networks/k3d-shared").lines().toList()).last().isEqualTo(kept);
        assertThat(provider.list()).extracting(ClusterStatus::name).containsExactly("dev");
    }

    /** Of two networks of the name, the one the running clusters are on is kept, whatever the IDs. */
    @Test
    void ofTwoSharedNetworksOfTheNameTheOneWithContainersIsKept() {
        provider.create(env("old", null, Map.of()), ProgressListener.NONE);
        tools.flag("docker-racy-network-create");
        String second = createSharedByHand();
        tools.forgetCalls();

        provider.create(env("dev", null, Map.of()), ProgressListener.NONE);

        assertThat(tools.calls()).extracting(c -> String.join(" ", c)).contains("docker network rm " + second)
                .filteredOn(c -> c.startsWith("docker network rm")).hasSize(1);
        assertThat(tools.has("network-twins/k3d-shared")).isFalse();
        assertThat(tools.has("networks/k3d-shared")).isTrue();
        assertThat(provider.list()).extracting(ClusterStatus::name).containsExactly("dev", "old");
    }

    /**
     * A shared network made with {@code docker network create --subnet} alone has no gateway (Docker 20.10), which
     * k3d refuses once it has made its tools node: k3d's words reach the user, its rollback leaves no cluster, and
     * the shared network, which is no one environment's, stays.
     */
    @Test
    void aSharedNetworkWithoutAGatewayIsRefusedInK3dsWordsAndStays() {
        tools.flag("networks/k3d-shared", "10.150.0.0/24\n\n\n");

        assertThatThrownBy(() -> provider.create(env("dev", null, Map.of()), ProgressListener.NONE))
                .isInstanceOf(CommandFailedException.class)
                .hasMessage("could not create k3d cluster 'dev': " + k3d + " cluster create failed with exit code 1: "
                        + "failed to gather environment information used for cluster creation: failed to get host IP: "
                        + "runtime failed to get host IP: failed to get gateway IP of docker network 'k3d-shared': no "
                        + "gateway defined for network k3d-shared | Failed to create cluster >>> Rolling Back | Cluster "
                        + "creation FAILED, all changes have been rolled back!; the shared Docker network k3d-shared "
                        + "has no gateway, which k3d needs: once no container uses it, remove it (docker network rm "
                        + "k3d-shared) and the next create makes it with one, or make it again yourself with "
                        + "--gateway; envctl removed what this create had made");
        assertThat(provider.list()).isEmpty();
        assertThat(tools.read("networks/k3d-shared")).isEqualTo("10.150.0.0/24\n\n\n");
    }

    @Test
    void parallelCreatesShareOneNetworkAndEachPassesItsOwnPorts() throws Exception {
        int n = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int port = 20000 + 10 * i;
            Environment e = new Environment("p" + i, "k3d", null, new HostPorts(port, port + 1, port + 2, port + 3),
                    30080, Map.of(), Map.of(), DesiredState.PRESENT, ActualState.CREATING, null, T, T, 1);
            done.add(pool.submit(() -> {
                start.await();
                provider.create(e, ProgressListener.NONE);
                return null;
            }));
        }
        start.countDown();
        for (java.util.concurrent.Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(provider.list()).hasSize(n).allMatch(ClusterStatus::running);
        assertThat(tools.has("networks/k3d-shared")).isTrue();
        List<List<String>> creates = tools.argv("k3d").stream().filter(a -> a.get(2).equals("create")).toList();
        assertThat(creates).hasSize(n);
        for (List<String> argv : creates) {
            int port = 20000 + 10 * Integer.parseInt(argv.get(3).substring(1));
            assertThat(argv.subList(4, 12)).containsExactly("--api-port", "127.0.0.1:" + (port + 3),
                    "-p", "0.0.0.0:" + port + ":80@loadbalancer", "-p", "0.0.0.0:" + (port + 1) + ":443@loadbalancer",
                    "--network", "k3d-shared");
        }
    }

    @Test
    void createWithSubnetMakesADedicatedNetworkThatDeleteRemoves() {
        Environment sub = env("sub", SUBNET, Map.of());
        List<String> network = List.of(docker, "network", "create", "--subnet", "10.101.0.0/16", "--gateway",
                "10.101.0.1", "--label", "dev.envctl.environment=sub", "k3d-sub");

        provider.create(sub, ProgressListener.NONE);

        assertThat(tools.argv("docker")).containsExactly(network, mark("sub"));
        assertThat(tools.argv("k3d")).containsExactly(createArgv("sub", "k3d-sub"));
        assertThat(provider.planCreate(sub)).containsExactly(PlannedCommand.of(network),
                new PlannedCommand(createArgv("sub", "k3d-sub"), Map.of("LOG_COLORS", "false"), null),
                PlannedCommand.of(mark("sub")));
        assertThat(tools.read("networks/k3d-sub")).startsWith("10.101.0.0/16\n");

        List<PlannedCommand> plan = provider.planDelete(sub);
        tools.forgetCalls();
        provider.delete(sub, ProgressListener.NONE);

        List<List<String>> deleted = List.of(List.of(k3d, "cluster", "delete", "sub"),
                List.of(docker, "volume", "rm", "-f", "k3d-sub-images"), List.of(docker, "network", "rm", "k3d-sub"));
        assertThat(plan).containsExactly(
                new PlannedCommand(deleted.get(0), Map.of("LOG_COLORS", "false"), null),
                PlannedCommand.of(deleted.get(1)), PlannedCommand.of(deleted.get(2)));
        assertThat(tools.argv("k3d")).containsExactly(deleted.get(0));
        assertThat(tools.argv("docker")).containsExactly(deleted.get(1), List.of(docker, "network", "ls", "--filter",
                "label=dev.envctl.environment=sub", "--format", "{{.Name}}"), deleted.get(2));
        assertThat(tools.has("networks/k3d-sub")).isFalse();
        assertThat(tools.has("k3d/sub")).isFalse();
    }

    @Test
    void aLeftoverDedicatedNetworkWithTheSameSubnetIsReusedAndOneWithAnotherIsRefused() {
        RecordingProgress listener = new RecordingProgress();
        tools.flag("networks/k3d-sub", "10.101.0.0/16\n\n10.101.0.1\n");
        provider.create(env("sub", SUBNET, Map.of()), listener);
        assertThat(tools.has("k3d/sub")).isTrue();
        assertThat(listener.steps()).contains("reusing Docker network k3d-sub with subnet 10.101.0.0/16")
                .noneMatch(m -> m.startsWith("created Docker network"));

        tools.flag("networks/k3d-other", "10.200.0.0/16\n\n10.200.0.1\n");
        assertThatThrownBy(() -> provider.create(env("other", SUBNET, Map.of()), ProgressListener.NONE))
                .isInstanceOf(EnvctlException.class)
                .hasMessageContaining("Docker network k3d-other exists already with subnet 10.200.0.0/16 gateway "
                        + "10.200.0.1, not subnet 10.101.0.0/16 with a gateway");
        assertThat(tools.calls()).noneMatch(c -> c.equals(List.of("k3d", "cluster", "create", "other")));
        assertThat(tools.has("k3d/other")).isFalse();
    }

    @Test
    void environmentOptionsOverrideTheProviderSettings() {
        K3dProvider p = provider(Map.of("servers", "1", "agents", "1", "image", "rancher/k3s:v1.30.9-k3s1",
                "k3s-args", "--disable=traefik@server:*", "network", "team-net", "timeout", "5m"));
        Environment e = env("big", null, Map.of("servers", "3", "agents", "2",
                "k3s-args", "--disable=servicelb@server:*  --tls-san=a.example,b.example@server:0", "wait", "false"));

        p.create(e, ProgressListener.NONE);

        assertThat(tools.argv("k3d").get(0)).containsExactly(k3d, "cluster", "create", "big", "--api-port",
                "127.0.0.1:26443", "-p", "0.0.0.0:18091:80@loadbalancer", "-p", "0.0.0.0:18444:443@loadbalancer",
                "--network", "team-net",
                "--servers", "3", "--agents", "2", "--image", "rancher/k3s:v1.30.9-k3s1",
                "--k3s-arg", "--disable=servicelb@server:*", "--k3s-arg", "--tls-san=a.example,b.example@server:0",
                "--wait=false", "--timeout", "300s");
        assertThat(p.list()).containsExactly(new ClusterStatus("big", "k3d", true, "servers 3/3, agents 2/2")
                .withNodes(3, 2));
    }

    @Test
    void nameCollisionSurfacesTheToolsErrorAndLeavesTheExistingClusterAndNetwork() {
        provider.create(env("dev", SUBNET, Map.of()), ProgressListener.NONE);
        tools.forgetCalls();

        assertThatThrownBy(() -> provider.create(env("dev", SUBNET, Map.of()), ProgressListener.NONE))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("Failed to create cluster 'dev' because a cluster with that name already exists")
                .hasMessageContaining("existed before, so envctl removed nothing")
                .satisfies(e -> assertThat(((EnvctlException) e).exitCode()).isEqualTo(6));
        assertThat(tools.calls()).extracting(c -> c.get(0) + " " + c.get(1) + " " + c.get(2))
                .containsExactly("docker network create", "docker network inspect", "k3d cluster create",
                        "k3d cluster list");
        assertThat(tools.has("k3d/dev")).isTrue();
        assertThat(tools.has("networks/k3d-dev")).isTrue();
        assertThat(provider.list()).extracting(ClusterStatus::running).containsExactly(true);
    }

    @Test
    void whatACreateKilledEarlyLeftIsRemovedAndTheCreateRunAgain() {
        tools.flag("k3d-leftovers/dev", "");

        provider.create(env("dev", null, Map.of()), ProgressListener.NONE);

        assertThat(tools.calls()).extracting(c -> c.get(0) + " " + c.get(1) + " " + c.get(2))
                .containsExactly("docker network inspect", "docker network inspect", "docker network create",
                        "k3d cluster create", "k3d cluster list", "docker container inspect", "docker info --format",
                        "k3d cluster list", "k3d cluster delete", "docker volume rm", "k3d cluster create", "docker exec k3d-dev-server-0");
        assertThat(tools.has("k3d-leftovers/dev")).isFalse();
        assertThat(provider.list()).extracting(ClusterStatus::name).containsExactly("dev");
    }

    @Test
    void aYoungToolsNodeThatStaysAllThereIsIsRemovedOnceItIsOldEnough() {
        // made a little less than the age that tells leftovers from another program's create in flight
        tools.flag("k3d-leftovers/dev", Instant.now().minus(K3dProvider.LEFTOVERS_AGE).plusSeconds(2).toString());
        RecordingProgress progress = new RecordingProgress();

        provider.create(env("dev", null, Map.of()), progress);

        assertThat(progress.steps()).anyMatch(m -> m.matches("k3d refuses the name dev but lists no such cluster: all "
                + "there is of it is its tools node, made 5[89] s ago; waiting until that is 60 s old, in case another "
                + "program is creating the cluster"));
        assertThat(tools.calls()).extracting(c -> c.get(0) + " " + c.get(1) + " " + c.get(2))
                .contains("k3d cluster delete").containsSubsequence("docker info --format", "docker info --format");
        assertThat(tools.has("k3d-leftovers/dev")).isFalse();
        assertThat(provider.list()).extracting(ClusterStatus::name).containsExactly("dev");
    }

    @Test
    void aYoungToolsNodeWhoseClusterAnotherProgramFinishesMeanwhileIsATakenNameAndNothingIsRemoved()
            throws Exception {
        // the other program's k3d goes on: its server node comes, and k3d lists the cluster
        assertAnotherProgramsCreateIsATakenName(0);
    }

    /**
     * Another program deletes its half-made cluster and creates it again (as a retry does) while envctl waits: its
     * tools node is missing for a moment, then made again, and the cluster is listed. That moment is no sign of a
     * create killed early: nothing of the other program's is removed, and the name is taken.
     */
    @Test
    void aToolsNodeGoneForAMomentWhileAnotherProgramCreatesAgainIsATakenNameAndNothingIsRemoved() throws Exception {
        assertAnotherProgramsCreateIsATakenName(1000);
    }

    /**
     * Another program's create of dev in flight, its tools node made a second ago: 1.5 s in, the tools node goes,
     * and {@code goneMillis} later that program's create makes the cluster; envctl's create meanwhile is refused
     * the name and removes nothing.
     */
    private void assertAnotherProgramsCreateIsATakenName(long goneMillis) throws Exception {
        tools.flag("k3d-leftovers/dev", Instant.now().minusSeconds(1).toString());
        Thread other = new Thread(() -> {
            try {
                Thread.sleep(1500);
                Files.delete(tools.state.resolve("k3d-leftovers/dev"));
                Thread.sleep(goneMillis);
                ProcessBuilder create = new ProcessBuilder(k3d, "cluster", "create", "dev", "--network", "k3d-shared");
                create.environment().putAll(tools.environment());
                create.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
                assertThat(create.start().waitFor()).isZero();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        other.start();

        assertThatThrownBy(() -> provider.create(env("dev", null, Map.of()), ProgressListener.NONE))
                .isInstanceOf(EnvctlException.class)
                .hasMessageContaining("because a cluster with that name already exists")
                .hasMessageContaining("existed before, so envctl removed nothing");
        other.join();

        assertThat(tools.calls()).extracting(c -> c.get(0) + " " + c.get(1) + " " + c.get(2))
                .doesNotContain("k3d cluster delete", "docker volume rm");
        assertThat(provider.list()).extracting(ClusterStatus::name).containsExactly("dev");
    }

    @Test
    void toolFailureMidCreateRemovesTheHalfMadeClusterAndItsNetwork() {
        tools.flag("k3d-fail-next-create", "Error response from daemon: port is already allocated");

        assertThatThrownBy(() -> provider.create(env("sub", SUBNET, Map.of()), ProgressListener.NONE))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageStartingWith("could not create k3d cluster 'sub': ")
                .hasMessageContaining("failed to get ready: Error response from daemon: port is already allocated")
                .hasMessageContaining("Cluster creation FAILED, also FAILED to rollback changes!")
                .hasMessageEndingWith("envctl removed what this create had made")
                .satisfies(e -> {
                    CommandFailedException c = (CommandFailedException) e;
                    assertThat(c.code()).isEqualTo(ErrorCode.PROVIDER_FAILED);
                    assertThat(c.exitValue()).isEqualTo(1);
                    assertThat(c.argv()).isEqualTo(createArgv("sub", "k3d-sub"));
                    assertThat(c.getMessage()).doesNotContain("\n");
                });
        assertThat(tools.calls()).extracting(c -> String.join(" ", c.subList(0, 3))).containsExactly(
                "docker network create", "k3d cluster create", "k3d cluster delete",
                "docker volume rm", "docker network rm");
        assertThat(tools.has("k3d/sub")).isFalse();
        assertThat(tools.has("networks/k3d-sub")).isFalse();
        assertThat(provider.list()).isEmpty();
    }

    @Test
    void aCreateDockerRefusesForAHeldPortCarriesK3dsErrorLinesAndWhoHoldsThePort() {
        tools.flag("k3d-next-create.stdout", StandInTools.realOutput("k3d-v5.7.4/create-held-port.stdout"));
        tools.flag("k3d-next-create.stderr", StandInTools.realOutput("k3d-v5.7.4/create-held-port.stderr"));

        assertThatThrownBy(() -> provider.create(env("sub", SUBNET, Map.of()), ProgressListener.NONE))
                .isInstanceOf(CommandFailedException.class)
                .hasMessage("could not create k3d cluster 'sub': " + k3d + " cluster create failed with exit code 1: "
                        + "Failed Cluster Start: Failed to add one or more helper nodes: runtime failed to start node "
                        + "'k3d-hb-p1-serverlb': docker failed to start container for node 'k3d-hb-p1-serverlb': Error "
                        + "response from daemon: driver failed programming external connectivity on endpoint "
                        + "k3d-hb-p1-serverlb (8b805d42fee9e7a0c199d429185e25b4587a9a7ff44ad50ad78f37e93630e063): Error "
                        + "starting userland proxy: listen tcp4 0.0.0.0:28091: bind: address already in use | Failed to "
                        + "create cluster >>> Rolling Back | Cluster creation FAILED, all changes have been rolled back!"
                        + "; host port 28091 is held by a program on this host that is not a container; choose another "
                        + "port, or leave it out to allocate a free one; envctl removed what this create had made")
                .satisfies(e -> assertThat(((CommandFailedException) e).stderrTail()).doesNotContain("level=")
                        .doesNotContain("time="));
        assertThat(tools.has("networks/k3d-sub")).isFalse();
    }

    @Test
    void aCreateWithAMissingNodeImageCarriesWhatFailedAndHowTheRollbackEndedNotEachRollbackStep() {
        tools.flag("k3d-next-create.stdout", StandInTools.realOutput("k3d-v5.7.4/create-missing-image.stdout"));
        tools.flag("k3d-next-create.stderr", StandInTools.realOutput("k3d-v5.7.4/create-missing-image.stderr"));

        assertThatThrownBy(() -> provider.create(env("dev", null, Map.of()), ProgressListener.NONE))
                .isInstanceOf(CommandFailedException.class)
                .hasMessage("could not create k3d cluster 'dev': " + k3d + " cluster create failed with exit code 1: "
                        + "failed Cluster Creation: failed setup of server/agent node k3d-hb-p3-server-0: failed to "
                        + "create node: runtime failed to create node 'k3d-hb-p3-server-0': failed to create container "
                        + "for node 'k3d-hb-p3-server-0': docker failed to pull image 'envctl-fake/k3s:hb-missing': "
                        + "docker failed to pull the image 'envctl-fake/k3s:hb-missing': Error response from daemon: "
                        + "Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io on "
                        + "10.255.255.53:53: no such host | Failed to create cluster >>> Rolling Back | ... | Cluster "
                        + "creation FAILED, all changes have been rolled back!; envctl removed what this create had made");
    }

    @Test
    void whenCleanupFailsTooTheErrorReportsBothAndHowToRemoveTheLeftovers() {
        tools.flag("k3d-fail-next-create", "boom");
        tools.flag("k3d-fail-delete");
        tools.flag("docker-fail-network-rm");

        assertThatThrownBy(() -> provider.create(env("sub", SUBNET, Map.of()), ProgressListener.NONE))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("failed to get ready: boom")
                .hasMessageContaining("cleanup failed too: ")
                .hasMessageContaining("device or resource busy")
                .hasMessageContaining("could not remove Docker network k3d-sub (exit code 1): Error response from "
                        + "daemon: error while removing network: network k3d-sub id")
                .hasMessageEndingWith("remove the leftovers by hand: k3d cluster delete sub && docker network rm "
                        + "k3d-sub")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(2));
        assertThat(tools.has("k3d/sub")).isTrue();
        assertThat(provider.list()).containsExactly(new ClusterStatus("sub", "k3d", false, "servers 0/1, agents 0/0")
                .withNodes(1, 0));
    }

    @Test
    void aHangingCreateIsKilledAtTheTimeoutAndCleanedUp() throws Exception {
        K3dProvider p = provider(Map.of("timeout", "2s"));
        tools.flag("k3d-hang-next-create");

        assertThatThrownBy(() -> p.create(env("slow", null, Map.of()), ProgressListener.NONE))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("timed out after 4 s and was killed")
                .hasMessageEndingWith("envctl removed what this create had made")
                .satisfies(e -> assertThat(((CommandFailedException) e).timedOut()).isTrue());

        long pid = Long.parseLong(tools.read("k3d-hang.pid").strip());
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        assertThat(tools.argv("k3d").get(0)).contains("--timeout", "2s");
        assertThat(tools.calls()).contains(List.of("k3d", "cluster", "delete", "slow"));
        assertThat(p.list()).isEmpty();
    }

    @Test
    void aMissingBinaryIsAProviderErrorNamingItAndHowToInstallIt(@TempDir Path empty) {
        K3dProvider p = new K3dProviderFactory().create(Map.of(), Map.of("PATH", empty.toString()));

        assertThatThrownBy(() -> p.create(env("dev", null, Map.of()), ProgressListener.NONE))
                .isInstanceOf(EnvctlException.class)
                .hasMessage("k3d not found: no executable 'k3d' on PATH; install it (https://k3d.io/stable/"
                        + "#installation) or set the k3d provider setting 'binary' to its path")
                .satisfies(e -> assertThat(((EnvctlException) e).exitCode()).isEqualTo(6));
        assertThatThrownBy(p::list).hasMessageStartingWith("k3d not found");
        assertThatThrownBy(() -> p.delete(env("dev", null, Map.of()), ProgressListener.NONE))
                .hasMessageStartingWith("k3d not found");
        assertThat(p.checkPrerequisites()).extracting(PrerequisiteCheck::name, PrerequisiteCheck::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("k3d", PrerequisiteCheck.Status.FAIL),
                        org.assertj.core.groups.Tuple.tuple("docker", PrerequisiteCheck.Status.FAIL));
        assertThat(p.planCreate(env("dev", null, Map.of()))).extracting(c -> c.argv().get(0))
                .containsExactly("docker", "k3d", "docker");

        K3dProvider byPath = provider(Map.of("binary", "/opt/none/k3d"));
        assertThatThrownBy(byPath::version).hasMessageStartingWith("/opt/none/k3d not found: '/opt/none/k3d' does "
                + "not exist or is not executable");
        assertThat(tools.calls()).isEmpty();
    }

    @Test
    void unparsableListOutputIsAProviderError() {
        tools.flag("k3d-list-garbage", "NAME   SERVERS   AGENTS   LOADBALANCER\ndev    1/1       0/0      true\n");

        assertThatThrownBy(provider::list)
                .isInstanceOf(EnvctlException.class)
                .hasMessageContaining("could not read the output of 'k3d cluster list -o json'")
                .hasMessageContaining("it began: NAME   SERVERS")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.PROVIDER_FAILED));
        tools.flag("k3d-list-garbage", "[{\"name\":\"dev\",\"nodes\":[");
        assertThatThrownBy(provider::list).hasMessageContaining("k3d cluster list -o json");
        tools.flag("k3d-list-garbage", "{\"name\":\"dev\"}");
        assertThatThrownBy(provider::list).hasMessageContaining("expected a JSON array");
    }

    @Test
    void deleteLeavesANetworkOfItsNameThatEnvctlDidNotMakeForIt() {
        RecordingProgress listener = new RecordingProgress();
        tools.flag("networks/k3d-sub", "10.160.0.0/24\n\n10.160.0.1\n");
        assertThatThrownBy(() -> provider.create(env("sub", SUBNET, Map.of()), ProgressListener.NONE))
                .hasMessageContaining("Docker network k3d-sub exists already");

        List<PlannedCommand> plan = provider.planDelete(env("sub", SUBNET, Map.of()));
        provider.delete(env("sub", SUBNET, Map.of()), listener);

        assertThat(tools.read("networks/k3d-sub")).isEqualTo("10.160.0.0/24\n\n10.160.0.1\n");
        assertThat(tools.calls()).noneMatch(c -> c.containsAll(List.of("network", "rm")));
        assertThat(plan).noneMatch(c -> c.argv().containsAll(List.of("network", "rm")));
        assertThat(listener.steps()).contains("leaving Docker network k3d-sub alone: it has subnet 10.160.0.0/24 gateway "
                + "10.160.0.1, not 10.101.0.0/16 with a gateway, and envctl did not make it for sub");
    }

    @Test
    void deleteAndItsPlanLeaveANetworkOfItsSubnetWithoutAGatewayThatTheCreateRefused() {
        RecordingProgress listener = new RecordingProgress();
        tools.flag("networks/k3d-sub", "10.101.0.0/16\n\n\n");
        Environment sub = env("sub", SUBNET, Map.of());
        assertThatThrownBy(() -> provider.create(sub, ProgressListener.NONE))
                .hasMessageContaining("Docker network k3d-sub exists already with subnet 10.101.0.0/16 (no gateway)");

        List<PlannedCommand> plan = provider.planDelete(sub);
        provider.delete(sub, listener);

        assertThat(tools.read("networks/k3d-sub")).isEqualTo("10.101.0.0/16\n\n\n");
        assertThat(tools.calls()).noneMatch(c -> c.containsAll(List.of("network", "rm")));
        assertThat(plan).noneMatch(c -> c.argv().containsAll(List.of("network", "rm")));
        assertThat(listener.steps()).contains("leaving Docker network k3d-sub alone: it has subnet 10.101.0.0/16 (no "
                + "gateway), not 10.101.0.0/16 with a gateway, and envctl did not make it for sub");
    }

    @Test
    void deleteRemovesANetworkOfItsNameWithExactlyItsSubnetThatTheKindlerScriptsMade() {
        tools.flag("networks/k3d-sub", "10.101.0.0/16\n\n10.101.0.1\n");

        List<PlannedCommand> plan = provider.planDelete(env("sub", SUBNET, Map.of()));
        provider.delete(env("sub", SUBNET, Map.of()), ProgressListener.NONE);

        assertThat(plan).contains(PlannedCommand.of(List.of(docker, "network", "rm", "k3d-sub")));
        assertThat(tools.has("networks/k3d-sub")).isFalse();
    }

    @Test
    void deleteRemovesANetworkAnOlderEnvctlMadeWithoutAGateway() {
        tools.flag("networks/k3d-sub", "10.101.0.0/16\ndev.envctl.environment=sub\n\n");

        List<PlannedCommand> plan = provider.planDelete(env("sub", SUBNET, Map.of()));
        provider.delete(env("sub", SUBNET, Map.of()), ProgressListener.NONE);

        assertThat(plan).contains(PlannedCommand.of(List.of(docker, "network", "rm", "k3d-sub")));
        assertThat(tools.has("networks/k3d-sub")).isFalse();
    }

    @Test
    void deleteOfAMissingClusterSucceeds() {
        provider.delete(env("ghost", SUBNET, Map.of()), ProgressListener.NONE);

        assertThat(tools.calls()).containsExactly(List.of("k3d", "cluster", "delete", "ghost"),
                List.of("docker", "volume", "rm", "-f", "k3d-ghost-images"),
                List.of("docker", "network", "ls", "--filter", "label=dev.envctl.environment=ghost", "--format",
                        "{{.Name}}"),
                List.of("docker", "network", "inspect", "--format", DockerNetworks.SUBNETS_TEMPLATE, "k3d-ghost"));
    }

    /**
     * k3d v5.7.4's delete exits 0 when Docker does not answer ("No clusters found": it takes the failed listing for
     * no nodes), so what fails the delete is the image volume's removal, and nothing is taken for gone.
     */
    @Test
    void aDeleteWhileDockerDoesNotAnswerFailsThoughK3dSaysNoClustersFound() throws Exception {
        provider.create(env("dev", null, Map.of()), ProgressListener.NONE);
        tools.flag("docker-down-hosts", "unix:///var/run/docker.sock\n");

        assertThatThrownBy(() -> provider.delete(env("dev", null, Map.of()), ProgressListener.NONE))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageStartingWith(docker + " volume rm failed with exit code 1: ")
                .hasMessageContaining("Cannot connect to the Docker daemon at unix:///var/run/docker.sock")
                .satisfies(e -> assertThat(((EnvctlException) e).exitCode()).isEqualTo(6));
        assertThat(tools.calls()).extracting(c -> String.join(" ", c.subList(0, 3))).endsWith(
                "k3d cluster delete", "docker volume rm");
        Files.delete(tools.state.resolve("docker-down-hosts"));
        assertThat(provider.list()).extracting(ClusterStatus::name).containsExactly("dev");
    }

    @Test
    void versionComesFromJsonAndFromTextOnOlderK3d() {
        assertThat(provider.version()).isEqualTo("v5.7.4");
        assertThat(tools.calls()).containsExactly(List.of("k3d", "version", "-o", "json"));

        tools.flag("k3d-old");
        tools.forgetCalls();
        assertThat(provider.version()).isEqualTo("v5.4.9");
        assertThat(tools.calls()).containsExactly(List.of("k3d", "version", "-o", "json"), List.of("k3d", "version"));
    }

    @Test
    void prerequisitesReportTheVersionAndWhetherDockerAnswers() {
        assertThat(provider.checkPrerequisites()).containsExactly(
                PrerequisiteCheck.pass("k3d", "k3d v5.7.4 at " + k3d),
                PrerequisiteCheck.pass("docker", "Docker 20.10.24+dfsg1 answers (docker info)"));
        assertThat(tools.calls()).contains(List.of("docker", "info", "--format", "{{.ServerVersion}}"));

        tools.flag("docker-down");
        PrerequisiteCheck dockerCheck = provider.checkPrerequisites().get(1);
        assertThat(dockerCheck.status()).isEqualTo(PrerequisiteCheck.Status.FAIL);
        assertThat(dockerCheck.detail()).isEqualTo("docker info failed (exit code 1): Cannot connect to the Docker "
                + "daemon at unix:///var/run/docker.sock. Is the docker daemon running?");
        assertThat(dockerCheck.hint()).contains("start Docker");
    }

    @Test
    void progressReceivesStepsAndEveryLineTheToolPrints() {
        RecordingProgress listener = new RecordingProgress();
        provider.create(env("dev", SUBNET, Map.of()), listener);

        assertThat(listener.transcript()).contains("step dev: creating k3d cluster dev",
                "step dev: created Docker network k3d-dev with subnet 10.101.0.0/16 and gateway 10.101.0.1",
                "out dev: kubectl cluster-info");
        assertThat(listener.transcript()).anyMatch(l -> l.startsWith("out dev: time=\"")
                && l.endsWith("msg=\"Cluster 'dev' created successfully!\""));
    }

    @Test
    void aSubnetDockerRefusesAsOverlappingNamesTheNetworksItOverlaps() {
        tools.flag("docker-check-overlaps");
        tools.flag("networks/team", "10.101.4.0/24\n\n10.101.4.1\n");
        tools.flag("networks/lab", "10.200.0.0/16\n\n10.200.0.1\n");

        assertThatThrownBy(() -> provider.create(env("dev", SUBNET, Map.of()), ProgressListener.NONE))
                .isInstanceOf(CommandFailedException.class)
                .hasMessage("could not create Docker network k3d-dev with subnet 10.101.0.0/16 (exit code 1): "
                        + StandInTools.realOutput("docker-20.10/network-create-overlap.stderr").strip()
                        + "; 10.101.0.0/16 overlaps Docker network 'team' (10.101.4.0/24)");
        assertThat(tools.calls()).extracting(c -> String.join(" ", c)).containsExactly(
                "docker network create --subnet 10.101.0.0/16 --gateway 10.101.0.1 --label "
                        + "dev.envctl.environment=dev k3d-dev",
                "docker network ls --format {{.Name}}",
                "docker network inspect --format " + DockerNetworks.NAME_SUBNETS_TEMPLATE + " lab team");
        assertThat(tools.has("networks/k3d-dev")).isFalse();
    }

    @Test
    void anEnvironmentWithoutAnApiPortOrWithAnUnknownOptionIsRefusedBeforeAnythingRuns() {
        Environment noApi = new Environment("old", "k3d", null, new HostPorts(18091, 18444, 19002, null), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.CREATING, null, T, T, 1);
        assertThatThrownBy(() -> provider.create(noApi, ProgressListener.NONE))
                .hasMessageContaining("environment old has no api port")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
        assertThatThrownBy(() -> provider.planCreate(env("dev", null, Map.of("workers", "2"))))
                .hasMessage("environment dev has option(s) [workers] that k3d does not know; allowed: [agents, image, "
                        + "k3s-args, servers, timeout, wait]");
        assertThatThrownBy(() -> provider.planCreate(env("dev", null, Map.of("servers", "0"))))
                .hasMessage("option servers of environment dev '0' is invalid; allowed: a whole number from 1 to 99");
        assertThatThrownBy(() -> provider.planCreate(env("dev", null, Map.of("k3s-args", "--disable=traefik"))))
                .hasMessage("option k3s-args of environment dev '--disable=traefik' has no node filter, which k3d "
                        + "needs (the load balancer is a node too); allowed: ARG@NODEFILTER such as "
                        + "--disable=traefik@server:*");
        assertThat(tools.calls()).isEmpty();
    }

    @Test
    void aNetworkAnOlderEnvctlMadeWithoutAGatewayIsMadeAgainWithOne() {
        tools.flag("networks/k3d-sub", "10.101.0.0/16\ndev.envctl.environment=sub\n\n");

        provider.create(env("sub", SUBNET, Map.of()), ProgressListener.NONE);

        assertThat(tools.read("networks/k3d-sub")).isEqualTo("10.101.0.0/16\ndev.envctl.environment=sub\n"
                + "10.101.0.1\n");
        assertThat(tools.calls()).extracting(c -> String.join(" ", c.subList(0, 3))).containsExactly(
                "docker network create", "docker network inspect", "docker network ls",
                "docker network rm", "docker network create", "k3d cluster create", "docker exec k3d-sub-server-0");
    }

    @Test
    void aNetworkWithoutAGatewayThatEnvctlDidNotMakeIsRefused() {
        tools.flag("networks/k3d-sub", "10.101.0.0/16\n\n\n");

        assertThatThrownBy(() -> provider.create(env("sub", SUBNET, Map.of()), ProgressListener.NONE))
                .hasMessageContaining("Docker network k3d-sub exists already with subnet 10.101.0.0/16 (no gateway)")
                .satisfies(e -> assertThat(((EnvctlException) e).exitCode()).isEqualTo(6));
        assertThat(tools.has("k3d/sub")).isFalse();
        assertThat(tools.has("networks/k3d-sub")).isTrue();
    }

    @Test
    void deleteAlsoRemovesANetworkAnOlderEnvctlNamedDifferently() {
        tools.flag("networks/k3d-sub-net", "10.101.0.0/16\ndev.envctl.environment=sub\n\n");
        provider.create(env("sub", SUBNET, Map.of()), ProgressListener.NONE);

        provider.delete(env("sub", SUBNET, Map.of()), ProgressListener.NONE);

        assertThat(tools.has("networks/k3d-sub-net")).isFalse();
        assertThat(tools.has("networks/k3d-sub")).isFalse();
    }

    /** k3d v5.7.4 takes {@code -p [::1]:18091:80@loadbalancer}; its {@code --api-port} takes no IPv6 address. */
    @Test
    void listenAddressesComeFromTheSettingsWithIpv6InBrackets() {
        K3dProvider p = provider(Map.of("listen-address", "::1", "api-listen-address", "0.0.0.0"));

        assertThat(p.planCreate(env("dev", null, Map.of())).get(1).argv().subList(4, 10)).containsExactly(
                "--api-port", "0.0.0.0:26443", "-p", "[::1]:18091:80@loadbalancer", "-p",
                "[::1]:18444:443@loadbalancer");
        assertThat(provider(Map.of("listen-address", "127.0.0.1", "api-listen-address", "127.0.0.1"))
                .planCreate(env("dev", null, Map.of())).get(1).argv().subList(4, 10)).containsExactly(
                "--api-port", "127.0.0.1:26443", "-p", "127.0.0.1:18091:80@loadbalancer", "-p",
                "127.0.0.1:18444:443@loadbalancer");
        assertThatThrownBy(() -> provider(Map.of("api-listen-address", "localhost")))
                .hasMessageContaining("k3d setting api-listen-address 'localhost' is not an IP address");
    }

    @Test
    void stopAndStartUseK3dsOwnCommandsAndKeepTheCluster() {
        provider.create(env("dev", null, Map.of()), ProgressListener.NONE);
        tools.forgetCalls();

        provider.stop(env("dev", null, Map.of()), ProgressListener.NONE);
        assertThat(provider.list()).containsExactly(new ClusterStatus("dev", "k3d", false,
                "servers 0/1, agents 0/0").withNodes(1, 0));
        provider.start(env("dev", null, Map.of()), ProgressListener.NONE);

        assertThat(provider.list()).extracting(ClusterStatus::running).containsExactly(true);
        assertThat(tools.argv("k3d")).contains(List.of(k3d, "cluster", "stop", "dev"),
                List.of(k3d, "cluster", "start", "dev", "--wait", "--timeout", "300s"));
        assertThatThrownBy(() -> provider.stop(env("ghost", null, Map.of()), ProgressListener.NONE))
                .satisfies(e -> assertThat(((EnvctlException) e).exitCode()).isEqualTo(6));
    }

    @Test
    void aFinishedCreateMarksItsFirstServerAndTheMarkOutlivesStopAndStart() {
        Environment dev = env("dev", null, Map.of("servers", "3"));
        provider.create(dev, ProgressListener.NONE);

        assertThat(tools.calls()).endsWith(recorded("docker", mark("dev")));
        assertThat(provider.createFinished(dev)).isTrue();
        provider.stop(dev, ProgressListener.NONE);
        // docker exec cannot look into a stopped node; the engine asks only about clusters that run
        assertThat(provider.createFinished(dev)).isFalse();
        provider.start(dev, ProgressListener.NONE);
        assertThat(provider.createFinished(dev)).isTrue();
        provider.delete(dev, ProgressListener.NONE);
        provider.create(env("dev", null, Map.of()), ProgressListener.NONE);
        assertThat(provider.createFinished(dev)).isTrue();
    }

    @Test
    void aCreateStoppedOnceItsLoadBalancerRunsLeavesARunningClusterWithoutTheFinishedMark() throws Exception {
        Environment dev = env("dev", null, Map.of());
        // where the real k3d v5.7.4 was stopped: its load balancer runs, the kubeconfig is not written yet
        tools.flag("k3d-hang-next-create-at-coredns");
        Thread create = new Thread(() -> {
            try {
                provider.create(dev, ProgressListener.NONE);
            } catch (RuntimeException e) {
                // ended by the kill below
            }
        });
        create.start();
        while (!tools.has("k3d-hang.pid")) {
            Thread.sleep(20);
        }

        assertThat(provider.list()).containsExactly(new ClusterStatus("dev", "k3d", true,
                "servers 1/1, agents 0/0").withNodes(1, 0));
        assertThat(provider.createFinished(dev)).isFalse();
        ProcessHandle.of(Long.parseLong(tools.read("k3d-hang.pid").strip())).ifPresent(ProcessHandle::destroy);
        create.join(30_000);
        assertThat(tools.calls()).noneMatch(c -> c.get(0).equals("docker") && c.get(1).equals("exec")
                && c.get(c.size() - 1).startsWith(": >"));
    }

    @Test
    void aClusterK3dMadeWithoutEnvctlHasNoFinishedMark() throws Exception {
        // as the Kindler scripts or a user make one: envctl adopts such a cluster and never asks createFinished
        ProcessBuilder k3dCreate = new ProcessBuilder(k3d, "cluster", "create", "byhand")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        k3dCreate.environment().putAll(tools.environment());
        assertThat(k3dCreate.start().waitFor()).isZero();

        assertThat(provider.list()).extracting(ClusterStatus::running).containsExactly(true);
        assertThat(provider.createFinished(env("byhand", null, Map.of()))).isFalse();
        assertThat(provider.createFinished(env("ghost", null, Map.of()))).isFalse();
    }

    /** As {@code docker rm -f} of node containers: the stand-in's state lists fewer servers and agents. */
    private void removeNodes(String name, int servers, int agents) {
        String[] fields = tools.read("k3d/" + name).strip().split(" ");
        fields[1] = String.valueOf(servers);
        fields[2] = String.valueOf(agents);
        tools.flag("k3d/" + name, String.join(" ", fields) + "\n");
    }

    @Test
    void aClusterWhoseNodeContainersWereRemovedLacksTheNodesItsRecordAsksFor() {
        Environment dev = env("dev", null, Map.of("agents", "1"));
        provider.create(dev, ProgressListener.NONE);
        ClusterStatus whole = provider.list().get(0);
        removeNodes("dev", 0, 1);
        ClusterStatus noServer = provider.list().get(0);
        removeNodes("dev", 1, 0);
        ClusterStatus noAgent = provider.list().get(0);

        assertThat(provider.missingNodes(dev, whole)).isEmpty();
        assertThat(noServer).isEqualTo(new ClusterStatus("dev", "k3d", true, "servers 0/0, agents 1/1")
                .withNodes(0, 1));
        assertThat(provider.missingNodes(dev, noServer)).contains("k3d lists 0 of the 1 server nodes its record "
                + "asks for");
        assertThat(provider.missingNodes(dev, noAgent)).contains("k3d lists 0 of the 1 agent nodes its record "
                + "asks for");
        assertThat(provider.missingNodes(env("dev", null, Map.of()), noAgent)).isEmpty();
    }

    /** The load balancer publishes the http, https and API ports; k3d lists the cluster without it as whole. */
    @Test
    void aClusterWhoseLoadBalancerWasRemovedLacksNodes() {
        Environment dev = env("dev", null, Map.of());
        ClusterStatus noLoadBalancer = new ClusterStatus("dev", "k3d", true, "servers 1/1, agents 0/0")
                .withNodes(1, 0).withLacking("its load balancer k3d-dev-serverlb");

        assertThat(provider.missingNodes(dev, noLoadBalancer)).contains("k3d lists the cluster without its load "
                + "balancer k3d-dev-serverlb");
        assertThat(provider.missingNodes(env("dev", null, Map.of("agents", "1")), noLoadBalancer)).contains(
                "k3d lists 0 of the 1 agent nodes its record asks for; k3d lists the cluster without its load "
                        + "balancer k3d-dev-serverlb");
    }

    @Test
    void aStartRefusedForATakenHostPortSaysWhoHoldsItAndWhatToDo() {
        provider.create(env("dev", null, Map.of()), ProgressListener.NONE);
        provider.stop(env("dev", null, Map.of()), ProgressListener.NONE);
        tools.flag("k3d-fail-next-start", "Bind for 0.0.0.0:18080 failed: port is already allocated");

        assertThatThrownBy(() -> provider.start(env("dev", null, Map.of()), ProgressListener.NONE))
                .satisfies(e -> assertThat(((EnvctlException) e).exitCode()).isEqualTo(6))
                .hasMessageContaining("Failed to start cluster 'dev': Bind for 0.0.0.0:18080 failed")
                .hasMessageContaining("; host port 18080 is held by a program on this host that is not a container: "
                        + "stop what holds it and start again, or give the environment other ports");
    }

    @Test
    void aStartRefusedBecauseTheClustersOwnNetworkIsGoneSaysSoAndWhatToDo() throws Exception {
        provider.create(env("dev", SUBNET, Map.of()), ProgressListener.NONE);
        provider.stop(env("dev", SUBNET, Map.of()), ProgressListener.NONE);
        ProcessBuilder rm = new ProcessBuilder(tools.tool("docker").toString(), "network", "rm", "k3d-dev");
        rm.environment().putAll(tools.environment());
        assertThat(rm.start().waitFor()).isZero();
        // what the real k3d v5.7.4 says when Docker refuses to start a node whose network was removed
        tools.flag("k3d-fail-next-start", "Failed to start node 'k3d-dev-server-0': docker failed to start "
                + "container for node 'k3d-dev-server-0': Error response from daemon: network "
                + "ec32366d8a0f not found");

        assertThatThrownBy(() -> provider.start(env("dev", SUBNET, Map.of()), ProgressListener.NONE))
                .satisfies(e -> assertThat(((EnvctlException) e).exitCode()).isEqualTo(6))
                .hasMessageContaining("network ec32366d8a0f not found")
                .hasMessageEndingWith("; its Docker network k3d-dev is gone (removed while the cluster was stopped), "
                        + "and Docker cannot start containers whose network was removed: delete the environment "
                        + "and create it again");

        // a start that fails for another reason, its network present, is left as it was
        provider.create(env("web", Cidr.parse("10.102.0.0/16"), Map.of()), ProgressListener.NONE);
        provider.stop(env("web", Cidr.parse("10.102.0.0/16"), Map.of()), ProgressListener.NONE);
        tools.flag("k3d-fail-next-start", "context deadline exceeded");
        assertThatThrownBy(() -> provider.start(env("web", Cidr.parse("10.102.0.0/16"), Map.of()),
                ProgressListener.NONE)).hasMessageNotContaining("is gone");
    }

    @Test
    void aFailedStartRemovesTheToolsNodeK3dLeftButNotOneOfAnotherCluster() throws Exception {
        provider.create(env("dev", SUBNET, Map.of()), ProgressListener.NONE);
        provider.stop(env("dev", SUBNET, Map.of()), ProgressListener.NONE);
        ProcessBuilder rm = new ProcessBuilder(tools.tool("docker").toString(), "network", "rm", "k3d-dev");
        rm.environment().putAll(tools.environment());
        assertThat(rm.start().waitFor()).isZero();
        tools.flag("k3d-next-start.stdout", StandInTools.realOutput("k3d-v5.7.4/start-network-gone.stdout"));
        tools.flag("k3d-next-start.stderr", StandInTools.realOutput("k3d-v5.7.4/start-network-gone.stderr"));
        tools.flag("k3d-start-leaves-tools");
        tools.forgetCalls();
        RecordingProgress progress = new RecordingProgress();

        assertThatThrownBy(() -> provider.start(env("dev", SUBNET, Map.of()), progress))
                .hasMessageContaining("cluster start failed with exit code 1: Failed to run tools container for "
                        + "cluster 'hb-s1' | failed to gather info about cluster environment: ")
                .hasMessageEndingWith("; its Docker network k3d-dev is gone (removed while the cluster was stopped), "
                        + "and Docker cannot start containers whose network was removed: delete the environment "
                        + "and create it again");
        assertThat(tools.has("k3d-tools/k3d-dev-tools")).isFalse();
        assertThat(tools.calls()).extracting(c -> String.join(" ", c)).containsSubsequence(
                "k3d cluster start dev --wait --timeout 300s",
                "docker container inspect --format {{index .Config.Labels \"k3d.cluster\"}} k3d-dev-tools",
                "docker rm k3d-dev-tools");
        assertThat(progress.steps()).contains("removing k3d-dev-tools, the tools node the failed start left");

        // a container of that name that k3d did not label for this cluster stays
        java.nio.file.Files.delete(tools.state.resolve("k3d-start-leaves-tools"));
        tools.flag("k3d-tools/k3d-dev-tools", "other\n");
        tools.flag("k3d-fail-next-start", "context deadline exceeded");
        tools.forgetCalls();
        assertThatThrownBy(() -> provider.start(env("dev", SUBNET, Map.of()), ProgressListener.NONE))
                .hasMessageContaining("context deadline exceeded");
        assertThat(tools.has("k3d-tools/k3d-dev-tools")).isTrue();
        assertThat(tools.calls()).extracting(c -> String.join(" ", c)).doesNotContain("docker rm k3d-dev-tools");
    }

    /** {@code docker exec k3d-NAME-server-0 sh -c ': > ...'}: the mark a finished create leaves. */
    private List<String> mark(String name) {
        return List.of(docker, "exec", "k3d-" + name + "-server-0", "sh", "-c",
                ": > /var/lib/rancher/k3s/envctl-created");
    }

    /** argv as the stand-in log records it: the tool's name instead of its path. */
    private static List<String> recorded(String tool, List<String> argv) {
        List<String> out = new ArrayList<>(argv);
        out.set(0, tool);
        return out;
    }

    /** apply's question: the same value written two ways is no change; wait and timeout change in place. */
    /**
     * k3d's {@code --timeout} is read with Go's {@code time.ParseDuration}, which takes at most 2562047h47m16.854775807s
     * (a signed 64-bit count of nanoseconds): k3d v5.7.4 refuses {@code --timeout 359999996400s} (99999999h) with
     * "invalid duration", so such a value is refused before anything runs, as a setting and as an option.
     */
    @Test
    void aTimeoutLongerThanK3dTakesIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> provider(Map.of("timeout", "2562048h")))
                .hasMessage("k3d setting timeout '2562048h' is longer than k3d's --timeout takes; at most 2562047h")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
        assertThatThrownBy(() -> provider.create(env("dev", null, Map.of("timeout", "99999999h")),
                ProgressListener.NONE))
                .hasMessage("option timeout of environment dev '99999999h' is longer than k3d's --timeout takes; at "
                        + "most 2562047h")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
        assertThat(tools.calls()).isEmpty();

        assertThat(provider(Map.of("timeout", "2562047h")).planCreate(env("dev", null, Map.of())).get(1).argv())
                .endsWith("--timeout", "9223369200s");
    }

    @Test
    void optionChangesAreJudgedByWhatTheyMeanForTheCluster() {
        assertThat(provider.optionChange("servers", "1", "01")).isEqualTo(OptionChange.NONE);
        assertThat(provider.optionChange("timeout", "300s", "5m")).isEqualTo(OptionChange.NONE);
        assertThat(provider.optionChange("timeout", null, "300s")).as("the default timeout").isEqualTo(
                OptionChange.NONE);
        assertThat(provider.optionChange("timeout", "300s", "600s")).isEqualTo(OptionChange.IN_PLACE);
        assertThat(provider.optionChange("wait", "true", "false")).isEqualTo(OptionChange.IN_PLACE);
        assertThat(provider.optionChange("agents", "0", "2")).isEqualTo(OptionChange.NEW_CLUSTER);
        assertThat(provider.optionChange("image", "rancher/k3s:v1.30.4-k3s1", "rancher/k3s:v1.31.5-k3s1"))
                .isEqualTo(OptionChange.NEW_CLUSTER);
        assertThat(provider.optionChange("k3s-args", "--disable=traefik@server:*", " --disable=traefik@server:* "))
                .isEqualTo(OptionChange.NONE);
        assertThat(provider.optionChange("servers", "many", "1")).isEqualTo(OptionChange.NEW_CLUSTER);
    }
}
