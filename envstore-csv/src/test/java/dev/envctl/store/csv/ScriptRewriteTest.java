package dev.envctl.store.csv;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Kindler scripts' delete_env.sh rewrites the file without envctl's lock: {@code awk ... > "$(mktemp)"}, then
 * {@code mv} over the file. With mktemp's folder on another file system (a tmpfs /tmp), mv removes the file, creates
 * it empty ({@code O_CREAT|O_EXCL}) and writes it, so for a moment the file is missing, then empty. Those steps
 * are replayed here at the store's pauses, or by a thread in a loop.
 */
class ScriptRewriteTest {
    private static final List<String> ROWS = List.of("dev", "dev-k3d", "devops");

    @TempDir
    Path dir;

    private final ExecutorService mv = Executors.newSingleThreadExecutor();
    private final Allocator allocator = new Allocator(AllocationPolicy.defaults());

    @AfterEach
    void stop() {
        mv.shutdownNow();
    }

    /**
     * The file removed, as mv across file systems does first, and a store whose pauses each let mv take its next
     * step: create the file empty ({@code O_CREAT|O_EXCL}), then write it. What mv would print goes to {@code mvSays}.
     */
    private static CsvEnvironmentStore whileMvReplaces(Path file, List<String> mvSays) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        Deque<Runnable> steps = new ArrayDeque<>(List.of(() -> {
            try {
                Files.newByteChannel(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
            } catch (FileAlreadyExistsException e) {
                mvSays.add("mv: cannot create regular file '" + file + "': File exists");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, () -> {
            if (mvSays.isEmpty()) {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(bytes));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }));
        return CsvEnvironmentStore.open(file, Duration.ofSeconds(10), Clock.systemUTC(), () -> {
            Runnable next = steps.poll();
            if (next != null) {
                next.run();
            }
        });
    }

    private static List<String> names(CsvEnvironmentStore store) {
        return store.list(EnvironmentFilter.ALL).stream().map(Environment::name).toList();
    }

    @Test
    void aReadWhileMvReplacesTheFileWaitsForItsRowsInsteadOfReadingNone() throws Exception {
        Path file = Fixtures.copy("legacy.csv", dir);
        List<String> mvSays = new ArrayList<>();
        try (CsvEnvironmentStore store = whileMvReplaces(file, mvSays)) {
            assertThat(names(store)).containsExactlyElementsOf(ROWS);
            assertThat(store.find("dev")).isPresent();
        }
        assertThat(mvSays).isEmpty();
        assertThat(Fixtures.readText(file)).isEqualTo(Fixtures.text("legacy.csv"));
    }

    @Test
    void aWriteWhileMvReplacesTheFileKeepsEveryRowAndLetsMvFinish() throws Exception {
        Path file = Fixtures.copy("legacy.csv", dir);
        List<String> mvSays = new ArrayList<>();
        try (CsvEnvironmentStore store = whileMvReplaces(file, mvSays)) {
            store.create(EnvironmentSpec.of("web", "kind"), allocator);

            assertThat(names(store)).containsExactly("dev", "dev-k3d", "devops", "web");
        }
        assertThat(mvSays).isEmpty();
        assertThat(Fixtures.readText(file)).startsWith(Fixtures.text("legacy.csv"));
    }

    /**
     * A store that wrote {@code file} (its lock file is there), counting its pauses into {@code pauses} from 0 after
     * the file was removed and the folder's time set to {@code folderChanged}.
     */
    private CsvEnvironmentStore writtenThenRemoved(Path file, AtomicInteger pauses, FileTime folderChanged)
            throws IOException {
        CsvEnvironmentStore store = CsvEnvironmentStore.open(file, Duration.ofSeconds(10), Clock.systemUTC(),
                pauses::incrementAndGet);
        store.create(EnvironmentSpec.of("web", "kind"), allocator);
        assertThat(file.resolveSibling(file.getFileName() + ".lock")).exists();
        Files.delete(file);
        Files.setLastModifiedTime(file.getParent(), folderChanged);
        pauses.set(0);
        return store;
    }

    /**
     * A store file removed (or emptied) by hand longer ago than a replacement takes, its lock file still there: every
     * read and write takes it as it is, without a pause; before, each waited a second for it, every command.
     */
    @Test
    void aFileRemovedOrEmptiedLongAgoIsTakenAsItIsWithoutWaiting() throws Exception {
        Path file = dir.resolve("envs.csv");
        AtomicInteger pauses = new AtomicInteger();
        FileTime longAgo = FileTime.from(Instant.now().minusSeconds(10));
        try (CsvEnvironmentStore store = writtenThenRemoved(file, pauses, longAgo)) {
            assertThat(names(store)).isEmpty();
            assertThat(store.find("web")).isEmpty();
            assertThat(pauses).as("pauses of reads of a file removed long ago").hasValue(0);

            store.create(EnvironmentSpec.of("api", "kind"), allocator);
            assertThat(names(store)).containsExactly("api");
            assertThat(pauses).as("pauses of a write and a read").hasValue(0);

            Files.write(file, new byte[0]);
            Files.setLastModifiedTime(file, longAgo);
            Files.setLastModifiedTime(dir, longAgo);
            assertThat(names(store)).isEmpty();
            assertThat(pauses).as("pauses of a read of a file emptied long ago").hasValue(0);
        }
    }

    /** Within a second of the folder's change, a missing file envctl wrote before is still waited for. */
    @Test
    void aFileEnvctlWroteThatWentMissingJustNowIsWaitedForUpToASecond() throws Exception {
        Path file = dir.resolve("envs.csv");
        AtomicInteger pauses = new AtomicInteger();
        try (CsvEnvironmentStore store = writtenThenRemoved(file, pauses,
                FileTime.from(Instant.now().minusMillis(200)))) {
            // the pauses here take no time: the folder changed 200 ms ago, within the second, until the read gives up
            assertThat(names(store)).isEmpty();
            assertThat(pauses).as("pauses of a read of a file missing since just now").hasPositiveValue();
        }
    }

    @Test
    void aFileThatNeverHoldsStillIsNamedAsReplacedByAWriterWithoutTheLockAfterASecond() {
        // a file of /proc lists a size of 0 whatever reading it gives: to a reader it changes on every read
        assumeTrue(Files.isRegularFile(Path.of("/proc/self/status")));
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(Path.of("/proc/self/status"))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.list(EnvironmentFilter.ALL)).isInstanceOf(EnvctlException.class)
                    .hasFieldOrPropertyWithValue("code", ErrorCode.STORE_UNAVAILABLE)
                    .hasMessage(store.file() + " kept changing while envctl read it, for 1000 ms: another writer is "
                            + "replacing it without envctl's lock (as the Kindler scripts' delete_env.sh does); retry "
                            + "once it has finished");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void readsBesideMvReplacingTheFileAgainAndAgainSeeEveryRowAndNoMisleadingError() throws Exception {
        Path file = Fixtures.copy("legacy.csv", dir);
        byte[] bytes = Files.readAllBytes(file);
        AtomicBoolean replacing = new AtomicBoolean(true);
        Future<Integer> replaced = mv.submit(() -> {
            try {
                for (int i = 0; i < 200; i++) {
                    Files.delete(file);
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE)) {
                        ch.write(ByteBuffer.wrap(bytes));
                    }
                    Thread.sleep(3);
                }
                return 200;
            } finally {
                replacing.set(false);
            }
        });
        List<String> wrong = new ArrayList<>();
        int reads = 0;
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            while (replacing.get()) {
                try {
                    List<String> names = names(store);
                    if (!names.equals(ROWS)) {
                        wrong.add("read " + names);
                    }
                } catch (EnvctlException e) {
                    wrong.add(e.getMessage());
                }
                reads++;
            }
        }

        assertThat(replaced.get(1, TimeUnit.MINUTES)).isEqualTo(200);
        assertThat(reads).isPositive();
        assertThat(wrong).isEmpty();
    }
}
