package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.InvalidValueException;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a {@link JdbcEnvironmentStore} uses its database.
 *
 * @param schema         the schema holding {@code clusters} and the history table (default {@code public})
 * @param migrate        what opening does with the schema (default {@link MigrateMode#AUTO})
 * @param connectTimeout how long connecting and the health check may take (default 5 s); applied to the
 *                       data sources envctl builds, and to connection validation on any data source
 * @param poolSize       how many idle connections the store keeps for reuse (default 8)
 */
public record JdbcStoreOptions(String schema, MigrateMode migrate, Duration connectTimeout, int poolSize) {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    public JdbcStoreOptions {
        Objects.requireNonNull(schema, "schema");
        if (!IDENTIFIER.matcher(schema).matches()) {
            throw InvalidValueException.of("jdbc.schema", "'" + dev.envctl.core.Validation.printable(schema)
                    + "' is invalid; allowed: a letter or '_', then letters, digits or '_', at most 63 characters");
        }
        Objects.requireNonNull(migrate, "migrate");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw EnvctlException.invalid("jdbc.connect-timeout must be positive, such as 5s");
        }
        if (poolSize < 0) {
            throw EnvctlException.invalid("pool size must not be negative");
        }
    }

    public static JdbcStoreOptions defaults() {
        return new JdbcStoreOptions("public", MigrateMode.AUTO, Duration.ofSeconds(5), 8);
    }

    public JdbcStoreOptions withSchema(String s) {
        return new JdbcStoreOptions(s, migrate, connectTimeout, poolSize);
    }

    public JdbcStoreOptions withMigrate(MigrateMode m) {
        return new JdbcStoreOptions(schema, m, connectTimeout, poolSize);
    }

    public JdbcStoreOptions withConnectTimeout(Duration d) {
        return new JdbcStoreOptions(schema, migrate, d, poolSize);
    }

    public JdbcStoreOptions withPoolSize(int n) {
        return new JdbcStoreOptions(schema, migrate, connectTimeout, n);
    }

    /**
     * The timeout in whole seconds, rounded up, as pgjdbc takes it (an int: one longer than about 68 years, which a
     * 9-digit duration can be, is that many seconds, not a negative number).
     */
    int timeoutSeconds() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.plusMillis(999).toSeconds()));
    }
}
