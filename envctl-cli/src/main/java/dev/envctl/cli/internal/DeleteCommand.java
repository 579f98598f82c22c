package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.envctl.core.ActualState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.spi.EnvironmentStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code envctl delete NAME...}: runs the pre-delete hooks, deletes the cluster, runs the post-delete hooks and
 * removes the record (kept, with its allocation, under {@code --keep-record}; {@code --forget} removes only the
 * record). Every name is looked up first, so an unknown one is exit 3 and changes nothing; then the environments are
 * deleted as {@code stop} stops several ({@link StopStartCommand}): up to {@code reconcile.concurrency} at once, each
 * even when another fails. Exit 4 when another writer undid a delete (the engine's {@code CONFLICT}), so a record left
 * here is desired absent.
 */
@Parameters(commandNames = "delete", commandDescription = "Delete environments' clusters and their records")
final class DeleteCommand extends CliCommand {
    @Parameter(names = "--keep-record", description = "Delete the cluster but keep the record and its ports",
            validateWith = OnlyOnce.class)
    boolean keepRecord;

    @Parameter(names = "--dry-run", description = "Print the exact provider commands; change nothing",
            validateWith = OnlyOnce.class)
    boolean dryRun;

    @Parameter(names = "--forget", description = "Remove only the record, leaving its cluster as it is (no provider "
            + "command, no hook): for an environment whose host is gone for good", validateWith = OnlyOnce.class)
    boolean forget;

    @Parameter(description = "NAME...")
    List<String> args = new ArrayList<>();

    @Override
    int run(Session session) {
        List<String> names = names(args);
        OutputFormat format = session.format();
        session.onlyReading(dryRun);
        if (forget && (keepRecord || dryRun)) {
            throw new UsageException("--forget removes only the record; it takes neither --keep-record nor "
                    + "--dry-run");
        }
        EnvironmentStore store = session.store();
        // every name is looked up before any is changed, so an unknown one is exit 3 whatever the order
        List<Environment> records = names.stream().map(store::get).toList();
        if (forget) {
            return forget(session, format, names);
        }
        if (dryRun) {
            return Plans.print(session, names.stream().map(session.envctl()::dryRunDelete).toList(), List.of(),
                    List.of(), true);
        }
        String rerun = keepRecord ? "delete --keep-record" : "delete";
        // a signal before the engine begins: none was begun, and each is as it was
        session.interruption().notBegun(names, List.of(), rerun);
        Engines.requireReady(session, records, true);
        // the engine tells which it did not begin when it returns; if it throws, which it began is not known
        session.interruption().notBegun(List.of(), List.of(), rerun);
        Map<String, Optional<Environment>> left = EnvironmentView.changing(session, store, names,
                () -> session.envctl().delete(names, keepRecord, session.progress()));
        // after a signal the engine begins no other: those it left out are as they were
        session.interruption().notBegun(names, left.keySet(), rerun);
        List<Environment> kept = left.values().stream().flatMap(Optional::stream).toList();
        if (format == OutputFormat.JSON) {
            printJson(session, names, left.entrySet().stream().map(e -> Json.object("name", e.getKey(), "deleted",
                    !failed(e.getValue()) && !pending(e.getValue()), "pending", pending(e.getValue()), "forgotten",
                    false, "record", e.getValue().map(l -> EnvironmentView.toJson(EnvironmentView.redacted(session, l)))
                    .orElse(null))).toList());
        } else if (format == OutputFormat.TABLE && left.values().stream().noneMatch(DeleteCommand::failed)) {
            left.forEach((name, l) -> session.out().println(pending(l) ? Engines.pending("delete", name)
                    : "deleted " + name + (l.isPresent() ? " (record kept)" : "")));
        } else {
            EnvironmentView.print(session, store, kept, true, false);
        }
        return kept.stream().mapToInt(e -> Errors.failed(session, "deleting " + e.name(), e, "fix the cause and run "
                + "'envctl delete " + e.name() + "' again")).max().orElse(0);
    }

    private static boolean failed(Optional<Environment> left) {
        return left.isPresent() && left.get().actualState() == ActualState.FAILED;
    }

    /**
     * A record left without --keep-record, or kept but not yet cluster-less (unknown), is still desired absent (the
     * engine throws when another writer changed it back): another envctl process holds it and carries out the delete
     * recorded here.
     */
    private boolean pending(Optional<Environment> left) {
        return !failed(left) && left.isPresent() && !(keepRecord && left.get().actualState() == ActualState.UNKNOWN);
    }

    /** One JSON object for one name, an array of them for several. */
    private static void printJson(Session session, List<String> names, List<Map<String, Object>> objects) {
        Json.print(session.out(), names.size() == 1 && objects.size() == 1 ? objects.get(0) : objects);
    }

    /** Forgets each of {@code names}, even when another fails; the first failure, in the order given, is thrown. */
    private static int forget(Session session, OutputFormat format, List<String> names) {
        List<Map<String, Object>> objects = new ArrayList<>();
        EnvctlException first = null;
        for (String name : names) {
            try {
                Environment removed = session.envctl().forget(name);
                objects.add(Json.object("name", name, "deleted", true, "pending", false, "forgotten", true,
                        "record", EnvironmentView.toJson(EnvironmentView.redacted(session, removed))));
                if (format == OutputFormat.TABLE) {
                    session.out().println("forgot " + name + ": its record is removed; its " + removed.provider()
                            + " cluster on host " + removed.host() + ", if any, is left as it is");
                }
            } catch (EnvctlException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (format == OutputFormat.JSON && !objects.isEmpty()) {
            printJson(session, names, objects);
        }
        if (first != null) {
            throw first;
        }
        return 0;
    }
}
