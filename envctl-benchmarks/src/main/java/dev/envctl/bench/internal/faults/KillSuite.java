package dev.envctl.bench.internal.faults;

import dev.envctl.bench.internal.engine.DirProvider;
import dev.envctl.bench.internal.harness.Context;
import dev.envctl.bench.internal.harness.Figure;
import dev.envctl.core.Invariants;
import dev.envctl.bench.internal.harness.Suite;
import dev.envctl.bench.internal.harness.Target;
import dev.envctl.bench.internal.harness.WidePools;
import dev.envctl.bench.internal.proc.WorkerProcess;
import dev.envctl.bench.internal.store.CsvTarget;
import dev.envctl.bench.internal.store.JdbcTarget;
import dev.envctl.bench.internal.store.StoreTarget;
import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.lifecycle.EngineOptions;
import dev.envctl.core.lifecycle.LifecycleEngine;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.ProgressListener;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Writers killed with SIGKILL at random moments, many times, on both stores. Each round starts three
 * {@code churn} workers (creates, deletes and updates through the lifecycle engine and a stand-in provider
 * whose clusters are files), kills each at its own random moment, then checks: the store reads (no
 * corruption), the invariants hold, every acknowledged write is there; and after one reconcile, no allocation
 * is leaked: every record is converged (running with its cluster, or gone) and no cluster lacks a record.
 */
public final class KillSuite implements Suite {
    private static final String GROUP = "Fault run: writers killed with SIGKILL";
    private static final int WORKERS = 3;

    @Override
    public String id() {
        return "kill";
    }

    @Override
    public void run(Context context) throws Exception {
        int rounds = context.options().pick(8, 40);
        run(context, new CsvTarget(context.folder("kill-csv")), rounds);
        String db = context.pg().createDatabase("bench_kill");
        run(context, new JdbcTarget(context.pg(), db, "envctl"), rounds);
    }

