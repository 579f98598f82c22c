package dev.envctl.bench.internal.faults;

import dev.envctl.bench.internal.harness.Context;
import dev.envctl.bench.internal.harness.Figure;
import dev.envctl.core.Invariants;
import dev.envctl.bench.internal.harness.Results;
import dev.envctl.bench.internal.harness.Suite;
import dev.envctl.bench.internal.harness.Target;
import dev.envctl.bench.internal.harness.WidePools;
import dev.envctl.bench.internal.pg.Pg;
import dev.envctl.bench.internal.store.CsvTarget;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.fallback.FallbackStore;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.store.jdbc.JdbcEnvironmentStore;
import dev.envctl.store.jdbc.JdbcStoreOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PostgreSQL stopped mid-run, several times: writers keep creating through a {@link FallbackStore}
 * (PostgreSQL primary, CSV fallback mirrored) while the server is stopped (fast shutdown, or crashed with an
 * immediate shutdown every other cycle) and started again. Checks: every failed write is
 * {@code STORE_UNAVAILABLE} (exit 5) and fails within the connect timeout; reads during the outage are served
 * from the fallback and hold every acknowledged create; after the restart the same store objects write
 * again; at the end every acknowledged create is in PostgreSQL and the invariants hold.
 */
public final class OutageSuite implements Suite {
    private static final String GROUP = "Fault run: PostgreSQL stopped mid-run";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final long MARGIN_MS = 1500;

    @Override
    public String id() {
        return "outage";
    }

    @Override
    public void run(Context context) throws Exception {
        Pg pg = context.pg();
        String db = pg.createDatabase("bench_outage");
        CsvTarget fallbackTarget = new CsvTarget(context.folder("outage-fallback"));
        fallbackTarget.reset(0);
        int cycles = context.options().pick(2, 6);
        Allocator allocator = new Allocator(WidePools.policy());
        Set<String> acked = ConcurrentHashMap.newKeySet();
        List<Long> failMillis = Collections.synchronizedList(new ArrayList<>());
        List<String> wrongCodes = Collections.synchronizedList(new ArrayList<>());
        AtomicLong attempts = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        long staleReads = 0;
        long missingInFallback = 0;
        long freshReadsDuringOutage = 0;
        List<Double> recoveryMs = new ArrayList<>();
        CliProbe cli = CliProbe.create(context, pg, db, fallbackTarget);
        try (JdbcEnvironmentStore primary = JdbcEnvironmentStore.open(pg.dataSource(db, 2),
                JdbcStoreOptions.defaults().withSchema("envctl").withConnectTimeout(CONNECT_TIMEOUT), pg.jdbcUrl(db));
             EnvironmentStore fallbackStore = fallbackTarget.open()) {
            FallbackStore store = new FallbackStore(primary, fallbackStore, true);
            ExecutorService writers = Executors.newFixedThreadPool(4);
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String prefix = "o" + w;
                running.add(writers.submit(() -> {
                    int i = 0;
                    while (!stop.get()) {
                        String name = prefix + "-" + i++;
                        long t0 = System.nanoTime();
                        attempts.incrementAndGet();
                        try {
                            store.create(EnvironmentSpec.of(name, "k3d"), allocator);
                            acked.add(name);
                        } catch (EnvctlException e) {
                            failMillis.add((System.nanoTime() - t0) / 1_000_000);
                            if (e.code() != ErrorCode.STORE_UNAVAILABLE) {
                                wrongCodes.add(name + ": " + e.code() + " " + e.getMessage());
                            }
                            sleep(50);
                        }
                    }
                    return null;
                }));
            }
            for (int c = 0; c < cycles; c++) {
                sleep(1500);
                boolean crash = c % 2 == 1;
                context.progress("outage cycle %d: %s", c, crash ? "crash (immediate shutdown)" : "fast stop");
                if (crash) {
                    pg.crash();
                } else {
                    pg.stop();
                }
                cli.duringOutage();
                long outageEnd = System.nanoTime() + 3_000_000_000L;
                while (System.nanoTime() < outageEnd) {
                    Set<String> before = new HashSet<>(acked);
                    List<Environment> rows = store.list(EnvironmentFilter.ALL);
                    if (store.lastReadWasStale()) {
                        staleReads++;
                    } else {
                        freshReadsDuringOutage++;
                    }
                    Set<String> names = new HashSet<>();
                    rows.forEach(e -> names.add(e.name()));
                    before.removeAll(names);
                    missingInFallback += before.size();
                    sleep(200);
                }
                long restarted = System.nanoTime();
                int ackedBefore = acked.size();
                pg.restart();
                while (acked.size() == ackedBefore && System.nanoTime() - restarted < 60_000_000_000L) {
                    sleep(20);
                }
                recoveryMs.add((System.nanoTime() - restarted) / 1e6);
                cli.afterRestart(c);
            }
            sleep(1000);
            stop.set(true);
            for (Future<?> f : running) {
                f.get();
            }
            writers.shutdown();
        }
        List<Environment> rows;
        try (JdbcEnvironmentStore check = JdbcEnvironmentStore.open(pg.dataSource(db),
                JdbcStoreOptions.defaults().withSchema("envctl"), pg.jdbcUrl(db))) {
            rows = check.list(EnvironmentFilter.ALL);
        }
        Set<String> inPg = new HashSet<>();
        rows.forEach(e -> inPg.add(e.name()));
        long lost = acked.stream().filter(n -> !inPg.contains(n)).count();
        long slow = failMillis.stream().filter(ms -> ms > CONNECT_TIMEOUT.toMillis() + MARGIN_MS).count();
        long maxFail = failMillis.stream().mapToLong(Long::longValue).max().orElse(0);

