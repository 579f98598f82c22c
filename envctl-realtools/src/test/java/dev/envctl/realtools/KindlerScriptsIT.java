package dev.envctl.realtools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kindler scripts themselves (the folder {@code ENVCTL_TEST_KINDLER_DIR} names, relative to the repository
 * root; skipped with a message otherwise), run unchanged with bash beside envctl on one CSV file, against the real
 * Docker, k3d and kind: a cluster their {@code cluster.sh} makes (for k3d on a network of its own with the row's
 * subnet) is adopted, stopped, started and deleted by envctl, network included, while their {@code stop_env.sh} and
 * {@code start_env.sh} work on it in between; an environment envctl made is listed, stopped and deleted by their
 * scripts, and envctl follows. {@code kubectl} is a stand-in that knows the kubeconfig's contexts and reaches no
 * cluster, so the scripts take their CSV paths (their database is reached only through it).
 */
@ExtendWith(RealToolsExtension.class)
class KindlerScriptsIT {
    private static final String HEADER = "# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
            + "http_port,https_port,cluster_subnet\n";

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"k3d,10.232.0.0/16", "kind,''"})
    void aClusterTheScriptsMadeIsAdoptedStoppedStartedAndDeletedByEnvctl(String provider, String subnet,
                                                                         Sandbox s) {
        Path kindler = copyScripts(s);
        // short: cluster.sh names the network's Linux bridge br-k3d-NAME, at most 15 characters
        String name = s.name("o");
        Sandbox.write(csv(kindler), HEADER + name + "," + provider + ",30080,29190,false,false,28190,28590,"
                + subnet + "\n");
        Shell.Result made = script(s, kindler, "cluster.sh", "create", name);
        assertThat(made.exit()).as(made.toString()).isZero();
        String front = provider.equals("k3d") ? "k3d-" + name + "-serverlb" : name + "-control-plane";
        String node = provider.equals("k3d") ? "k3d-" + name + "-server-0" : name + "-control-plane";
        if (provider.equals("k3d")) {
            assertThat(s.lines("docker", "network", "inspect", "--format", "{{range .IPAM.Config}}{{.Subnet}}{{end}}",
                    "k3d-" + name)).containsExactly(subnet);
        }

        Shell.Result reconciled = s.envctl("reconcile", "-o", "json");
        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        assertThat(reconciled.out()).contains("\"unchanged\"").doesNotContain("\"created\"", "\"recreated\"");
        JsonNode adopted = s.get(name);
        assertThat(adopted.get("actualState").asText()).isEqualTo("running");
        assertThat(adopted.get("ports").get("http").asInt()).isEqualTo(28190);
        int api = adopted.get("ports").get("api").asInt();
        assertThat(s.published(front, 6443)).anyMatch(b -> b.endsWith(":" + api));
        assertThat(adopted.get("subnet").isNull() ? "" : adopted.get("subnet").asText()).isEqualTo(subnet);
        Shell.Result taken = s.envctl("create", s.name("thief"), "--provider", provider, "--http-port", "28190",
                "--no-wait");
        assertThat(taken.exit()).as(taken.toString()).isEqualTo(4);

        // their stop, then envctl's reconcile starts it as one stopped outside envctl
        Shell.Result stoppedByThem = script(s, kindler, "stop_env.sh", "-n", name);
        assertThat(stoppedByThem.exit()).as(stoppedByThem.toString()).isZero();
        assertThat(s.running(node)).containsExactly("false");
        Shell.Result again = s.envctl("reconcile", name, "-o", "json");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).contains("\"started\"").doesNotContain("\"recreated\"");
        assertThat(s.running(node)).containsExactly("true");
        assertThat(s.published(front, 80)).contains("0.0.0.0:28190");

        // envctl's stop, then their start: the record stays desired stopped, so reconcile stops it again
        assertThat(s.envctl("stop", name).exit()).isZero();
        assertThat(s.running(node)).containsExactly("false");
        Shell.Result startedByThem = script(s, kindler, "start_env.sh", "-n", name);
        assertThat(startedByThem.exit()).as(startedByThem.toString()).isZero();
        assertThat(s.running(node)).containsExactly("true");
        Shell.Result stoppedAgain = s.envctl("reconcile", name, "-o", "json");
        assertThat(stoppedAgain.exit()).as(stoppedAgain.toString()).isZero();
        assertThat(stoppedAgain.out()).contains("\"stopped\"");
        assertThat(s.running(node)).containsExactly("false");
        assertThat(s.envctl("start", name).exit()).isZero();
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");

        s.deleteLeavesNothing(name);
        assertThat(Sandbox.read(csv(kindler))).doesNotContain(name);
        Shell.Result listed = script(s, kindler, "list_env.sh");
        assertThat(listed.exit()).as(listed.toString()).isZero();
        assertThat(listed.out()).doesNotContain(name);
    }

    /**
     * envctl makes a k3d environment on a subnet network of its own; the scripts list it, stop it and delete it
     * ({@code delete_env.sh}: the CSV row, then {@code k3d cluster delete}, which leaves a network k3d did not
     * make). envctl then lists nothing of it, its next write drops the row's leftover metadata line, and a new
     * automatic subnet skips the one the network still has.
     */
    @Test
    void anEnvironmentEnvctlMadeIsListedStoppedAndDeletedByTheScripts(Sandbox s) {
        Path kindler = copyScripts(s);
        Sandbox.write(csv(kindler), HEADER);
        String name = s.name("new");
        Shell.Result created = s.envctl("create", name, "--provider", "k3d", "--subnet", "auto");
        assertThat(created.exit()).as(created.toString()).isZero();
        JsonNode e = s.get(name);
        String subnet = e.get("subnet").asText();
        int http = e.get("ports").get("http").asInt();
        int https = e.get("ports").get("https").asInt();

        Shell.Result listed = script(s, kindler, "list_env.sh");
        assertThat(listed.exit()).as(listed.toString()).isZero();
        assertThat(listed.out().lines().filter(l -> l.startsWith(name + " ")).map(l -> List.of(l.split("\\s+"))))
                .singleElement().satisfies(cols -> assertThat(cols).containsSubsequence(name, "k3d", subnet,
                        String.valueOf(http), String.valueOf(https)));

        Shell.Result stopped = script(s, kindler, "stop_env.sh", "-n", name);
        assertThat(stopped.exit()).as(stopped.toString()).isZero();
        assertThat(s.running("k3d-" + name + "-server-0"))
                .containsExactly("false");

        Shell.Result deleted = script(s, kindler, "delete_env.sh", "-n", name);
        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        assertThat(s.lines("docker", "ps", "-a", "--format", "{{.Names}}")).noneMatch(c -> c.contains(name));
        assertThat(s.lines("docker", "network", "ls", "--format", "{{.Name}}")).contains("k3d-" + name);
        Shell.Result list = s.envctl("list", "-o", "json");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).doesNotContain(name);
        assertThat(Sandbox.read(csv(kindler))).contains("#envctl " + name + " ");

        String next = s.name("next");
        Shell.Result again = s.envctl("create", next, "--provider", "k3d", "--subnet", "auto");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(s.get(next).get("subnet").asText()).isNotEqualTo(subnet);
        assertThat(Sandbox.read(csv(kindler))).doesNotContain(name);
        assertThat(s.envctl("delete", next).exit()).isZero();
        assertThat(s.leftovers(next)).isEmpty();
    }

    /**
     * A copy of the scripts' {@code scripts/} and {@code config/} in the sandbox, their node images set to the
     * suite's, and envctl's store pointed at their CSV file, {@code config/environments.csv}.
     */
    private static Path copyScripts(Sandbox s) {
        String dir = System.getenv("ENVCTL_TEST_KINDLER_DIR");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(), "skipped: set ENVCTL_TEST_KINDLER_DIR to the Kindler "
                + "scripts' folder (such as ../shared/reference/kindler-813621e, relative to the repository root)");
        Path from = Path.of(System.getProperty("envctl.repo", "..")).toAbsolutePath().resolve(dir).normalize();
        Path to = s.dir.resolve("kindler");
        s.lines("mkdir", "-p", to.toString());
        s.lines("cp", "-R", from.resolve("scripts").toString(), from.resolve("config").toString(), to.toString());
        try {
            Path env = to.resolve("config/clusters.env");
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(env)) {
                lines.add(line.startsWith("KIND_NODE_IMAGE=") ? "KIND_NODE_IMAGE=" + s.machine.kindImage
                        : line.startsWith("K3D_IMAGE=") ? "K3D_IMAGE=" + s.machine.k3dImage : line);
            }
            Files.write(env, lines);
            Path bin = Files.createDirectories(s.dir.resolve("kindler-bin"));
            Path kubectl = bin.resolve("kubectl");
            // the contexts of the kubeconfig k3d and kind write; nothing else answers, as with no cluster to reach
            Files.writeString(kubectl, "#!/usr/bin/env bash\n"
                    + "if [ \"$1 $2\" = \"config get-contexts\" ] && [ -n \"${3:-}\" ]; then\n"
                    + "  grep -q -- \"name: $3\\$\" \"$KUBECONFIG\"; exit $?\n"
                    + "fi\n"
                    + "exit 1\n");
            Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwxr-xr-x"));
            s.env.put("PATH", bin + ":" + s.machine.path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        s.env.put("ENVCTL_STORE", csv(to).toString());
        return to;
    }

    private static Path csv(Path kindler) {
        return kindler.resolve("config/environments.csv");
    }

    /** Runs one of the scripts with bash, as their users do, in the sandbox's environment. */
    private static Shell.Result script(Sandbox s, Path kindler, String script, String... args) {
        List<String> argv = new ArrayList<>(List.of("bash", kindler.resolve("scripts").resolve(script).toString()));
        argv.addAll(List.of(args));
        return s.tool(argv.toArray(String[]::new));
    }
}
