package dev.envctl.store.jdbc.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Redaction;
import dev.envctl.core.Remedy;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Turns what JDBC, jOOQ and Flyway throw into {@link EnvctlException}s with the right code. */
public final class Failures {
    /**
     * 42P05, 26000: a server-side prepared statement of pgjdbc's (named S_1, S_2, ... per connection) that the
     * session already has, or lacks: envctl never prepares by name itself, so another client ran on the session.
     */
    private static final Set<String> SHARED_SESSION = Set.of("42P05", "26000");
    private static final Set<String> SERVER_GOING_AWAY = Set.of("57P01", "57P02", "57P03");
    public static final String INSUFFICIENT_PRIVILEGE = "42501";
    /** 57014: a statement cancelled, by a cancel request or a timeout. */
    static final String QUERY_CANCELED = "57014";
    private static final Pattern SSLMODE = Pattern.compile("[?&]sslmode=([\\w-]+)");
    /** PostgreSQL's "permission denied for table held_ports" (also schema, sequence, function). */
    private static final Pattern DENIED_FOR = Pattern.compile("permission denied for (\\w+) \"?([\\w.$]+)");

    private Failures() {
    }

    /** {@code t} and its causes, outermost first. */
    private static Stream<Throwable> causes(Throwable t) {
        return Stream.iterate(t, Objects::nonNull, Throwable::getCause);
    }

    /** The first {@link SQLException} in the cause chain, or {@code null}. */
    public static SQLException sqlCause(Throwable t) {
        return causes(t).filter(SQLException.class::isInstance).map(SQLException.class::cast).findFirst()
                .orElse(null);
    }

    public static String sqlState(Throwable t) {
        SQLException s = sqlCause(t);
        return s == null ? null : s.getSQLState();
    }

    /** Whether the server is unreachable, went away, or the connection broke. */
    public static boolean isConnectionFailure(Throwable t) {
        String state = sqlState(t);
        if (state != null) {
            return state.startsWith("08") || state.startsWith("53") || SERVER_GOING_AWAY.contains(state);
        }
        return causes(t).anyMatch(c -> c instanceof IOException || c instanceof SQLTransientConnectionException);
    }

    /** Serialization failures and deadlocks: safe to run the whole transaction again. */
    public static boolean isRetryable(Throwable t) {
        String state = sqlState(t);
        return "40001".equals(state) || "40P01".equals(state);
    }

    /** The constraint a violation names, or {@code ""}. */
    public static String constraint(Throwable t) {
        ServerErrorMessage m = sqlCause(t) instanceof PSQLException p ? p.getServerErrorMessage() : null;
        return m == null || m.getConstraint() == null ? "" : m.getConstraint();
    }

    /**
     * STORE_UNAVAILABLE naming the redacted location. A login the server refused (28000, 28P01, and pgjdbc's 08004
     * for a password the server asked for but was not given), a database the server does not have (3D000) and a
     * run-time parameter of the URL's {@code options} it refuses carry {@link Remedy#FIX_STORE_SETTINGS}: the server
     * answered, so no retry or fallback helps.
     */
    public static EnvctlException unavailable(String location, Throwable cause) {
        return unavailable(location, cause, null);
    }

