package dev.envctl.bench.internal.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command line of the benchmark runner.
 *
 * @param quick    smaller samples, a few minutes in all
 * @param faults   run the long fault runs instead of the benchmarks
 * @param only     suite ids to run; empty means every suite of the chosen kind
 * @param out      where benchmarks.json goes
 * @param envctl   the envctl launcher for CLI-level figures, or {@code null} to look for it
 */
public record Options(boolean quick, boolean faults, Set<String> only, Path out, Path envctl) {

    public static final String USAGE = String.join("\n",
            "usage: java -jar envctl-benchmarks/target/envctl-benchmarks.jar [--quick] [--faults] [--only IDS]",
            "                                                             [--out FILE] [--envctl LAUNCHER]",
            "  --quick          smaller samples (a few minutes); the default is the full run",
            "  --faults         run the long fault runs (SIGKILL, PostgreSQL outage) instead of the benchmarks",
            "  --only IDS       comma-separated suite ids: alloc,replaced,jdbc,fleet,csv,engine,cli (benchmarks);",
            "                   kill,outage (faults)",
            "  --out FILE       where to write the JSON (default: benchmarks.json, or faults.json with --faults,",
            "                   beside the jar)",
            "  --envctl PATH    the envctl launcher (default: $ENVCTL_LAUNCHER, else the checkout's",
            "                   envctl-cli/target/envctl/bin/envctl)",
            "  --help           this text");

    public static Options parse(String[] args, Path defaultDir) {
        boolean quick = false;
        boolean faults = false;
        Set<String> only = new LinkedHashSet<>();
        Path out = null;
        Path envctl = null;
        List<String> rest = new ArrayList<>(List.of(args));
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            switch (a) {
                case "--quick" -> quick = true;
                case "--faults" -> faults = true;
                case "--only" -> only.addAll(List.of(value(rest, ++i, a).split(",")));
                case "--out" -> out = Path.of(value(rest, ++i, a));
                case "--envctl" -> envctl = Path.of(value(rest, ++i, a));
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (out == null) {
            out = defaultDir.resolve(faults ? "faults.json" : "benchmarks.json");
        }
        return new Options(quick, faults, Set.copyOf(only), out, envctl);
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    public boolean selected(String suiteId) {
        return only.isEmpty() || only.contains(suiteId);
    }

    /** {@code quickValue} in quick mode, else {@code fullValue}. */
    public int pick(int quickValue, int fullValue) {
        return quick ? quickValue : fullValue;
    }
}
