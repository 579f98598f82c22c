package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.lifecycle.PlannedStep;
import dev.envctl.core.spi.EnvironmentStore;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code envctl create NAME}: allocates ports (and a subnet) atomically in the store, creates the cluster and
 * runs the post-create hooks; prints the record. A failed cluster leaves the record {@code failed} with its
 * {@code lastError} (exit 6, or 1 when a hook failed). A record another writer deletes while the cluster is
 * created is exit 4: the engine removes the cluster again and says so.
 */
@Parameters(commandNames = "create",
        commandDescription = "Create an environment: allocate its ports and subnet, then create its cluster")
final class CreateCommand extends CliCommand {
    @ParametersDelegate
    final SpecOptions spec = new SpecOptions();

    @Parameter(names = "--dry-run", description = "Print what would be allocated and the exact provider commands; "
            + "change nothing", validateWith = OnlyOnce.class)
    boolean dryRun;

    @Parameter(names = "--no-wait", description = "Only record the environment (allocating its resources); "
            + "a later 'envctl reconcile' creates the cluster", validateWith = OnlyOnce.class)
    boolean noWait;

    @Parameter(description = "NAME")
    List<String> args = new ArrayList<>();

    @Override
    int run(Session session) {
        String name = oneName(args);
        session.format();
        session.onlyReading(dryRun);
        EnvironmentSpec request = spec.toSpec(name, session.config().defaultProvider());
        session.envctl().provider(request.provider());
        EnvironmentStore store = session.store();
        Hosts.requireKnown(store, request.host());
        if (dryRun) {
            if (store.find(name).isPresent()) {
                throw EnvctlException.conflict("environment '" + name + "' already exists in "
                        + session.redact(store.location()) + "; choose another name or delete it first");
            }
            List<PlannedStep> plan = session.envctl().dryRunCreate(List.of(request));
            // --no-wait records only: none of the provider's commands would run
            return Plans.print(session, noWait ? plan.stream().map(s -> new PlannedStep(s.kind(), s.environment(),
                    s.changes(), List.of(), s.error())).toList() : plan, List.of(), List.of(), true);
        }
        Environment result;
        try {
            result = noWait ? session.envctl().record(request) : session.envctl().create(request, session.progress());
        } catch (EnvctlException e) {
            // thrown before anything was recorded (the provider's listing failed, say): name a missing tool or a
            // Docker that does not answer, checked only now to spare every create a docker call; with --host
            // auto the engine's error already names the host the store placed it on
            if (e.code() == ErrorCode.PROVIDER_FAILED && !request.host().isAuto()) {
                Engines.requireReady(session, request.provider(), request.host().hostName(), true);
            }
            throw e;
        }
        session.progressDone();
        EnvironmentView.print(session, store, List.of(result), true, false);
        return noWait ? 0 : Errors.failed(session, "creating " + name, result, "the record stays ("
                + result.actualState().key() + "): fix the cause and run 'envctl reconcile', or 'envctl delete "
                + name + "'");
    }
}
