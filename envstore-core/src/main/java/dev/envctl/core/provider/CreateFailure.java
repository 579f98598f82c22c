package dev.envctl.core.provider;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.exec.CommandFailedException;
import dev.envctl.core.exec.CommandRunner;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects what happened while cleaning up after a failed create, and turns the original failure into the one
 * error the caller sees: the tool's message, then what was removed or what could not be and how to remove it.
 * Whether that error says a cleanup step failed, so that part of what the create made may remain, is
 * {@link #leftBehind}.
 */
public final class CreateFailure {
    private final String what;
    private final EnvctlException failure;
    private final List<String> problems = new ArrayList<>();
    private final List<String> leftovers = new ArrayList<>();
    private final List<Throwable> suppressed = new ArrayList<>();
    private boolean untouched;
    private boolean cleanupStopped;
    private String cause;

    /** @param what such as "could not create kind cluster 'dev'" */
    public CreateFailure(String what, EnvctlException failure) {
        this.what = what;
        this.failure = failure;
    }

    /**
     * Runs one cleanup step; a failure is recorded with the command that removes the leftover by hand. A step that
     * did not run because envctl is stopping (the tool the signal ended returned first) is no failure of the cleanup:
     * the error then says the next reconcile finishes the create, as when the create itself was ended.
     */
    public void attempt(Runnable step, String byHand) {
        try {
            step.run();
        } catch (RuntimeException e) {
            if (e instanceof CommandFailedException c && c.stopped()) {
                // also a sign that envctl stops where stopped() has not seen it yet (a caller without signals)
                cleanupStopped = true;
                return;
            }
            problems.add(e.getMessage());
            leftovers.add(byHand);
            suppressed.add(new CleanupFailed(e));
        }
    }

    /** What envctl found out about the failure's cause, said after the tool's message (e.g. who holds a port). */
    public void cause(String text) {
        cause = text;
    }

    /** Nothing was cleaned up because the cluster existed before this create (a name collision). */
    public void leftUntouched() {
        untouched = true;
    }

    /**
     * Whether the create failed because envctl is stopping: then nothing is removed (no command starts). Also true
     * when the tool, ended by the same signal as envctl (the terminal's process group, {@code timeout}), returned its
     * failure before envctl began to stop its commands.
     */
    public boolean stopped() {
        return failure instanceof CommandFailedException c && c.stopped() || CommandRunner.stopping();
    }

    public EnvctlException toException() {
        String outcome;
        if (stopped() || cleanupStopped) {
            // no cleanup command starts while envctl stops; the record still says creating, so reconcile finishes it
            outcome = "envctl is stopping, so it removed nothing; the next reconcile finishes this create";
        } else if (untouched) {
            outcome = "a cluster of that name existed before, so envctl removed nothing";
        } else if (problems.isEmpty()) {
            outcome = "envctl removed what this create had made";
        } else {
            outcome = "cleanup failed too: " + String.join("; ", problems) + "; remove the leftovers by hand: "
                    + String.join(" && ", leftovers);
        }
        String message = what + ": " + failure.getMessage() + (cause == null ? "" : "; " + cause) + "; " + outcome;
        EnvctlException e = failure instanceof CommandFailedException c
                ? new CommandFailedException(ErrorCode.PROVIDER_FAILED, message, c.argv(), c.exitValue(),
                c.stderrTail(), c.timedOut(), failure)
                : new EnvctlException(ErrorCode.PROVIDER_FAILED, message, failure);
        suppressed.forEach(e::addSuppressed);
        if (untouched && !stopped() && !cleanupStopped) {
            e.addSuppressed(new NameTaken());
        }
        return e;
    }

    /**
     * Whether {@code createError}, what a provider's create threw, is one {@link #toException} built for a name
     * collision ({@link #leftUntouched}): a cluster of that name existed before this create, which made nothing.
     */
    public static boolean nameTaken(Throwable createError) {
        return marked(createError, NameTaken.class);
    }

    /**
     * Whether {@code createError}, what a provider's create threw, is one {@link #toException} built after a cleanup
     * step failed: part of what the create made may remain (a cluster whose nodes run before its tool finished
     * included). False for any other error, one of a name collision ({@link #leftUntouched}) included.
     */
    public static boolean leftBehind(Throwable createError) {
        return marked(createError, CleanupFailed.class);
    }

    /** Whether {@link #toException} attached a {@code marker} to {@code createError} as a suppressed exception. */
    private static boolean marked(Throwable createError, Class<? extends RuntimeException> marker) {
        for (Throwable s : createError.getSuppressed()) {
            if (marker.isInstance(s)) {
                return true;
            }
        }
        return false;
    }

    /** Marks a name collision's error ({@link #nameTaken}); attached as a suppressed exception, without a trace. */
    private static final class NameTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NameTaken() {
            super("a cluster of that name existed before this create", null, false, false);
        }
    }

    /** A cleanup step that failed, attached to the error as a suppressed exception; its cause is the step's error. */
    private static final class CleanupFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CleanupFailed(RuntimeException e) {
            super(e.getMessage(), e, false, false);
        }
    }
}
