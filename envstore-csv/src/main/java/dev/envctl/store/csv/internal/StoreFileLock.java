package dev.envctl.store.csv.internal;

import dev.envctl.core.Durations;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Remedy;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The exclusive lock every change of the data file holds: first a fair in-JVM lock per lock file (file
 * locks belong to the whole JVM, so threads must not meet at the file lock), then {@link FileChannel#lock()}
 * on the lock file, which other processes see. Waiting past the timeout closes the channel (which ends the
 * blocked {@code lock()} call) and is a {@link ErrorCode#STORE_UNAVAILABLE} error naming the lock file; an interrupt
 * of the waiting thread ends the wait too, with an error saying so and the interrupt kept. Released by
 * {@link #close()}; the kernel releases it if the process dies.
 */
public final class StoreFileLock implements AutoCloseable {
    private static final ConcurrentMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

    private final ReentrantLock jvmLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private StoreFileLock(ReentrantLock jvmLock, FileChannel channel, FileLock fileLock) {
        this.jvmLock = jvmLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /** Holder of the one daemon thread that ends waits past their timeout. */
    private static final class Watchdog {
        static final ScheduledThreadPoolExecutor TIMER = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
                Thread th = new Thread(r, "envctl-csv-lock-timeout");
                th.setDaemon(true);
                return th;
            });
            t.setRemoveOnCancelPolicy(true);
            return t;
        }
    }

    /**
     * Waits at most {@code timeout} for the lock on {@code lockFile} (an absolute, normalised path), the lock of
     * {@code dataFile}, whose group and permissions a lock file made now gets ({@link SharedPermissions}).
     */
    public static StoreFileLock acquire(Path lockFile, Path dataFile, Duration timeout) {
        long wait = Durations.nanos(timeout); // 999999999h is more than a long holds
        long deadline = System.nanoTime() + wait; // may wrap: only differences count
        ReentrantLock jvmLock = IN_JVM.computeIfAbsent(lockFile, p -> new ReentrantLock(true));
        try {
            if (!jvmLock.tryLock(wait, TimeUnit.NANOSECONDS)) {
                // reconcile's threads wait here behind one that waits for another process: name both
                throw timedOut(lockFile, timeout,
                        "another thread of this process holds it, or waits for another process that holds it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(lockFile);
        }
        try {
            return lockFile(jvmLock, lockFile, dataFile, timeout, deadline);
        } catch (RuntimeException | Error e) {
            jvmLock.unlock();
            throw e;
        }
    }

    private static StoreFileLock lockFile(ReentrantLock jvmLock, Path lockFile, Path dataFile, Duration timeout,
                                          long deadline) {
        FileChannel ch;
        try {
            ch = SharedPermissions.openLockFile(lockFile, dataFile);
        } catch (IOException e) {
            throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "cannot open the lock file " + lockFile + ": "
                    + IoErrors.describe(e) + "; check that you may write it and its folder", e);
        }
        try {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                lock = blockingLock(ch, lockFile, timeout, deadline);
            }
            return new StoreFileLock(jvmLock, ch, lock);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "cannot lock " + lockFile + ": "
                    + IoErrors.describe(e), e);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new EnvctlException(ErrorCode.FAILURE, "the lock file " + lockFile + " is locked by other code "
                    + "in this process, outside the CSV store; only the store may lock it");
        } catch (RuntimeException | Error e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static FileLock blockingLock(FileChannel ch, Path lockFile, Duration timeout, long deadline)
            throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw timedOut(lockFile, timeout, "another process is writing");
        }
        ScheduledFuture<?> alarm = Watchdog.TIMER.schedule(() -> closeQuietly(ch), left, TimeUnit.NANOSECONDS);
        FileLock lock;
        try {
            lock = ch.lock();
        } catch (FileLockInterruptionException e) { // what lock() throws for an interrupt, the channel closed
            alarm.cancel(false);
            throw interrupted(lockFile);
        } catch (AsynchronousCloseException e) {
            throw timedOut(lockFile, timeout, "another process is writing");
        }
        if (!alarm.cancel(false)) {
            // the alarm fired just as the lock was granted: the channel is closed, so the lock is gone
            throw timedOut(lockFile, timeout, "another process is writing");
        }
        return lock;
    }

    private static EnvctlException timedOut(Path lockFile, Duration timeout, String why) {
        return new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "timed out after " + Durations.format(timeout)
                + " waiting for the lock file " + lockFile + " (" + why + "); retry, find the process that holds it "
                + "(fuser " + lockFile + "), or raise the store's lock timeout", null, Remedy.RAISE_LOCK_TIMEOUT);
    }

    private static EnvctlException interrupted(Path lockFile) {
        return new EnvctlException(ErrorCode.FAILURE, "interrupted while waiting for the lock file " + lockFile);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing only ends a wait or frees a lock; nothing else to do
        }
    }

    @Override
    public void close() {
        try {
            if (fileLock != null && fileLock.isValid()) {
                fileLock.release();
            }
        } catch (IOException ignored) {
            // closing the channel below releases it as well
        } finally {
            closeQuietly(channel);
            jvmLock.unlock();
        }
    }
}
