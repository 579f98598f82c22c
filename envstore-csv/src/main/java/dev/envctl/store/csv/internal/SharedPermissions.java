package dev.envctl.store.csv.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

import static java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.GROUP_WRITE;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_READ;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;

/**
 * Gives what envctl makes beside the data file (the lock file, the folder of per-environment locks and their files)
 * the data file's owner and group (as far as the maker may: root any, others a group they are in) and its group's
 * and others' read and write permissions (a folder also their search permission), the owner keeping its own: taking a
 * lock opens its file for writing, so everyone who may write the data file must be able to, and the maker's umask
 * (022) would leave them writable by their maker alone (a teammate of a shared, group-writable file; the file's owner
 * after one write with sudo). Best effort: a file system without POSIX permissions keeps its own.
 */
final class SharedPermissions {
    /** The setgid bit of a folder: what is made in it gets its group. */
    private static final int SETGID = 02000;

    private SharedPermissions() {
    }

    /**
     * Opens {@code lockFile} for writing, making it when missing; one made here gets the data file's owner, group and
     * permissions ({@link #likeDataFile}). A link at its name is not followed but refused (an {@link IOException}):
     * whoever may write a shared store's folder could point it at any file, which would then be made, given away and
     * made writable with the rights of the one running envctl. Nor is anything else but a file (a named pipe opened
     * for writing would wait for a reader for ever): each is refused naming what stands there.
     */
    static FileChannel openLockFile(Path lockFile, Path dataFile) throws IOException {
        BasicFileAttributes there;
        try {
            there = Files.readAttributes(lockFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException none) {
            there = null;
        }
        boolean made = there == null;
        if (there != null && !there.isRegularFile()) {
            // the open below refuses a link anyway (one put there after this look), in the JDK's words
            throw new FileSystemException(lockFile.toString(), null, there.isSymbolicLink()
                    ? "it is a link, which envctl does not follow (whoever may write the folder could point it "
                    + "anywhere); remove it" : "it is not a regular file; remove it");
        }
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        if (made) {
            likeDataFile(dataFile, lockFile);
        }
        return ch;
    }

    /** Gives {@code made}, just made by this process, the permissions of {@code dataFile}, when that exists. */
    static void likeDataFile(Path dataFile, Path made) {
        PosixFileAttributes data;
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(dataFile, PosixFileAttributeView.class);
            if (view == null) {
                return;
            }
            data = view.readAttributes();
        } catch (IOException e) {
            return; // no data file yet (a new store): the lock files get what the data file will get, the umask's
        }
        boolean folder = Files.isDirectory(made, LinkOption.NOFOLLOW_LINKS);
        // a folder made in a setgid folder has that bit too, as mkdir gives it there: it keeps it
        int setgid = folder ? modeBits(made) & SETGID : 0;
        // the owner keeps what it needs to lock (a read-only data file, mode 0444, is still written by a rename)
        Set<PosixFilePermission> mode = folder ? EnumSet.of(OWNER_READ, OWNER_WRITE, OWNER_EXECUTE)
                : EnumSet.of(OWNER_READ, OWNER_WRITE);
        grant(mode, data.permissions(), GROUP_READ, GROUP_WRITE, GROUP_EXECUTE, folder);
        grant(mode, data.permissions(), OTHERS_READ, OTHERS_WRITE, OTHERS_EXECUTE, folder);
        // a link put at the name since it was made is changed itself, not the file it points to
        PosixFileAttributeView view = Files.getFileAttributeView(made, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        try {
            view.setOwner(data.owner());
        } catch (IOException | RuntimeException notPermitted) {
            // only root may give a file away (a store written once with sudo stays its owner's)
        }
        try {
            view.setGroup(data.group());
        } catch (IOException | RuntimeException notPermitted) {
            // a group the maker is not in: it keeps the folder's
        }
        try {
            // last: a change of group may clear some bits
            if (setgid == 0) {
                view.setPermissions(mode);
            } else {
                Files.setAttribute(made, "unix:mode", setgid | bits(mode), LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException | RuntimeException notPermitted) {
            // another process made it this moment, or the file system keeps its own
        }
    }

    /** The mode bits of {@code path}, setgid among them; 0 where the file system has no {@code unix} view. */
    private static int modeBits(Path path) {
        try {
            return (Integer) Files.getAttribute(path, "unix:mode");
        } catch (IOException | RuntimeException noUnixView) {
            return 0;
        }
    }

    /** {@code permissions} as mode bits (0644 for rw-r--r--). */
    private static int bits(Set<PosixFilePermission> permissions) {
        int bits = 0;
        for (PosixFilePermission p : permissions) {
            bits |= 0400 >> p.ordinal(); // OWNER_READ, OWNER_WRITE, ... OTHERS_EXECUTE: mode bits from the highest
        }
        return bits;
    }

    private static void grant(Set<PosixFilePermission> mode, Set<PosixFilePermission> data, PosixFilePermission read,
                              PosixFilePermission write, PosixFilePermission search, boolean folder) {
        if (data.contains(read)) {
            mode.add(read);
        }
        if (data.contains(write)) {
            mode.add(write);
        }
        if (folder && (data.contains(read) || data.contains(write))) {
            mode.add(search);
        }
    }
}
