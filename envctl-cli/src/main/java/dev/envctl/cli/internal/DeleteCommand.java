package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.envctl.core.ActualState;
import dev.envctl.core.Environment;
import dev.envctl.core.spi.EnvironmentStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code envctl delete NAME}: runs the pre-delete hooks, deletes the cluster, runs the post-delete hooks and
 * removes the record (kept, with its allocation, under {@code --keep-record}; {@code --forget} removes only the
 * record). Exit 3 for an unknown name; exit 4 when another writer undid the delete (the engine's {@code CONFLICT}),
 * so a record left here is desired absent.
 */
@Parameters(commandNames = "delete", commandDescription = "Delete an environment's cluster and its record")
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

    @Parameter(description = "NAME")
    List<String> args = new ArrayList<>();

    @Override
    int run(Session session) {
        String name = oneName(args);
        OutputFormat format = session.format();
        session.onlyReading(dryRun);
        if (forget && (keepRecord || dryRun)) {
            throw new UsageException("--forget removes only the record; it takes neither --keep-record nor "
                    + "--dry-run");
        }
        EnvironmentStore store = session.store();
        if (forget) {
            return forget(session, format, name);
        }
        if (dryRun) {
            return Plans.print(session, List.of(session.envctl().dryRunDelete(name)), List.of(), List.of(), true);
        }
        Environment existing = store.get(name);
        Engines.requireReady(session, existing.provider(), existing.host(), true);
        Optional<Environment> left = session.envctl().delete(name, keepRecord, session.progress());
        session.progressDone();
        boolean failed = left.isPresent() && left.get().actualState() == ActualState.FAILED;
        // a record left without --keep-record, or kept but not yet cluster-less (unknown), is still desired absent
        // (the engine throws when another writer changed it back): another envctl process holds it and carries
        // out the delete recorded here
        boolean pending = !failed && left.isPresent() && !(keepRecord
                && left.get().actualState() == ActualState.UNKNOWN);
        if (format == OutputFormat.JSON) {
            Json.print(session.out(), Json.object("name", name, "deleted", !failed && !pending, "pending", pending,
                    "forgotten", false, "record", left.map(EnvironmentView::toJson).orElse(null)));
        } else if (format == OutputFormat.TABLE && !failed) {
            session.out().println(pending ? Engines.pending("delete", name)
                    : "deleted " + name + (left.isPresent() ? " (record kept)" : ""));
        } else {
            EnvironmentView.print(session, store, left.stream().toList(), true, false);
        }
        return left.map(e -> Errors.failed(session, "deleting " + name, e, "fix the cause and run 'envctl delete "
                + name + "' again")).orElse(0);
    }

    private static int forget(Session session, OutputFormat format, String name) {
        Environment removed = session.envctl().forget(name);
        if (format == OutputFormat.JSON) {
            Json.print(session.out(), Json.object("name", name, "deleted", true, "pending", false, "forgotten", true,
                    "record", EnvironmentView.toJson(EnvironmentView.redacted(session, removed))));
        } else if (format == OutputFormat.TABLE) {
            session.out().println("forgot " + name + ": its record is removed; its " + removed.provider()
                    + " cluster on host " + removed.host() + ", if any, is left as it is");
        }
        return 0;
    }
}
