package dev.envctl.core.migration;

import java.util.List;
import java.util.Objects;

/**
 * What {@link StoreMigration#migrate} did (or, in a dry run, would do). {@code total} counts the source's
 * rows; each is migrated (in a dry run: would be), skipped or failed, with a reason. The report of a migration
 * the target ended part-way ({@link MigrationInterruptedException#report()}) has only the rows before that.
 */
public record MigrationReport(int total, int migrated, int skipped, int failed, List<Row> rows, boolean dryRun) {

    /** Outcomes of a row. */
    public static final String MIGRATED = "migrated";
    public static final String WOULD_MIGRATE = "would-migrate";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";

    public MigrationReport {
        rows = List.copyOf(rows);
    }

    /**
     * One source row.
     *
     * @param outcome {@code migrated}, {@code would-migrate}, {@code skipped} or {@code failed}
     * @param reason  why it was skipped or failed; {@code null} for migrated rows
     */
    public record Row(String name, String outcome, String reason) {
        public Row {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /** True when no row failed; any failure gives a non-zero exit. */
    public boolean ok() {
        return failed == 0;
    }

    /** The report of {@code rows}, out of {@code total} source rows (more than {@code rows} when interrupted). */
    static MigrationReport of(List<Row> rows, boolean dryRun, int total) {
        int migrated = count(rows, MIGRATED) + count(rows, WOULD_MIGRATE);
        return new MigrationReport(total, migrated, count(rows, SKIPPED), count(rows, FAILED), rows, dryRun);
    }

    private static int count(List<Row> rows, String outcome) {
        return (int) rows.stream().filter(r -> r.outcome().equals(outcome)).count();
    }
}
