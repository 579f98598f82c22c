package dev.envctl.realtools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One test's user: a home folder with a CSV store and a config (pools away from the defaults, the node images of
 * {@link Machine}), its own {@code KUBECONFIG}, and a name prefix so that cleanup removes exactly what this test
 * made: every k3d and kind cluster, container, network and volume whose name carries the prefix.
 */
final class Sandbox implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIST = Path.of(System.getProperty("envctl.dist", "../envctl-cli/target/envctl"));
    private static final Duration COMMAND = Duration.ofMinutes(5);

    final Machine machine;
    final Path dir;
    final Path store;
    final Path config;
    final Path kubeconfig;
    /** A short random prefix for every name this test uses, such as {@code rtq7}. */
    final String prefix;
    final Map<String, String> env = new HashMap<>();

    Sandbox(Machine machine, Path dir, String extraConfig) {
        this.machine = machine;
        this.dir = dir;
        this.store = dir.resolve("home/.envctl/environments.csv");
        this.config = dir.resolve("envctl.properties");
        this.kubeconfig = dir.resolve("kubeconfig");
        StringBuilder p = new StringBuilder("rt");
        for (int i = 0; i < 3; i++) {
            p.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        this.prefix = p.toString();
        write(config, String.join("\n",
                "pool.http=28080-28199",
                "pool.https=28400-28599",
                "pool.pf=29000-29199",
                "pool.api=27443-27642",
                "pool.subnet=10.230.0.0/16",
                "pool.subnet.prefix=24",
                "provider.k3d.image=" + machine.k3dImage,
                "provider.k3d.timeout=120s",
                "provider.kind.image=" + machine.kindImage,
                "provider.kind.timeout=120s",
                extraConfig, ""));
        env.put("HOME", dir.resolve("home").toString());
        env.put("KUBECONFIG", kubeconfig.toString());
        env.put("ENVCTL_CONFIG", config.toString());
        env.put("ENVCTL_STORE", store.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        // what the tools leave in the temporary folder (k3d's /tmp/k3d-hostsfile-* of each create, the Kindler
        // scripts' mktemp files) goes to this sandbox's folder, which close() removes
        Path tmp = dir.resolve("tmp");
        write(tmp.resolve(".keep"), "");
        env.put("TMPDIR", tmp.toString());
        env.putAll(machine.k3dVariables);
    }

    /** Adds {@code key=value} lines to the config. */
    void configure(String... lines) {
        write(config, read(config) + String.join("\n", lines) + "\n");
    }

    /** A name for this test: the prefix and {@code suffix}. */
    String name(String suffix) {
        return prefix + "-" + suffix;
    }

    /** Runs the packaged {@code bin/envctl} with {@code args}, as a user would. */
    Shell.Result envctl(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(DIST.resolve("bin/envctl").toAbsolutePath().toString());
        argv.addAll(List.of(args));
        return Shell.run(argv, env, COMMAND);
    }

    /**
     * Starts {@code bin/envctl} with {@code args} in a session of its own ({@code setsid}), so that a signal to its
     * process group reaches it and the tools it runs, not this JVM; stdout and stderr go to {@code output}.
     */
    Process envctlInOwnSession(Path output, String... args) {
        List<String> argv = new ArrayList<>(List.of("setsid", DIST.resolve("bin/envctl").toAbsolutePath().toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code envctl get NAME -o json}, which must succeed. */
    JsonNode get(String name) {
        Shell.Result r = envctl("get", name, "-o", "json");
        if (r.exit() != 0) {
            throw new AssertionError("get " + name + " failed: " + r);
        }
        try {
            return JSON.readTree(r.out());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a tool (docker, k3d, kind) with this sandbox's environment. */
    Shell.Result tool(String... argv) {
        return Shell.run(List.of(argv), env, COMMAND);
    }

    /** Whether each container runs: {@code true} or {@code false}, one line per container, in the order given. */
    List<String> running(String... containers) {
        List<String> argv = new ArrayList<>(List.of("docker", "inspect", "--format", "{{.State.Running}}"));
        argv.addAll(List.of(containers));
        return lines(argv.toArray(String[]::new));
    }

    /** Lines of a tool's stdout, trimmed, without empty ones. */
    List<String> lines(String... argv) {
        Shell.Result r = tool(argv);
        if (r.exit() != 0) {
            throw new AssertionError("command failed: " + r);
        }
        return r.out().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** {@code envctl delete NAME} exits 0 and leaves nothing of the environment on the machine ({@link #leftovers}). */
    void deleteLeavesNothing(String name) {
        Shell.Result deleted = envctl("delete", name);
        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        assertThat(leftovers(name)).isEmpty();
    }

    /**
     * What is left on the machine of environment {@code name}: containers, networks and volumes whose names
     * carry it, networks labelled with it, and kubeconfig entries naming it.
     */
    List<String> leftovers(String name) {
        List<String> left = new ArrayList<>();
        lines("docker", "ps", "-a", "--format", "{{.Names}}").stream().filter(n -> n.contains(name))
                .forEach(n -> left.add("container " + n));
        lines("docker", "network", "ls", "--format", "{{.Name}}").stream().filter(n -> n.contains(name))
                .forEach(n -> left.add("network " + n));
        lines("docker", "network", "ls", "--filter", "label=dev.envctl.environment=" + name, "--format",
                "{{.Name}}").forEach(n -> left.add("labelled network " + n));
        lines("docker", "volume", "ls", "--format", "{{.Name}}").stream().filter(n -> n.contains(name))
                .forEach(n -> left.add("volume " + n));
        if (Files.exists(kubeconfig)) {
            read(kubeconfig).lines().filter(l -> l.contains(name)).forEach(l -> left.add("kubeconfig " + l.strip()));
        }
        return left;
    }

    /** The host bindings Docker published for {@code port/tcp} of {@code container}, such as {@code 0.0.0.0:28080}. */
    List<String> published(String container, int port) {
        return lines("docker", "port", container, port + "/tcp");
    }

    /** Removes everything any test of this sandbox made, whatever state it is in, and the sandbox's folder. */
    @Override
    public void close() {
        for (String n : lines("k3d", "cluster", "list", "--no-headers")) {
            String cluster = n.split("\\s+")[0];
            if (cluster.startsWith(prefix)) {
                tool("k3d", "cluster", "delete", cluster);
            }
        }
        Shell.Result kinds = tool("kind", "get", "clusters");
        kinds.out().lines().map(String::strip).filter(c -> c.startsWith(prefix))
                .forEach(c -> tool("kind", "delete", "cluster", "--name", c));
        for (String c : lines("docker", "ps", "-a", "--format", "{{.Names}}")) {
            if (c.contains(prefix)) {
                tool("docker", "rm", "-f", "-v", c);
            }
        }
        // by id: a name several networks have (SharedNetworkIT makes some) is refused as ambiguous
        for (String n : lines("docker", "network", "ls", "--format", "{{.ID}} {{.Name}}")) {
            if (n.contains(prefix)) {
                tool("docker", "network", "rm", n.split(" ")[0]);
            }
        }
        for (String v : lines("docker", "volume", "ls", "--format", "{{.Name}}")) {
            if (v.contains(prefix)) {
                tool("docker", "volume", "rm", "-f", v);
            }
        }
        tool("rm", "-rf", dir.toString());
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
