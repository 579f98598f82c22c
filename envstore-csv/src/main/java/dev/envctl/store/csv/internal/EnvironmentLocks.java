package dev.envctl.store.csv.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Validation;
import dev.envctl.core.spi.EnvironmentLock;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Per-environment locks: {@code <folder>/<name>.lock} held with {@link FileChannel#tryLock()}, which other
 * processes see, plus a JVM-wide set of held lock files, so that this JVM sees its own locks as held (file
 * locks belong to the whole JVM). Lock files are left in place: deleting one while another process has it
 * open would let two holders lock different files of the same name.
 */
public final class EnvironmentLocks {
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path folder;
    private final Set<Held> mine = ConcurrentHashMap.newKeySet();

    public EnvironmentLocks(Path folder) {
        this.folder = folder;
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
            Files.createDirectories(folder);
            ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                HELD.remove(path);
                return Optional.empty();
            }
            Held held = new Held(name, path, ch);
            mine.add(held);
            return Optional.of(held);
        } catch (OverlappingFileLockException e) {
            close(ch);
            HELD.remove(path);
            return Optional.empty();
        } catch (IOException e) {
            close(ch);
            HELD.remove(path);
            throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "cannot lock environment '" + name + "' with "
                    + path + ": " + IoErrors.describe(e) + "; check that the folder is writable", e);
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

    /** A held lock; closing the channel releases the file lock. */
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
                EnvironmentLocks.close(channel);
                HELD.remove(path);
                mine.remove(this);
            }
        }
    }
}
