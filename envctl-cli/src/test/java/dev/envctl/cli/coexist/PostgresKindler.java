package dev.envctl.cli.coexist;

import dev.envctl.cli.Processes;
import dev.envctl.core.testing.StandInTools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The replaced system's scripts, copied unchanged into a temp folder, next to the packaged {@code envctl}, both
 * pointed at one PostgreSQL database. The scripts reach psql as
 * {@code kubectl --context CTX exec -i POD -n NS -- psql -U USER -d DB ...}: a stand-in {@code kubectl} first
 * on their PATH runs what follows {@code --} here (the local psql, with {@code PGHOST}/{@code PGPORT}/
 * {@code PGPASSWORD} from its environment, never in argv) and succeeds for {@code kubectl wait}; the
 * {@code --context}, pod and namespace are ignored.
 */
final class PostgresKindler {
    static final String DIR_VARIABLE = "ENVCTL_TEST_KINDLER_DIR";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIST = Path.of(System.getProperty("envctl.dist", "target/envctl"));
    private static final String KUBECTL = """
            #!/bin/sh
            # Stand-in kubectl for the coexistence tests: 'kubectl ... exec ... -- CMD ARGS' runs CMD ARGS here
            # (psql finds the server through PGHOST, PGPORT and PGPASSWORD); 'kubectl ... wait ...' succeeds.
            while [ $# -gt 0 ]; do
              case "$1" in
                --) shift; exec "$@" ;;
                wait) exit 0 ;;
              esac
              shift
            done
            echo "stand-in kubectl: no '-- COMMAND' given" >&2
            exit 1
            """;

    final Path root;
    final Path bin;
    final Path home;
    final Path state;
    final String url;
    private final Map<String, String> scriptEnv = new HashMap<>();
    private final Map<String, String> envctlEnv = new HashMap<>();

    /**
     * The scripts' folder {@code ENVCTL_TEST_KINDLER_DIR} names (relative to the repository root, the parent
     * of this module), or null when it is not set.
     */
    static Path kindlerDir() {
        String dir = System.getenv(DIR_VARIABLE);
        if (dir == null || dir.isBlank()) {
            return null;
        }
        Path p = Path.of(dir);
        return p.isAbsolute() ? p : Path.of("").toAbsolutePath().getParent().resolve(p).normalize();
    }

    /**
     * @param database   the database both use, and {@code user} the role: the scripts' own defaults
     *                   ({@code kindler}, which init_database.sh has fixed in its psql calls), so their DB_*
     *                   variables stay unset
     * @param password   given to psql as {@code PGPASSWORD} and to envctl as {@code ENVCTL_DB_PASSWORD}
     * @param envctlZone the JVM time zone of envctl (its sessions' zone)
     */
    PostgresKindler(Path kindler, Path tmp, int port, String database, String user, String password,
                    String envctlZone) {
        this.root = tmp.resolve("kindler");
        this.bin = tmp.resolve("bin");
        this.home = tmp.resolve("home");
        this.state = tmp.resolve("stub-state");
        this.url = "jdbc:postgresql://localhost:" + port + "/" + database;
        try {
            copyTree(kindler, root);
            Files.createDirectories(bin);
            Files.createDirectories(state);
            // the scripts' mktemp files (cluster.sh's kind config) are never removed by them: made here, the test's
            // folder takes them away
            scriptEnv.put("TMPDIR", Files.createDirectories(state.resolveSibling("tmp")).toString());
            executable(bin.resolve("kubectl"), KUBECTL);
            StandInTools.install(bin, "k3d", "kind", "docker");
            Path config = home.resolve(".envctl/config.properties");
            Files.createDirectories(config.getParent());
            Files.writeString(config, "store.jdbc.user=" + user + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String path = bin + File.pathSeparator + "/usr/local/bin:/usr/bin:/bin";
        scriptEnv.put("PATH", path);
        scriptEnv.put("HOME", home.toString());
        scriptEnv.put("LANG", "C.UTF-8");
        scriptEnv.put("PGHOST", "localhost");
        scriptEnv.put("PGPORT", Integer.toString(port));
        scriptEnv.put("PGPASSWORD", password);
        envctlEnv.put("PATH", path);
        envctlEnv.put("HOME", home.toString());
        envctlEnv.put("LANG", "C.UTF-8");
        envctlEnv.put("JAVA_HOME", System.getProperty("java.home"));
        envctlEnv.put("ENVCTL_STUB_STATE", state.toString());
        envctlEnv.put("ENVCTL_STORE", url);
        envctlEnv.put("ENVCTL_DB_PASSWORD", password);
        envctlEnv.put("TZ", envctlZone);
    }

    /** Calls one function of scripts/lib_db.sh, sourced unchanged, with {@code args} as its arguments. */
    Run lib(String function, String... args) {
        List<String> argv = new ArrayList<>(List.of("bash", "-c", "source \"$0/scripts/lib_db.sh\" && \"$@\"",
                root.toString(), function));
        argv.addAll(List.of(args));
        return run(argv, scriptEnv);
    }

    /** Runs scripts/NAME unchanged. */
    Run script(String name) {
        return run(List.of("bash", root.resolve("scripts").resolve(name).toString()), scriptEnv);
    }

    /** Runs the packaged envctl. */
    Run envctl(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(DIST.resolve("bin/envctl").toAbsolutePath().toString());
        argv.addAll(List.of(args));
        return run(argv, envctlEnv);
    }

    /** The calls the stand-in k3d, kind and docker received, one line each. */
    List<String> toolCalls() {
        Path log = state.resolve("calls.log");
        try {
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Run run(List<String> argv, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(root.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Processes.Output o = Processes.run(pb, root.getParent(), String.join(" ", argv));
        return new Run(argv, o.exit(), o.out(), o.err());
    }

    private static void executable(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** What one command printed and returned. */
    record Run(List<String> argv, int exit, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout of " + this + " is not JSON", e);
            }
        }

        /** Output lines that are not blank. */
        List<String> lines() {
            return out.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            List<String> shown = argv.size() > 3 && argv.get(0).equals("bash") && argv.get(1).equals("-c")
                    ? argv.subList(4, argv.size()) : argv;
            return String.join(" ", shown) + " -> exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