        Results r = context.results();
        r.add(Figure.plain("faults.outage.cycles", GROUP, "outages (fast stop and crash alternately)", cycles,
                "outages"));
        r.add(Figure.plain("faults.outage.attempts", GROUP, "creates attempted by 4 writers", attempts.get(), "creates"));
        r.add(Figure.plain("faults.outage.acked", GROUP, "creates acknowledged", acked.size(), "creates"));
        r.add(Figure.plain("faults.outage.failed", GROUP, "creates refused during outages", failMillis.size(),
                "creates"));
        r.add(Figure.plain("faults.outage.wrongCode", GROUP, "refusals not STORE_UNAVAILABLE (exit 5)",
                wrongCodes.size(), "creates").withTarget(Target.atMost(0)));
        r.add(Figure.plain("faults.outage.maxFailMs", GROUP, "slowest refusal (connect timeout "
                + CONNECT_TIMEOUT.toSeconds() + " s)", maxFail, "ms"));
        r.add(Figure.plain("faults.outage.slow", GROUP, "refusals slower than timeout + " + MARGIN_MS + " ms", slow,
                "creates").withTarget(Target.atMost(0)));
        r.add(Figure.plain("faults.outage.staleReads", GROUP, "reads served from the CSV fallback during outages",
                staleReads, "reads"));
        r.add(Figure.plain("faults.outage.freshReads", GROUP, "reads during outages not marked stale",
                freshReadsDuringOutage, "reads"));
        r.add(Figure.plain("faults.outage.missingInFallback", GROUP, "acknowledged creates missing from fallback reads",
                missingInFallback, "rows").withTarget(Target.atMost(0)));
        r.add(Figure.plain("faults.outage.recoveryMs", GROUP, "worst time from restart to the next acknowledged create",
                recoveryMs.stream().mapToDouble(Double::doubleValue).max().orElse(0), "ms"));
        r.add(Figure.plain("faults.outage.rows", GROUP, "rows checked in PostgreSQL at the end", rows.size(), "rows"));
        r.add(Figure.plain("faults.outage.lost", GROUP, "acknowledged creates lost", lost, "rows")
                .withTarget(Target.atMost(0)));
        r.add(Figure.plain("faults.outage.violations", GROUP, "invariant violations", Invariants.violations(rows).size(),
                "violations").withTarget(Target.atMost(0)));
        wrongCodes.stream().limit(5).forEach(w -> r.note("outage: " + w));
        cli.report(r, GROUP, CONNECT_TIMEOUT);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
