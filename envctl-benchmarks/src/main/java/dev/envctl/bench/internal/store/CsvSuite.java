package dev.envctl.bench.internal.store;

import dev.envctl.bench.internal.harness.Context;
import dev.envctl.bench.internal.harness.Figure;
import dev.envctl.bench.internal.harness.Results;
import dev.envctl.bench.internal.harness.Suite;

import java.util.Locale;

/**
 * Issue 3's figures: CSV creates per second from 1 thread and from 4 processes at 100 and 1,000 existing
 * rows; 4 threads; and the growth of a create's time from 100 to 10,000 rows (issue 8).
 */
public final class CsvSuite implements Suite {
    private static final String GROUP = "CSV store (library, one file on local disk)";

    @Override
    public String id() {
        return "csv";
    }

    @Override
    public void run(Context context) throws Exception {
        CsvTarget target = new CsvTarget(context.folder("csv"));
        CreateBench bench = new CreateBench(context);
        Results results = context.results();
        int rounds = context.options().pick(3, 5);
        int count = context.options().pick(100, 200);
        bench.warmUp(target, 200);
        Figure base = null;
        for (int existing : new int[] {100, 1_000}) {
            String at = String.format(Locale.ROOT, "%,d existing", existing);
            double one = bench.threads(target, existing, 1, count, rounds);
            Figure f = Figure.plain("csv.create.1t.at" + existing, GROUP, "create, 1 thread, " + at, one, "creates/s");
            if (base == null) {
                base = results.add(f);
            } else {
                results.add(Figure.against(f.id(), GROUP, f.label() + " (vs 100)", one, "creates/s", base));
            }
            double four = bench.threads(target, existing, 4, count, rounds);
            results.add(Figure.against("csv.create.4t.at" + existing, GROUP, "create, 4 threads, " + at
                    + " (vs 1 thread, 100)", four, "creates/s", base));
            double procs = bench.processes(target, existing, 4, count, rounds);
            results.add(Figure.against("csv.create.4p.at" + existing, GROUP, "create, 4 processes, " + at
                    + " (vs 1 thread, 100)", procs, "creates/s", base));
        }
        double big = bench.threads(target, 10_000, 1, context.options().pick(40, 100), rounds);
        results.add(Figure.against("csv.create.1t.at10000", GROUP, "create, 1 thread, 10,000 existing (vs 100)", big,
                "creates/s", base));
        Figure ms100 = results.add(Figure.plain("csv.create.1t.ms.at100", GROUP, "time per create, 100 existing",
                1000 / base.value(), "ms/create"));
        results.add(Figure.against("csv.create.1t.ms.at1000", GROUP, "time per create, 1,000 existing (vs 100)",
                1000 / results.find("csv.create.1t.at1000").orElseThrow().value(), "ms/create", ms100));
        results.add(Figure.against("csv.create.1t.ms.at10000", GROUP, "time per create, 10,000 existing (vs 100)",
                1000 / big, "ms/create", ms100));
    }
}
