package dev.envctl.bench.internal.cli;

import dev.envctl.bench.internal.harness.Context;
import dev.envctl.bench.internal.harness.Figure;
import dev.envctl.core.Invariants;
import dev.envctl.bench.internal.harness.Results;
import dev.envctl.bench.internal.harness.Stats;
import dev.envctl.bench.internal.harness.Suite;
import dev.envctl.bench.internal.harness.Target;
import dev.envctl.bench.internal.harness.WidePools;
import dev.envctl.bench.internal.replaced.ReplacedSuite;
import dev.envctl.bench.internal.store.CsvTarget;
import dev.envctl.bench.internal.store.JdbcTarget;
import dev.envctl.bench.internal.store.StoreTarget;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.store.jdbc.MigrateMode;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Start-up figures (envctl version, list and get on a CSV store of 100 against a Java hello-world; list and get
 * on PostgreSQL against the same on CSV and against psql's select of the table, all run in one loop) and
 * CLI-level concurrent creates: processes each running
 * {@code envctl create NAME --no-wait} (record and allocate, no cluster) one after another, on both stores.
 */
public final class CliSuite implements Suite {
    private static final String GROUP = "CLI (packaged distribution, one process per command)";

    @Override
    public String id() {
        return "cli";
    }

    @Override
    public void run(Context context) throws Exception {
        Path jarFolder = context.options().out().toAbsolutePath().getParent();
        var launcher = Launcher.find(context.options().envctl(), jarFolder);
        if (launcher.isEmpty()) {
            context.results().note("cli: skipped, no CLI distribution found; build it with "
                    + "`mvn -B -q -pl envctl-cli -am package -DskipTests` or pass --envctl");
            return;
        }
        String envctl = launcher.get().toString();
        Path work = context.folder("cli");
        Path hello = helloFolder(work);
        String java = ProcessHandle.current().info().command().orElse("java");

        Path csvDir = Files.createDirectory(work.resolve("csv"));
        CsvTarget csv = new CsvTarget(csvDir);
        fill(csv, 100);
        String db = context.pg().createDatabase("bench_cli");
        JdbcTarget pg = new JdbcTarget(context.pg(), db, "envctl", MigrateMode.OFF);
        Path csvConfig = config(work, "csv.properties", csv);
        Path pgConfig = config(work, "pg.properties", pg);
        Map<String, String> env = new HashMap<>(pg.processEnvironment());
        env.put("HOME", work.toString());
        env = Launcher.withStandInTools(work, env);
        // the CLI's own jar makes the schema, so a CLI built from other sources never meets a foreign checksum
        Launcher.Run migrate = Launcher.run(List.of(envctl, "--config", pgConfig.toString(), "db", "migrate"), env,
                work);
        if (migrate.exit() != 0) {
            throw new IllegalStateException("envctl db migrate exited " + migrate.exit() + ": " + migrate.stderr());
        }
        fill(pg, 100);

        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("hello", List.of(java, "-cp", hello.toString(), HelloWorld.class.getName()));
        commands.put("helloFlags", List.of(java, "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-XX:-UsePerfData", "-cp", hello.toString(), HelloWorld.class.getName()));
        commands.put("version", List.of(envctl, "version"));
        commands.put("listCsv", List.of(envctl, "--config", csvConfig.toString(), "list"));
        commands.put("listPg", List.of(envctl, "--config", pgConfig.toString(), "list"));
        commands.put("getCsv", List.of(envctl, "--config", csvConfig.toString(), "get", "env-50"));
        commands.put("getPg", List.of(envctl, "--config", pgConfig.toString(), "get", "env-50"));
        // psql's own select of the same table (password in PGPASSWORD, as the Kindler scripts run it)
        commands.put("psql", List.of("psql", "-d", db, "-c", "select * from " + pg.schema() + ".clusters"));
        Map<String, String> psqlEnv = new HashMap<>(context.pg().psqlEnvironment());
        psqlEnv.put("HOME", work.toString());

        Map<String, List<Double>> times = new LinkedHashMap<>();
        int runs = context.options().pick(10, 30);
        for (int i = -2; i < runs; i++) {
            for (var c : commands.entrySet()) {
                Launcher.Run r = Launcher.run(c.getValue(), c.getKey().equals("psql") ? psqlEnv : env, work);
                if (r.exit() != 0) {
                    throw new IllegalStateException(c.getKey() + " exited " + r.exit() + ": " + r.stderr().strip());
                }
                if ((c.getKey().startsWith("list") || c.getKey().equals("psql")) && r.stdout().lines().count() < 100) {
                    throw new IllegalStateException(c.getKey() + " listed " + r.stdout().lines().count() + " lines");
                }
                if (i >= 0) {
                    times.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(r.millis());
                }
            }
        }
        Results results = context.results();
        Figure hw = results.add(Figure.plain("cli.hello", GROUP, "Java hello-world (java -cp DIR Hello), median of "
                + runs, Stats.median(times.get("hello")), "ms"));
        results.add(Figure.against("cli.helloFlags", GROUP, "hello-world with the launcher's JVM flags (vs hello)",
                Stats.median(times.get("helloFlags")), "ms", hw));
        results.add(Figure.against("cli.version", GROUP, "envctl version (vs hello)",
                Stats.median(times.get("version")), "ms", hw).withTarget(Target.atMost(1.5)));
        results.add(Figure.against("cli.list.csv", GROUP, "envctl list, CSV store of 100 (vs hello)",
                Stats.median(times.get("listCsv")), "ms", hw).withTarget(Target.atMost(2.5)));
        Figure listCsv = results.find("cli.list.csv").orElseThrow();
        results.add(Figure.against("cli.list.pg", GROUP, "envctl list, PostgreSQL store of 100 (vs CSV list)",
                Stats.median(times.get("listPg")), "ms", listCsv).withTarget(Target.atMost(2)));
        Figure getCsv = results.add(Figure.against("cli.get.csv", GROUP, "envctl get, CSV store of 100 (vs hello)",
                Stats.median(times.get("getCsv")), "ms", hw));
        results.add(Figure.against("cli.get.pg", GROUP, "envctl get, PostgreSQL store of 100 (vs CSV get)",
                Stats.median(times.get("getPg")), "ms", getCsv).withTarget(Target.atMost(2)));
        Figure psql = results.add(Figure.plain("cli.psql", GROUP, "psql -c 'select * from clusters', 100 rows",
                Stats.median(times.get("psql")), "ms"));
        results.add(Figure.against("cli.list.pg.psql", GROUP, "envctl list, PostgreSQL store of 100 (vs psql)",
                Stats.median(times.get("listPg")), "ms", psql).withTarget(Target.atMost(6)));
        results.add(Figure.against("cli.get.pg.psql", GROUP, "envctl get, PostgreSQL store of 100 (vs psql)",
                Stats.median(times.get("getPg")), "ms", psql).withTarget(Target.atMost(6)));

        int per = context.options().pick(4, 10);
        concurrentCreates(context, envctl, env, work, csv, csvConfig, 4, per);
        pg.reset(0);
        concurrentCreates(context, envctl, env, work, pg, pgConfig, ReplacedSuite.CREATORS, per);
        sequentialCreates(context, envctl, env, work, pg, pgConfig);
    }

    /** {@link ReplacedSuite#SEQUENTIAL} CLI creates one after another on an empty PostgreSQL store, in total. */
    private static void sequentialCreates(Context context, String envctl, Map<String, String> env, Path work,
                                          StoreTarget target, Path config) throws Exception {
        target.reset(0);
        long t0 = System.nanoTime();
        for (int i = 0; i < ReplacedSuite.SEQUENTIAL; i++) {
            Launcher.Run r = Launcher.run(List.of(envctl, "--config", config.toString(), "-q", "create", "cli-s" + i,
                    "--no-wait"), env, work);
            if (r.exit() != 0) {
                throw new IllegalStateException("create exited " + r.exit() + ": " + r.stderr().strip());
            }
        }
        double total = Stats.millis(System.nanoTime() - t0);
        String label = target.id() + ": " + ReplacedSuite.SEQUENTIAL
                + " `envctl create --no-wait` one after another from an empty store, total";
        var legacy = context.results().find(ReplacedSuite.SEQUENTIAL_ID);
        context.results().add(legacy.isPresent()
                ? Figure.against("cli.create.jdbc.seq", GROUP, label + " (vs replaced)", total, "ms", legacy.get())
                        .withTarget(Target.atMost(1))
                : Figure.plain("cli.create.jdbc.seq", GROUP, label, total, "ms"));
    }

    private static void concurrentCreates(Context context, String envctl, Map<String, String> env, Path work,
                                          StoreTarget target, Path config, int processes, int per) throws Exception {
        target.reset(0);
        ExecutorService pool = Executors.newFixedThreadPool(processes);
        List<Future<List<Double>>> done = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int p = 0; p < processes; p++) {
            int proc = p;
            done.add(pool.submit(() -> {
                List<Double> ms = new ArrayList<>();
                for (int i = 0; i < per; i++) {
                    Launcher.Run r = Launcher.run(List.of(envctl, "--config", config.toString(), "-q", "create",
                            "cli-p" + proc + "-" + i, "--no-wait"), env, work);
                    if (r.exit() != 0) {
                        throw new IllegalStateException("create exited " + r.exit() + ": " + r.stderr().strip());
                    }
                    ms.add(r.millis());
                }
                return ms;
            }));
        }
        List<Double> all = new ArrayList<>();
        for (var f : done) {
            all.addAll(f.get());
        }
        double wall = (System.nanoTime() - t0) / 1e6;
        pool.shutdown();
        List<Environment> rows;
        try (EnvironmentStore store = target.open()) {
            rows = store.list(EnvironmentFilter.ALL);
        }
        int n = processes * per;
        if (rows.size() != n || !Invariants.violations(rows).isEmpty()) {
            throw new IllegalStateException("CLI creates left " + rows.size() + " rows of " + n + ", violations "
                    + Invariants.violations(rows));
        }
        Set<Integer> http = new HashSet<>();
        rows.forEach(e -> http.add(e.ports().http()));
        String s = target.id();
        String shape = processes + " processes x " + per + " `envctl create --no-wait`";
        Results results = context.results();
        results.add(Figure.plain("cli.create." + s + ".latency", GROUP, s + ": " + shape + ", median time per create",
                Stats.median(all), "ms/create"));
        Figure wallFig = Figure.plain("cli.create." + s + ".wall", GROUP, s + ": " + shape + ", wall time / creates",
                wall / n, "ms/create");
        var legacy = results.find("replaced.create.8c.wall");
        if (s.equals("jdbc") && legacy.isPresent()) {
            wallFig = Figure.against(wallFig.id(), GROUP, wallFig.label() + " (vs replaced, 8 creators)",
                    wallFig.value(), "ms/create", legacy.get());
        }
        results.add(wallFig);
        results.add(Figure.plain("cli.create." + s + ".dupHttp", GROUP, s + ": " + shape + ", duplicate http ports",
                rows.size() - http.size(), "rows").withTarget(Target.atMost(0)));
    }

    /** Fills a store with {@code n} environments made by the store itself (full rows, not adopted ones). */
    private static void fill(StoreTarget target, int n) throws Exception {
        target.reset(0);
        Allocator allocator = new Allocator(WidePools.policy());
        try (EnvironmentStore store = target.open()) {
            for (int i = 0; i < n; i++) {
                store.create(EnvironmentSpec.of("env-" + i, "k3d"), allocator);
            }
        }
    }

    private static Path config(Path work, String name, StoreTarget target) throws Exception {
        StringBuilder b = new StringBuilder("store=" + target.location() + "\n");
        target.settings().forEach((k, v) -> b.append("store.").append(k).append('=').append(v).append('\n'));
        WidePools.policy().toProperties().forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        return Files.writeString(work.resolve(name), b.toString());
    }

    /** A folder holding only HelloWorld.class, copied from this jar. */
    private static Path helloFolder(Path work) throws Exception {
        String resource = HelloWorld.class.getName().replace('.', '/') + ".class";
        Path target = work.resolve("hello").resolve(resource);
        Files.createDirectories(target.getParent());
        try (InputStream in = HelloWorld.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
        return work.resolve("hello");
    }
}
