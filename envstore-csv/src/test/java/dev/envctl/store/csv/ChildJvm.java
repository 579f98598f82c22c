package dev.envctl.store.csv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A child JVM running one of this module's test mains, with its stdout lines collected as they come. */
final class ChildJvm implements AutoCloseable {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    private ChildJvm(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    seen.add(line);
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** The argv of {@code main} with {@code args}, on the given class path. */
    static List<String> command(String classPath, Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1",
                "-Xshare:auto", "-cp", classPath, main.getName()));
        cmd.addAll(args);
        return cmd;
    }

    static ChildJvm start(Class<?> main, List<String> args, Path stderr) throws IOException {
        return start(command(System.getProperty("java.class.path"), main, args), stderr);
    }

    static ChildJvm start(List<String> command, Path stderr) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
        return new ChildJvm(pb.start());
    }

    /** The next stdout line, waiting at most {@code seconds}; null at the end of output or on timeout. */
    String nextLine(int seconds) throws InterruptedException {
        return lines.poll(seconds, TimeUnit.SECONDS);
    }

    /** Waits for the process to end and its output to be read; returns the exit value. */
    int await(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child did not finish in " + seconds + " s");
        }
        reader.join(TimeUnit.SECONDS.toMillis(seconds));
        return process.exitValue();
    }

    /** Sends SIGKILL and waits for the process and its output to end. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        reader.join(10_000);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
