package dev.envctl.bench.internal.alloc;

import dev.envctl.bench.internal.harness.Context;
import dev.envctl.bench.internal.harness.Figure;
import dev.envctl.bench.internal.harness.Suite;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Runs {@link AllocatorBenchmark} through JMH and reports each size against 10 held. */
public final class AllocatorSuite implements Suite {
    private static final String GROUP = "Allocator (JMH, core only)";

    @Override
    public String id() {
        return "alloc";
    }

    @Override
    public void run(Context context) throws Exception {
        boolean quick = context.options().quick();
        var options = new OptionsBuilder()
                .include(AllocatorBenchmark.class.getName())
                .forks(quick ? 1 : 2)
                .warmupIterations(2)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 3 : 4)
                .measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Xmx1g")
                .build();
        Collection<RunResult> runs = new Runner(options,
                OutputFormatFactory.createFormatInstance(System.err, VerboseMode.SILENT)).run();
        List<RunResult> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparing((RunResult r) -> r.getParams().getBenchmark())
                .thenComparingInt(r -> Integer.parseInt(r.getParams().getParam("held"))));
        Figure base = null;
        for (RunResult r : sorted) {
            String method = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
            int held = Integer.parseInt(r.getParams().getParam("held"));
            double us = r.getPrimaryResult().getScore();
            String id = "alloc." + method + ".held" + held;
            String label = switch (method) {
                case "allocate" -> "allocate ports + /24 on a ready snapshot";
                case "allocatePortsOnly" -> "allocate ports only on a ready snapshot";
                default -> "build snapshot + allocate ports + /24";
            }
                    + ", " + String.format(java.util.Locale.ROOT, "%,d", held) + " held";
            if (held == 10) {
                base = context.results().add(Figure.plain(id, GROUP, label, us, "us/op"));
            } else {
                context.results().add(Figure.against(id, GROUP, label + " (vs 10 held)", us, "us/op", base));
            }
        }
    }
}
