package dev.envctl.store.jdbc.internal;

import org.postgresql.PGEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The password file pgjdbc reads when it logs in without a password, in pgjdbc's own order: the file its system
 * property {@code org.postgresql.pgpassfile} names, else {@code PGPASSFILE} of the process's environment, else
 * {@code .pgpass} in Java's {@code user.home}. psql ignores a password file its group or others have any access to,
 * with a warning; pgjdbc reads it all the same, so the store checks it first ({@link #usable}). Thread-safe.
 */
public final class PasswordFile {
    private static final Logger LOG = LoggerFactory.getLogger(PasswordFile.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = Set.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    /** The files said to be open to others, each said once per process. */
    private static final Set<Path> TOLD = ConcurrentHashMap.newKeySet();

    private PasswordFile() {
    }

    /**
     * Whether pgjdbc may read the password file: there is none, or none with POSIX permissions (Windows), or only its
     * owner may access it. Otherwise false, said once per file as a WARN naming the file (never what it holds).
     */
    public static boolean usable() {
        Path file = openToOthers();
        if (file != null && TOLD.add(file)) {
            LOG.warn("password file {} has group or world access, so it is not used, as psql does not use it; "
                    + "permissions should be u=rw (0600) or less (chmod 600 {})", file, file);
        }
        return file == null;
    }

    /** The password file pgjdbc would read when its group or others have any access to it, else null. */
    public static Path openToOthers() {
        Path file = location();
        try {
            return file == null || OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file)) ? null : file;
        } catch (IOException | UnsupportedOperationException e) {
            return null; // none there (pgjdbc then finds no password), or no POSIX permissions to check
        }
    }

    /** The file pgjdbc would read, or null when it names none envctl can check (a URL other than {@code file:}). */
    static Path location() {
        String named = System.getProperty(PGEnvironment.ORG_POSTGRESQL_PGPASSFILE.getName());
        if (named == null || named.isBlank()) {
            named = System.getenv(PGEnvironment.PGPASSFILE.getName());
        }
        try {
            if (named == null || named.isBlank()) {
                return Path.of(System.getProperty("user.home"), ".pgpass");
            }
            return named.startsWith("file:") ? Path.of(URI.create(named)) : Path.of(named);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
