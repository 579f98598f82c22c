package dev.envctl.store.csv;

import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.store.csv.internal.CsvDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The file is replaced whole: readers see old or new bytes, never a mix; permissions and neighbours are kept. */
class AtomicReplaceTest {
    @TempDir
    Path dir;

    private final Allocator allocator = new Allocator(CsvWriterMain.widePolicy());

    @Test
    void readersWithoutTheLockAlwaysSeeACompleteFileWhileAWriterAppends() throws Exception {
        Path file = Fixtures.emptyStore(dir.resolve("envs.csv"));
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Future<Integer> reader = pool.submit(() -> {
                int reads = 0;
                int lastRows = 0;
                while (writing.get()) {
                    byte[] bytes = Files.readAllBytes(file);
                    assertThat(bytes[bytes.length - 1]).as("file ends with a complete line").isEqualTo((byte) '\n');
                    int rows = CsvDocument.parse(file, bytes).environments().size();
                    assertThat(rows).as("rows never go back").isGreaterThanOrEqualTo(lastRows);
                    lastRows = rows;
                    reads++;
                }
                return reads;
            });
            Future<?> writer = pool.submit(() -> {
                try {
                    for (int i = 0; i < 150; i++) {
                        store.create(EnvironmentSpec.of("e" + i, "k3d"), allocator);
                    }
                } finally {
                    writing.set(false);
                }
                return null;
            });
            writer.get(2, TimeUnit.MINUTES);
            assertThat(reader.get(2, TimeUnit.MINUTES)).isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keepsTheFilePermissions() throws Exception {
        Path file = Fixtures.emptyStore(dir.resolve("envs.csv"));
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
            store.create(EnvironmentSpec.of("dev", "k3d"), allocator);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
    }

    /**
     * A file its owner keeps to itself (mode 0600) is not readable through its replacement while that is written:
     * another user who opened the temporary file then could read the store for as long as it stays the store.
     */
    @Test
    void theReplacementIsNeverMoreOpenThanTheFileWhileItIsWritten() throws Exception {
        Path file = Files.writeString(dir.resolve("envs.csv"), "# env,provider\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        byte[] big = new byte[48 << 20];
        java.util.Arrays.fill(big, (byte) '#');
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> watcher = pool.submit(() -> {
                while (!done.get()) {
                    try (java.nio.file.DirectoryStream<Path> temps = Files.newDirectoryStream(dir, ".envs.csv.*.tmp")) {
                        for (Path t : temps) {
                            seen.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(t)));
                        }
                    } catch (java.io.IOException gone) {
                        // renamed or removed meanwhile
                    }
                }
                return null;
            });
            for (int i = 0; i < 3 || seen.isEmpty() && i < 20; i++) {
                dev.envctl.store.csv.internal.AtomicFileWriter.replace(file, big);
            }
            done.set(true);
            watcher.get(1, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }

        assertThat(seen).as("the watcher saw the temporary file").isNotEmpty();
        assertThat(seen).containsOnly("rw-------");
    }

    /** Tests run as root, which may give the replacement any owner: a shared file keeps its owner and group. */
    @Test
    void keepsTheFilesOwnerAndGroup() throws Exception {
        Path file = Fixtures.emptyStore(dir.resolve("envs.csv"));
        UserPrincipalLookupService users = file.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName("nobody"));
        view.setGroup(users.lookupPrincipalByGroupName("nogroup"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            store.create(EnvironmentSpec.of("dev", "k3d"), allocator);
        }
        PosixFileAttributes now = Files.readAttributes(file, PosixFileAttributes.class);
        assertThat(now.owner().getName()).isEqualTo("nobody");
        assertThat(now.group().getName()).isEqualTo("nogroup");
        assertThat(PosixFilePermissions.toString(now.permissions())).isEqualTo("rw-rw-r--");
        assertThat(Files.readString(file)).contains("dev,k3d,");
    }

    @Test
    void removesTempFilesLeftByDeadWritersOfThisFileOnly() throws Exception {
        Path file = dir.resolve("envs.csv");
        Path stale = Files.writeString(dir.resolve(".envs.csv.1x2y3z.tmp"), "half a fi");
        Path neighbours = Files.writeString(dir.resolve(".envs.csv.bak.1x2y3z.tmp"), "another store's");
        Path unrelated = Files.writeString(dir.resolve("envs.csv.tmp"), "a user's file");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            store.create(EnvironmentSpec.of("dev", "k3d"), allocator);
        }
        assertThat(stale).doesNotExist();
        assertThat(neighbours).exists();
        assertThat(unrelated).exists();
    }
}
