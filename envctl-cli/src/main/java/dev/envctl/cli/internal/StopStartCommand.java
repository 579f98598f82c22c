package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Envctl;
import dev.envctl.core.Environment;
import dev.envctl.core.exec.CommandRunner;
import dev.envctl.core.spi.EnvironmentStore;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code envctl stop NAME...} and {@code envctl start NAME...}. Every name is checked first (exit 3 for an unknown
 * one, 4 for one being deleted, 6 when its provider is not ready), so a bad name changes nothing; then the
 * environments are stopped or started, up to {@code reconcile.concurrency} at once, each one even when another fails
 * (the first failure, in the order given, is the one reported; when one fails without a record of it, as when its
 * provider cannot list its clusters, the records of the names given are printed before that error). A stopped
 * environment keeps its ports and subnet, and reconcile and apply leave it stopped until {@code start}. A stop of a
 * create that did not finish leaves it {@code creating}, which it says, and the start finishes that create or makes
 * the cluster again.
 */
abstract sealed class StopStartCommand extends CliCommand permits StopStartCommand.Stop, StopStartCommand.Start {
    @Parameter(description = "NAME...")
    List<String> names = new ArrayList<>();

    @Parameters(commandNames = "stop", commandDescription = "Stop environments' clusters; their ports and subnets "
            + "stay held")
    static final class Stop extends StopStartCommand {
    }

    @Parameters(commandNames = "start", commandDescription = "Start stopped environments' clusters again (create "
            + "any that vanished)")
    static final class Start extends StopStartCommand {
    }

    private boolean stopping() {
        return name().equals("stop");
    }

    /** Stopped (a record without a cluster included), or running: what this command was asked for. */
    private boolean done(Environment e) {
        return e.actualState() == (stopping() ? ActualState.STOPPED : ActualState.RUNNING);
    }

    /**
     * A stop of a create that did not finish: its cluster stopped, the record stays {@code creating} (desired
     * {@code stopped}) so that the start asks whether the create finished.
     */
    private boolean unfinished(Environment e) {
        return stopping() && e.actualState() == ActualState.CREATING && e.desiredState() == DesiredState.STOPPED;
    }

    private String doneLine(EnvironmentStore store, Environment e) {
        // one another envctl process is creating says creating while that process carries the stop out
        if (unfinished(e) && !store.lockedElsewhere(e.name())) {
            return "stopped " + e.name() + "; its create did not finish, so it stays creating until 'envctl start "
                    + e.name() + "' finishes the create or makes its cluster again";
        }
        return done(e) ? (stopping() ? "stopped " : "started ") + e.name() : Engines.pending(name(), e.name());
    }

    @Override
    int run(Session session) {
        List<String> unique = names(names);
        // a signal before the engine begins: none was begun, and each is as it was
        session.interruption().notBegun(unique, List.of(), name());
        OutputFormat format = session.format();
        EnvironmentStore store = session.store();
        // every name is looked up before any is judged, so an unknown one is exit 3 whatever the order
        List<Environment> records = unique.stream().map(store::get).toList();
        for (Environment e : records) {
            String name = e.name();
            if (EnvironmentView.kept(e)) {
                throw EnvctlException.conflict("environment '" + name + "' was deleted with its record kept (delete "
                        + "--keep-record): it has no cluster to " + name() + "; nothing was changed; apply a file that "
                        + "lists it to create it again with its ports, or 'envctl delete " + name + "' to remove the "
                        + "record");
            }
            if (e.desiredState() == DesiredState.ABSENT) {
                throw EnvctlException.conflict("environment '" + name + "' is being deleted (desired absent); "
                        + "nothing was changed; let the delete finish ('envctl reconcile " + name + "') and create it "
                        + "again, or, to keep it with its ports, apply a file that lists it, then " + name() + " it");
            }
        }
        Engines.requireReady(session, records, false); // each provider's check runs docker info
        // the engine tells which it did not begin when it returns; if it throws, which it began is not known
        session.interruption().notBegun(List.of(), List.of(), name());
        Envctl envctl = session.envctl();
        List<Environment> results = EnvironmentView.changing(session, store, unique, () -> stopping()
                ? envctl.stop(unique, session.progress()) : envctl.start(unique, session.progress()));
        // after a signal the engine begins no other: those it left out of the results are as they were
        session.interruption().notBegun(unique, results.stream().map(Environment::name).toList(), name());
        if (format == OutputFormat.TABLE && results.stream().noneMatch(e -> e.failure().isPresent())
                && !CommandRunner.stopping()) {
            // a record not yet where it was asked to go is another envctl process's to finish (it holds it); after a
            // signal it is this one's, cut short: the records are printed as they were left, and the signal's line
            // says what finishes them
            results.forEach(e -> session.out().println(doneLine(store, e)));
        } else {
            EnvironmentView.print(session, store, results, false, false);
        }
        return results.stream().mapToInt(e -> Errors.failed(session, (stopping() ? "stopping " : "starting ")
                + e.name(), e, "fix the cause and run 'envctl " + name() + " " + e.name() + "' again")).max().orElse(0);
    }
}
