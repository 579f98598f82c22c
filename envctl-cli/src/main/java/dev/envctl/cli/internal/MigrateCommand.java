package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.Host;
import dev.envctl.core.PortRole;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.PortRange;
import dev.envctl.core.migration.MigrationInterruptedException;
import dev.envctl.core.migration.MigrationReport;
import dev.envctl.core.migration.StoreMigration;
import dev.envctl.core.spi.EnvironmentStore;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code envctl migrate --from A --to B}: copies every environment of one store into another (what the
 * Kindler scripts' {@code migrate_csv_to_db.sh} did), skipping {@code migrate.skip} ({@code devops}) or the {@code --skip}
 * names, and prints the engine's report: total, migrated, skipped, failed. Exit 1 when any row failed. A target that
 * fails part-way (down after some rows were written) prints the report of the rows before it, then its error.
 */
@Parameters(commandNames = "migrate",
        commandDescription = "Copy the environments of one store into another and report each row")
final class MigrateCommand extends CliCommand {
    private static final String USAGE = "usage: envctl migrate --from LOCATION --to LOCATION [--skip NAME]... "
            + "[--dry-run]";

    @Parameter(names = "--from", description = "Store to read: csv:PATH, PATH.csv or jdbc:postgresql://...")
    String from;

    @Parameter(names = "--to", description = "Store to write: csv:PATH, PATH.csv or jdbc:postgresql://...")
    String to;

    @Parameter(names = "--skip", description = "Name not to migrate; repeat, or separate by commas, for more "
            + "(default: migrate.skip, which is devops)", splitter = WholeValue.class)
    List<String> skip = new ArrayList<>();

    @Parameter(names = "--dry-run", description = "Report what would be migrated; write nothing",
            validateWith = OnlyOnce.class)
    boolean dryRun;

    /** Arguments, which the command refuses; the description is the usage line's, naming the options it needs. */
    @Parameter(description = "--from LOCATION --to LOCATION")
    List<String> args = new ArrayList<>();

    @Override
    int run(Session session) {
        noArguments(args, USAGE);
        if (from == null || to == null || from.isBlank() || to.isBlank()) {
            throw new UsageException("migrate needs --from and --to; " + USAGE);
        }
        // split on commas here, keeping empty names (JCommander's own splitting drops them): --skip '' is then a
        // name refused as invalid, not no name at all that quietly migrates migrate.skip's names after all
        Set<String> given = EnvctlConfig.requireNames("--skip",
                skip.stream().flatMap(v -> Stream.of(v.split(",", -1))).toList());
        if (from.strip().equals(to.strip())) {
            throw EnvctlException.invalid("--from and --to name the same store; give two different stores");
        }
        session.format();
        session.onlyReading(dryRun);
        Set<String> skipNames = given.isEmpty() ? session.config().migrateSkip() : given;
        Locations.requireExistingCsv(Locations.expand(from, session.env()), "--from file");
        session.storeHint("store chosen by --from");
        EnvironmentStore source = session.openStore(from);
        session.storeHint("store chosen by --to");
        EnvironmentStore target = session.openStore(to);
        if (source.location().equals(target.location())) {
            // the same store spelled two ways (a path and csv:PATH, ~/ and the home folder)
            throw EnvctlException.invalid("--from and --to name the same store (" + session.redact(source.location())
                    + "); give two different stores");
        }
        // read the source first, so that one that cannot be read (a file its user may not read) is named by --from;
        // after this the migration reads the source again as it just did, and reads and writes the target
        session.storeHint("store chosen by --from");
        Map<String, Environment> sourceRows = source.list(EnvironmentFilter.ALL).stream()
                .collect(Collectors.toMap(Environment::name, e -> e, (first, again) -> first));
        session.storeHint("store chosen by --to");
        session.progress().step(null, (dryRun ? "planning migration" : "migrating") + " from "
                + session.redact(source.location()) + " to " + session.redact(target.location()));
        MigrationReport report;
        try {
            report = StoreMigration.migrate(source, target, skipNames, dryRun);
        } catch (MigrationInterruptedException e) {
            // the target went down part-way: say which rows are in it (a second run skips them), then the error
            session.progressDone();
            if (!e.report().dryRun() && e.report().migrated() > 0) {
                print(session, e.report());
            }
            throw (EnvctlException) e.getCause();
        }
        session.progressDone();
        print(session, report);
        skipped(session, sourceRows, target, skipNames);
        report.rows().stream().filter(row -> MigrationReport.FAILED.equals(row.outcome()))
                .forEach(row -> session.err().println("envctl: " + row.name() + " was not migrated: "
                        + session.redact(Errors.oneLine(row.reason()))));
        return report.ok() ? 0 : 1;
    }

    /**
     * Warns about each port of a skipped row (devops, the management cluster, which keeps using them) that an
     * environment of the target holds already on that host (the two clash), or else lies in a pool of the config
     * while the target does not hold it: envctl would give it to the next environment. Each pool's warnings give one
     * advice, the largest part of the pool without any of those ports, so that several skipped rows' warnings agree.
     */
    private static void skipped(Session session, Map<String, Environment> source, EnvironmentStore target,
                                Set<String> skipNames) {
        AllocationPolicy policy = session.config().policy();
        List<Runnable> warnings = new ArrayList<>();
        Map<PortRole, Set<Integer>> inPool = new EnumMap<>(PortRole.class);
        for (String name : new TreeSet<>(skipNames)) {
            Optional<Environment> row = Optional.ofNullable(source.get(name));
            if (row.isEmpty() || target.find(name).isPresent()) {
                continue;
            }
            String host = row.get().host();
            String onHost = host.equals(Host.LOCAL_NAME) ? "" : " on host '" + host + "'";
            Map<Integer, String> held = new HashMap<>();
            target.list(EnvironmentFilter.ALL).stream().filter(e -> e.host().equals(host)).forEach(e ->
                    e.ports().asMap().forEach((role, port) -> held.putIfAbsent(port, "environment '" + e.name()
                            + "' (as its " + role.key() + " port)")));
            row.get().ports().asMap().forEach((role, port) -> {
                PortRange pool = policy.pool(role);
                if (held.containsKey(port)) {
                    warnings.add(() -> session.warn(name + " (skipped) uses " + role.key() + " port " + port
                            + ", which " + session.redact(target.location()) + " holds already for " + held.get(port)
                            + ": the two clash " + (onHost.isEmpty() ? "on this host" : onHost.strip())
                            + "; give one of them another port"));
                } else if (pool.contains(port)) {
                    inPool.computeIfAbsent(role, r -> new TreeSet<>()).add(port);
                    String key = "pool." + role.key();
                    warnings.add(() -> session.warn(name + " (skipped) uses " + role.key() + " port " + port
                            + ", inside " + key + " (" + pool + "), which " + session.redact(target.location())
                            + " does not hold" + onHost + ": envctl may give it to a new environment"
                            + (onHost.isEmpty() ? "" : " there") + "; keep it out of the pool ("
                            + without(key, pool, inPool.get(role)) + ")"));
                }
            });
        }
        warnings.forEach(Runnable::run);
    }

    /**
     * The advice for {@code ports} of {@code pool}: the largest part of it beside them ({@code pool.http=18081-18399},
     * the lower one of two as large), naming the ports when several, or a pool without them when none is left.
     */
    static String without(String key, PortRange pool, Set<Integer> ports) {
        int bestFrom = 0;
        int bestTo = -1;
        int from = pool.from();
        for (int port : ports.stream().sorted().toList()) {
            if (port - 1 - from > bestTo - bestFrom) {
                bestFrom = from;
                bestTo = port - 1;
            }
            from = port + 1;
        }
        if (pool.to() - from > bestTo - bestFrom) {
            bestFrom = from;
            bestTo = pool.to();
        }
        String them = ports.size() == 1 ? "it" : "them";
        String advice = bestTo < bestFrom ? "a " + key + " without " + them : key + "=" + bestFrom + "-" + bestTo;
        return ports.size() == 1 ? advice : advice + ", which leaves out " + ports.stream().sorted()
                .map(String::valueOf).collect(Collectors.joining(", "));
    }

    private static void print(Session session, MigrationReport r) {
        session.print(() -> Json.object("dryRun", r.dryRun(), "total", r.total(), "migrated", r.migrated(),
                "skipped", r.skipped(), "failed", r.failed(), "rows", r.rows().stream().map(row -> Json.object(
                        "name", row.name(), "outcome", row.outcome(),
                        "reason", row.reason() == null ? null : session.redact(row.reason()))).toList()), out -> {
            TextTable t = new TextTable("NAME", "OUTCOME", "REASON");
            r.rows().forEach(row -> t.row(row.name(), row.outcome(), row.reason() == null ? null
                    : session.redact(Errors.oneLine(row.reason()))));
            t.print(out);
            out.println((r.dryRun() ? "dry run: " : "") + "total " + r.total() + (r.dryRun() ? ", would migrate "
                    : ", migrated ") + r.migrated()
                    + ", skipped " + r.skipped() + ", failed " + r.failed());
        });
    }
}
