package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.spi.EnvironmentStoreFactory;
import dev.envctl.core.spi.MigrationResult;
import dev.envctl.core.spi.SchemaAdmin;
import dev.envctl.core.spi.SchemaInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code envctl db migrate} adopts an existing {@code clusters} table (the Kindler scripts') if there is one and
 * applies the pending migrations; {@code envctl db info} shows the schema version and every migration. Works on
 * stores that offer schema administration ({@link SchemaAdmin}): the PostgreSQL store.
 */
@Parameters(commandNames = "db",
        commandDescription = "PostgreSQL store schema: 'db migrate' applies pending migrations (adopting an "
        + "existing clusters table of the Kindler scripts), 'db info' shows versions")
final class DbCommand extends CliCommand {
    @Parameter(description = "migrate|info")
    List<String> args = new ArrayList<>();

    @Override
    int run(Session session) {
        noUnknownOptions(args);
        if (args.size() != 1 || !List.of("migrate", "info").contains(args.get(0))) {
            throw new UsageException("db takes one action, migrate or info" + got(args)
                    + "; usage: envctl db migrate|info");
        }
        session.format();
        String location = Locations.expand(session.config().store(), session.env());
        EnvironmentStoreFactory factory = session.plugins().storeFactoryFor(location);
        Map<String, String> settings = session.storeSettings(factory);
        // a bad store.* value is named by its config key, as when any other command opens the store
        Optional<SchemaAdmin> opened = ConfigResolver.openingStore(settings, session.config().source(),
                () -> factory.openSchemaAdmin(location, settings, session.env()));
        if (opened.isEmpty()) {
            throw EnvctlException.invalid("db commands work on a PostgreSQL store, but the store is "
                    + session.redactLocation(location)
                    + "; give --store jdbc:postgresql://HOST:PORT/DB (or ENVCTL_STORE)");
        }
        try (SchemaAdmin admin = opened.get()) {
            if (args.get(0).equals("migrate")) {
                session.progress().step(null, "migrating the schema of " + session.redactLocation(location));
                MigrationResult r = admin.migrate();
                // nothing to apply may mean a newer envctl migrated the schema: then say so, not "up to date"
                SchemaInfo newer = r.applied().isEmpty() && !r.adopted() ? admin.info() : null;
                session.progressDone();
                printMigration(session, r, newer != null && newer.newerThanLatest() ? newer : null);
            } else {
                printInfo(session, admin.info());
            }
        }
        return 0;
    }

    /** {@code newer}: the schema's information when it is newer than this envctl knows, else {@code null}. */
    private static void printMigration(Session session, MigrationResult r, SchemaInfo newer) {
        session.print(() -> Json.object("adopted", r.adopted(), "initialVersion", r.initialVersion(),
                "currentVersion", r.currentVersion(), "applied", r.applied(), "newerThanEnvctl", newer != null), out -> {
            if (newer != null) {
                out.println("schema version " + newer.currentVersion() + " is newer than this envctl knows ("
                        + newer.latestVersion() + "): a newer envctl migrated it, so nothing was migrated; "
                        + "upgrade envctl");
                return;
            }
            if (r.adopted()) {
                out.println("adopted the existing clusters table (baseline version 1)");
            }
            r.applied().forEach(a -> out.println("applied " + a));
            out.println("schema version " + (r.initialVersion() == null ? "none" : r.initialVersion()) + " -> "
                    + r.currentVersion() + (r.applied().isEmpty() && !r.adopted() ? " (already up to date)" : ""));
        });
    }

    private static void printInfo(Session session, SchemaInfo info) {
        session.print(() -> Json.object("currentVersion", info.currentVersion(), "latestVersion", info.latestVersion(),
                "upToDate", info.upToDate(),
                "newerThanEnvctl", info.newerThanLatest(), "blockers", info.blockers(),
                "migrations", info.migrations().stream().map(s -> Json.object(
                        "version", s.version(), "description", s.description(), "state", s.state(),
                        "installedOn", EnvironmentView.timestamp(s.installedOn()))).toList()), out -> {
            TextTable t = new TextTable("VERSION", "DESCRIPTION", "STATE", "INSTALLED");
            info.migrations().forEach(s -> t.row(s.version(), s.description(), s.state(),
                    EnvironmentView.timestamp(s.installedOn())));
            t.print(out);
            String versions = "current version " + (info.currentVersion() == null ? "none" : info.currentVersion())
                    + ", latest " + info.latestVersion();
            if (info.blockers().isEmpty()) {
                out.println(versions + (info.upToDate() ? " (up to date)" : info.newerThanLatest()
                        ? " (the schema is newer than this envctl: a newer envctl migrated it; upgrade envctl)"
                        : " (run envctl db migrate)"));
                return;
            }
            // db migrate would stop before changing anything: say why, not to run it
            out.println(versions + "; envctl db migrate would change nothing and exit 4 until "
                    + (info.blockers().size() == 1 ? "this is" : "these " + info.blockers().size() + " are")
                    + " fixed (for example with psql):");
            info.blockers().forEach(b -> out.println("  " + b));
        });
    }
}
