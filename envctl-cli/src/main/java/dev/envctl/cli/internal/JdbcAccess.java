package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.spi.EnvironmentStoreFactory;
import dev.envctl.store.jdbc.JdbcEnvironmentStore;
import dev.envctl.store.jdbc.JdbcStoreAdmin;
import dev.envctl.store.jdbc.JdbcStoreFactory;

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
}
