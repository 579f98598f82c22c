package dev.envctl.core.lifecycle;

import dev.envctl.core.spi.ClusterStatus;

import java.util.List;

/**
 * The result of one reconcile pass.
 *
 * @param outcomes  one per environment the pass took up, in name order; environments a stopping
 *                  reconciler never started are left out
 * @param unmanaged clusters the providers list that no record owns; reported, never deleted
 */
public record ReconcileReport(List<Outcome> outcomes, List<ClusterStatus> unmanaged) {
    public ReconcileReport {
        outcomes = List.copyOf(outcomes);
        unmanaged = List.copyOf(unmanaged);
    }

    /** True when no outcome {@linkplain Outcome#failed() failed}: no failed action, no record left failed. */
    public boolean ok() {
        return outcomes.stream().noneMatch(Outcome::failed);
    }
}
