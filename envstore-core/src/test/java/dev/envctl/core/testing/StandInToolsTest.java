package dev.envctl.core.testing;

import dev.envctl.core.PortRole;
import dev.envctl.core.provider.HeldPorts;
import dev.envctl.core.provider.PublishedPorts;
import dev.envctl.core.provider.ToolRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stand-ins answer the commands the replaced Kindler scripts run as the real tools do (k3d v5.7.4, kind
 * v0.24.0, Docker 20.10, seen with the tools of ../shared/tools): what each test asserts is what the real tool did.
 */
class StandInToolsTest {
    /** envctl's template for {@code docker inspect} of published ports ({@link PublishedPorts}). */
    private static final String PORTS = "{{range $p, $b := .NetworkSettings.Ports}}{{range $b}}{{$p}} -> "
            + "{{.HostIp}}:{{.HostPort}}{{println}}{{end}}{{end}}{{range $p, $b := .HostConfig.PortBindings}}"
            + "{{range $b}}{{$p}} -> {{.HostIp}}:{{.HostPort}}{{println}}{{end}}{{end}}";

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(StandInTools tools, String... argv) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(argv));
        command.set(0, tools.tool(argv[0]).toString());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(tools.environment());
        pb.environment().put("LOG_COLORS", "false");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        p.waitFor();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private static Map<PortRole, Integer> published(StandInTools tools, String container) {
        return PublishedPorts.of(new ToolRunner(tools.environment()), tools.tool("docker"), Duration.ofSeconds(20),
                List.of(container));
    }

    /**
     * cluster.sh's create: {@code --port} (not {@code -p}), a {@code --k3s-arg}, and no {@code --api-port}, so k3d
     * publishes the API on a port it picks (seen: {@code 6443/tcp -> 0.0.0.0:36093}).
     */
    @Test
    void k3dCreatesWithTheLongPortFlagAndPicksAnApiPortWhenNoneIsGiven() throws Exception {
        StandInTools tools = new StandInTools(dir, "k3d", "docker");

        Run created = run(tools, "k3d", "cluster", "create", "dev", "--network", "k3d-shared", "--k3s-arg",
                "--disable=traefik@server:0", "--servers", "1", "--agents", "0", "--port", "18080:80@loadbalancer",
                "--port", "18443:443@loadbalancer");

        assertThat(created.exit()).as(created.toString()).isZero();
        Map<PortRole, Integer> ports = published(tools, "k3d-dev-serverlb");
        assertThat(ports).containsEntry(PortRole.HTTP, 18080).containsEntry(PortRole.HTTPS, 18443)
                .containsKey(PortRole.API);
        assertThat(ports.get(PortRole.API)).isBetween(1024, 65535);
    }

    /** k3d's flags also take the {@code --flag=value} form and the short {@code -s}, {@code -a}, {@code -i}. */
    @Test
    void k3dTakesFlagValuesAfterAnEqualsSignAndShortFlags() throws Exception {
        StandInTools tools = new StandInTools(dir, "k3d", "docker");

        Run created = run(tools, "k3d", "cluster", "create", "dev", "--port=18080:80@loadbalancer", "-s", "1",
                "-a", "0", "-i", "rancher/k3s:v1.30.4-k3s1", "--api-port=127.0.0.1:26443", "--wait=true");

        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(published(tools, "k3d-dev-serverlb")).containsEntry(PortRole.HTTP, 18080)
                .containsEntry(PortRole.API, 26443);
        assertThat(run(tools, "k3d", "cluster", "list", "-o", "json").out())
                .contains("\"image\":\"rancher/k3s:v1.30.4-k3s1\"");
    }

    /**
     * cluster.sh's {@code docker network create "k3d-NAME" --subnet S --gateway G --opt
     * com.docker.network.bridge.name=...}: Docker takes options after the name; the network has the subnet and the
     * gateway, so k3d uses it.
     */
    @Test
    void dockerCreatesANetworkNamedBeforeItsOptions() throws Exception {
        StandInTools tools = new StandInTools(dir, "k3d", "docker");

        Run created = run(tools, "docker", "network", "create", "k3d-dev", "--subnet", "10.231.0.0/16",
                "--gateway", "10.231.0.1", "--opt", "com.docker.network.bridge.name=br-k3d-dev");

        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(run(tools, "docker", "network", "inspect", "--format", "{{json .IPAM.Config}}", "k3d-dev").out())
                .isEqualTo("[{\"Subnet\":\"10.231.0.0/16\",\"Gateway\":\"10.231.0.1\"}]\n");
        Run k3d = run(tools, "k3d", "cluster", "create", "dev", "--network", "k3d-dev", "--port",
                "18080:80@loadbalancer");
        assertThat(k3d.exit()).as(k3d.toString()).isZero();
    }

    /** {@code --flag=value} is {@code --flag value}; a second name is refused, as Docker does (exit 1). */
    @Test
    void dockerTakesNetworkOptionValuesAfterAnEqualsSignAndOneNameOnly() throws Exception {
        StandInTools tools = new StandInTools(dir, "docker");

        assertThat(run(tools, "docker", "network", "create", "dev", "--label=a=b", "--subnet=10.233.0.0/24",
                "--gateway=10.233.0.1").exit()).isZero();
        assertThat(run(tools, "docker", "network", "inspect", "--format",
                "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{println}}{{end}}", "dev").out())
                .isEqualTo("10.233.0.0/24 10.233.0.1\n");
        assertThat(run(tools, "docker", "network", "create", "other", "extra").exit()).isEqualTo(1);
        assertThat(run(tools, "docker", "network", "create").exit()).isEqualTo(1);
    }

    /**
     * cluster.sh's kind create: a config file with {@code apiServerAddress: "0.0.0.0"} and no
     * {@code apiServerPort}, the image as a flag; kind v0.24.0 has Docker publish the API on that address at a port
     * it picks (seen: {@code 6443/tcp -> 0.0.0.0:36077}), beside the extra port mappings.
     */
    @Test
    void kindPicksAnApiPortWhenTheConfigFileGivesNone() throws Exception {
        StandInTools tools = new StandInTools(dir, "kind", "docker");
        Path config = dir.resolve("kind.yaml");
        Files.writeString(config, """
                kind: Cluster
                apiVersion: kind.x-k8s.io/v1alpha4
                name: dev
                networking:
                  # the API on 0.0.0.0
                  apiServerAddress: "0.0.0.0"
                nodes:
                - role: control-plane
                  extraPortMappings:
                  - containerPort: 80
                    hostPort: 18082
                    protocol: TCP
                """);

        Run created = run(tools, "kind", "create", "cluster", "--name", "dev", "--config", config.toString(),
                "--image", "kindest/node:v1.31.0");

        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.err()).contains("Ensuring node image (kindest/node:v1.31.0)");
        Map<PortRole, Integer> ports = published(tools, "dev-control-plane");
        assertThat(ports).containsEntry(PortRole.HTTP, 18082).containsKey(PortRole.API);
        assertThat(run(tools, "docker", "inspect", "--format", PORTS, "dev-control-plane").out())
                .contains("6443/tcp -> 0.0.0.0:" + ports.get(PortRole.API));
    }

    /** Without a config, kind publishes the API on 127.0.0.1 at a port it picks. */
    @Test
    void kindPicksAnApiPortWithoutAConfig() throws Exception {
        StandInTools tools = new StandInTools(dir, "kind", "docker");

        assertThat(run(tools, "kind", "create", "cluster", "--name", "dev").exit()).isZero();

        assertThat(run(tools, "docker", "inspect", "--format", PORTS, "dev-control-plane").out())
                .containsPattern("6443/tcp -> 127\\.0\\.0\\.1:\\d+");
        Run missing = run(tools, "kind", "create", "cluster", "--name", "other", "--config", "/nonexistent.yaml");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("ERROR: failed to create cluster: error reading file: open "
                + "/nonexistent.yaml: no such file or directory\n");
    }

    /**
     * stop_env.sh and start_env.sh of a kind environment: {@code docker ps -q --filter name=NAME-control-plane}
     * lists the running node (Docker matches the name as a pattern), {@code -aq} a stopped one too, and their ids
     * stop and start it.
     */
    @Test
    void dockerPsFindsNodesByNameAsTheKindlerStopAndStartScriptsDo() throws Exception {
        StandInTools tools = new StandInTools(dir, "kind", "k3d", "docker");
        assertThat(run(tools, "kind", "create", "cluster", "--name", "dev").exit()).isZero();
        assertThat(run(tools, "k3d", "cluster", "create", "dev2", "--port", "18080:80@loadbalancer").exit())
                .isZero();

        Run running = run(tools, "docker", "ps", "-q", "--filter", "name=dev-control-plane");
        assertThat(running.exit()).isZero();
        assertThat(running.out().lines()).hasSize(1);
        assertThat(run(tools, "docker", "stop", running.out().strip()).exit()).isZero();
        assertThat(run(tools, "docker", "ps", "-q", "--filter", "name=dev-control-plane").out()).isEmpty();
        Run all = run(tools, "docker", "ps", "-aq", "--filter", "name=dev-control-plane");
        assertThat(all.out().lines()).hasSize(1);
        assertThat(run(tools, "docker", "start", all.out().strip()).exit()).isZero();
        assertThat(run(tools, "docker", "ps", "-q", "--filter", "name=dev").out().lines()).hasSize(3);
        assertThat(run(tools, "docker", "ps", "-q", "--filter", "name=nosuch").out()).isEmpty();
    }

    /** {@code docker ps --filter publish=PORT} names the running container that publishes it. */
    @Test
    void dockerPsNamesTheContainerThatPublishesAPort() throws Exception {
        StandInTools tools = new StandInTools(dir, "k3d", "docker");
        assertThat(run(tools, "k3d", "cluster", "create", "dev", "--port", "18080:80@loadbalancer").exit()).isZero();

        String dockerSaid = "Bind for 0.0.0.0:18080 failed: port is already allocated";
        assertThat(HeldPorts.explain(new ToolRunner(tools.environment()), tools.tool("docker"),
                Duration.ofSeconds(20), dockerSaid))
                .hasValueSatisfying(m -> assertThat(m).startsWith("host port 18080 is held by container "
                        + "k3d-dev-serverlb;"));
        assertThat(run(tools, "k3d", "cluster", "stop", "dev").exit()).isZero();
        assertThat(run(tools, "docker", "ps", "--filter", "publish=18080", "--format", "{{.Names}}").out())
                .isEmpty();
    }

    /**
     * cluster.sh reads the API port k3d picked with {@code docker port k3d-NAME-serverlb 6443/tcp | grep 0.0.0.0}:
     * Docker prints {@code 0.0.0.0:PORT} for a running container, and for a stopped one "No public port" (exit 1);
     * without a port it lists every binding, nothing for a stopped container (exit 0).
     */
    @Test
    void dockerPortPrintsWhatARunningContainerPublishes() throws Exception {
        StandInTools tools = new StandInTools(dir, "k3d", "docker");
        assertThat(run(tools, "k3d", "cluster", "create", "dev", "--port", "18080:80@loadbalancer", "--port",
                "18443:443@loadbalancer").exit()).isZero();
        int api = published(tools, "k3d-dev-serverlb").get(PortRole.API);

        assertThat(run(tools, "docker", "port", "k3d-dev-serverlb", "6443/tcp").out()).isEqualTo("0.0.0.0:" + api
                + "\n");
        assertThat(run(tools, "docker", "port", "k3d-dev-serverlb").out()).isEqualTo("80/tcp -> 0.0.0.0:18080\n"
                + "80/tcp -> [::]:18080\n443/tcp -> 0.0.0.0:18443\n443/tcp -> [::]:18443\n6443/tcp -> 0.0.0.0:" + api
                + "\n");
        assertThat(run(tools, "k3d", "cluster", "stop", "dev").exit()).isZero();
        Run stopped = run(tools, "docker", "port", "k3d-dev-serverlb", "6443/tcp");
        assertThat(stopped.exit()).isEqualTo(1);
        assertThat(stopped.err()).isEqualTo("Error: No public port '6443/tcp' published for k3d-dev-serverlb\n");
        assertThat(run(tools, "docker", "port", "k3d-dev-serverlb")).isEqualTo(new Run(0, "", ""));
        Run missing = run(tools, "docker", "port", "nosuch", "6443/tcp");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("Error: No such container: nosuch\n");
    }

    /**
     * k3d v5.7.4 makes a network it is given that is missing (as cluster.sh's {@code --network k3d-shared} on a
     * fresh host), on a /16 Docker picks, with a gateway ("Created network 'cq-new'"), and its delete removes that
     * network ("Deleting cluster network 'cq-new'"), not one that was there before.
     */
    @Test
    void k3dMakesAMissingNetworkAndItsDeleteRemovesIt() throws Exception {
        StandInTools tools = new StandInTools(dir, "k3d", "docker");
        assertThat(run(tools, "docker", "network", "create", "--subnet", "10.231.0.0/16", "--gateway", "10.231.0.1",
                "k3d-own").exit()).isZero();

        Run created = run(tools, "k3d", "cluster", "create", "dev", "--network", "k3d-shared", "--port",
                "18080:80@loadbalancer");
        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.out()).contains("level=info msg=\"Created network 'k3d-shared'\"");
        assertThat(run(tools, "docker", "network", "inspect", "--format",
                "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{println}}{{end}}", "k3d-shared").out())
                .matches("172\\.\\d+\\.0\\.0/16 172\\.\\d+\\.0\\.1\n");
        assertThat(run(tools, "k3d", "cluster", "create", "own", "--network", "k3d-own").exit()).isZero();

        assertThat(run(tools, "k3d", "cluster", "delete", "dev").exit()).isZero();
        assertThat(run(tools, "k3d", "cluster", "delete", "own").exit()).isZero();

        assertThat(run(tools, "docker", "network", "ls", "--format", "{{.Name}}").out()).isEqualTo("k3d-own\n");
    }

    /**
     * kind v0.24.0 makes the network its nodes join when Docker lacks it ({@code kind}, or the one
     * {@code KIND_EXPERIMENTAL_DOCKER_NETWORK} names), a /16 with a gateway (seen: 172.29.0.0/16 gateway
     * 172.29.0.1, and an IPv6 /64), and leaves it when the cluster is deleted.
     */
    @Test
    void kindMakesItsNetworkWhenDockerLacksItAndLeavesItOnDelete() throws Exception {
        StandInTools tools = new StandInTools(dir, "kind", "docker");

        assertThat(run(tools, "kind", "create", "cluster", "--name", "dev").exit()).isZero();
        assertThat(run(tools, "kind", "delete", "cluster", "--name", "dev").exit()).isZero();

        assertThat(run(tools, "docker", "network", "inspect", "--format",
                "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{println}}{{end}}", "kind").out())
                .matches("172\\.\\d+\\.0\\.0/16 172\\.\\d+\\.0\\.1\n");
    }
}
