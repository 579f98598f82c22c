package dev.envctl.core.lifecycle;

/** What the reconciler did to one environment in one pass. */
public enum Action {
    /** A cluster was created (or an interrupted create was finished) and the record is {@code running}. */
    CREATED,
    /** The cluster was deleted; the record was removed, or kept when the delete asked to keep it. */
    DELETED,
    /**
     * The cluster was deleted and created anew under the same name for a changed provider, host port, subnet or
     * provider option ({@code apply --replace}); a stopped environment's new cluster is created by its start.
     */
    REPLACED,
    /** Record-only fields (labels, the node port) were changed by {@code apply}; the cluster was not touched. */
    UPDATED,
    /** A {@code running} record's cluster had vanished and was created again ({@link DriftPolicy#RECREATE}). */
    RECREATED,
    /** A {@code running} record's cluster had vanished and the record is now {@code failed}. */
    MARKED_FAILED,
    /** The cluster was stopped ({@code envctl stop}); the record is {@code stopped} and keeps its ports. */
    STOPPED,
    /** A stopped cluster was started again; the record is {@code running}. */
    STARTED,
    /** Nothing needed doing (this includes adopting an existing cluster for an {@code unknown} record). */
    UNCHANGED,
    /** Another reconciler (in this or another process) holds the environment's lock; nothing was done. */
    SKIPPED_LOCKED,
    /**
     * {@code apply} with prune recorded the delete of an environment its list leaves out (or found one recorded), and
     * another reconciler, in this or another process, holds the environment's lock: that one carries the delete out.
     */
    PENDING,
    /**
     * Another writer recorded a desired state for the environment after {@code apply} recorded its own, and the last
     * one recorded wins: the converge deleted an environment the list names (a delete recorded meanwhile), or the
     * delete apply recorded for one its list leaves out was undone (desired present or stopped again). A conflict,
     * which {@link Outcome#error()} describes; {@link Outcome#code()} is {@link dev.envctl.core.ErrorCode#CONFLICT}.
     */
    SUPERSEDED,
    /** A provider call, hook, observation or write failed; {@link Outcome#error()} says which and why. */
    FAILED
}
