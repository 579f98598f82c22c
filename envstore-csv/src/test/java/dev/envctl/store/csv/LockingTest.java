package dev.envctl.store.csv;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Remedy;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.testing.StoreInvariants;
import dev.envctl.store.csv.internal.StoreFileLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store's exclusive lock and the per-environment locks, across threads, store instances and processes. */
class LockingTest {
    @TempDir
    Path dir;

    private final Allocator allocator = new Allocator(CsvWriterMain.widePolicy());

    @Test
    void aLockWaitPastTheTimeoutIsAnErrorNamingTheLockFileAndChangesNothing() throws Exception {
        Path file = Fixtures.emptyStore(dir.resolve("envs.csv"));
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file, Duration.ofMillis(300));
             ChildJvm holder = ChildJvm.start(LockHolderMain.class, List.of("store-lock", file.toString()),
                     dir.resolve("holder.err"))) {
            assertThat(holder.nextLine(60)).isEqualTo("locked");
            assertThat(store.lockFile()).isEqualTo(dir.toRealPath().resolve("envs.csv.lock"));
            byte[] before = Fixtures.read(file);

            assertThatThrownBy(() -> store.create(EnvironmentSpec.of("dev", "k3d"), allocator))
                    .isInstanceOf(EnvctlException.class)
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE))
                    .hasMessageContaining("timed out after 300ms waiting for the lock file " + store.lockFile())
                    .hasMessageEndingWith("raise the store's lock timeout")
                    .satisfies(e -> assertThat(((EnvctlException) e).remedy()).contains(Remedy.RAISE_LOCK_TIMEOUT))
                    .satisfies(e -> assertThat(e.getMessage()).as("a library names no client's config key")
                            .doesNotContain("csv.lock-timeout"));
            assertThat(Fixtures.read(file)).isEqualTo(before);
            assertThat(store.list(EnvironmentFilter.ALL)).as("readers take no lock").isEmpty();

            holder.process.getOutputStream().close();
            assertThat(holder.await(30)).isZero();
            assertThat(store.create(EnvironmentSpec.of("dev", "k3d"), allocator).name()).isEqualTo("dev");
        }
    }

    /**
     * Whoever may write a shared store's folder may put a link where a lock file will be: envctl must not create the
     * file it points to (with envctl's rights, root's under sudo) nor give it the data file's owner and mode.
     */
    @Test
    void aLinkPutWhereALockFileWillBeIsNotFollowed() throws Exception {
        Path file = Fixtures.emptyStore(dir.resolve("envs.csv"));
        Path storeTarget = dir.resolve("store-lock-target");
        Path envTarget = dir.resolve("env-lock-target");
        Files.deleteIfExists(dir.resolve("envs.csv.lock"));
        Files.createSymbolicLink(dir.resolve("envs.csv.lock"), storeTarget);
        Files.createSymbolicLink(Files.createDirectories(dir.resolve("envs.csv.locks")).resolve("dev.lock"), envTarget);
        byte[] before = Fixtures.read(file);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThatThrownBy(() -> store.create(EnvironmentSpec.of("dev", "k3d"), allocator))
                    .isInstanceOf(EnvctlException.class).hasMessageContaining(store.lockFile().toString());
            assertThatThrownBy(() -> store.tryLock("dev")).isInstanceOf(EnvctlException.class)
                    .hasMessageContaining("dev.lock");
        }

        assertThat(storeTarget).doesNotExist();
        assertThat(envTarget).doesNotExist();
        assertThat(Fixtures.read(file)).isEqualTo(before);

        // nor a link put where the folder of per-environment locks will be
        Path other = Fixtures.emptyStore(dir.resolve("other.csv"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(dir.resolve("other.csv.locks"), elsewhere);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(other)) {
            assertThatThrownBy(() -> store.tryLock("dev")).isInstanceOf(EnvctlException.class)
                    .hasMessageContaining("other.csv.locks");
        }
        assertThat(elsewhere).isEmptyDirectory();
    }

    /**
     * A link or a named pipe at the lock file's name fails a change at once, saying what stands there and to remove
     * it: a pipe opened for writing would wait for a reader for ever, before the lock's timeout applies.
     */
    @Test
    void aLinkOrAPipeAtTheLockFilesNameFailsAChangeSayingWhatItIs() throws Exception {
        Path file = Fixtures.emptyStore(dir.resolve("envs.csv"));
        Files.deleteIfExists(dir.resolve("envs.csv.lock"));
        Files.createSymbolicLink(dir.resolve("envs.csv.lock"), dir.resolve("elsewhere"));
        Path piped = Fixtures.emptyStore(dir.resolve("piped.csv"));
        Files.deleteIfExists(dir.resolve("piped.csv.lock"));
        Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("piped.csv.lock").toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        byte[] before = Fixtures.read(piped);

        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file);
             CsvEnvironmentStore second = CsvEnvironmentStore.open(piped)) {
            assertThatThrownBy(() -> store.create(EnvironmentSpec.of("dev", "k3d"), allocator))
                    .isInstanceOf(EnvctlException.class)
                    .hasMessageContaining(store.lockFile() + ": it is a link").hasMessageContaining("remove it");
            Future<?> create = pool.submit(() -> second.create(EnvironmentSpec.of("dev", "k3d"), allocator));
            assertThatThrownBy(() -> create.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(EnvctlException.class)
                    .hasMessageContaining(second.lockFile() + ": it is not a regular file")
                    .hasMessageContaining("remove it");
        } finally {
            pool.shutdownNow();
        }
        assertThat(Fixtures.read(piped)).isEqualTo(before);
    }

    /** Every change fails while a link stands at a lock file's name (above): health says so, and what to do. */
    @Test
    void healthNamesALinkWhereALockFileOrTheLockFolderBelongs() throws Exception {
        Path file = Fixtures.emptyStore(dir.resolve("envs.csv"));
        Files.deleteIfExists(dir.resolve("envs.csv.lock"));
        Files.createSymbolicLink(dir.resolve("envs.csv.lock"), dir.resolve("elsewhere"));
        Path other = Fixtures.emptyStore(dir.resolve("other.csv"));
        Files.createSymbolicLink(dir.resolve("other.csv.locks"), Files.createDirectories(dir.resolve("folder")));

        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file);
             CsvEnvironmentStore second = CsvEnvironmentStore.open(other)) {
            assertThat(store.health().available()).isFalse();
            assertThat(store.health().detail()).contains("its lock file " + store.lockFile() + " is a link")
                    .contains("remove it");
            assertThat(second.health().detail()).contains("its lock folder ").contains("other.csv.locks is a link");
        }
    }

    /**
     * csv.lock-timeout=999999999h (9 digits, as the config allows) is more nanoseconds than a long holds: every write
     * failed with "long overflow" instead of taking the lock.
     */
    @Test
    void theLongestLockTimeoutTheConfigTakesStillLocks() throws Exception {
        Path file = Fixtures.emptyStore(dir.resolve("envs.csv"));
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file, Duration.ofHours(999_999_999))) {
            assertThat(store.create(EnvironmentSpec.of("dev", "k3d"), allocator).name()).isEqualTo("dev");
        }
    }

    @Test
    void aWriterWaitsForTheLockHeldByAnotherProcessWithinTheTimeout() throws Exception {
        Path file = dir.resolve("envs.csv");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file, Duration.ofSeconds(60));
             ChildJvm holder = ChildJvm.start(LockHolderMain.class, List.of("store-lock", file.toString()),
                     dir.resolve("holder.err"))) {
            assertThat(holder.nextLine(60)).isEqualTo("locked");
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Environment> create = pool.submit(() -> store.create(EnvironmentSpec.of("dev", "k3d"),
                        allocator));
                Thread.sleep(200);
                assertThat(create).as("blocked while the other process holds the lock").isNotDone();
                holder.process.getOutputStream().close();
                assertThat(create.get(60, TimeUnit.SECONDS).name()).isEqualTo("dev");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void anInterruptEndsAWaitForTheLockAnotherProcessHoldsAndChangesNothing() throws Exception {
        Path file = Fixtures.emptyStore(dir.resolve("envs.csv"));
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file, Duration.ofHours(1));
             ChildJvm holder = ChildJvm.start(LockHolderMain.class, List.of("store-lock", file.toString()),
                     dir.resolve("holder.err"))) {
            assertThat(holder.nextLine(60)).isEqualTo("locked");
            byte[] before = Fixtures.read(file);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                CountDownLatch started = new CountDownLatch(1);
                Future<Throwable> create = pool.submit(() -> {
                    started.countDown();
                    try {
                        store.create(EnvironmentSpec.of("dev", "k3d"), allocator);
                        return null;
                    } catch (RuntimeException e) {
                        return Thread.currentThread().isInterrupted() ? e : new AssertionError("interrupt lost", e);
                    }
                });
                started.await();
                Thread.sleep(300);
                assertThat(create).as("blocked while the other process holds the lock").isNotDone();
                pool.shutdownNow(); // interrupts the waiting thread

                assertThat(create.get(30, TimeUnit.SECONDS)).isInstanceOf(EnvctlException.class)
                        .hasMessage("interrupted while waiting for the lock file " + store.lockFile());
            } finally {
                pool.shutdownNow();
            }
            assertThat(Fixtures.read(file)).isEqualTo(before);
        }
    }

    /**
     * A wait that times out behind a thread of this process that itself waits for another process (reconcile's
     * threads, one store each): the message names that process too, which is where to look.
     */
    @Test
    void aLockWaitBehindAThreadThatWaitsForAnotherProcessSaysSo() throws Exception {
        Path file = Fixtures.emptyStore(dir.resolve("envs.csv"));
        try (CsvEnvironmentStore patient = CsvEnvironmentStore.open(file, Duration.ofSeconds(60));
             CsvEnvironmentStore hasty = CsvEnvironmentStore.open(file, Duration.ofMillis(300));
             ChildJvm holder = ChildJvm.start(LockHolderMain.class, List.of("store-lock", file.toString()),
                     dir.resolve("holder.err"))) {
            assertThat(holder.nextLine(60)).isEqualTo("locked");
            byte[] before = Fixtures.read(file);
            ExecutorService one = Executors.newSingleThreadExecutor();
            Thread[] waiter = new Thread[1];
            CountDownLatch started = new CountDownLatch(1);
            Future<String> waiting = one.submit(() -> {
                waiter[0] = Thread.currentThread();
                started.countDown();
                return patient.create(EnvironmentSpec.of("dev", "k3d"), allocator).name();
            });
            started.await();
            // the patient writer holds this process's lock of the file and waits for the holder's
            while (Arrays.stream(waiter[0].getStackTrace())
                    .noneMatch(f -> f.getMethodName().equals("blockingLock"))) {
                Thread.sleep(10);
            }
            assertThatThrownBy(() -> hasty.create(EnvironmentSpec.of("uat", "k3d"), allocator))
                    .hasMessageContaining("timed out after 300ms waiting for the lock file " + hasty.lockFile())
                    .hasMessageContaining("another thread of this process holds it, or waits for another process "
                            + "that holds it");
            assertThat(Fixtures.read(file)).isEqualTo(before);

            holder.process.getOutputStream().close();
            assertThat(holder.await(30)).isZero();
            assertThat(waiting.get(60, TimeUnit.SECONDS)).isEqualTo("dev");
            one.shutdown();
        }
    }

    @Test
    void aLockWaitBehindAnotherThreadTimesOutToo() throws Exception {
        Path file = dir.resolve("envs.csv");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file, Duration.ofMillis(200))) {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = new Thread(() -> {
                StoreFileLock lock = StoreFileLock.acquire(store.lockFile(), store.file(), Duration.ofSeconds(5));
                try {
                    held.countDown();
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    lock.close();
                }
            });
            holder.start();
            held.await();
            try {
                assertThatThrownBy(() -> store.create(EnvironmentSpec.of("dev", "k3d"), allocator))
                        .hasMessageContaining("timed out after 200ms waiting for the lock file " + store.lockFile())
                        .hasMessageContaining("another thread of this process holds it, or waits for another process that "
                                + "holds it");
            } finally {
                release.countDown();
                holder.join();
            }
            assertThat(store.create(EnvironmentSpec.of("dev", "k3d"), allocator).name()).isEqualTo("dev");
        }
    }

    @Test
    void environmentLocksAreSeenByOtherProcesses() throws Exception {
        Path file = dir.resolve("envs.csv");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file);
             ChildJvm holder = ChildJvm.start(LockHolderMain.class, List.of("env-lock", file.toString(), "dev"),
                     dir.resolve("holder.err"))) {
            assertThat(holder.nextLine(60)).isEqualTo("locked");

            assertThat(store.tryLock("dev")).isEmpty();
            Optional<EnvironmentLock> uat = store.tryLock("uat");
            assertThat(uat).isPresent();
            try (ChildJvm second = ChildJvm.start(LockHolderMain.class, List.of("env-lock", file.toString(), "uat"),
                    dir.resolve("second.err"))) {
                assertThat(second.nextLine(60)).as("this process's lock is seen by another").isEqualTo("busy");
            }

            holder.process.getOutputStream().close();
            assertThat(holder.await(30)).isZero();
            Optional<EnvironmentLock> dev = store.tryLock("dev");
            assertThat(dev).isPresent();
            dev.get().close();
            uat.get().close();
        }
        assertThat(dir.resolve("envs.csv.locks")).as("a lock let go leaves no file").isEmptyDirectory();
    }

    /**
     * Processes taking and letting go one environment's lock as fast as they can, each thread until it has held it 40
     * times: each holder deletes the lock file before it lets go, while others have it open or are about to, and
     * still every thread gets its turns, no two hold the lock at once (the witness file each holder makes and deletes
     * is never found there), and no lock file is left.
     */
    @Test
    void processesChurningOneLockNeverHoldItTogetherAndLeaveNoLockFile() throws Exception {
        Path file = dir.resolve("envs.csv");
        Path witness = dir.resolve("holder");
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int p = 0; p < 6; p++) {
                children.add(ChildJvm.start(LockChurnMain.class, List.of(file.toString(), "contested",
                        witness.toString(), String.valueOf(1 + p % 2), "40"), dir.resolve("churn" + p + ".err")));
            }
            for (ChildJvm c : children) {
                assertThat(c.nextLine(60)).isEqualTo("ready");
            }
            for (ChildJvm c : children) {
                c.process.getOutputStream().write('\n');
                c.process.getOutputStream().flush();
            }
            for (int p = 0; p < children.size(); p++) {
                ChildJvm c = children.get(p);
                assertThat(c.nextLine(120)).as("the report of a process of %d threads, each holding the lock 40 times",
                        1 + p % 2).isEqualTo("held " + 40 * (1 + p % 2) + " overlaps 0 errors 0");
                assertThat(c.await(30)).isZero();
            }
        } finally {
            children.forEach(ChildJvm::close);
        }
        assertThat(witness).doesNotExist();
        assertThat(dir.resolve("envs.csv.locks")).isEmptyDirectory();
    }

    @Test
    void twoStoresOnOneFileInOneJvmShareLocksWhateverThePathSpelling() throws Exception {
        Path real = Files.createDirectories(dir.resolve("data"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        CsvEnvironmentStore b = CsvEnvironmentStore.open(link.resolve("../link/./envs.csv"));
        try (CsvEnvironmentStore a = CsvEnvironmentStore.open(real.resolve("envs.csv"))) {
            Optional<EnvironmentLock> lock = a.tryLock("dev");
            assertThat(lock).isPresent();
            assertThat(b.tryLock("dev")).isEmpty();
            lock.get().close();
            Optional<EnvironmentLock> again = b.tryLock("dev");
            assertThat(again).isPresent();
            b.close();
            assertThat(a.tryLock("dev")).as("closing a store releases its locks").isPresent();
        } finally {
            b.close();
        }
    }

    /**
     * {@code ~/.envctl} a link to {@code /data/envctl}, which holds {@code environments.csv ->
     * ../kindler/config/environments.csv}: the system reads that {@code ..} from {@code /data/envctl}, where the link
     * is, not from {@code ~/.envctl}, the way the path was spelt.
     */
    @Test
    void aRelativeLinkInAFolderReachedThroughALinkLeadsWhereTheSystemFollowsIt() throws Exception {
        Path kindler = Fixtures.write(Files.createDirectories(dir.resolve("data/kindler/config"))
                .resolve("environments.csv"), ("# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
                + "http_port,https_port,cluster_subnet\ndevops,k3d,30800,19000,false,false,23800,23843,\n")
                .getBytes(StandardCharsets.UTF_8));
        Path envctlFolder = Files.createDirectories(dir.resolve("data/envctl"));
        Files.createSymbolicLink(envctlFolder.resolve("environments.csv"),
                Path.of("../kindler/config/environments.csv"));
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.createSymbolicLink(home.resolve(".envctl"), Path.of("../data/envctl"));
        Path spelt = home.resolve(".envctl/environments.csv");

        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(spelt)) {
            assertThat(store.file()).isEqualTo(kindler.toRealPath());
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("devops");
            Environment dev = store.create(EnvironmentSpec.of("dev", "kind"),
                    new Allocator(AllocationPolicy.defaults()));
            assertThat(dev.ports().pf()).as("devops holds 19000").isNotEqualTo(19000);
        }
        assertThat(Files.readString(kindler)).contains("\ndev,kind,");
        assertThat(dir.resolve("home/kindler")).doesNotExist();
    }

    /** {@code ~/.envctl/../kindler/config/environments.csv}, {@code ~/.envctl} a link to /data/envctl. */
    @Test
    void aDotDotAfterALinkedFolderInThePathLeadsWhereTheSystemFollowsIt() throws Exception {
        Path kindler = Fixtures.write(Files.createDirectories(dir.resolve("data/kindler/config"))
                .resolve("environments.csv"), ("# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
                + "http_port,https_port,cluster_subnet\ndevops,k3d,30800,19000,false,false,23800,23843,\n")
                .getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(dir.resolve("data/envctl"));
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.createSymbolicLink(home.resolve(".envctl"), Path.of("../data/envctl"));
        Path spelt = home.resolve(".envctl/../kindler/config/environments.csv");

        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(spelt)) {
            assertThat(store.file()).isEqualTo(kindler.toRealPath());
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("devops");
        }
    }

    @Test
    void threadsRacingForOneEnvironmentLockGetOneWinnerAndNoException() throws Exception {
        Path file = dir.resolve("envs.csv");
        List<CsvEnvironmentStore> stores = List.of(CsvEnvironmentStore.open(file), CsvEnvironmentStore.open(file));
        try {
            for (int round = 0; round < 20; round++) {
                List<Callable<Optional<EnvironmentLock>>> tasks = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    CsvEnvironmentStore s = stores.get(t % 2);
                    tasks.add(() -> s.tryLock("contested"));
                }
                List<Optional<EnvironmentLock>> got = new ArrayList<>();
                for (Future<Optional<EnvironmentLock>> f : race(tasks)) {
                    got.add(f.get());
                }
                assertThat(got.stream().filter(Optional::isPresent)).hasSize(1);
                got.forEach(o -> o.ifPresent(EnvironmentLock::close));
            }
        } finally {
            stores.forEach(CsvEnvironmentStore::close);
        }
    }

    @Test
    void storeInstancesWritingOneFileFromManyThreadsKeepEveryInvariant() throws Exception {
        Path real = Files.createDirectories(dir.resolve("data"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        // a link to the file itself, made before the file exists (as a user links ~/.envctl/environments.csv to
        // the Kindler scripts' file): writes go to its target, and the link stays a link
        Path fileLink = Files.createSymbolicLink(Files.createDirectories(dir.resolve("home")).resolve("envs.csv"),
                real.resolve("envs.csv"));
        List<Path> spellings = List.of(real.resolve("envs.csv"), link.resolve("envs.csv"),
                real.resolve("./envs.csv"), link.resolve("../data/envs.csv"), fileLink);
        List<CsvEnvironmentStore> stores = new ArrayList<>();
        spellings.forEach(p -> stores.add(CsvEnvironmentStore.open(p)));
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < spellings.size(); t++) {
                CsvEnvironmentStore s = stores.get(t);
                int thread = t;
                tasks.add(() -> {
                    for (int i = 0; i < 25; i++) {
                        s.create(EnvironmentSpec.of("s" + thread + "-" + i, "kind")
                                .withSubnet(i % 2 == 0 ? SubnetRequest.AUTO : SubnetRequest.NONE), allocator);
                    }
                    return null;
                });
            }
            for (Future<Void> f : race(tasks)) {
                f.get();
            }
            List<Environment> all = stores.get(0).list(EnvironmentFilter.ALL);
            assertThat(all).hasSize(125);
            StoreInvariants.assertHold(all);
            assertThat(Files.isSymbolicLink(fileLink)).isTrue();
            assertThat(stores.get(4).list(EnvironmentFilter.ALL)).hasSize(125);
            assertThat(stores.get(4).lockFile()).isEqualTo(real.toRealPath().resolve("envs.csv.lock"));
        } finally {
            stores.forEach(CsvEnvironmentStore::close);
        }
    }

    private static <T> List<Future<T>> race(List<Callable<T>> tasks) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        try {
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
            return futures;
        } finally {
            pool.shutdownNow();
        }
    }
}
