package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Remedy;

import java.util.List;

/**
 * The rows of an existing {@code clusters} table break envctl's invariants, so the migration stopped before changing anything.
 * A {@link ErrorCode#CONFLICT} (exit 4) whose message lists every conflict; {@link #conflicts()} has them one
 * per entry, for printing one per line.
 */
public final class AdoptionConflictException extends EnvctlException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> conflicts;

    public AdoptionConflictException(String where, List<String> conflicts) {
        this(conflicts, "cannot adopt table clusters in " + where + ": " + count(conflicts) + ": "
                + String.join("; ", conflicts)
                + "; nothing was changed; fix these rows (for example with psql) and migrate the schema again");
    }

    private AdoptionConflictException(List<String> conflicts, String message) {
        super(ErrorCode.CONFLICT, message, null, Remedy.MIGRATE_SCHEMA);
        this.conflicts = List.copyOf(conflicts);
    }

    /**
     * A write refused because the table could not be adopted: the store serves reads only until the rows in
     * {@code conflicts} are repaired.
     *
     * @param action what was refused, e.g. {@code creating environment 'dev'}
     */
    public static AdoptionConflictException writeRefused(String action, String where, List<String> conflicts) {
        return new AdoptionConflictException(conflicts, action + " refused: table clusters in " + where
                + " cannot be adopted yet, so envctl only reads it; " + count(conflicts) + ": "
                + String.join("; ", conflicts)
                + "; fix these rows (for example with psql) and migrate the schema");
    }

    /** {@code 1 conflict} or {@code N conflicts}. */
    static String count(List<String> conflicts) {
        return conflicts.size() == 1 ? "1 conflict" : conflicts.size() + " conflicts";
    }

    /** Each conflict: the names and the resource they share. */
    public List<String> conflicts() {
        return conflicts;
    }
}
