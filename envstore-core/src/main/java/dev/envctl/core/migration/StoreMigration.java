package dev.envctl.core.migration;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.HeldSnapshot;
import dev.envctl.core.spi.EnvironmentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Copies every environment from one store to another, exactly as recorded (ports, subnet, labels, options,
 * states, timestamps, version), with {@link EnvironmentStore#insert}.
 *
 * <p>Names in {@code skipNames} and names the target already has are skipped, so running it twice changes
 * nothing. Before writing anything it checks every remaining row against the target's rows and against the
 * source rows before it (conflicting or not, so fixing one conflict does not reveal another): if any port or subnet would be held twice, it writes nothing, reports each conflicting row
 * as failed and the others as skipped ("nothing written"). A row the target still rejects while writing
 * (someone wrote meanwhile) is failed and the others proceed. Rows are taken in name order.
 */
public final class StoreMigration {
    private static final Logger LOG = LoggerFactory.getLogger(StoreMigration.class);

    private StoreMigration() {
    }

    public static MigrationReport migrate(EnvironmentStore from, EnvironmentStore to, Set<String> skipNames,
                                          boolean dryRun) {
        List<Environment> source = from.list(EnvironmentFilter.ALL);
        List<Environment> target = to.list(EnvironmentFilter.ALL);
        Set<String> present = new HashSet<>();
        target.forEach(e -> present.add(e.name()));

        List<MigrationReport.Row> rows = new ArrayList<>();
        List<Environment> candidates = new ArrayList<>();
        HeldSnapshot held = HeldSnapshot.of(target);
        int conflicts = 0;
        for (Environment e : source.stream().sorted((a, b) -> a.name().compareTo(b.name())).toList()) {
            if (skipNames.contains(e.name())) {
                rows.add(new MigrationReport.Row(e.name(), MigrationReport.SKIPPED, "in the skip list"));
            } else if (present.contains(e.name())) {
                rows.add(new MigrationReport.Row(e.name(), MigrationReport.SKIPPED, "already in " + to.location()));
            } else {
                try {
                    Allocator.requireFree(e, held);
                    candidates.add(e);
                    rows.add(null);
                } catch (EnvctlException conflict) {
                    conflicts++;
                    rows.add(new MigrationReport.Row(e.name(), MigrationReport.FAILED, "would break the target's "
                            + "invariants: " + conflict.getMessage()));
                }
                held.add(e); // later rows are checked against this one too, conflicting or not
            }
        }
        List<MigrationReport.Row> done = new ArrayList<>();
        int next = 0;
        for (MigrationReport.Row row : rows) {
            if (row != null) {
                done.add(row);
                continue;
            }
            Environment e = candidates.get(next++);
            done.add(conflicts > 0 ? new MigrationReport.Row(e.name(), MigrationReport.SKIPPED, "nothing written: "
                    + conflicts + " row(s) conflict; fix them and run again") : write(e, to, dryRun));
        }
        MigrationReport report = MigrationReport.of(done, dryRun);
        LOG.info("migration from {} to {}{}: {} total, {} migrated, {} skipped, {} failed", from.location(),
                to.location(), dryRun ? " (dry run)" : "", report.total(), report.migrated(), report.skipped(),
                report.failed());
        return report;
    }

    private static MigrationReport.Row write(Environment e, EnvironmentStore to, boolean dryRun) {
        if (dryRun) {
            return new MigrationReport.Row(e.name(), MigrationReport.WOULD_MIGRATE, null);
        }
        try {
            to.insert(e);
            return new MigrationReport.Row(e.name(), MigrationReport.MIGRATED, null);
        } catch (EnvctlException ex) {
            LOG.warn("{}: not migrated: {}", e.name(), ex.getMessage());
            return new MigrationReport.Row(e.name(), MigrationReport.FAILED, ex.getMessage());
        }
    }
}
