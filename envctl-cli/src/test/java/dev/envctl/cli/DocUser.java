package dev.envctl.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A reader who types a page's examples: a {@link Workspace} (home, stand-in tools first on PATH) with
 * {@code envctl} on PATH as the packaged launcher, and a working folder holding a copy of the repository's
 * {@code config/}, so {@code config/environments.csv} names the sample file as in a checkout. Commands run one
 * after another through {@code bash -c} in that folder, as in one terminal: what a command exports
 * ({@code export ENVCTL_DB_PASSWORD=...}) is set for the ones after it. A command that asks for a password
 * (PostgreSQL's {@code createuser --pwprompt}) reads it from stdin, where the reader types {@link #PASSWORD};
 * no command has a terminal.
 *
 * <p>Values of the reader's machine that the pages write as a reader's would be are given as
 * {@code stands}: each key, where it occurs in a command, is replaced by its value before the command runs,
 * and the value, where it occurs in what the command prints, by the key again (the pages' local PostgreSQL at
 * {@code localhost:5432} is the harness's server on another port).
 */
final class DocUser {
    /** The reader's password, as the pages write it: {@code export ENVCTL_DB_PASSWORD=...}. */
    static final String PASSWORD = "...";

    private final Workspace ws;
    private final Map<String, String> stands;
    private final Path shellState;
    private final Path typed;

    DocUser(Path dir, Path repository, Map<String, String> env, Map<String, String> stands) throws IOException {
        ws = new Workspace(dir);
        ws.env.putAll(env);
        // the reader's account home is their HOME: pgjdbc finds ~/.pgpass through user.home
        ws.env.put("ENVCTL_JAVA_OPTS", "-Duser.home=" + ws.home);
        this.stands = Map.copyOf(stands);
        Path envctl = ws.bin.resolve("envctl");
        Files.writeString(envctl, "#!/bin/sh\nexec '" + Workspace.LAUNCHER + "' \"$@\"\n");
        Files.setPosixFilePermissions(envctl, PosixFilePermissions.fromString("rwxr-xr-x"));
        copy(repository.resolve("config"), dir.resolve("config"));
        shellState = dir.resolve("shell-state");
        typed = Files.writeString(dir.resolve("typed"), (PASSWORD + "\n").repeat(8), StandardCharsets.UTF_8);
    }

    /** What one command printed and returned. */
    record Ran(int exit, String out, String err) {
        /** The lines an example shows: stdout, then the {@code envctl:} lines of stderr. */
        List<String> compared() {
            List<String> lines = new ArrayList<>(out.lines().toList());
            err.lines().filter(l -> l.startsWith("envctl:")).forEach(lines::add);
            return lines;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    Ran run(String line) {
        String command = line;
        for (Map.Entry<String, String> s : stands.entrySet()) {
            command = command.replace(s.getKey(), s.getValue());
        }
        // the exports of the commands before, this command, then its exports for the next one
        String script = "[ -f \"$0\" ] && . \"$0\"\ntrap 'export -p > \"$0\"' EXIT\n" + command + "\n";
        ProcessBuilder pb = new ProcessBuilder("setsid", "bash", "-c", script, shellState.toString())
                .directory(ws.dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(ws.env);
        Processes.Output o = Processes.run(pb, ws.dir, line, typed);
        return new Ran(o.exit(), back(o.out()), back(o.err()));
    }

    private String back(String printed) {
        String s = printed;
        for (Map.Entry<String, String> e : stands.entrySet()) {
            s = s.replace(e.getValue(), e.getKey());
        }
        return s;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
