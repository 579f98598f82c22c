package dev.envctl.core.lifecycle;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.spi.PlannedCommand;

import java.util.List;

/**
 * One step of a dry run ({@link dev.envctl.core.Envctl#dryRunCreate}, {@link dev.envctl.core.Envctl#dryRun},
 * {@link dev.envctl.core.Envctl#dryRunDelete}): the record as it would be (a new one placed on its host and
 * allocated as the store would), the fields an update changes, and the commands the provider of its host would
 * run; or, for a step the store would refuse, the record as asked and the error the store would refuse it with.
 *
 * @param changes  the changed fields of an {@link Kind#UPDATE} or {@link Kind#REPLACE}; empty otherwise
 * @param commands argv, variables and stdin of each provider command, in order; empty for an in-place update,
 *                 a refused step, a {@link Kind#RESUME} of a record desired stopped and one of a record apply adopts
 *                 ({@link ApplyPlan#adopting})
 * @param error    why the store would refuse the step, or {@code null}
 */
public record PlannedStep(Kind kind, Environment environment, List<FieldChange> changes,
                          List<PlannedCommand> commands, EnvctlException error) {

    /** What a step does. */
    public enum Kind {
        /** A new record and cluster. */
        CREATE,
        /**
         * A new record (or a kept one) for a cluster of that name the provider already lists on its host, which
         * {@code apply} adopts as it is: no provider command and no hook runs, and the http, https and API ports
         * the cluster publishes replace the allocation shown. For a record whose delete was pending
         * ({@link ApplyPlan#adopting}) the record is shown as it is, with no port from a pool. Only
         * {@link dev.envctl.core.Envctl#dryRun} plans it.
         */
        ADOPT,
        /** Record-only fields change; the cluster is not touched. */
        UPDATE,
        /**
         * The cluster is deleted and created again under the same name ({@code apply} with replacement); for a record
         * desired stopped only the delete is shown: it stays stopped, and its start creates the new cluster.
         */
        REPLACE,
        /** The cluster and its record go. */
        DELETE,
        /**
         * A record whose spec matches the list but whose converge is unfinished ({@link ApplyPlan#unfinished}):
         * {@code apply} converges it as reconcile would. Desired present: a cluster that runs is kept and its
         * post-create hooks run again (for {@code creating}, once the provider says its create finished; for
         * {@code failed} after its post-create hooks failed, a stopped one is started first; for
         * {@code unknown}, adopted as it is, with no hook), else what is left of it is deleted and the commands shown
         * create it; desired stopped: the stop is finished, with no command shown. An {@code unknown} record whose
         * cluster the plan saw running ({@link ApplyPlan#adopting}) is shown as it is, with no command: it takes the
         * host ports its cluster publishes, which apply reads then. A {@code running} record whose cluster the plan
         * saw stopped with every node (stopped outside envctl) is shown as it is, with no command: apply starts its
         * cluster with the provider's start, no hook.
         */
        RESUME
    }

    public PlannedStep {
        changes = List.copyOf(changes);
        commands = List.copyOf(commands);
    }
}
