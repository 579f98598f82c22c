package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.spi.EnvironmentStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CSV store's own file format, produced and read by the CSV store plugin itself so that it is exactly
 * the format of {@code envctl --store x.csv} (the Kindler scripts' nine columns, then envctl's): output is
 * written into a scratch store and copied; input files are opened as a store and listed.
 */
final class CsvFormat {
    private CsvFormat() {
    }

    /**
     * Writes {@code environments}, with {@code hosts}, the hosts other than {@code local} they live on; nothing
     * when both are empty.
     */
    static void write(Session session, List<Environment> environments, List<Host> hosts) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("envctl-csv");
            Path file = dir.resolve("environments.csv");
            try (EnvironmentStore scratch = session.plugins().openStore("csv:" + file, Map.of(), session.env())) {
                hosts.forEach(scratch::addHost);
                environments.forEach(scratch::insert);
            }
            // the store makes its file on the first write: no environment and no host, no file and no output
            if (Files.exists(file)) {
                session.out().write(Files.readAllBytes(file));
                session.out().flush();
            }
        } catch (IOException e) {
            throw new EnvctlException(ErrorCode.FAILURE, "cannot write CSV output: " + e.getMessage(), e);
        } finally {
            deleteTree(dir);
        }
    }

    /** The environments of an existing CSV file in the store's (or the Kindler scripts') format. */
    static List<Environment> read(Session session, Path file) {
        try (EnvironmentStore store = session.plugins().openStore("csv:" + file, Map.of(), session.env())) {
            return store.list(EnvironmentFilter.ALL);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a scratch folder in the temp dir; nothing to do
        }
    }
}
