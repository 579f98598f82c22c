package dev.envctl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.envctl.core.testing.StandInTools;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A user's machine for one test: a home folder, stand-in {@code k3d}, {@code kind} and {@code docker} (core's
 * {@link StandInTools}) in {@code bin/} first on {@code PATH}, and the packaged {@code envctl} run as a
 * subprocess with exactly that environment (nothing inherited but what is listed here).
 */
public final class Workspace {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIST = Path.of(System.getProperty("envctl.dist", "target/envctl"));
    /** The launcher run: the distribution's, or another given with -Denvctl.launcher (for quick local runs). */
    static final Path LAUNCHER = Path.of(System.getProperty("envctl.launcher",
            DIST.resolve("bin/envctl").toString())).toAbsolutePath();
    static final Path CONFIG = Path.of(System.getProperty("envctl.config", "../config")).toAbsolutePath().normalize();

    /**
     * The first ports of each default pool that something on this machine listens on, found once per JVM: envctl skips
     * them, so the outputs the suites expect would name other ports.
     */
    private static final List<Integer> BUSY_POOL_PORTS = busyPoolPorts();

    public final Path dir;
    public final Path home;
    public final Path bin;
    public final Path state;
    public final Map<String, String> env = new HashMap<>();
    private Path launcher = LAUNCHER;
    /** What runs the launcher: nothing, or {@code setpriv} as an unprivileged user ({@link #asNobody}). */
    private List<String> runAs = List.of();

    public Workspace(Path dir) {
        assertThat(BUSY_POOL_PORTS).as("ports of the default pools in use on this machine (a cluster of your own?): "
                + "the CLI suites' expected outputs name the first ports of each pool, as a machine where nothing "
                + "listens there gives them; stop what listens (ss -ltnp) and run again").isEmpty();
        this.dir = dir;
        this.home = dir.resolve("home");
        this.bin = dir.resolve("bin");
        this.state = dir.resolve("stub-state");
        try {
            Files.createDirectories(home);
            Files.createDirectories(state);
            StandInTools.install(bin, "k3d", "kind", "docker");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env.put("PATH", bin + File.pathSeparator + "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", home.toString());
        env.put("ENVCTL_STUB_STATE", state.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("LANG", "C.UTF-8");
    }

    private static List<Integer> busyPoolPorts() {
        List<Integer> busy = new ArrayList<>();
        for (int first : new int[] {18080, 18400, 19000, 26443}) {
            for (int port = first; port < first + 20; port++) {
                try (ServerSocket s = new ServerSocket()) {
                    s.setReuseAddress(false);
                    s.bind(new InetSocketAddress(port));
                } catch (IOException e) {
                    busy.add(port);
                }
            }
        }
        return List.copyOf(busy);
    }

    /** The default store of this home. */
    Path defaultStore() {
        return home.resolve(".envctl/environments.csv");
    }

    /**
     * PATH without the stand-ins and without this machine's own folders, as on a machine without k3d, kind and
     * Docker (which this one may have in /usr/bin): only what the launcher runs ({@code dirname}, {@code ls}).
     */
    Workspace withoutTools() {
        Path bare = dir.resolve("bare-bin");
        try {
            Files.createDirectories(bare);
            for (String tool : List.of("dirname", "ls")) {
                Path link = bare.resolve(tool);
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, Arrays.stream(new String[] {"/usr/bin", "/bin"})
                            .map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst().orElseThrow());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env.put("PATH", bare.toString());
        return this;
    }

    Workspace withTools() {
        env.put("PATH", bin + File.pathSeparator + "/usr/local/bin:/usr/bin:/bin");
        return this;
    }

    /** Runs {@code bin/envctl} of the distribution in {@code dist} (a copy with plugin jars in its lib/, say). */
    Workspace distribution(Path dist) {
        launcher = dist.resolve("bin/envctl").toAbsolutePath();
        return this;
    }

    /**
     * Runs the launcher as the unprivileged user {@code nobody} ({@code setpriv}), for refusals root ignores (a folder
     * it may not write, a file it may not read); the workspace's folders become readable to that user. Skips the test
     * where {@code setpriv} cannot switch users or that user cannot run the launcher (a checkout under /root).
     */
    Workspace asNobody() {
        List<String> nobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
        try {
            for (Path p : List.of(dir, home)) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            List<String> probe = new ArrayList<>(nobody);
            probe.addAll(List.of("test", "-x", launcher.toString()));
            Process p = new ProcessBuilder(probe).redirectErrorStream(true).redirectOutput(
                    ProcessBuilder.Redirect.DISCARD).start();
            assumeTrue(p.waitFor() == 0, "setpriv cannot run " + launcher + " as nobody here, and root ignores "
                    + "permissions");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        runAs = nobody;
        return this;
    }

    public Result run(String... args) {
        return run(Map.of(), args);
    }

    /** {@link #run}, asserting exit 0 (the failure shows the command's output). */
    public Result ok(String... args) {
        Result r = run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    public Result run(Map<String, String> extraEnv, String... args) {
        List<String> command = new ArrayList<>(runAs);
        command.add(launcher.toString());
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().putAll(extraEnv);
        Processes.Output o = Processes.run(pb, dir, "envctl " + String.join(" ", args));
        return new Result(args, o.exit(), o.out(), o.err());
    }

    /**
     * A shell command running the packaged envctl as {@link #run} does, its stdout, stderr and exit code in the
     * files {@code out}.out, .err and .exit: for a stand-in to run while a tool call of another envctl is in flight.
     */
    String commandLine(Path out, String... args) {
        return "env -i " + env.entrySet().stream().map(e -> quoted(e.getKey() + "=" + e.getValue()))
                .collect(Collectors.joining(" ")) + " " + Stream.concat(Stream.of(launcher.toString()),
                Stream.of(args)).map(Workspace::quoted).collect(Collectors.joining(" ")) + " > "
                + quoted(out + ".out") + " 2> " + quoted(out + ".err") + "; echo $? > " + quoted(out + ".exit");
    }

    private static String quoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** Every call the stand-ins received so far: the tool, then its arguments. */
    public List<List<String>> calls() {
        Path log = state.resolve("calls.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isEmpty())
                    .map(l -> List.of(l.split("\u001f", -1))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void clearCalls() {
        try {
            Files.deleteIfExists(state.resolve("calls.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the file {@code name} in the stand-ins' state folder, which switches a behaviour of theirs on. */
    public void flag(String name) {
        write(state.resolve(name), "");
    }

    void unflag(String name) {
        try {
            Files.deleteIfExists(state.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path write(String relative, String text) {
        return write(dir.resolve(relative), text);
    }

    static Path write(Path p, String text) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, text, StandardCharsets.UTF_8);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(Path p) {
        try {
            return Files.exists(p) ? Files.readAllBytes(p) : new byte[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What one run printed and returned. */
    public record Result(String[] args, int exit, String out, String err) {
        public JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout of envctl " + String.join(" ", args) + " is not JSON: " + out
                        + "\nstderr: " + err, e);
            }
        }

        List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "envctl " + String.join(" ", args) + " -> exit " + exit + "\n--- stdout\n" + out + "--- stderr\n"
                    + err;
        }
    }
}