    /**
     * {@link #unavailable(String, Throwable)}, where {@code role} is the user that tried to log in (null: not known):
     * a refused login names it, since the URL in the message may name another user than the one that logged in.
     */
    public static EnvctlException unavailable(String location, Throwable cause, String role) {
        SQLException s = sqlCause(cause);
        String said = oneLine(Redaction.redact(s != null ? s.getMessage() : String.valueOf(cause.getMessage())));
        // pgjdbc's sentence ends in a full stop, and envctl's advice follows it after "; "
        String why = said.endsWith(".") ? said.substring(0, said.length() - 1) : said;
        String state = s == null || s.getSQLState() == null ? "" : s.getSQLState();
        String where = "PostgreSQL store " + Redaction.redactLocation(location);
        // 08004 "The server does not support SSL.": the server answered; the URL's sslmode asks for what it lacks
        if (state.equals("08004") && why.contains("SSL")) {
            Matcher mode = SSLMODE.matcher(location);
            return new EnvctlException(ErrorCode.STORE_UNAVAILABLE, where + " refused the connection: " + why
                    + "; the URL's " + (mode.find() ? "sslmode=" + mode.group(1) : "sslmode") + " requires SSL: "
                    + "enable SSL on the server, or set sslmode=prefer (or disable) in the URL", cause,
                    Remedy.FIX_STORE_SETTINGS);
        }
        // 28000, 28P01: the server answered and refused the login; "check that it runs" would mislead. So did
        // pgjdbc's 08004 "the server requested SCRAM-based authentication, but no password was provided"
        // the file is looked at only for the refusal it may explain, not for every store that is unavailable
        Path notUsed = state.equals("08004") && why.contains("the password is an empty string")
                ? PasswordFile.openToOthers() : null;
        if (notUsed != null) {
            // the empty password the factory gives instead of the file's (JdbcStoreFactory, PasswordFile)
            return new EnvctlException(ErrorCode.STORE_UNAVAILABLE, where + " refused the login"
                    + (role == null ? "" : " of role " + role) + ": it asks for a password and there is none, as the "
                    + "password file " + notUsed + " is not used, its group or others having access to it; chmod 600 "
                    + notUsed + ", or set ENVCTL_DB_PASSWORD or PGPASSWORD", cause, Remedy.FIX_STORE_SETTINGS);
        }
        if (state.startsWith("28") || state.equals("08004") && why.contains("password")) {
            return new EnvctlException(ErrorCode.STORE_UNAVAILABLE, where + " refused the login"
                    + (role == null ? "" : " of role " + role) + ": " + why
                    + "; check the user (jdbc.user, the URL's user parameter or PGUSER) and the password "
                    + "(ENVCTL_DB_PASSWORD, PGPASSWORD or ~/.pgpass)", cause, Remedy.FIX_STORE_SETTINGS);
        }
        // 3D000: the server answered, but has no database of that name
        if (state.equals("3D000")) {
            return new EnvctlException(ErrorCode.STORE_UNAVAILABLE, where + " has no such database: " + why
                    + "; create it (createdb) or correct the database name in the URL", cause,
                    Remedy.FIX_STORE_SETTINGS);
        }
        // 22023, 42704, 55P02, or 42501 on a parameter: the server answered, refusing a run-time parameter the
        // URL's options=-c NAME=VALUE set at login
        if (state.equals("22023") || state.equals("42704") || state.equals("55P02")
                || state.equals(INSUFFICIENT_PRIVILEGE) && why.contains("parameter")) {
            return new EnvctlException(ErrorCode.STORE_UNAVAILABLE, where + " refused a setting: " + why
                    + "; correct or remove it in the URL's options parameter", cause, Remedy.FIX_STORE_SETTINGS);
        }
        return new EnvctlException(ErrorCode.STORE_UNAVAILABLE, where + " is unavailable: " + why
                + "; check that the server runs and is reachable, then retry", cause);
    }

