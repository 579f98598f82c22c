package dev.envctl.core.lifecycle;

/**
 * What the reconciler does when a record says {@code running} but its provider no longer lists the cluster.
 * Either way the drift is logged at WARN and reported in the {@link ReconcileReport}.
 */
public enum DriftPolicy {
    /** Create the cluster again with the record's ports and subnet (action {@link Action#RECREATED}). */
    RECREATE,
    /**
     * Mark the record {@code failed} (action {@link Action#MARKED_FAILED}) and leave it: under this policy the
     * reconciler never creates a cluster for a {@code failed} record; delete it or switch the policy.
     */
    MARK_FAILED
}
