package dev.envctl.example.haproxy;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * An HAProxy config file holding one {@code backend envctl_NAME} section per environment, sorted by name.
 * Every change is a read-modify-write under an exclusive lock on {@code FILE.lock} (so hooks in several
 * envctl processes take turns) and replaces the file atomically (HAProxy never reads half a file).
 */
public final class BackendFile {
    static final String HEADER = "# Managed by envctl-example-haproxy-hook; edits are overwritten.\n"
            + "# One backend per environment labelled haproxy_route=true. Load with: haproxy -f haproxy.cfg -f THIS_FILE\n";
    private static final String PREFIX = "backend envctl_";

    private final Path path;
    private final ReentrantLock local = new ReentrantLock();

    public BackendFile(Path path) {
        this.path = path.toAbsolutePath();
    }

    public Path path() {
        return path;
    }

    /** Adds or replaces the section of {@code name}. */
    public void put(String name, String section) {
        change(sections -> sections.put(name, section));
    }

    /** Removes the section of {@code name}; false when there was none. */
    public boolean remove(String name) {
        boolean[] removed = new boolean[1];
        change(sections -> removed[0] = sections.remove(name) != null);
        return removed[0];
    }

    /**
     * The sections in the file, by environment name.
     *
     * @throws EnvctlException {@link ErrorCode#HOOK_FAILED} when the file has text but not the {@link #HEADER}: a
     *                         file of someone else's (HAProxy's own config named by mistake), which a change would
     *                         replace with backends alone
     */
    public Map<String, String> read() {
        TreeMap<String, String> sections = new TreeMap<>();
        if (!Files.exists(path)) {
            return sections;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(path);
        } catch (IOException e) {
            throw failure("cannot read", e);
        }
        if (!lines.stream().allMatch(String::isBlank) && !HEADER.startsWith(lines.get(0) + "\n")) {
            throw new EnvctlException(ErrorCode.HOOK_FAILED, "HAProxy backend file " + path + " was not written by "
                    + "this hook (its first line is not '" + HEADER.lines().findFirst().orElseThrow() + "'), so it is "
                    + "left as it is; point the setting 'file' at a file of its own, such as "
                    + "/etc/haproxy/conf.d/envctl-backends.cfg");
        }
        String current = null;
        StringBuilder body = new StringBuilder();
        for (String line : lines) {
            if (line.startsWith(PREFIX)) {
                if (current != null) {
                    sections.put(current, body.toString());
                }
                current = line.substring(PREFIX.length()).strip();
                body.setLength(0);
            }
            if (current != null && !line.isBlank()) {
                body.append(line).append('\n');
            }
        }
        if (current != null) {
            sections.put(current, body.toString());
        }
        return sections;
    }

    private void change(Consumer<Map<String, String>> edit) {
        local.lock();
        try {
            Files.createDirectories(path.getParent());
            // the folder may be writable by others: a link at the lock file's name is refused, not followed
            try (FileChannel lockFile = FileChannel.open(path.resolveSibling(path.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                FileLock held = lockFile.lock();
                try {
                    Map<String, String> sections = read();
                    edit.accept(sections);
                    write(sections);
                } finally {
                    held.release();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw failure("cannot update", e);
        } finally {
            local.unlock();
        }
    }

    private void write(Map<String, String> sections) throws IOException {
        StringBuilder out = new StringBuilder(HEADER);
        sections.values().forEach(s -> out.append('\n').append(s));
        // a new name each time, made anew (CREATE_NEW): never a file or link someone put there
        Path tmp = path.resolveSibling(path.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            Files.writeString(tmp, out.toString(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private EnvctlException failure(String what, Exception e) {
        return new EnvctlException(ErrorCode.HOOK_FAILED, what + " HAProxy backend file " + path + ": "
                + e.getMessage(), e);
    }
}
