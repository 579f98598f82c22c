package dev.envctl.core.exec;

import org.apache.commons.exec.ProcessDestroyer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A command while it runs, among all those running now. When the JVM shuts down before they end (a SIGINT or
 * SIGTERM to envctl: Ctrl-C, {@code kill PID}, {@code timeout}, a cancelled CI job), a shutdown hook ends each with
 * every process it started, as {@link ProcessTree} does at a timeout, and waits out the grace, so no k3d create or
 * hook's child runs on as an orphan and a command that traps TERM is still killed. From then on a command is ended
 * as soon as it starts.
 * Thread-safe.
 */
final class RunningCommand implements ProcessDestroyer {
    private static final Logger LOG = LoggerFactory.getLogger(RunningCommand.class);
    private static final Map<Process, RunningCommand> RUNNING = new HashMap<>();
    private static boolean stopping;

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(RunningCommand::endAll, "envctl-end-commands"));
        } catch (IllegalStateException shuttingDown) {
            stopping = true;
        }
    }

    private final String tool;
    private volatile boolean ended;

    /** @param tool the command's executable, for the log */
    RunningCommand(String tool) {
        this.tool = tool;
    }

    /** Whether the JVM is shutting down: commands are then ended, and none should be started. */
    static synchronized boolean stopping() {
        return stopping;
    }

    /**
     * Whether the JVM is shutting down, waiting up to {@code wait} for it to begin; false at once when the calling
     * thread is interrupted (the interrupt stays set).
     */
    static synchronized boolean stopping(Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        for (long left = wait.toNanos(); !stopping && left > 0; left = until - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.timedWait(RunningCommand.class, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return stopping;
    }

    /** Whether the shutdown ended this command. */
    boolean ended() {
        return ended;
    }

    @Override
    public boolean add(Process process) {
        synchronized (RunningCommand.class) {
            if (!stopping) {
                RUNNING.put(process, this);
                return true;
            }
        }
        ended = true;
        ProcessTree.end(tool, process.toHandle(), "started while envctl stops");
        return true;
    }

    @Override
    public boolean remove(Process process) {
        synchronized (RunningCommand.class) {
            return RUNNING.remove(process) != null;
        }
    }

    @Override
    public int size() {
        synchronized (RunningCommand.class) {
            return RUNNING.size();
        }
    }

    private static void endAll() {
        Map<Process, RunningCommand> now;
        synchronized (RunningCommand.class) {
            stopping = true;
            RunningCommand.class.notifyAll();
            now = Map.copyOf(RUNNING);
        }
        if (now.isEmpty()) {
            return;
        }
        LOG.info("envctl is stopping: ending {} running command(s) and every process they started", now.size());
        CompletableFuture<?>[] ends = now.entrySet().stream().map(e -> {
            e.getValue().ended = true;
            return ProcessTree.end(e.getValue().tool, e.getKey().toHandle(), "envctl is stopping");
        }).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(ends).get(ProcessTree.KILL_GRACE.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("could not make sure the running commands ended: {}", e.toString());
        }
    }
}
