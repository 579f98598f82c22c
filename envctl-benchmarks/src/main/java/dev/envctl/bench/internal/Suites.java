package dev.envctl.bench.internal;

import dev.envctl.bench.internal.alloc.AllocatorSuite;
import dev.envctl.bench.internal.cli.CliSuite;
import dev.envctl.bench.internal.engine.ReconcileSuite;
import dev.envctl.bench.internal.faults.KillSuite;
import dev.envctl.bench.internal.faults.OutageSuite;
import dev.envctl.bench.internal.harness.Suite;
import dev.envctl.bench.internal.replaced.ReplacedSuite;
import dev.envctl.bench.internal.store.CsvSuite;
import dev.envctl.bench.internal.store.FleetSuite;
import dev.envctl.bench.internal.store.JdbcSuite;

import java.util.List;

/** The suites in the order they run; the Kindler scripts runs before the suites that compare with it. */
public final class Suites {
    private Suites() {
    }

    public static List<Suite> benchmarks() {
        return List.of(new AllocatorSuite(), new ReplacedSuite(), new JdbcSuite(), new FleetSuite(),
                new CsvSuite(),
                new ReconcileSuite(), new CliSuite());
    }

    public static List<Suite> faults() {
        return List.of(new KillSuite(), new OutageSuite());
    }
}
