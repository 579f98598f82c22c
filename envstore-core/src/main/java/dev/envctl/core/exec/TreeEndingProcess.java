package dev.envctl.core.exec;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A command's process whose {@link #destroy()} ends every process the command started as well ({@link ProcessTree}).
 * Commons Exec destroys the command when the thread waiting for it is interrupted; destroying it alone left a hook
 * script's children (a {@code helm install} it waits for) running as orphans, holding the output the run still
 * read. Everything else is the process's own.
 */
final class TreeEndingProcess extends Process {
    private final String tool;
    private final Process process;

    TreeEndingProcess(String tool, Process process) {
        this.tool = tool;
        this.process = process;
    }

    @Override
    public void destroy() {
        ProcessTree.end(tool, process.toHandle(), "ended (the thread running it was interrupted)");
    }

    @Override
    public Process destroyForcibly() {
        return process.destroyForcibly();
    }

    @Override
    public OutputStream getOutputStream() {
        return process.getOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return process.getInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return process.getErrorStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return process.waitFor(timeout, unit);
    }

    @Override
    public int exitValue() {
        return process.exitValue();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public boolean supportsNormalTermination() {
        return process.supportsNormalTermination();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public ProcessHandle toHandle() {
        return process.toHandle();
    }

    @Override
    public ProcessHandle.Info info() {
        return process.info();
    }

    @Override
    public Stream<ProcessHandle> children() {
        return process.children();
    }

    @Override
    public Stream<ProcessHandle> descendants() {
        return process.descendants();
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return process.onExit().thenApply(p -> this);
    }
}
