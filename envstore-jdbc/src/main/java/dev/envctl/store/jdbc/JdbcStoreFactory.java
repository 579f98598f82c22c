package dev.envctl.store.jdbc;

import dev.envctl.core.Durations;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.InvalidValueException;
import dev.envctl.core.Redaction;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.EnvironmentStoreFactory;
import dev.envctl.core.spi.InvalidSettingException;
import dev.envctl.core.spi.SchemaAdmin;
import dev.envctl.store.jdbc.internal.PasswordFile;
import org.postgresql.Driver;
import org.postgresql.PGProperty;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.jdbc.SslMode;
import org.postgresql.util.PSQLException;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Opens PostgreSQL stores from {@code jdbc:postgresql://HOST[:PORT]/DATABASE} locations (id {@code jdbc}).
 * Settings: {@code jdbc.schema} (default {@code public}), {@code jdbc.user}, {@code jdbc.connect-timeout}
 * (default {@code 5s}), {@code jdbc.migrate} ({@link MigrateMode}; default {@code auto}); an empty
 * {@code jdbc.user} is refused. The password is never a setting nor part of the URL: it comes from the environment
 * variable {@code ENVCTL_DB_PASSWORD}, else {@code PGPASSWORD}, else pgjdbc reads {@code ~/.pgpass} (or
 * {@code PGPASSFILE}), but not one its group or others may access, which psql does not use either
 * ({@link PasswordFile}). Stateless and thread-safe.
 */
public final class JdbcStoreFactory implements EnvironmentStoreFactory {
    public static final String ID = "jdbc";
    public static final String SCHEMA = "jdbc.schema";
    public static final String USER = "jdbc.user";
    public static final String CONNECT_TIMEOUT = "jdbc.connect-timeout";
    public static final String MIGRATE = "jdbc.migrate";
    /** Seconds a statement may wait for the server before the connection counts as broken. */
    static final int SOCKET_TIMEOUT_SECONDS = 60;

    private final Map<String, String> environment;

    /** The factory {@link java.util.ServiceLoader} creates; reads the password from the process environment. */
    public JdbcStoreFactory() {
        this(System.getenv());
    }

    /** A factory reading {@code ENVCTL_DB_PASSWORD} and {@code PGPASSWORD} from {@code environment}. */
    public JdbcStoreFactory(Map<String, String> environment) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String locationSyntax() {
        return "jdbc:postgresql://HOST[:PORT]/DATABASE";
    }

    @Override
    public boolean accepts(String location) {
        return location != null && location.startsWith("jdbc:postgresql:");
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of(SCHEMA, USER, CONNECT_TIMEOUT, MIGRATE);
    }

    @Override
    public EnvironmentStore open(String location, Map<String, String> settings) {
        return Opening.open(this, location, settings, options(settings));
    }

    @Override
    public EnvironmentStore open(String location, Map<String, String> settings, Map<String, String> environment) {
        return new JdbcStoreFactory(environment).open(location, settings);
    }

    /** Opens the store as {@link JdbcEnvironmentStore#openToRead} does. */
    @Override
    public EnvironmentStore openToRead(String location, Map<String, String> settings, Map<String, String> environment) {
        return Opening.openToRead(new JdbcStoreFactory(environment), location, settings, options(settings));
    }

    /** The schema administration of the store at {@code location}; closing it closes the store. */
    @Override
    public Optional<SchemaAdmin> openSchemaAdmin(String location, Map<String, String> settings,
                                                 Map<String, String> environment) {
        return Optional.of(new JdbcStoreFactory(environment).openForAdministration(location, settings).admin());
    }

    /**
     * Opens the store without checking or changing its schema, for schema administration: use
     * {@link JdbcEnvironmentStore#admin()}, then close the store.
     */
    public JdbcEnvironmentStore openForAdministration(String location, Map<String, String> settings) {
        return Opening.open(this, location, settings, options(settings).withMigrate(MigrateMode.OFF));
    }

    /**
     * Where {@code javax.sql} and pgjdbc types meet: verifying a call that passes a data source as a
     * {@code DataSource}, or a catch of a pgjdbc exception, loads those classes, so they happen in this class,
     * loaded only when a store is opened, and not in the factory, which every command instantiates to ask
     * {@link #accepts}.
     */
    private static final class Opening {
        static JdbcEnvironmentStore open(JdbcStoreFactory factory, String location, Map<String, String> settings,
                                         JdbcStoreOptions options) {
            return JdbcEnvironmentStore.open(factory.dataSource(location, settings, options), options, location);
        }

        static JdbcEnvironmentStore openToRead(JdbcStoreFactory factory, String location, Map<String, String> settings,
                                               JdbcStoreOptions options) {
            return JdbcEnvironmentStore.openToRead(factory.dataSource(location, settings, options), options,
                    location);
        }

        /** pgjdbc checks sslmode only when it connects, and reports a bad one as a server it cannot reach. */
        static void requireKnownSslMode(String location, Properties parsed) {
            try {
                SslMode.of(parsed);
            } catch (PSQLException e) {
                throw EnvctlException.invalid("the store URL '" + Redaction.redactLocation(location) + "' is invalid: "
                        + Redaction.redact(e.getMessage()) + "; sslmode is one of disable, allow, prefer, require, "
                        + "verify-ca, verify-full");
            }
        }
    }

    /** The options the settings describe; unknown keys are the registry's business. */
    public static JdbcStoreOptions options(Map<String, String> settings) {
        JdbcStoreOptions d = JdbcStoreOptions.defaults();
        // each value is read about its key, so that a client names the setting its error is about
        JdbcStoreOptions o = settings.containsKey(SCHEMA)
                ? InvalidSettingException.about(SCHEMA, () -> d.withSchema(settings.get(SCHEMA).strip())) : d;
        if (settings.containsKey(CONNECT_TIMEOUT)) {
            o = o.withConnectTimeout(InvalidSettingException.about(CONNECT_TIMEOUT,
                    () -> Durations.parse(CONNECT_TIMEOUT, settings.get(CONNECT_TIMEOUT))));
        }
        if (settings.containsKey(MIGRATE)) {
            o = o.withMigrate(InvalidSettingException.about(MIGRATE, () -> MigrateMode.ofKey(settings.get(MIGRATE))));
        }
        if (settings.containsKey(USER)) {
            InvalidSettingException.about(USER, () -> user(settings.get(USER)));
        }
        return o;
    }

    /** The value of {@code jdbc.user}: an empty one is refused, as it would log in as another user. */
    private static String user(String value) {
        if (value.isBlank()) {
            String give = "give the database user to log in as, or leave the setting out to log in as the URL's user "
                    + "parameter, PGUSER or the operating-system user";
            throw new InvalidValueException(USER + " is empty; " + give, "the value is empty; " + give);
        }
        return value.strip();
    }

    PGSimpleDataSource dataSource(String location, Map<String, String> settings, JdbcStoreOptions options) {
        if (!accepts(location)) {
            throw EnvctlException.invalid("'" + Redaction.redactLocation(String.valueOf(location))
                    + "' is not a PostgreSQL location; expected " + locationSyntax());
        }
        if (!Redaction.redactLocation(location).equals(location)) {
            throw passwordInUrl(location);
        }
        // parsed with an empty password as the default, so that pgjdbc does not fill in one from ~/.pgpass
        Properties noPassword = new Properties();
        PGProperty.PASSWORD.set(noPassword, "");
        Properties parsed = Driver.parseURL(location, noPassword);
        if (parsed == null) {
            throw EnvctlException.invalid("the store URL '" + Redaction.redactLocation(location)
                    + "' is invalid; expected " + locationSyntax());
        }
        if (!PGProperty.PASSWORD.getOrDefault(parsed).isEmpty()) {
            throw passwordInUrl(location);
        }
        Opening.requireKnownSslMode(location, parsed);
        // what setURL does, from the URL parsed without ~/.pgpass: setURL reads that file, even one that is not used
        // (given a password, or open to others), and fails on a line it cannot read; pgjdbc reads it at login
        PGSimpleDataSource ds = new PGSimpleDataSource();
        for (PGProperty property : PGProperty.values()) {
            ds.setProperty(property, property.getOrDefault(parsed));
        }
        // the user: jdbc.user, else the URL's user parameter, else PGUSER, else pgjdbc's default (the OS user)
        if (settings.containsKey(USER)) {
            ds.setUser(user(settings.get(USER)));
        } else if ((ds.getUser() == null || ds.getUser().isBlank()) && environment.get("PGUSER") != null
                && !environment.get("PGUSER").isBlank()) {
            ds.setUser(environment.get("PGUSER").strip());
        }
        // the environment's password, else none: pgjdbc reads ~/.pgpass when it logs in, for the user chosen above;
        // but a file others may access is not used, as psql does not use it: then an empty password, so that pgjdbc
        // does not look it up
        String password = firstSet(environment.get("ENVCTL_DB_PASSWORD"), environment.get("PGPASSWORD"));
        ds.setPassword(password != null || PasswordFile.usable() ? password : "");
        int seconds = options.timeoutSeconds();
        ds.setConnectTimeout(seconds);
        ds.setLoginTimeout(seconds);
        ds.setSocketTimeout(SOCKET_TIMEOUT_SECONDS);
        ds.setTcpKeepAlive(true);
        ds.setApplicationName("envctl");
        if (ds.getAssumeMinServerVersion() == null) {
            // the schema needs 9.4 (jsonb); pgjdbc then sends application_name and extra_float_digits with the
            // login instead of running two SET statements after it
            ds.setAssumeMinServerVersion("9.4");
        }
        return ds;
    }

    private static EnvctlException passwordInUrl(String location) {
        return EnvctlException.invalid("the store URL " + Redaction.redactLocation(location) + " contains a password; "
                + "remove it and set ENVCTL_DB_PASSWORD or PGPASSWORD, or use ~/.pgpass");
    }

    private static String firstSet(String a, String b) {
        return a != null && !a.isEmpty() ? a : b != null && !b.isEmpty() ? b : null;
    }
}
