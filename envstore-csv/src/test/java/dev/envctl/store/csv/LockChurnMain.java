package dev.envctl.store.csv;

import dev.envctl.core.spi.EnvironmentLock;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes and lets go one environment's lock many times from several threads, for the locking tests; other processes
 * run it at the same time. Each thread tries without pause until it has held the lock {@code HOLDS} times (or a minute
 * has passed). Whoever holds the lock makes the file {@code WITNESS} and deletes it before letting go, so a second
 * holder at the same moment finds it there.
 *
 * <pre>
 * java -cp TEST_CLASSPATH dev.envctl.store.csv.LockChurnMain CSV_FILE NAME WITNESS THREADS HOLDS
 * </pre>
 *
 * Prints {@code ready}, waits for a line on stdin, then prints {@code held N overlaps M errors K}: how many times its
 * threads held the lock ({@code THREADS * HOLDS} unless the minute ran out), how many of those found another holder's
 * witness, and how many failed otherwise (each on stderr).
 */
public final class LockChurnMain {
    private LockChurnMain() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String name = args[1];
        Path witness = Path.of(args[2]);
        int threads = Integer.parseInt(args[3]);
        int holds = Integer.parseInt(args[4]);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            System.out.println("ready");
            System.out.flush();
            System.in.read();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    int mine = 0;
                    while (mine < holds && System.nanoTime() < deadline) {
                        Optional<EnvironmentLock> lock = store.tryLock(name);
                        if (lock.isEmpty()) {
                            Thread.onSpinWait();
                            continue;
                        }
                        mine++;
                        held.incrementAndGet();
                        try {
                            Files.createFile(witness);
                            Thread.yield();
                            Files.delete(witness);
                        } catch (FileAlreadyExistsException e) {
                            overlaps.incrementAndGet();
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            e.printStackTrace();
                        } finally {
                            lock.get().close();
                        }
                    }
                });
                w.start();
                workers.add(w);
            }
            for (Thread w : workers) {
                w.join();
            }
        }
        System.out.println("held " + held.get() + " overlaps " + overlaps.get() + " errors " + errors.get());
        System.out.flush();
    }
}
