package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;

import java.util.List;

/**
 * The replaced system's rows break envctl's invariants, so the migration stopped before changing anything.
 * A {@link ErrorCode#CONFLICT} (exit 4) whose message lists every conflict; {@link #conflicts()} has them one
 * per entry, for printing one per line.
 */
public final class AdoptionConflictException extends EnvctlException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> conflicts;

    public AdoptionConflictException(String where, List<String> conflicts) {
        super(ErrorCode.CONFLICT, "cannot adopt table clusters in " + where + ": " + conflicts.size()
                + (conflicts.size() == 1 ? " conflict: " : " conflicts: ") + String.join("; ", conflicts)
                + "; nothing was changed; fix these rows (for example with psql) and run envctl db migrate again");
        this.conflicts = List.copyOf(conflicts);
    }

    /** Each conflict: the names and the resource they share. */
    public List<String> conflicts() {
        return conflicts;
    }
}
