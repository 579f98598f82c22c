package dev.envctl.store.csv.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Validation;
import dev.envctl.core.spi.EnvironmentLock;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Per-environment locks: {@code <folder>/<name>.lock} held with {@link FileChannel#tryLock()}, which other
 * processes see, plus a JVM-wide set of held lock files, so that this JVM sees its own locks as held (file
 * locks belong to the whole JVM). The holder deletes the file before it lets the lock go, so no file stays behind
 * a lock. Another process may have opened that file just before and lock it once it is deleted: a lock counts only
 * when the path still names the locked file, which this process finds among its open files (the file key, device
 * and inode, of one of its descriptors in {@code /dev/fd} is the path's); else the file now at the path is locked
 * instead. Where this process does not find a file it opened there (no {@code /dev/fd}, no file keys), lock files
 * are left in place, as deleting one could then let two holders lock different files of one name.
 */
public final class EnvironmentLocks {
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    private static final Path OPEN_FILES = Path.of("/dev/fd");
    /** Tries at a file that others keep deleting and making again, before the lock counts as held elsewhere. */
    private static final int TRIES = 100;

    private final Path folder;
    private final Path dataFile;
    private final Set<Held> mine = ConcurrentHashMap.newKeySet();

    /** @param dataFile whose owner, group and permissions the folder and lock files get ({@link SharedPermissions}) */
    public EnvironmentLocks(Path folder, Path dataFile) {
        this.folder = folder;
        this.dataFile = dataFile;
    }

    public Path folder() {
        return folder;
    }

    /** The lock of {@code name}, or empty when this or another process holds it. */
    public Optional<EnvironmentLock> tryLock(String name) {
        Validation.requireName(name);
        Path path = folder.resolve(name + ".lock");
        if (!HELD.add(path)) {
            return Optional.empty();
        }
        FileChannel ch = null;
        try {
            if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.isSymbolicLink(folder)) {
                    // not followed: whoever may write a shared store's folder could point it anywhere
                    throw new FileSystemException(folder.toString(), null, "a link where the folder of lock files "
                            + "belongs, not followed; remove it");
                }
                Files.createDirectories(folder);
                SharedPermissions.likeDataFile(dataFile, folder);
            }
            for (int i = 0; i < TRIES; i++) {
                ch = SharedPermissions.openLockFile(path, dataFile);
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    break;
                }
                if (!OpenFiles.LISTED || openHere(fileKey(path))) {
                    Held held = new Held(name, path, ch);
                    mine.add(held);
                    return Optional.of(held);
                }
                // its holder deleted the file this open found: lock the one at the path now
                ch.close();
                ch = null;
            }
            close(ch);
            HELD.remove(path);
            return Optional.empty();
        } catch (OverlappingFileLockException e) {
            close(ch);
            HELD.remove(path);
            return Optional.empty();
        } catch (IOException e) {
            close(ch);
            HELD.remove(path);
            throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "cannot lock environment '" + name + "' with "
                    + path + ": " + IoErrors.describe(e) + "; check that you may write it and its folder", e);
        }
    }

    /**
     * Whether one of this process's open files has file key {@code key}; false for null (no file). Only the thread
     * that is locking a lock file has that file open ({@link #HELD}), so a match is the file it locked.
     */
    private static boolean openHere(Object key) throws IOException {
        if (key == null) {
            return false;
        }
        try (Stream<Path> fds = Files.list(OPEN_FILES)) {
            return fds.anyMatch(fd -> key.equals(fileKey(fd)));
        }
    }

    /** Whether this process finds the files it has open in {@code /dev/fd}, asked once, on the first lock. */
    private static final class OpenFiles {
        static final boolean LISTED = probe();

        /** Opens a temporary file and looks for it. */
        private static boolean probe() {
            try {
                Path probe = Files.createTempFile("envctl-lock-probe", ".tmp");
                FileChannel open = FileChannel.open(probe, StandardOpenOption.WRITE);
                try {
                    return Files.isDirectory(OPEN_FILES) && openHere(fileKey(probe));
                } finally {
                    open.close();
                    Files.deleteIfExists(probe);
                }
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
    }

    /** The file key (device and inode) of the file {@code path} names; null when there is none or it has none. */
    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Releases every lock this instance handed out that is still held. */
    public void closeAll() {
        for (Held h : mine) {
            h.close();
        }
    }

    private static void close(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing releases the lock; nothing else to do
            }
        }
    }

    /** A held lock; closing deletes the file (where {@link OpenFiles#LISTED}), then releases the lock. */
    private final class Held implements EnvironmentLock {
        private final String name;
        private final Path path;
        private final FileChannel channel;
        private final AtomicBoolean open = new AtomicBoolean(true);

        Held(String name, Path path, FileChannel channel) {
            this.name = name;
            this.path = path;
            this.channel = channel;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                if (OpenFiles.LISTED) {
                    try {
                        Files.deleteIfExists(path);
                    } catch (IOException e) {
                        // the file stays; the next holder locks it as it is
                    }
                }
                EnvironmentLocks.close(channel);
                HELD.remove(path);
                mine.remove(this);
            }
        }
    }
}
