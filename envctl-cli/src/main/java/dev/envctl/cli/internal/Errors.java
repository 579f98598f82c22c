package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Redaction;
import dev.envctl.core.Remedy;
import dev.envctl.core.alloc.HostsFullException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Prints a failure as one line on stderr starting {@code envctl: }, with passwords removed; the stack trace
 * follows only with {@code -v}.
 */
final class Errors {
    /** A store option as library messages name it ({@code jdbc.user}), not part of a host name or URL. */
    private static final Pattern STORE_OPTION = Pattern.compile("(?<![\\w.:/])jdbc\\.[a-z]");
    /** A provider setting as a library message names it: {@code the k3d provider setting 'binary'}. */
    private static final Pattern PROVIDER_SETTING = Pattern.compile("\\bthe ([a-z0-9][a-z0-9_-]*) provider setting "
            + "'([a-z0-9.-]+)'");

    private Errors() {
    }

    /**
     * Reports {@code e} and returns its exit code: that of its {@link ErrorCode}, 1 for an unexpected error. Prints
     * nothing after a signal, whose line comes instead ({@link Interruption}).
     */
    static int report(Session session, Throwable e) {
        EnvctlException known = e instanceof EnvctlException ee ? ee : null;
        String message = session.redact(oneLine(known != null ? e.getMessage()
                : "internal error: " + e + "; run with -v for the stack trace and report it"));
        if (known != null && known.code() == ErrorCode.STORE_UNAVAILABLE && !message.contains("--store")) {
            message += " (" + session.storeHint() + ")";
        }
        if (known != null) {
            message += hint(known);
        }
        if (session.interruption().reports()) {
            session.progressDone();
            session.err().println("envctl: " + message);
            if (session.global().verbose()) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                session.err().print(session.redact(trace.toString()));
            }
        }
        return known != null ? known.exitCode() : ErrorCode.FAILURE.exitCode();
    }

    /**
     * What the CLI adds to a library message: the command or config keys that do what the message says (the
     * library names only its own calls), or nothing.
     */
    static String hint(EnvctlException e) {
        String remedy = hint(e.remedy().orElse(null), e.getMessage());
        if (!remedy.isEmpty()) {
            return remedy;
        }
        // apply's refusal ("apply refused, nothing was changed: ...") has its first environment's error as cause
        if (e instanceof HostsFullException || e.getCause() instanceof HostsFullException) {
            return " (a host's capacity is set by envctl host add --capacity; a host without one takes as many "
                    + "environments as its smallest port pool, pool.http, pool.https, pool.pf or pool.api in the "
                    + "config, has ports)";
        }
        return e.code() == ErrorCode.POOL_EXHAUSTED
                ? " (the pools are pool.http, pool.https, pool.pf, pool.api and pool.subnet in the config)" : "";
    }

    /**
     * What the CLI adds to {@code message}, a library message that names {@code remedy} (may be null), or nothing.
     * The settings to fix are told as config keys only where the message names a store option ({@code jdbc.user}),
     * not where the fix is in the URL or on the server.
     */
    static String hint(Remedy remedy, String message) {
        return remedy == null ? "" : switch (remedy) {
            case MIGRATE_SCHEMA -> " (envctl db migrate)";
            case FIX_STORE_SETTINGS -> message != null && STORE_OPTION.matcher(message).find()
                    ? " (a store option is the config key store.OPTION, such as store.jdbc.user)" : "";
            case MATCHING_HOST -> " (envctl host list shows each host's labels; envctl host add NAME --docker ENDPOINT "
                    + "--label KEY=VALUE adds one)";
            case RAISE_LOCK_TIMEOUT -> " (the CSV store's lock timeout is the config key store.csv.lock-timeout)";
        };
    }

    /**
     * {@code message} with the config key of the provider setting it names in library terms added after that name
     * ({@code the k3d provider setting 'binary' (config key provider.k3d.binary)}), as a tool found missing is told;
     * else {@code message} as it is.
     */
    static String withConfigKey(String message) {
        return PROVIDER_SETTING.matcher(message).replaceFirst("$0 (config key provider.$1.$2)");
    }

    /**
     * When {@code e} is failed, says that {@code doing} (such as {@code creating dev}) failed with its lastError, and
     * what to do next, {@code next}, unless the lastError ends with advice that trying again contradicts
     * ({@link Environment#RECREATE_ADVICE}), also where the failure of post-create hooks still to run follows that
     * advice ({@link Environment#PENDING_HOOKS}); nothing after a signal, as {@link #report}. Returns the exit code for
     * the record a change left ({@link Environment#failure()}): 0 not failed, 1 a hook failed, 4 another writer's
     * change kept a create from finishing, 6 the provider failed.
     */
    static int failed(Session session, String doing, Environment e, String next) {
        String error = e.lastError() == null ? "" : e.lastError();
        int pending = error.indexOf(Environment.PENDING_HOOKS);
        String advice = (pending < 0 ? error : error.substring(0, pending)).endsWith(Environment.RECREATE_ADVICE) ? ""
                : "; " + next;
        e.failure().filter(code -> session.interruption().reports()).ifPresent(code -> session.err().println(
                "envctl: " + doing + " failed: " + session.redact(oneLine(e.lastError())) + advice));
        return e.failure().map(ErrorCode::exitCode).orElse(0);
    }

    /**
     * INVALID_INPUT for a text file the CLI could not read ({@code what}: "config file", "apply file"); one that is
     * not UTF-8 says so, where the decoder's own message is "Input length = 1", and one the file system refuses says
     * why ("permission denied"), where its own message is only the file's name.
     */
    static EnvctlException unreadable(String what, Path file, IOException e) {
        // a file system's refusal (AccessDeniedException) has no message but the file's name: say why instead
        String why = e instanceof CharacterCodingException ? "it is not UTF-8 text; save it as UTF-8 (plain ASCII is "
                + "UTF-8)" : e instanceof AccessDeniedException ? "permission denied"
                : e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        return EnvctlException.invalid("cannot read " + what + " " + file + ": " + why);
    }

    /**
     * {@code s} on one line for the terminal: line breaks become {@code |}, a tab a space, and any other control
     * character {@code ?}, so that no text a user or a tool gave (an escape sequence) reaches the terminal.
     */
    static String oneLine(String s) {
        return s == null ? "" : printable(s.replaceAll("\\s*\\R\\s*", " | ").strip());
    }

    /** {@code s} with each tab a space and any other control character {@code ?}. */
    static String printable(String s) {
        return s.replace('\t', ' ').replaceAll("\\p{Cc}", "?");
    }

    /**
     * {@link Redaction#redact} plus the known secret value where it stands as a word of its own: with password
     * {@code pg}, {@code auth pg failed} becomes {@code auth *** failed}, but a database {@code diff_7_pg_0}
     * keeps its name.
     */
    static String redact(String text, String secret) {
        String s = Redaction.redact(text);
        if (secret == null || secret.isEmpty() || s == null) {
            return s;
        }
        String word = "[\\p{javaLetterOrDigit}_]";
        return s.replaceAll("(?<!" + word + ")" + Pattern.quote(secret) + "(?!" + word + ")", "***");
    }
}
