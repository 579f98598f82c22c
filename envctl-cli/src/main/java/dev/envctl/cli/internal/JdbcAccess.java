package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.spi.EnvironmentStoreFactory;
import dev.envctl.store.jdbc.JdbcEnvironmentStore;
import dev.envctl.store.jdbc.JdbcStoreAdmin;
import dev.envctl.store.jdbc.JdbcStoreFactory;
import dev.envctl.store.jdbc.MigrationResult;
import dev.envctl.store.jdbc.MigrationState;
import dev.envctl.store.jdbc.SchemaInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the CLI does with the PostgreSQL store's own API. Kept in this one class, loaded only when a
 * {@code jdbc:} store is used, so that commands on a CSV store load no JDBC, jOOQ or Flyway class.
 */
final class JdbcAccess {
    private JdbcAccess() {
    }

    /** A factory that reads {@code ENVCTL_DB_PASSWORD} from the CLI's environment (not only the process's). */
    static EnvironmentStoreFactory factory(Map<String, String> env) {
        return new JdbcStoreFactory(env);
    }

    /** Opens the store without touching its schema and hands its admin to {@code action}. */
    static <T> T withAdmin(Map<String, String> env, String location, Map<String, String> settings,
                           java.util.function.Function<JdbcStoreAdmin, T> action) {
        try (JdbcEnvironmentStore store = new JdbcStoreFactory(env).openForAdministration(location, settings)) {
            return action.apply(store.admin());
        }
    }

    static EnvctlException notJdbc(String location) {
        return EnvctlException.invalid("db commands work on a PostgreSQL store, but the store is " + location
                + "; give --store jdbc:postgresql://HOST:PORT/DB (or ENVCTL_STORE)");
    }

    /** Runs {@code db migrate} or {@code db info} and prints the result; returns the exit code. */
    static int db(Session session, OutputFormat format, String action, String location, Map<String, String> settings) {
        if (action.equals("migrate")) {
            session.progress().step(null, "migrating the schema of " + session.redact(location));
            MigrationResult r = withAdmin(session.env(), location, settings, JdbcStoreAdmin::migrate);
            session.progressDone();
            printMigration(session, format, r);
        } else {
            printInfo(session, format, withAdmin(session.env(), location, settings, JdbcStoreAdmin::info));
        }
        return 0;
    }

    private static void printMigration(Session session, OutputFormat format, MigrationResult r) {
        if (format == OutputFormat.JSON) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("adopted", r.adopted());
            m.put("initialVersion", r.initialVersion());
            m.put("currentVersion", r.currentVersion());
            m.put("applied", r.applied());
            Json.print(session.out(), m);
            return;
        }
        if (r.adopted()) {
            session.out().println("adopted the existing clusters table (baseline version 1)");
        }
        r.applied().forEach(a -> session.out().println("applied " + a));
        session.out().println("schema version " + (r.initialVersion() == null ? "none" : r.initialVersion()) + " -> "
                + r.currentVersion() + (r.applied().isEmpty() && !r.adopted() ? " (already up to date)" : ""));
    }

    private static void printInfo(Session session, OutputFormat format, SchemaInfo info) {
        if (format == OutputFormat.JSON) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("currentVersion", info.currentVersion());
            m.put("latestVersion", info.latestVersion());
            m.put("upToDate", info.upToDate());
            List<Map<String, Object>> list = new ArrayList<>();
            for (MigrationState s : info.migrations()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("version", s.version());
                x.put("description", s.description());
                x.put("state", s.state());
                x.put("installedOn", EnvironmentView.timestamp(s.installedOn()));
                list.add(x);
            }
            m.put("migrations", list);
            Json.print(session.out(), m);
            return;
        }
        TextTable t = new TextTable("VERSION", "DESCRIPTION", "STATE", "INSTALLED");
        info.migrations().forEach(s -> t.row(s.version(), s.description(), s.state(),
                EnvironmentView.timestamp(s.installedOn())));
        t.print(session.out());
        session.out().println("current version " + (info.currentVersion() == null ? "none" : info.currentVersion())
                + ", latest " + info.latestVersion() + (info.upToDate() ? " (up to date)"
                : " (run envctl db migrate)"));
    }
}
