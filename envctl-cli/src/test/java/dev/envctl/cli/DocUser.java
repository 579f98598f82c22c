package dev.envctl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A reader who types a page's examples: a {@link Workspace} (home, stand-in tools first on PATH) with
 * {@code envctl} on PATH as the packaged launcher, and a working folder holding a copy of the repository's
 * {@code config/}, so {@code config/environments.csv} names the sample file as in a checkout. Commands run
 * through {@code bash -c}, one after another, with the same home.
 */
final class DocUser {
    private final Workspace ws;

    DocUser(Path dir, Path repository) throws IOException {
        ws = new Workspace(dir);
        Path envctl = ws.bin.resolve("envctl");
        Files.writeString(envctl, "#!/bin/sh\nexec '" + Workspace.LAUNCHER + "' \"$@\"\n");
        Files.setPosixFilePermissions(envctl, PosixFilePermissions.fromString("rwxr-xr-x"));
        copy(repository.resolve("config"), dir.resolve("config"));
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
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", line).directory(ws.dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(ws.env);
        Processes.Output o = Processes.run(pb, ws.dir, line);
        return new Ran(o.exit(), o.out(), o.err());
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
