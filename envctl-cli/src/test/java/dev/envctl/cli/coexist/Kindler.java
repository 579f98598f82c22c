package dev.envctl.cli.coexist;

import dev.envctl.cli.Processes;
import dev.envctl.cli.Workspace;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A copy of the replaced system's scripts ({@code scripts/} and {@code config/} of the folder named by
 * {@code ENVCTL_TEST_KINDLER_DIR}), run unchanged with bash in a {@link Workspace}: stand-in {@code k3d},
 * {@code kind}, {@code docker} and {@code kubectl} first on PATH (for the scripts, a {@code docker} that has every
 * image, so they pull nothing). The scripts keep their CSV at
 * {@code config/environments.csv} under their own folder, which is where envctl's {@code --store} points.
 */
final class Kindler {
    static final String VARIABLE = "ENVCTL_TEST_KINDLER_DIR";
    private static final Path REPO = Path.of(System.getProperty("envctl.repo", "..")).toAbsolutePath().normalize();
    private static final Path STUBS = Path.of(System.getProperty("envctl.coexist.stubs", "src/test/coexist"));

    final Workspace ws;
    final Path root;
    final Path csv;

    private Kindler(Workspace ws, Path root) {
        this.ws = ws;
        this.root = root;
        this.csv = root.resolve("config/environments.csv");
    }

    /** The scripts' folder, a relative path taken from the repository root; skips the test when not given. */
    static Path source() {
        String dir = System.getenv(VARIABLE);
        Assumptions.assumeTrue(dir != null && !dir.isBlank(), "coexistence suite skipped: set " + VARIABLE
                + " to the replaced scripts' folder (such as ../shared/reference/kindler-813621e, relative to the "
                + "repository root) to run the old scripts against envctl's data");
        Path path = REPO.resolve(dir).normalize();
        if (!Files.isRegularFile(path.resolve("scripts/lib.sh"))) {
            throw new IllegalStateException(VARIABLE + "=" + dir + " resolves to " + path
                    + ", which has no scripts/lib.sh; name the replaced scripts' folder");
        }
        return path;
    }

    /** Copies the scripts into {@code ws.dir/kindler} and puts the kubectl stand-in beside the others. */
    static Kindler copy(Workspace ws) {
        Path from = source();
        Path to = ws.dir.resolve("kindler");
        try {
            for (String part : List.of("scripts", "config")) {
                try (Stream<Path> files = Files.walk(from.resolve(part))) {
                    for (Path f : files.toList()) {
                        Path target = to.resolve(from.relativize(f).toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                        }
                    }
                }
            }
            Path kubectl = ws.bin.resolve("kubectl");
            Files.copy(STUBS.resolve("kubectl"), kubectl, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path scriptBin = Files.createDirectories(ws.dir.resolve("kindler-bin"));
            Files.copy(STUBS.resolve("docker"), scriptBin.resolve("docker"), StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(scriptBin.resolve("docker"), PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Kindler(ws, to);
    }

    /** What a script printed and returned. */
    record Run(String what, int exit, String out, String err) {
        String line(String prefix) {
            return out.lines().filter(l -> l.startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new AssertionError(what + " printed no line starting " + prefix + ":\n" + this));
        }

        @Override
        public String toString() {
            return what + " -> exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs a script of the copy, such as {@code scripts/delete_env.sh -n dev}. */
    Run script(String script, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve(script).toString()));
        command.addAll(List.of(args));
        return run(String.join(" ", command), command);
    }

    /** Sources {@code scripts/lib.sh} and calls one of its functions with {@code args}. */
    Run function(String function, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", "-c",
                ". \"$0/scripts/lib.sh\"; \"$@\"", root.toString(), function));
        command.addAll(List.of(args));
        return run(function + " " + String.join(" ", args), command);
    }

    private Run run(String what, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
        pb.environment().clear();
        pb.environment().putAll(ws.env);
        pb.environment().put("DRY_RUN", "1");
        pb.environment().put("PATH", ws.dir.resolve("kindler-bin") + File.pathSeparator + ws.env.get("PATH"));
        pb.environment().put("COEXIST_DOCKER", ws.bin.resolve("docker").toString());
        // the scripts' mktemp files (cluster.sh's kind config) are never removed by them: made here, the test's
        // folder takes them away
        pb.environment().put("TMPDIR", tmpdir().toString());
        Processes.Output o = Processes.run(pb, ws.dir, what);
        return new Run(what, o.exit(), o.out(), o.err());
    }

    private Path tmpdir() {
        try {
            return Files.createDirectories(ws.dir.resolve("kindler-tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The database stand-in answers (lib_db.sh's db_is_available succeeds) from now on. */
    void databaseUp() {
        ws.flag("db-up");
    }

    /** The SQL texts the scripts sent to the database stand-in. */
    List<String> sql() {
        Path log = ws.state.resolve("psql.log");
        try {
            return Files.exists(log) ? List.of(Files.readString(log, StandardCharsets.UTF_8).split("\u001e"))
                    : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
