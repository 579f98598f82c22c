package dev.envctl.bench.internal.proc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The parent's handle on a {@link Worker}: started with this JVM's java binary and class path, its stdout
 * lines collected by a reader thread, its stderr in a file.
 */
public final class WorkerProcess {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;

    private WorkerProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::pump, "worker-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code Worker} with the given arguments, extra environment and stderr file. */
    public static WorkerProcess start(List<String> args, Map<String, String> env, Path stderr) throws IOException {
        List<String> cmd = new ArrayList<>(javaCommand());
        cmd.add(Worker.class.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        pb.environment().putAll(env);
        return new WorkerProcess(pb.start());
    }

    /** {@code java -Xmx256m -cp CLASSPATH}, with logging at error, for a child of this JVM. */
    public static List<String> javaCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                "-cp", System.getProperty("java.class.path"));
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process died; what was read stays in the queue
        }
    }

    /** The next line, or {@code null} when none came within the timeout. */
    public String nextLine(long timeout, TimeUnit unit) throws InterruptedException {
        return lines.poll(timeout, unit);
    }

    /** Waits for a line starting with {@code prefix}; fails on another line or when the process ends. */
    public String await(String prefix, long seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                if (line.startsWith(prefix)) {
                    return line;
                }
                throw new IllegalStateException("worker said '" + line + "' while " + prefix + " was expected");
            }
            if (!process.isAlive() && lines.isEmpty()) {
                throw new IllegalStateException("worker ended with exit " + process.exitValue() + " before " + prefix);
            }
        }
        throw new IllegalStateException("no " + prefix + " from worker within " + seconds + "s");
    }

    public void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** SIGKILL, at once; then every line it printed before dying is read. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        reader.join(5000);
    }

    /** Waits for the process to end and its output to be read; its exit value. */
    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        reader.join(5000);
        return process.exitValue();
    }

    /** Every line not yet taken. */
    public List<String> drain() {
        List<String> out = new ArrayList<>();
        lines.drainTo(out);
        return out;
    }

    public long pid() {
        return process.pid();
    }
}
