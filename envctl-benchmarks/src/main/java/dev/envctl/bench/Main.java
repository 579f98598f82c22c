package dev.envctl.bench;

import dev.envctl.bench.internal.Suites;
import dev.envctl.bench.internal.harness.Context;
import dev.envctl.bench.internal.harness.Machine;
import dev.envctl.bench.internal.harness.Options;
import dev.envctl.bench.internal.harness.Results;
import dev.envctl.bench.internal.harness.Suite;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs envctl's benchmarks (or, with {@code --faults}, the long fault runs), prints the table on stdout and
 * writes the figures as JSON. Progress goes to stderr. See docs/benchmarks.md and docs/reliability.md.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "error"));
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the selected suites; 0 when every suite ran, 1 when one failed, 2 on a usage error. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.println(Options.USAGE);
            return 0;
        }
        Options options;
        List<Suite> suites;
        try {
            options = Options.parse(args, jarFolder());
            suites = options.faults() ? Suites.faults() : Suites.benchmarks();
            List<String> ids = suites.stream().map(Suite::id).toList();
            List<String> unknown = options.only().stream().filter(id -> !ids.contains(id)).sorted().toList();
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("unknown suite id " + String.join(", ", unknown) + " for --only; "
                        + "allowed" + (options.faults() ? " with --faults" : "") + ": " + String.join(",", ids));
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(Options.USAGE);
            return 2;
        }
        String mode = (options.faults() ? "faults, " : "") + (options.quick() ? "quick" : "full");
        Results results = new Results(mode, Machine.describe());
        boolean failed = false;
        try (Context context = new Context(options, results, err)) {
            for (Suite suite : suites) {
                if (!options.selected(suite.id())) {
                    continue;
                }
                context.progress("suite %s", suite.id());
                try {
                    suite.run(context);
                } catch (Exception | AssertionError e) {
                    failed = true;
                    results.note("suite " + suite.id() + " did not finish: " + e);
                    e.printStackTrace(err);
                }
            }
        } catch (Exception e) {
            results.note("clean-up failed: " + e);
        }
        results.print(out);
        try {
            results.writeJson(options.out());
            out.println("JSON written to " + options.out());
        } catch (Exception e) {
            err.println("could not write " + options.out() + ": " + e.getMessage());
            return 1;
        }
        return failed ? 1 : 0;
    }

    /** The folder holding this jar (target/), or the working folder when run from classes. */
    private static Path jarFolder() {
        try {
            Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return self.toString().endsWith(".jar") ? self.getParent() : Path.of("target");
        } catch (Exception e) {
            return Path.of("target");
        }
    }
}
