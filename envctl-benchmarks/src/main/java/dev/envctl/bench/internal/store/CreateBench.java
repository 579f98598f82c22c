package dev.envctl.bench.internal.store;

import dev.envctl.bench.internal.harness.Context;
import dev.envctl.core.Invariants;
import dev.envctl.bench.internal.harness.Parallel;
import dev.envctl.bench.internal.harness.Stats;
import dev.envctl.bench.internal.harness.WidePools;
import dev.envctl.bench.internal.proc.WorkerProcess;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.EnvironmentStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Timed creates with auto-allocation (four ports and a /24) on a store holding a given number of seed
 * environments: from threads of this JVM, or from worker processes. Each round starts from a freshly seeded
 * store; the figure is the median round's creates per second; after each round the invariants are checked.
 */
public final class CreateBench {
    private final Context context;
    private final Allocator allocator = new Allocator(WidePools.policy());

    private final List<Double> firstCreates = new ArrayList<>();

    /** Milliseconds of each single-thread round's first create, on a connection new to the store. */
    public List<Double> firstCreates() {
        return List.copyOf(firstCreates);
    }

    public CreateBench(Context context) {
        this.context = context;
    }

    /**
     * Unmeasured creates (with and without a subnet, from 1 and 4 threads) so that the first measured figure
     * does not pay for class loading and JIT compilation.
     */
    public void warmUp(StoreTarget target, int creates) throws Exception {
        context.progress("%s: warming up", target.id());
        threads(target, 100, 1, creates, 1, SubnetRequest.AUTO);
        threads(target, 100, 4, creates, 1, SubnetRequest.NONE);
        // the warm-up's first create is also the JVM's: not a figure
        firstCreates.clear();
    }

    /** Creates per second from {@code threads} threads, {@code total} creates per round, each with a /24. */
    public double threads(StoreTarget target, int existing, int threads, int total, int rounds) throws Exception {
        return threads(target, existing, threads, total, rounds, SubnetRequest.AUTO);
    }

    /**
     * Creates per second from {@code threads} threads, {@code total} creates per round. Each round first makes
     * one unmeasured create per thread, all at once, so that the timed creates run on connections that have
     * already loaded the catalog, compiled the trigger and planned the statements (the first create on a new
     * PostgreSQL connection costs many times a later one; {@link #firstCreates} keeps those of single-thread
     * rounds, a figure of their own).
     */
    public double threads(StoreTarget target, int existing, int threads, int total, int rounds, SubnetRequest subnet)
            throws Exception {
        List<Double> rates = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            target.reset(existing);
            try (EnvironmentStore store = target.open()) {
                store.list(EnvironmentFilter.ALL);
                String tag = "r" + r;
                double first = Parallel.seconds(threads, (t, start) -> {
                    start.await();
                    store.create(EnvironmentSpec.of(tag + "w" + t, "k3d").withSubnet(subnet), allocator);
                });
                if (threads == 1) {
                    firstCreates.add(first * 1000);
                }
                rates.add(total / seconds(store, threads, total / threads, tag, subnet));
                check(store, existing + threads + total);
            }
        }
        double rate = Stats.median(rates);
        context.progress("%s: %,d existing, %d threads, subnet %s: %.1f creates/s", target.id(), existing, threads,
                subnet, rate);
        return rate;
    }

    private double seconds(EnvironmentStore store, int threads, int each, String tag, SubnetRequest subnet)
            throws Exception {
        return Parallel.seconds(threads, (t, start) -> {
            String prefix = tag + "t" + t;
            start.await();
            for (int i = 0; i < each; i++) {
                store.create(EnvironmentSpec.of(prefix + "-" + i, "k3d").withSubnet(subnet), allocator);
            }
        });
    }

    /** Creates per second from {@code processes} worker JVMs, timed from "go" (JVM start-up excluded). */
    public double processes(StoreTarget target, int existing, int processes, int total, int rounds) throws Exception {
        List<Double> rates = new ArrayList<>();
        Path log = context.folder("workers").resolve("stderr.log");
        for (int r = 0; r < rounds; r++) {
            target.reset(existing);
            List<WorkerProcess> workers = new ArrayList<>();
            for (int p = 0; p < processes; p++) {
                List<String> args = new ArrayList<>(List.of("create", target.location(), "r" + r + "p" + p,
                        Integer.toString(total / processes)));
                target.settings().forEach((k, v) -> args.add(k + "=" + v));
                workers.add(WorkerProcess.start(args, target.processEnvironment(), log));
            }
            for (WorkerProcess w : workers) {
                w.await("READY", 120);
            }
            long t0 = System.nanoTime();
            for (WorkerProcess w : workers) {
                w.send("GO");
            }
            for (WorkerProcess w : workers) {
                w.await("DONE", 600);
            }
            long t1 = System.nanoTime();
            for (WorkerProcess w : workers) {
                w.waitFor(30);
            }
            rates.add(total / ((t1 - t0) / 1e9));
            try (EnvironmentStore store = target.open()) {
                check(store, existing + total);
            }
        }
        double rate = Stats.median(rates);
        context.progress("%s: %,d existing, %d processes: %.1f creates/s", target.id(), existing, processes, rate);
        return rate;
    }

    /** The invariants hold and every create is there. */
    static void check(EnvironmentStore store, int expected) {
        var all = store.list(EnvironmentFilter.ALL);
        List<String> problems = Invariants.violations(all);
        if (!problems.isEmpty() || all.size() != expected) {
            throw new IllegalStateException(store.location() + ": " + all.size() + " rows, expected " + expected
                    + "; violations " + problems.stream().limit(5).toList());
        }
    }
}
