package dev.envctl.store.csv.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Replaces a file so that readers see the old bytes or the new ones, never a mix, and the new ones survive
 * a crash: write a temp file in the same folder, force it to disk, rename it over the original atomically,
 * force the folder. Callers hold the store's exclusive lock, so any temp file of this name pattern that is
 * already there was left by a writer that died, and is removed.
 */
public final class AtomicFileWriter {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFileWriter.class);

    private AtomicFileWriter() {
    }

    /**
     * Replaces {@code file} with {@code bytes}, keeping its POSIX permissions.
     *
     * @throws EnvctlException {@link ErrorCode#STORE_UNAVAILABLE} naming the file when it cannot be written;
     *                         the original is then unchanged
     */
    public static void replace(Path file, byte[] bytes) {
        Path dir = file.getParent();
        removeStaleTempFiles(file);
        // CREATE_NEW refuses a name that exists, link or file, so the suffix need not be unguessable; a
        // SecureRandom would read the system's entropy and set up its provider in every process
        Path tmp = dir.resolve(tempPrefix(file) + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    modeOf(file))) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            copyPermissions(file, tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
        } catch (IOException e) {
            throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "cannot write " + file + ": " + IoErrors.describe(e)
                    + "; the file is unchanged. Check that its folder is writable and the disk has space", e);
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
        forceDirectory(dir, file);
    }

    /**
     * The mode the replacement is made with: the file's own (the umask still applies), so that it is never more open
     * than the file while it is written, before {@link #copyPermissions} gives it the file's exact mode; none (the
     * umask's) for a new file or a file system without POSIX permissions.
     */
    private static FileAttribute<?>[] modeOf(Path file) {
        try {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(Files.getPosixFilePermissions(file))};
        } catch (IOException | UnsupportedOperationException none) {
            return new FileAttribute<?>[0];
        }
    }

    private static String tempPrefix(Path file) {
        return "." + file.getFileName() + ".";
    }

    /**
     * Gives the replacement the file's mode and, as far as the writer may (root any; others a group they are in),
     * its owner and group: a teammate's write must not lock the others out of a shared, group-writable file. They are
     * set on the replacement itself: a link someone put at its name meanwhile (whoever may write the folder) is not
     * followed, and the replace fails instead.
     */
    static void copyPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        if (source == null) {
            return;
        }
        PosixFileAttributes was;
        try {
            was = source.readAttributes();
        } catch (NoSuchFileException none) {
            // a new file, or one another writer removes this moment (the Kindler scripts' mv): nothing to keep
            return;
        }
        PosixFileAttributeView target = Files.getFileAttributeView(to, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        try {
            target.setOwner(was.owner());
        } catch (IOException notPermitted) {
            // the writer's own, as any file it makes
        }
        try {
            target.setGroup(was.group());
        } catch (IOException notPermitted) {
            // a group the writer is not in
        }
        target.setPermissions(was.permissions()); // last: a change of owner may clear some bits
    }

    private static void forceDirectory(Path dir, Path file) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, file + " was replaced, but flushing its folder "
                    + "to disk failed (" + IoErrors.describe(e) + "); the change may not survive a power loss", e);
        }
    }

    private static void removeStaleTempFiles(Path file) {
        // only this file's temp names: a file named envs.csv.bak has temps ".envs.csv.bak.X.tmp", not matched
        Pattern mine = Pattern.compile(Pattern.quote(tempPrefix(file)) + "[0-9a-z]{1,13}\\.tmp");
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(file.getParent(),
                p -> mine.matcher(p.getFileName().toString()).matches())) {
            for (Path p : stale) {
                LOG.debug("removing {}, left by a writer that stopped before renaming it", p);
                deleteQuietly(p);
            }
        } catch (IOException e) {
            LOG.debug("cannot list {} for stale temp files: {}", file.getParent(), IoErrors.describe(e));
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("cannot remove {}: {}", p, IoErrors.describe(e));
        }
    }
}