    private void run(Context context, StoreTarget target, int rounds) throws Exception {
        target.reset(0);
        Path clusters = context.folder("clusters-" + target.id());
        Path log = context.folder("kill-log").resolve("workers.log");
        Ledger ledger = new Ledger();
        Random random = new Random(42);
        Allocator allocator = new Allocator(WidePools.policy());
        long kills = 0;
        long checked = 0;
        long[] rowsChecked = {0};
        List<String> lost = new ArrayList<>();
        List<String> violations = new ArrayList<>();
        List<String> leaks = new ArrayList<>();
        List<String> corrupt = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            List<WorkerProcess> workers = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                List<String> args = new ArrayList<>(List.of("churn", target.location(), "k" + r + "w" + w, "0",
                        "worker.clusters=" + clusters, "worker.create-ms=" + random.nextInt(20),
                        "worker.seed=" + random.nextLong()));
                target.settings().forEach((k, v) -> args.add(k + "=" + v));
                workers.add(WorkerProcess.start(args, target.processEnvironment(), log));
            }
            for (WorkerProcess w : workers) {
                w.await("READY", 120);
            }
            long start = System.nanoTime();
            List<Long> killAt = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                killAt.add(start + TimeUnit.MILLISECONDS.toNanos(300 + random.nextInt(2700)));
            }
            for (int w = 0; w < WORKERS; w++) {
                long wait = killAt.get(w) - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000);
                }
                workers.get(w).kill();
                kills++;
            }
            for (WorkerProcess w : workers) {
                w.drain().forEach(ledger::read);
            }
            try (EnvironmentStore store = target.open()) {
                List<Environment> rows;
                try {
                    rows = store.list(EnvironmentFilter.ALL);
                } catch (EnvctlException e) {
                    corrupt.add("round " + r + ": " + e.getMessage());
                    break;
                }
                checked += rows.size();
                violations.addAll(Invariants.violations(rows));
                lost.addAll(ledger.check(rows, rowsChecked));
                leaks.addAll(reconcileAndCheck(store, allocator, clusters, r));
                ledger.settle(store.list(EnvironmentFilter.ALL));
            }
        }
        List<String> strays = strayFiles(target);
        String s = target.id();
        var results = context.results();
        results.add(Figure.plain("faults.kill." + s + ".rounds", GROUP, s + ": rounds (3 writers each)", rounds, "rounds"));
        results.add(Figure.plain("faults.kill." + s + ".kills", GROUP, s + ": writers killed (faults injected)", kills,
                "kills"));
        results.add(Figure.plain("faults.kill." + s + ".acks", GROUP, s + ": writes acknowledged", ledger.acknowledged(),
                "writes"));
        results.add(Figure.plain("faults.kill." + s + ".rows", GROUP, s + ": rows read back and checked", checked,
                "rows"));
        results.add(Figure.plain("faults.kill." + s + ".names", GROUP, s + ": acknowledged names checked",
                rowsChecked[0], "checks"));
        results.add(Figure.plain("faults.kill." + s + ".corrupt", GROUP, s + ": unreadable store", corrupt.size(),
                "rounds").withTarget(Target.atMost(0)));
        results.add(Figure.plain("faults.kill." + s + ".violations", GROUP, s + ": invariant violations",
                violations.size(), "violations").withTarget(Target.atMost(0)));
        results.add(Figure.plain("faults.kill." + s + ".lost", GROUP, s + ": acknowledged writes lost", lost.size(),
                "rows").withTarget(Target.atMost(0)));
        results.add(Figure.plain("faults.kill." + s + ".leaks", GROUP, s + ": allocations leaked after reconcile",
                leaks.size(), "records").withTarget(Target.atMost(0)));
        results.add(Figure.plain("faults.kill." + s + ".strays", GROUP, s + ": stray temp files left in the folder",
                strays.size(), "files"));
        for (List<String> problems : List.of(corrupt, violations, lost, leaks, strays)) {
            problems.stream().limit(5).forEach(p -> results.note(s + " kill run: " + p));
        }
        context.progress("kill %s: %d rounds, %d kills, %d acks, lost %d, leaks %d, violations %d", s, rounds, kills,
                ledger.acknowledged(), lost.size(), leaks.size(), violations.size());
    }

    /** One reconcile of everything; then every record is running with a cluster and every cluster has one. */
    private static List<String> reconcileAndCheck(EnvironmentStore store, Allocator allocator, Path clusters, int round) {
        DirProvider provider = new DirProvider(clusters, Duration.ZERO);
        LifecycleEngine engine = new LifecycleEngine(store, allocator, Map.of(DirProvider.ID, provider), List.of(),
                EngineOptions.defaults());
        engine.reconcile(List.of(), ProgressListener.NONE);
        List<String> leaks = new ArrayList<>();
        Set<String> records = new HashSet<>();
        for (Environment e : store.list(EnvironmentFilter.ALL)) {
            records.add(e.name());
            boolean converged = e.desiredState() == DesiredState.PRESENT && e.actualState() == ActualState.RUNNING;
            if (!converged) {
                leaks.add("round " + round + ": " + e.name() + " left " + e.desiredState().key() + "/"
                        + e.actualState().key() + " " + e.lastError());
            }
        }
        for (ClusterStatus c : provider.list()) {
            if (!records.contains(c.name())) {
                leaks.add("round " + round + ": cluster " + c.name() + " has no record");
            }
        }
        for (String name : records) {
            if (!Files.exists(clusters.resolve(name))) {
                leaks.add("round " + round + ": " + name + " is recorded running but has no cluster");
            }
        }
        return leaks;
    }

    private static List<String> strayFiles(StoreTarget target) throws Exception {
        if (!(target instanceof CsvTarget csv)) {
            return List.of();
        }
        Path dir = csv.file().getParent();
        String base = csv.file().getFileName().toString();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(base) && !n.equals(base + ".lock") && !n.equals(base + ".locks"))
                    .map(n -> "stray file " + n).toList();
        }
    }
}
