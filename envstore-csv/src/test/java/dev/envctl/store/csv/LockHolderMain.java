package dev.envctl.store.csv;

import dev.envctl.core.spi.EnvironmentLock;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Holds a lock in another process until its stdin closes, for the locking tests.
 *
 * <pre>
 * java -cp TEST_CLASSPATH dev.envctl.store.csv.LockHolderMain store-lock CSV_FILE   (the lock every change takes)
 * java -cp TEST_CLASSPATH dev.envctl.store.csv.LockHolderMain env-lock CSV_FILE NAME (one environment's lock)
 * </pre>
 *
 * Prints {@code locked} (or {@code busy} when an environment lock is held elsewhere) once it holds the lock.
 */
public final class LockHolderMain {
    private LockHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        if (args[0].equals("store-lock")) {
            try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file);
                 FileChannel ch = FileChannel.open(store.lockFile(), StandardOpenOption.CREATE,
                         StandardOpenOption.WRITE)) {
                ch.lock();
                holdUntilStdinCloses();
            }
        } else {
            try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
                Optional<EnvironmentLock> lock = store.tryLock(args[2]);
                if (lock.isEmpty()) {
                    System.out.println("busy");
                    System.out.flush();
                    return;
                }
                holdUntilStdinCloses();
                lock.get().close();
            }
        }
    }

    private static void holdUntilStdinCloses() throws Exception {
        System.out.println("locked");
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for EOF
        }
    }
}
