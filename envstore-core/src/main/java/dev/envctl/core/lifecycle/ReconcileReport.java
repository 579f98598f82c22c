package dev.envctl.core.lifecycle;

import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.ClusterStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of one reconcile pass.
 *
 * @param outcomes  one per environment the pass took up, in name order; environments a stopping
 *                  reconciler never started are left out
 * @param unmanaged clusters the providers list that no record owns; reported, never deleted
 * @param records   the creation time of each record the pass took up, by name, as read before it converged them;
 *                  in a watch also of those sitting out the round after a failure. It tells records apart: one
 *                  deleted and recorded again under its name is another record, with another creation time
 */
public record ReconcileReport(List<Outcome> outcomes, List<ClusterStatus> unmanaged, Map<String, Instant> records) {
    public ReconcileReport {
        outcomes = List.copyOf(outcomes);
        unmanaged = List.copyOf(unmanaged);
        records = Map.copyOf(records);
    }

    /** A report without the records' creation times. */
    public ReconcileReport(List<Outcome> outcomes, List<ClusterStatus> unmanaged) {
        this(outcomes, unmanaged, Map.of());
    }

    /** True when no outcome {@linkplain Outcome#failed() failed}: no failed action, no record left failed. */
    public boolean ok() {
        return outcomes.stream().noneMatch(Outcome::failed);
    }

    /**
     * Empty when {@link #ok()}; {@link ErrorCode#STORE_UNAVAILABLE} when every failed outcome failed because the
     * store refused or could not take a write (a role lacking a privilege, a server gone; each record is as it was
     * last written); {@link ErrorCode#PROVIDER_FAILED} when every failed outcome failed because its provider could
     * not be asked (it could not list its clusters: its tool missing, Docker or another host not answering; each
     * record is as it was); {@link ErrorCode#CONFLICT} when every failed outcome is {@link Action#SUPERSEDED}
     * (another writer's desired state won); {@link ErrorCode#FAILURE} otherwise.
     */
    public Optional<ErrorCode> failure() {
        if (ok()) {
            return Optional.empty();
        }
        List<Outcome> failed = outcomes.stream().filter(Outcome::failed).toList();
        for (ErrorCode code : List.of(ErrorCode.STORE_UNAVAILABLE, ErrorCode.PROVIDER_FAILED)) {
            if (failed.stream().allMatch(o -> o.code() == code)) {
                return Optional.of(code);
            }
        }
        return Optional.of(failed.stream().allMatch(o -> o.action() == Action.SUPERSEDED) ? ErrorCode.CONFLICT
                : ErrorCode.FAILURE);
    }
}
