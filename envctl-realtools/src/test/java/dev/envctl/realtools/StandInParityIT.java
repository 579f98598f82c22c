package dev.envctl.realtools;

import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.testing.StandInTools;
import dev.envctl.provider.k3d.internal.K3dClusterList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stand-in docker, k3d and kind of envctl's other tests answer as the real tools do: a table of the commands
 * envctl's providers and the Kindler scripts run, each run against the real tools and then against the stand-ins
 * (the same argv, the stand-ins first on PATH, each side with its own state), must agree on success or failure and
 * on what envctl reads of the output. A host port the tool picks (32768 and up) reads as {@code picked}.
 */
@ExtendWith(RealToolsExtension.class)
class StandInParityIT {
    private static final String SUBNETS = "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{println}}{{end}}";
    private static final String PORTS = "{{range $p, $b := .NetworkSettings.Ports}}{{range $b}}{{$p}} -> "
            + "{{.HostIp}}:{{.HostPort}}{{println}}{{end}}{{end}}{{range $p, $b := .HostConfig.PortBindings}}"
            + "{{range $b}}{{$p}} -> {{.HostIp}}:{{.HostPort}}{{println}}{{end}}{{end}}";
    private static final String KIND_NODES = "{{.Label \"io.x-k8s.kind.cluster\"}} {{.State}} "
            + "{{.Label \"io.x-k8s.kind.role\"}}";
    private static final Pattern BINDING = Pattern.compile("^(\\d+)(?:/tcp)? -> .*:(\\d+)$");
    private static final Pattern ADDRESS = Pattern.compile("^(.*):(\\d+)$");

    /**
     * One command, whether the real tool succeeds (seen with k3d v5.7.4, kind v0.24.0, Docker 20.10), and what envctl
     * or the scripts read of its stdout (null: only whether it succeeded).
     */
    private record Step(List<String> argv, boolean ok, Function<String, Object> view) {
    }

    private final List<Step> table = new ArrayList<>();

    private void ok(Function<String, Object> view, String... argv) {
        table.add(new Step(List.of(argv), true, view));
    }

    private void fails(String... argv) {
        table.add(new Step(List.of(argv), false, null));
    }

    private static String port(String hostPort) {
        return Integer.parseInt(hostPort) >= 32768 ? "picked" : hostPort;
    }

