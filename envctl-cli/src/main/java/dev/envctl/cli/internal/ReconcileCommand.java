package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.envctl.core.Durations;
import dev.envctl.core.Envctl;
import dev.envctl.core.Validation;
import dev.envctl.core.lifecycle.Action;
import dev.envctl.core.lifecycle.Outcome;
import dev.envctl.core.lifecycle.ReconcileReport;
import dev.envctl.core.spi.ClusterStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code envctl reconcile [NAME...]}: converges environments once (all when none is named), or with
 * {@code --watch} every interval until interrupted: Ctrl-C or SIGTERM stops it after the round in flight has
 * recorded its outcomes (core's command runner ends the tools and hooks in flight as the JVM shuts down;
 * {@link Interruption}), and so does a round whose results could not be written (its reader left).
 */
@Parameters(commandNames = "reconcile",
        commandDescription = "Make clusters match the desired states, once or with --watch until stopped")
final class ReconcileCommand extends CliCommand {
    /** The shortest time between rounds: each round lists every host's clusters. */
    static final Duration SHORTEST_INTERVAL = Duration.ofSeconds(1);

    @Parameter(names = "--watch", description = "Keep reconciling every --interval until interrupted",
            validateWith = OnlyOnce.class)
    boolean watch;

    @Parameter(names = "--interval", description = "Time between rounds with --watch, at least 1s, such as 30s or 5m "
            + "(default: reconcile.interval)")
    String interval;

    @Parameter(names = "--concurrency", description = "Most environments converged at once, 1 to 64 "
            + "(default: reconcile.concurrency)")
    Integer concurrency;

    @Parameter(description = "[NAME...]")
    List<String> names = new ArrayList<>();

    @Override
    int run(Session session) {
        noUnknownOptions(names);
        names.forEach(Validation::requireName);
        session.format();
        Integer n = concurrency == null ? null
                : EnvctlConfig.positiveInt("--concurrency", Integer.toString(concurrency));
        Duration given = interval == null ? null : Durations.parseAtLeast("--interval", interval, SHORTEST_INTERVAL);
        if (!watch && interval != null) {
            throw new UsageException("--interval goes with --watch; usage: envctl reconcile [NAME...] --watch "
                    + "[--interval DURATION]");
        }
        if (!watch) {
            return ReportView.print(session, session.envctl(n).reconcile(names, session.progress()));
        }
        Duration every = given != null ? given : session.config().watchInterval();
        Envctl envctl = session.envctl(n);
        // a signal stops the watch once the round in flight has recorded its outcomes: that is how it ends
        session.interruption().untilStopped();
        RoundFilter rounds = new RoundFilter();
        AtomicBoolean stop = session.interruption().stop();
        envctl.engine().watch(names, every, stop, session.progress(), report -> {
            if (rounds.worthPrinting(report)) {
                ReportView.print(session, report);
                // a round that found no reader (| head -1) or no room ends the watch, as tail -f ends: nobody gets
                // its results, and a shell waits for it; the exit code says which (Stdout)
                if (session.out().checkError()) {
                    stop.set(true);
                }
            }
        });
        return 0;
    }

    /**
     * With {@code --watch}, which rounds are printed: the first (where things stand), then only those that did
     * something, that failed otherwise than the last printed failure of each environment (a Docker daemon that is
     * down fails every round alike: printed when it starts failing and when the environment converges again, not
     * every interval; an environment sitting out rounds after a failure, or skipped because another process converges
     * it, keeps its last failure), or whose unmanaged
     * clusters differ from the last printed round's. A last failure belongs to its record ({@link
     * ReconcileReport#records()}): it is forgotten when the record is gone, and one recorded again under its name
     * starts without one, so what it fails of is printed.
     */
    static final class RoundFilter {
        private boolean first = true;
        private List<ClusterStatus> unmanaged = List.of();
        private final Map<String, Failure> failures = new HashMap<>();

        /** The last printed failure of the record created at {@code createdAt}. */
        private record Failure(Instant createdAt, String error) {
        }

        boolean worthPrinting(ReconcileReport report) {
            boolean print = first || !report.unmanaged().equals(unmanaged);
            Map<String, Instant> records = report.records();
            failures.entrySet().removeIf(e -> !Objects.equals(e.getValue().createdAt(), records.get(e.getKey())));
            for (Outcome o : report.outcomes()) {
                if (o.action() == Action.FAILED) {
                    Failure failure = new Failure(records.get(o.name()), String.valueOf(o.error()));
                    print |= !failure.equals(failures.put(o.name(), failure));
                } else if (o.action() != Action.SKIPPED_LOCKED) { // skipped: its last printed failure stands
                    print |= failures.remove(o.name()) != null || o.action() != Action.UNCHANGED;
                }
            }
            if (print) {
                first = false;
                unmanaged = report.unmanaged();
            }
            return print;
        }
    }
}
