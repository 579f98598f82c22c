package dev.envctl.bench.internal.harness;

import dev.envctl.bench.internal.pg.Pg;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What suites share in one run: options, results, a scratch folder, the one PostgreSQL server (started on
 * first use) and a progress stream (stderr).
 */
public final class Context implements AutoCloseable {
    private final Options options;
    private final Results results;
    private final PrintStream progress;
    private final Path scratch;
    private Pg pg;

    public Context(Options options, Results results, PrintStream progress) throws IOException {
        this.options = options;
        this.results = results;
        this.progress = progress;
        this.scratch = Files.createTempDirectory("envctl-bench-");
    }

    public Options options() {
        return options;
    }

    public Results results() {
        return results;
    }

    public Path scratch() {
        return scratch;
    }

    /** A new empty folder under the scratch folder. */
    public Path folder(String name) throws IOException {
        return Files.createTempDirectory(scratch, name + "-");
    }

    public synchronized Pg pg() throws IOException {
        if (pg == null) {
            progress("starting embedded PostgreSQL");
            pg = Pg.start(scratch.resolve("pgdata"));
        }
        return pg;
    }

    public void progress(String format, Object... args) {
        progress.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    }

    @Override
    public void close() throws IOException {
        if (pg != null) {
            pg.close();
        }
        Files.walk(scratch).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
}
