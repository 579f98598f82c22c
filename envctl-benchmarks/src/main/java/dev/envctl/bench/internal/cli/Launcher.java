package dev.envctl.bench.internal.cli;

import dev.envctl.core.testing.StandInTools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs a command as a child process and times it from start to exit; output is read and discarded. */
public final class Launcher {
    private Launcher() {
    }

    /** The CLI distribution's launcher: the given one, $ENVCTL_LAUNCHER, or the checkout's built distribution. */
    public static Optional<Path> find(Path given, Path benchJarFolder) {
        if (given != null) {
            return Optional.of(given);
        }
        String env = System.getenv("ENVCTL_LAUNCHER");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env));
        }
        // the checkout holding the benchmarks jar (envctl-benchmarks/target/x.jar), else the current folder
        List<Path> roots = new ArrayList<>();
        java.security.CodeSource source = Launcher.class.getProtectionDomain().getCodeSource();
        if (source != null) {
            try {
                Path module = Path.of(source.getLocation().toURI()).toAbsolutePath().getParent();
                module = module == null ? null : module.getParent();
                if (module != null && module.getParent() != null) {
                    roots.add(module.getParent());
                }
            } catch (java.net.URISyntaxException e) {
                // not a file location: fall back to the other candidates
            }
        }
        Path outParent = benchJarFolder.toAbsolutePath().getParent();
        if (outParent != null && outParent.getParent() != null) {
            roots.add(outParent.getParent());
        }
        roots.add(Path.of("").toAbsolutePath());
        return roots.stream().map(r -> r.resolve("envctl-cli/target/envctl/bin/envctl")).filter(Files::isExecutable)
                .findFirst();
    }

    public record Run(int exit, double millis, String stdout, String stderr) {
    }

    /**
     * {@code env} over this process's environment with core's stand-in {@code k3d}, {@code kind} and {@code docker}
     * first on PATH, installed under {@code work}: a CLI create, {@code --no-wait} included, lists the provider's
     * clusters before it records; no benchmark makes a cluster.
     */
    public static Map<String, String> withStandInTools(Path work, Map<String, String> env) {
        Map<String, String> out = new HashMap<>(new StandInTools(work.resolve("standins"), "k3d", "kind", "docker")
                .environment());
        out.putAll(env);
        return out;
    }

    public static Run run(List<String> argv, Map<String, String> env, Path work) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(argv)).directory(work.toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + argv);
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        Run r = new Run(p.exitValue(), ms, Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }
}