    /**
     * The error for anything else that failed while doing {@code action} as {@code role} (the user logged in, or
     * {@code null} when unknown). A privilege the role lacks (42501) is STORE_UNAVAILABLE with
     * {@link Remedy#FIX_STORE_SETTINGS}: the server answered, and no retry or fallback helps until it is granted.
     */
    public static EnvctlException map(String location, String action, Throwable t, String role) {
        if (t instanceof EnvctlException e) {
            return e;
        }
        if (causes(t).flatMap(c -> Stream.of(c.getStackTrace()))
                .anyMatch(f -> f.getClassName().startsWith("org.postgresql.jdbcurlresolver.PgPassParser"))) {
            // pgjdbc reads the password file at login, and throws on a line with fewer than five fields, which psql
            // skips
            return new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "the PostgreSQL password file (PGPASSFILE, "
                    + "else ~/.pgpass) has a line the PostgreSQL driver cannot read (" + t + "): each line is "
                    + "host:port:database:user:password; fix or remove the short line", t, Remedy.FIX_STORE_SETTINGS);
        }
        String state = sqlState(t);
        if (INSUFFICIENT_PRIVILEGE.equals(state)) {
            return privilegeMissing(location, action, t, role);
        }
        if (isConnectionFailure(t) || state != null && (state.startsWith("28") || state.equals("3D000"))) {
            return unavailable(location, t);
        }
        SQLException s = sqlCause(t);
        String why = oneLine(Redaction.redact(withoutRowText(s != null ? s.getMessage()
                : String.valueOf(t.getMessage()))));
        if (state != null && SHARED_SESSION.contains(state)) {
            return new EnvctlException(ErrorCode.STORE_UNAVAILABLE, action + " failed: "
                    + sharedSessions(location, why), t, Remedy.FIX_STORE_SETTINGS);
        }
        if ("23505".equals(state) || "23P01".equals(state)) {
            return new EnvctlException(ErrorCode.CONFLICT, action + " failed: " + why, t);
        }
        if (state != null && state.startsWith("23")) {
            return new EnvctlException(ErrorCode.INVALID_INPUT, action + " failed: the database rejected the "
                    + "values: " + why, t);
        }
        return new EnvctlException(ErrorCode.FAILURE, action + " failed in " + Redaction.redactLocation(location) + ": "
                + why, t);
    }

    /**
     * What to do about a server session that several clients share ({@code seen}: how it showed). Such a pooler
     * runs each transaction of a client on whichever server session is free, so a session lock stays with the
     * session, protecting whichever client runs there next.
     */
    public static String sharedSessions(String location, String seen) {
        return "PostgreSQL store " + Redaction.redactLocation(location) + " runs several clients on one server "
                + "session (" + seen + "), as a connection pooler in transaction or statement pooling mode does "
                + "(PgBouncer with pool_mode=transaction), where envctl's locks do not hold; use session pooling "
                + "(pool_mode=session) or connect to PostgreSQL directly";
    }

    /**
     * One line naming the role, the object it may not use and the grants envctl needs; not the server's text, which
     * for a trigger's statement repeats the statement and the trigger function.
     */
    private static EnvctlException privilegeMissing(String location, String action, Throwable t, String role) {
        SQLException s = sqlCause(t);
        Matcher m = DENIED_FOR.matcher(s == null || s.getMessage() == null ? "" : s.getMessage());
        String object = m.find() ? m.group(1) + " " + m.group(2) : "a table of the store";
        String who = role == null ? "the user envctl logs in as" : "role " + role;
        return new EnvctlException(ErrorCode.STORE_UNAVAILABLE, action + " failed: PostgreSQL store "
                + Redaction.redactLocation(location) + " refused it: " + who + " lacks a privilege on " + object
                + " (a refused change stores nothing); grant " + (role == null ? "that user" : role) + " "
                + Privileges.GRANTS_NEEDED + ", or log in as another user (jdbc.user); an environment a "
                + "command left half done (state unknown) is resolved by reconcile or delete once it is granted",
                t, Remedy.FIX_STORE_SETTINGS);
    }

    /**
     * The server's message without its {@code Detail: Failing row contains (...)} line, which repeats the whole
     * row (labels, options, last error) in an error about one value of it.
     */
    static String withoutRowText(String message) {
        return message == null ? null : message.replaceAll("(?m)^\\s*Detail: Failing row contains .*$", "");
    }

    /**
     * Flyway's message kept to its first meaningful line (not a ruler, not its advice to run with {@code -X}), then
     * the server's own first line where there is one, redacted.
     */
    public static String flywayLine(Throwable e) {
        String first = String.valueOf(e.getMessage()).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.matches("-+") && !l.contains("-X")).findFirst().orElse("");
        SQLException s = sqlCause(e);
        String server = s == null || s.getMessage() == null ? "" : s.getMessage().lines().findFirst().orElse("");
        return oneLine(Redaction.redact(server.isEmpty() || first.contains(server) ? first : first + ": " + server));
    }

    public static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
