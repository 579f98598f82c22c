package dev.envctl.store.csv.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Reads the store's file while writers that take no lock may be replacing it. The Kindler scripts' {@code
 * delete_env.sh} writes the file anew into {@code mktemp}'s folder and moves it over the old one; when that folder
 * is on another file system (a tmpfs {@code /tmp}), {@code mv} deletes the file, creates it empty and then writes
 * it, so for a moment the file is missing, then empty. Such a moment is read again after a pause, until the file
 * holds still: a file that changed while it was read; a missing or empty file that should exist (envctl wrote it
 * before), while its folder (or, for an empty one, the file) changed within {@link #LIMIT}; otherwise only while they
 * changed within {@link #RECENT}. A replacement's delete or create changes the folder, so a file removed or emptied
 * longer ago than that is taken as it is at once. A file that keeps changing until {@link #LIMIT} is an error saying
 * so; a missing or empty one is then taken as it is. Thread-safe.
 */
public final class SettledFile {
    /** How long ago a change of the folder counts as one still in progress. */
    static final Duration RECENT = Duration.ofMillis(50);
    /** The longest a read waits for the file to hold still. */
    static final Duration LIMIT = Duration.ofSeconds(1);
    private static final long PAUSE_MILLIS = 5;

    private final Path file;
    private final Runnable pause;

    /** @param pause waits a moment between two reads ({@link #pause()} in use) */
    public SettledFile(Path file, Runnable pause) {
        this.file = Objects.requireNonNull(file, "file");
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    /** A short sleep; an interrupt ends the waiting early (it stays set). */
    public static void pause() {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the file exists, once it is not missing for a moment of a replacement.
     *
     * @param expected whether the file should exist (envctl wrote it before)
     */
    public boolean exists(boolean expected) {
        for (long waited = 0; ; waited += PAUSE_MILLIS) {
            boolean exists = attributes() != null;
            if (exists || waited >= LIMIT.toMillis() || !mayBeReplaced(null, expected)) {
                return exists;
            }
            pause.run();
        }
    }

    /**
     * The file's bytes once they hold still; null when there is no file.
     *
     * @param expected whether the file should exist (envctl wrote it before)
     * @throws EnvctlException {@link ErrorCode#STORE_UNAVAILABLE} when the file cannot be read, or kept changing
     *                         while it was read until {@link #LIMIT}
     */
    public byte[] read(boolean expected) {
        for (long waited = 0; ; waited += PAUSE_MILLIS) {
            BasicFileAttributes before = attributes();
            byte[] bytes = before == null ? null : bytes();
            BasicFileAttributes after = bytes == null ? null : attributes();
            boolean still = before == null || bytes != null && after != null && same(before, after)
                    && bytes.length == after.size();
            boolean late = waited >= LIMIT.toMillis();
            if (still && (late || !mayBeReplaced(bytes, expected))) {
                return bytes;
            }
            if (late) {
                throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, file + " kept changing while envctl read it, for "
                        + LIMIT.toMillis() + " ms: another writer is replacing it without envctl's lock (as the "
                        + "Kindler scripts' delete_env.sh does); retry once it has finished");
            }
            pause.run();
        }
    }

    /**
     * Whether {@code bytes} (null: no file) may be a moment of a replacement: no file or an empty one, whose folder (or
     * the empty file itself) changed lately: within {@link #LIMIT} when {@code expected}, else {@link #RECENT}.
     */
    private boolean mayBeReplaced(byte[] bytes, boolean expected) {
        if (bytes != null && bytes.length > 0) {
            return false;
        }
        Duration lately = expected ? LIMIT : RECENT;
        return recent(file.getParent(), lately) || bytes != null && recent(file, lately);
    }

    private static boolean recent(Path path, Duration lately) {
        try {
            FileTime changed = Files.getLastModifiedTime(path);
            // the system's clock, which the file system's times come from (a store's clock may be a test's)
            return Duration.between(changed.toInstant(), Instant.now()).compareTo(lately) < 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The file's attributes, null when it does not exist. */
    private BasicFileAttributes attributes() {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "cannot read " + file + ": " + IoErrors.describe(e),
                    e);
        }
    }

    /** The file's bytes, null when it was removed meanwhile. */
    private byte[] bytes() {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "cannot read " + file + ": " + IoErrors.describe(e),
                    e);
        }
    }

    private static boolean same(BasicFileAttributes a, BasicFileAttributes b) {
        return Objects.equals(a.fileKey(), b.fileKey()) && a.size() == b.size()
                && a.lastModifiedTime().equals(b.lastModifiedTime());
    }
}
