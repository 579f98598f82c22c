package dev.envctl.bench.internal.engine;

import dev.envctl.bench.internal.harness.Context;
import dev.envctl.bench.internal.harness.Figure;
import dev.envctl.bench.internal.harness.Stats;
import dev.envctl.bench.internal.harness.Suite;
import dev.envctl.bench.internal.harness.WidePools;
import dev.envctl.bench.internal.store.CsvTarget;
import dev.envctl.core.ActualState;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.lifecycle.EngineOptions;
import dev.envctl.core.lifecycle.LifecycleEngine;
import dev.envctl.core.lifecycle.ReconcileReport;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.ProgressListener;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parallel reconcile: 6 and 24 environments recorded (desired present, no cluster), then one reconcile with
 * a stand-in provider whose create takes a fixed time; one at a time (concurrency 1) against the default
 * concurrency and against 8. The store is the CSV store, so the engine's record writes are real. One
 * unmeasured reconcile warms the JVM first.
 */
public final class ReconcileSuite implements Suite {
    private static final String GROUP = "Lifecycle engine: parallel reconcile (stand-in provider, fixed create time)";

    @Override
    public String id() {
        return "engine";
    }

    @Override
    public void run(Context context) throws Exception {
        Duration createTime = Duration.ofMillis(context.options().pick(200, 500));
        int rounds = context.options().pick(2, 3);
        reconcile(context, 6, EngineOptions.defaults().concurrency(), createTime);
        for (int count : new int[] {6, 24}) {
            Figure base = null;
            for (int concurrency : new int[] {1, EngineOptions.defaults().concurrency(), 8}) {
                List<Double> secs = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    secs.add(reconcile(context, count, concurrency, createTime));
                }
                double s = Stats.median(secs);
                String id = "engine.reconcile." + count + ".c" + concurrency;
                String label = count + " environments, concurrency " + concurrency
                        + (concurrency == EngineOptions.defaults().concurrency() ? " (default)" : "");
                if (base == null) {
                    base = context.results().add(Figure.plain(id, GROUP, label + ", " + createTime.toMillis()
                            + " ms per create", s, "s"));
                } else {
                    Figure f = Figure.against(id, GROUP, label + " (vs one at a time)", s, "s", base);
                    context.results().add(f);
                    context.results().add(Figure.plain(id + ".speedup", GROUP, label + ": speedup over one at a time"
                            + " (ideal " + Math.min(count, concurrency) + ")", base.value() / s, "x"));
                }
            }
        }
    }

    private static double reconcile(Context context, int count, int concurrency, Duration createTime)
            throws Exception {
        Path folder = context.folder("reconcile");
        Path clusters = java.nio.file.Files.createDirectory(folder.resolve("clusters"));
        CsvTarget target = new CsvTarget(folder);
        target.reset(0);
        Allocator allocator = new Allocator(WidePools.policy());
        try (EnvironmentStore store = target.open()) {
            for (int i = 0; i < count; i++) {
                store.create(EnvironmentSpec.of("rec-" + i, DirProvider.ID).withSubnet(SubnetRequest.AUTO), allocator);
            }
            LifecycleEngine engine = new LifecycleEngine(store, allocator,
                    Map.of(DirProvider.ID, new DirProvider(clusters, createTime)), List.of(),
                    EngineOptions.defaults().withConcurrency(concurrency));
            long t0 = System.nanoTime();
            ReconcileReport report = engine.reconcile(List.of(), ProgressListener.NONE);
            double s = (System.nanoTime() - t0) / 1e9;
            long running = store.list(EnvironmentFilter.ALL).stream()
                    .filter(e -> e.actualState() == ActualState.RUNNING).count();
            if (!report.ok() || running != count) {
                throw new IllegalStateException("reconcile left " + running + " of " + count + " running: " + report);
            }
            return s;
        }
    }
}