    private static List<String> lines(String out) {
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Container port to host port, the first binding of each, as PublishedPorts reads them. */
    private static Object bindings(String out) {
        Map<String, String> ports = new TreeMap<>();
        for (String line : lines(out)) {
            Matcher m = BINDING.matcher(line);
            if (m.matches()) {
                ports.putIfAbsent(m.group(1), port(m.group(2)));
            }
        }
        return ports;
    }

    /** {@code docker port}'s ADDRESS:PORT lines. */
    private static Object addresses(String out) {
        return lines(out).stream().map(l -> {
            Matcher m = ADDRESS.matcher(l);
            return m.matches() ? m.group(1) + ":" + port(m.group(2)) : l;
        }).toList();
    }

    @Test
    void theStandInsAgreeWithTheRealToolsOnTheCommandsEnvctlAndTheKindlerScriptsRun(Sandbox s) throws Exception {
        String p = s.prefix;
        String image = s.machine.k3dImage;
        Function<String, Object> mine = out -> lines(out).stream().filter(l -> l.contains(p)).toList();
        Function<String, Object> clusters = out -> K3dClusterList.parse("k3d", out).stream()
                .filter(c -> c.name().startsWith(p)).map(ClusterStatus::toString).toList();
        Path kindConfig = s.dir.resolve("kind.yaml");
        // cluster.sh's kind config: the API on 0.0.0.0 at a port kind picks
        Sandbox.write(kindConfig, String.join("\n", "kind: Cluster", "apiVersion: kind.x-k8s.io/v1alpha4",
                "name: " + p + "-k", "networking:", "  apiServerAddress: \"0.0.0.0\"", "nodes:",
                "- role: control-plane", "  extraPortMappings:", "  - containerPort: 80", "    hostPort: 28192",
                "    protocol: TCP", "  - containerPort: 443", "    hostPort: 28592", "    protocol: TCP", ""));
        Function<String, Object> none = null;
        // envctl's dedicated network, twice; a network without a gateway named before its options (cluster.sh)
        ok(none, "docker", "network", "create", "--subnet", "10.230.250.0/24", "--gateway",
                "10.230.250.1", "--label", "dev.envctl.environment=" + p + "-a", "k3d-" + p + "-a");
        fails("docker", "network", "create", "--subnet", "10.230.250.0/24", "--gateway",
                "10.230.250.1", "--label", "dev.envctl.environment=" + p + "-a", "k3d-" + p + "-a");
        ok(none, "docker", "network", "create", p + "-nogw", "--subnet", "10.230.251.0/24",
                "--opt", "com.docker.network.bridge.name=br-" + p);
        ok(StandInParityIT::lines, "docker", "network", "inspect", "--format", SUBNETS, "k3d-" + p + "-a");
        ok(StandInParityIT::lines, "docker", "network", "inspect", "--format", SUBNETS, p + "-nogw");
        fails("docker", "network", "inspect", "--format", SUBNETS, p + "-missing");
        ok(StandInParityIT::lines, "docker", "network", "ls", "--filter", "label=dev.envctl.environment=" + p
                + "-a", "--format", "{{.Name}}");
        // fails, printing the networks it found: envctl reads them (the networks a subnet overlaps)
        table.add(new Step(List.of("docker", "network", "inspect", "--format",
                "{{.Name}}{{range .IPAM.Config}} {{.Subnet}}{{end}}", "k3d-" + p + "-a", p + "-missing"), false,
                StandInParityIT::lines));
        // envctl's k3d create, twice; one on the network without a gateway; cluster.sh's
        String[] create = {"k3d", "cluster", "create", p + "-a", "--api-port", "127.0.0.1:27640", "-p",
                "0.0.0.0:28190:80@loadbalancer", "-p", "0.0.0.0:28590:443@loadbalancer", "--network",
                "k3d-" + p + "-a", "--image", image, "--wait", "--timeout", "60s"};
        ok(none, create);
        fails(create);
        fails("k3d", "cluster", "create", p + "-g", "--api-port", "127.0.0.1:27641", "-p",
                "0.0.0.0:28193:80@loadbalancer", "-p", "0.0.0.0:28593:443@loadbalancer", "--network", p + "-nogw",
                "--image", image, "--wait", "--timeout", "60s");
        ok(none, "k3d", "cluster", "create", p + "-b", "--image", image, "--network",
                p + "-shared", "--k3s-arg", "--disable=traefik@server:0", "--servers", "1", "--agents", "0",
                "--port", "28191:80@loadbalancer", "--port", "28591:443@loadbalancer");
        ok(out -> lines(out).size(), "docker", "network", "inspect", "--format", SUBNETS, p + "-shared");
        ok(StandInParityIT::bindings, "docker", "inspect", "--format", PORTS, "k3d-" + p + "-a-serverlb");
        ok(StandInParityIT::bindings, "docker", "inspect", "--format", PORTS, "k3d-" + p + "-b-serverlb");
        ok(StandInParityIT::bindings, "docker", "inspect", "--format", PORTS, "k3d-" + p + "-a-server-0");
        ok(StandInParityIT::addresses, "docker", "port", "k3d-" + p + "-b-serverlb", "6443/tcp");
        ok(StandInParityIT::lines, "docker", "ps", "--filter", "publish=28190", "--format", "{{.Names}}");
        String mark = "/var/lib/rancher/k3s/envctl-created";
        fails("docker", "exec", "k3d-" + p + "-a-server-0", "sh", "-c", "test -e " + mark);
        ok(none, "docker", "exec", "k3d-" + p + "-a-server-0", "sh", "-c", ": > " + mark);
        ok(none, "docker", "exec", "k3d-" + p + "-a-server-0", "sh", "-c", "test -e " + mark);
        ok(clusters, "k3d", "cluster", "list", "-o", "json");
        // stop and start
        ok(none, "k3d", "cluster", "stop", p + "-a");
        ok(clusters, "k3d", "cluster", "list", "-o", "json");
        ok(StandInParityIT::bindings, "docker", "inspect", "--format", PORTS, "k3d-" + p + "-a-serverlb");
        fails("docker", "port", "k3d-" + p + "-a-serverlb", "6443/tcp");
        ok(StandInParityIT::lines, "docker", "ps", "--filter", "publish=28190", "--format", "{{.Names}}");
        fails("docker", "exec", "k3d-" + p + "-a-server-0", "sh", "-c", "test -e " + mark);
        ok(none, "k3d", "cluster", "start", p + "-a", "--wait", "--timeout", "60s");
        ok(none, "docker", "exec", "k3d-" + p + "-a-server-0", "sh", "-c", "test -e " + mark);
        fails("k3d", "cluster", "stop", p + "-none");
        fails("k3d", "cluster", "start", p + "-none", "--wait", "--timeout", "60s");
        ok(none, "k3d", "cluster", "delete", p + "-none");
        fails("docker", "container", "inspect", "--format", "{{.Created}}",
                "k3d-" + p + "-none-tools");
        ok(StandInParityIT::lines, "docker", "volume", "rm", "-f", "k3d-" + p + "-none-images");
        // kind as cluster.sh runs it, then stop_env.sh's and start_env.sh's docker commands and envctl's
        ok(none, "kind", "create", "cluster", "--name", p + "-k", "--config",
                kindConfig.toString(), "--image", s.machine.kindImage);
        fails("kind", "create", "cluster", "--name", p + "-k", "--config",
                kindConfig.toString(), "--image", s.machine.kindImage);
        ok(mine, "kind", "get", "clusters");
        ok(mine, "docker", "ps", "-a", "--filter", "label=io.x-k8s.kind.cluster", "--format",
                KIND_NODES);
        ok(StandInParityIT::bindings, "docker", "inspect", "--format", PORTS, p + "-k-control-plane");
        ok(StandInParityIT::addresses, "docker", "port", p + "-k-control-plane", "6443/tcp");
        ok(out -> lines(out).size(), "docker", "ps", "-q", "--filter", "name=" + p + "-k-control-plane");
        ok(StandInParityIT::lines, "docker", "stop", p + "-k-control-plane");
        ok(out -> lines(out).size(), "docker", "ps", "-q", "--filter", "name=" + p + "-k-control-plane");
        ok(out -> lines(out).size(), "docker", "ps", "-aq", "--filter", "name=" + p + "-k-control-plane");
        ok(mine, "docker", "ps", "-a", "--filter", "label=io.x-k8s.kind.cluster", "--format",
                KIND_NODES);
        ok(StandInParityIT::lines, "docker", "start", p + "-k-control-plane");
        ok(none, "kind", "delete", "cluster", "--name", p + "-k");
        ok(none, "kind", "delete", "cluster", "--name", p + "-k");
        ok(mine, "kind", "get", "clusters");
        // the network kind made stays (its IPv4 block; kind adds an IPv6 one the stand-in does not keep)
        ok(out -> lines(out).stream().filter(l -> !l.contains(":")).count(), "docker", "network", "inspect",
                "--format", SUBNETS, "kind");
        // deletes: the network k3d made goes with its cluster, envctl's stays for envctl to remove
        ok(none, "k3d", "cluster", "delete", p + "-a");
        ok(none, "k3d", "cluster", "delete", p + "-b");
        ok(clusters, "k3d", "cluster", "list", "-o", "json");
        fails("docker", "network", "inspect", "--format", SUBNETS, p + "-shared");
        ok(StandInParityIT::lines, "docker", "network", "rm", "k3d-" + p + "-a");
        fails("docker", "network", "rm", "k3d-" + p + "-a");
        ok(StandInParityIT::lines, "docker", "network", "rm", p + "-nogw");

        StandInTools standIns = new StandInTools(s.dir.resolve("standins"), "docker", "k3d", "kind");
        Map<String, String> standInEnv = new HashMap<>(s.env);
        standInEnv.put("PATH", standIns.bin + ":" + s.machine.path);
        Map<String, String> realEnv = new HashMap<>(s.env);
        realEnv.put("LOG_COLORS", "false");
        standInEnv.put("LOG_COLORS", "false");
        List<String> differences = new ArrayList<>();
        for (Step step : table) {
            Shell.Result real = Shell.run(step.argv(), realEnv, Duration.ofMinutes(2));
            // by its path: a program is looked up on this JVM's PATH, not the one given to it
            List<String> argv = new ArrayList<>(step.argv());
            argv.set(0, standIns.tool(argv.get(0)).toString());
            Shell.Result standIn = Shell.run(argv, standInEnv, Duration.ofMinutes(2));
            boolean agree = (real.exit() == 0) == step.ok() && (standIn.exit() == 0) == step.ok();
            if (agree && step.view() != null) {
                agree = step.view().apply(real.out()).equals(step.view().apply(standIn.out()));
            }
            if (!agree) {
                differences.add((step.ok() ? "succeeds" : "fails") + " with the real tool\nreal: " + real
                        + (step.view() == null ? "" : "\n(read: " + step.view().apply(real.out()) + ")")
                        + "\nstand-in: " + standIn
                        + (step.view() == null ? "" : "\n(read: " + step.view().apply(standIn.out()) + ")"));
            }
        }

        assertThat(differences).as(String.join("\n\n", differences)).isEmpty();
    }
}
