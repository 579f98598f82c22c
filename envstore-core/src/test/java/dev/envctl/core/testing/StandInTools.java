package dev.envctl.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stand-in tool executables ({@code docker}, {@code k3d}, {@code kind}), bash scripts on the test class path under
 * {@code /standins/NAME} in core's test-jar, the one set every module's tests use, copied into {@code DIR/bin}
 * with their state in {@code DIR/state} (or where {@code ENVCTL_STUB_STATE} names). {@link #environment()} is this process's environment with {@code DIR/bin} first on
 * {@code PATH}; the JVM's own environment is not changed.
 */
public final class StandInTools {
    public final Path bin;
    public final Path state;

    public StandInTools(Path dir, String... tools) {
        bin = dir.resolve("bin");
        state = dir.resolve("state");
        try {
            Files.createDirectories(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        install(bin, tools);
    }

    /** Copies the stand-ins {@code tools} into {@code bin} (made if missing) as executables; returns {@code bin}. */
    public static Path install(Path bin, String... tools) {
        try {
            Files.createDirectories(bin);
            for (String tool : tools) {
                Path target = bin.resolve(tool);
                try (InputStream in = StandInTools.class.getResourceAsStream("/standins/" + tool)) {
                    if (in == null) {
                        throw new IllegalArgumentException("no stand-in named " + tool);
                    }
                    Files.copy(in, target);
                }
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            return bin;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * This process's environment with the stand-ins first on PATH, without {@code KUBECONFIG}: the developer's own,
     * when it lists several files, changes what the k3d provider passes k3d.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        env.remove("KUBECONFIG");
        return env;
    }

    public Path tool(String name) {
        return bin.resolve(name);
    }

    /** Every call so far, in order: the tool's name, then its arguments. */
    public List<List<String>> calls() {
        return lines("calls.log").stream().map(l -> List.of(l.split("\u001f", -1))).toList();
    }

    /** The calls of {@code tool}, as argv with the stand-in's absolute path first (what the provider ran). */
    public List<List<String>> argv(String tool) {
        List<List<String>> out = new ArrayList<>();
        for (List<String> call : calls()) {
            if (call.get(0).equals(tool)) {
                List<String> argv = new ArrayList<>(call);
                argv.set(0, tool(tool).toString());
                out.add(argv);
            }
        }
        return out;
    }

    /** Lines "tool 0x1f VAR=value" the stand-ins recorded, one per call. */
    public List<String> environmentLog() {
        return lines("env.log").stream().map(l -> l.replace('\u001f', ' ')).toList();
    }

    public void forgetCalls() {
        delete("calls.log");
        delete("env.log");
    }

    public void flag(String name) {
        flag(name, "");
    }

    public void flag(String name, String content) {
        write(state.resolve(name), content);
    }

    public boolean has(String relative) {
        return Files.exists(state.resolve(relative));
    }

    /**
     * What a real tool printed, kept verbatim in core's test-jar under {@code /real-output/} (such as
     * {@code k3d-v5.7.4/create-held-port.stderr}), for a stand-in to replay; its README says how each was made.
     */
    public static String realOutput(String relative) {
        try (InputStream in = StandInTools.class.getResourceAsStream("/real-output/" + relative)) {
            if (in == null) {
                throw new IllegalArgumentException("no real output named " + relative);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of {@link #realOutput}. */
    public static List<String> realOutputLines(String relative) {
        return realOutput(relative).lines().toList();
    }

    public String read(String relative) {
        try {
            return Files.readString(state.resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> lines(String file) {
        Path p = state.resolve(file);
        if (!Files.exists(p)) {
            return List.of();
        }
        try {
            return Arrays.stream(Files.readString(p, StandardCharsets.UTF_8).split("\n"))
                    .filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void delete(String file) {
        try {
            Files.deleteIfExists(state.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path p, String content) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
