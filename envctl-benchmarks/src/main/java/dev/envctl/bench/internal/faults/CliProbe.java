package dev.envctl.bench.internal.faults;

import dev.envctl.bench.internal.cli.Launcher;
import dev.envctl.bench.internal.harness.Context;
import dev.envctl.bench.internal.harness.Figure;
import dev.envctl.bench.internal.harness.Results;
import dev.envctl.bench.internal.harness.Target;
import dev.envctl.bench.internal.pg.Pg;
import dev.envctl.bench.internal.store.CsvTarget;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CLI's side of an outage, when the distribution is there: during each outage {@code envctl list} on
 * PostgreSQL alone must exit 5 within the connect timeout (plus JVM start-up), and with {@code fallback.store}
 * set must exit 0 with a stale-data warning; after each restart {@code envctl create --no-wait} must exit 0.
 */
final class CliProbe {
    private final String envctl;
    private final Path work;
    private final Path plain;
    private final Path withFallback;
    private final Map<String, String> env;
    private final List<Double> exit5Ms = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private int fallbackReads;
    private int creates;

    private CliProbe(String envctl, Path work, Path plain, Path withFallback, Map<String, String> env) {
        this.envctl = envctl;
        this.work = work;
        this.plain = plain;
        this.withFallback = withFallback;
        this.env = env;
    }

    static CliProbe create(Context context, Pg pg, String db, CsvTarget fallback) throws Exception {
        Path jarFolder = context.options().out().toAbsolutePath().getParent();
        var launcher = Launcher.find(context.options().envctl(), jarFolder);
        if (launcher.isEmpty()) {
            context.results().note("outage: CLI checks skipped, no CLI distribution found (see --envctl)");
            return new CliProbe(null, null, null, null, Map.of());
        }
        Path work = context.folder("outage-cli");
        String store = "store=" + pg.jdbcUrl(db) + "\nstore.jdbc.user=" + Pg.USER + "\nstore.jdbc.schema=envctl\n"
                + "store.jdbc.connect-timeout=2s\n";
        Path plain = Files.writeString(work.resolve("pg.properties"), store);
        Path withFallback = Files.writeString(work.resolve("fallback.properties"), store + "fallback.store="
                + fallback.location() + "\n");
        return new CliProbe(launcher.get().toString(), work, plain, withFallback,
                Launcher.withStandInTools(work, Map.of("ENVCTL_DB_PASSWORD", pg.password(), "HOME", work.toString())));
    }

    void duringOutage() throws Exception {
        if (envctl == null) {
            return;
        }
        Launcher.Run down = Launcher.run(List.of(envctl, "--config", plain.toString(), "list"), env, work);
        exit5Ms.add(down.millis());
        if (down.exit() != 5) {
            problems.add("list without fallback exited " + down.exit() + ": " + down.stderr().strip());
        }
        Launcher.Run fb = Launcher.run(List.of(envctl, "--config", withFallback.toString(), "list"), env, work);
        if (fb.exit() == 0 && fb.stderr().contains("stale")) {
            fallbackReads++;
        } else {
            problems.add("list with fallback exited " + fb.exit() + ": " + fb.stderr().strip());
        }
    }

    void afterRestart(int cycle) throws Exception {
        if (envctl == null) {
            return;
        }
        Launcher.Run r = Launcher.run(List.of(envctl, "--config", plain.toString(), "-q", "create", "cli-after-" + cycle,
                "--no-wait"), env, work);
        if (r.exit() == 0) {
            creates++;
        } else {
            problems.add("create after restart exited " + r.exit() + ": " + r.stderr().strip());
        }
    }

    void report(Results r, String group, Duration timeout) {
        if (envctl == null) {
            return;
        }
        r.add(Figure.plain("faults.outage.cli.exit5", group, "CLI: `envctl list` during outages that exited 5",
                exit5Ms.size() - problems.stream().filter(p -> p.startsWith("list without")).count(), "runs"));
        r.add(Figure.plain("faults.outage.cli.exit5Ms", group, "CLI: slowest exit-5 `envctl list` (connect timeout "
                + timeout.toSeconds() + " s, JVM start included)", exit5Ms.stream().mapToDouble(d -> d).max().orElse(0),
                "ms"));
        r.add(Figure.plain("faults.outage.cli.fallback", group, "CLI: `envctl list` served from the fallback, with "
                + "a stale warning", fallbackReads, "runs"));
        r.add(Figure.plain("faults.outage.cli.recovered", group, "CLI: `envctl create` that succeeded right after "
                + "a restart", creates, "runs"));
        r.add(Figure.plain("faults.outage.cli.problems", group, "CLI: unexpected exits", problems.size(), "runs")
                .withTarget(Target.atMost(0)));
        problems.stream().limit(5).forEach(p -> r.note("outage CLI: " + p));
    }
}
