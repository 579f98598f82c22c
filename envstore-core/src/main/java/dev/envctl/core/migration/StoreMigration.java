package dev.envctl.core.migration;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.Host;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.HeldSnapshot;
import dev.envctl.core.spi.BatchWriteException;
import dev.envctl.core.spi.EnvironmentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Copies every environment from one store to another, exactly as recorded (ports, subnet, labels, options,
 * states, timestamps, version, host), with {@link EnvironmentStore#insertAll} (one call for all the rows, so that a
 * store which rewrites a file per write writes it once); the hosts the rows live on are
 * added to the target first where it lacks them. Ports are checked per host, subnets across the store.
 *
 * <p>Names in {@code skipNames} and names the target already has are skipped, so running it twice changes
 * nothing. Before writing anything it checks every remaining row against the target's rows and against the
 * source rows before it (conflicting or not, so fixing one conflict does not reveal another): if any port or
 * subnet would be held twice, a row's host is in both stores with another Docker endpoint or address (the
 * row would land on another daemon), or a row would put its host over its capacity (the target's, or the
 * source's where the target lacks the host), it writes nothing, reports each conflicting row as failed and the others
 * as skipped ("nothing written"). A row whose name another writer puts in the target meanwhile is skipped too;
 * a row the target still rejects while writing (someone took its port meanwhile, or a value its table cannot
 * hold) is failed and the others proceed. A target that is unavailable (down, or a file its user may not write) is no
 * row's failure: its {@link ErrorCode#STORE_UNAVAILABLE} error ends the migration, as a
 * {@link MigrationInterruptedException} whose report names the rows written before it. A dry run writes nothing: it asks
 * the target to {@linkplain EnvironmentStore#checkInsert check} each row it would write instead, so a row the real
 * run fails there fails in the dry run with the same reason. Rows are taken in name order.
 */
public final class StoreMigration {
    private static final Logger LOG = LoggerFactory.getLogger(StoreMigration.class);

    private StoreMigration() {
    }

    public static MigrationReport migrate(EnvironmentStore from, EnvironmentStore to, Set<String> skipNames,
                                          boolean dryRun) {
        List<Environment> source = from.list(EnvironmentFilter.ALL).stream()
                .sorted((a, b) -> a.name().compareTo(b.name())).toList();
        List<Environment> target = to.list(EnvironmentFilter.ALL);
        Set<String> present = new HashSet<>();
        target.forEach(e -> present.add(e.name()));

        Map<String, String> skipped = new HashMap<>();
        Map<String, String> conflicts = new HashMap<>();
        // what is held, per host: ports on that host, subnets everywhere
        List<Environment> seen = new ArrayList<>(target);
        Map<String, HeldSnapshot> held = new HashMap<>();
        Map<String, Landing> landings = new TreeMap<>();
        Map<String, Integer> onHost = new HashMap<>();
        target.forEach(e -> onHost.merge(e.host(), 1, Integer::sum));
        for (Environment e : source) {
            if (skipNames.contains(e.name())) {
                skipped.put(e.name(), "in the skip list");
            } else if (present.contains(e.name())) {
                skipped.put(e.name(), "already in " + to.location());
            } else {
                Landing landing = landings.computeIfAbsent(e.host(), h -> landing(from, to, h));
                int environments = onHost.merge(e.host(), 1, Integer::sum);
                if (landing.clash() != null) {
                    conflicts.put(e.name(), landing.clash());
                } else if (landing.capacity() != null && environments > landing.capacity()) {
                    conflicts.put(e.name(), "would put host '" + e.host() + "' over its capacity "
                            + landing.capacity() + " (" + environments + " environments with this one)");
                }
                try {
                    Allocator.requireFree(e, held.computeIfAbsent(e.host(), h -> HeldSnapshot.of(seen, h)));
                } catch (EnvctlException conflict) {
                    conflicts.putIfAbsent(e.name(), "would break the target's invariants: " + conflict.getMessage());
                }
                // later rows are checked against this one too, conflicting or not
                seen.add(e);
                held.forEach((host, snapshot) -> snapshot.add(e, host));
            }
        }
        List<MigrationReport.Row> rows = new ArrayList<>();
        Map<String, MigrationReport.Row> written = new HashMap<>();
        EnvctlException down = null;
        if (conflicts.isEmpty() && !dryRun) {
            try {
                copyHosts(to, landings);
            } catch (EnvctlException unavailable) {
                throw new MigrationInterruptedException(unavailable, MigrationReport.of(rows, false, source.size()));
            }
            down = insert(to, source.stream().filter(e -> !skipped.containsKey(e.name())).toList(), written);
        }
        for (Environment e : source) {
            if (skipped.containsKey(e.name())) {
                rows.add(new MigrationReport.Row(e.name(), MigrationReport.SKIPPED, skipped.get(e.name())));
            } else if (conflicts.containsKey(e.name())) {
                rows.add(new MigrationReport.Row(e.name(), MigrationReport.FAILED, conflicts.get(e.name())));
            } else if (!conflicts.isEmpty()) {
                rows.add(new MigrationReport.Row(e.name(), MigrationReport.SKIPPED, "nothing written: "
                        + conflicts.size() + " row(s) conflict; fix them and run again"));
            } else if (written.containsKey(e.name())) {
                rows.add(written.get(e.name()));
            } else if (!dryRun) {
                // the target's failure: the rows written so far stay written, and the caller may say which
                throw new MigrationInterruptedException(down, MigrationReport.of(rows, false, source.size()));
            } else {
                try {
                    rows.add(check(e, to, landings.get(e.host()).toAdd() == null));
                } catch (EnvctlException unavailable) {
                    throw new MigrationInterruptedException(unavailable, MigrationReport.of(rows, true, source.size()));
                }
            }
        }
        MigrationReport report = MigrationReport.of(rows, dryRun, source.size());
        LOG.info("migration from {} to {}{}: {} total, {} migrated, {} skipped, {} failed", from.location(),
                to.location(), dryRun ? " (dry run)" : "", report.total(), report.migrated(), report.skipped(),
                report.failed());
        return report;
    }

    /**
     * Where rows on host {@code name} land: {@code clash} says why they cannot move (both stores have a host of
     * that name with another Docker endpoint or address, so the rows would land on a different daemon), null
     * when they agree or one lacks it; {@code capacity} is the landing host's, null for none; {@code toAdd} is
     * the source's host when the target lacks it (added before the rows are written), else null.
     */
    private record Landing(String clash, Integer capacity, Host toAdd) {
    }

    private static Landing landing(EnvironmentStore from, EnvironmentStore to, String name) {
        Optional<Host> source = from.findHost(name);
        Optional<Host> target = to.findHost(name);
        if (target.isEmpty()) {
            return new Landing(null, source.map(Host::capacity).orElse(null), source.orElse(null));
        }
        Optional<String> clash = source.flatMap(s -> Host.anotherDaemon(target.get(), to.location(), s,
                from.location()));
        return new Landing(clash.map(c -> c + "; remove or re-add one of the two hosts under another name first")
                .orElse(null), target.get().capacity(), null);
    }

    /**
     * Adds to {@code to} each host of {@code landings} it lacks, in name order, as the source has it; a host it
     * cannot add is logged, and its rows then fail one by one with the target's message. An unavailable target ends
     * the migration.
     */
    private static void copyHosts(EnvironmentStore to, Map<String, Landing> landings) {
        landings.forEach((name, landing) -> {
            if (landing.toAdd() == null) {
                return;
            }
            try {
                to.addHost(landing.toAdd());
                LOG.info("added host {} to {}", name, to.location());
            } catch (EnvctlException e) {
                if (e.code() == ErrorCode.STORE_UNAVAILABLE) {
                    throw e;
                }
                LOG.warn("could not add host {} to {}: {}", name, to.location(), e.getMessage());
            }
        });
    }

    /**
     * Inserts {@code pending} in order with {@link EnvironmentStore#insertAll}, one call for all of them while the
     * target takes them, putting each row's outcome in {@code rows}: a record it refuses gets its row (failed, or
     * skipped when another writer put its name there meanwhile) and the records after it go in the next call, so that
     * every row ends as it would inserted one at a time. Returns the target's failure that ended it
     * ({@link ErrorCode#STORE_UNAVAILABLE}), the rows from that one on without an outcome; null when none did.
     */
    private static EnvctlException insert(EnvironmentStore to, List<Environment> pending,
                                          Map<String, MigrationReport.Row> rows) {
        int next = 0;
        while (next < pending.size()) {
            List<Environment> batch = pending.subList(next, pending.size());
            int inserted;
            try {
                inserted = to.insertAll(batch).size();
            } catch (BatchWriteException stopped) {
                inserted = stopped.stored().size();
                Environment e = batch.get(inserted);
                batch.subList(0, inserted).forEach(w -> rows.put(w.name(), migrated(w)));
                if (stopped.error().code() == ErrorCode.STORE_UNAVAILABLE) {
                    return stopped.error(); // the store's failure, not this row's: every other row would fail with it
                }
                rows.put(e.name(), refused(e, to, stopped.error()));
                next += inserted + 1;
                continue;
            }
            batch.forEach(w -> rows.put(w.name(), migrated(w)));
            next += inserted;
        }
        return null;
    }

    private static MigrationReport.Row migrated(Environment e) {
        return new MigrationReport.Row(e.name(), MigrationReport.MIGRATED, null);
    }

    /**
     * Checks the insert of {@code e} as a dry run; {@code targetHasHost} false: the real run adds the row's host to
     * the target first, which a dry run does not, so the target cannot check the row.
     */
    private static MigrationReport.Row check(Environment e, EnvironmentStore to, boolean targetHasHost) {
        try {
            if (targetHasHost) {
                to.checkInsert(e);
            }
            return new MigrationReport.Row(e.name(), MigrationReport.WOULD_MIGRATE, null);
        } catch (EnvctlException ex) {
            if (ex.code() == ErrorCode.STORE_UNAVAILABLE) {
                throw ex; // the store's failure, not this row's: every other row would fail with it
            }
            return refused(e, to, ex);
        }
    }

    /** The row of {@code e}, which the target refused with {@code ex} (not unavailable). */
    private static MigrationReport.Row refused(Environment e, EnvironmentStore to, EnvctlException ex) {
        if (ex.code() == ErrorCode.CONFLICT && to.find(e.name()).isPresent()) {
            // another writer (migrate_csv_to_db.sh, say) wrote the name meanwhile: present, as if seen first
            return new MigrationReport.Row(e.name(), MigrationReport.SKIPPED, "already in " + to.location()
                    + " (written meanwhile)");
        }
        // the report carries it: the caller shows it as an error, so it is not also logged as a warning
        LOG.debug("{}: not migrated: {}", e.name(), ex.getMessage());
        return new MigrationReport.Row(e.name(), MigrationReport.FAILED, ex.getMessage());
    }
}
