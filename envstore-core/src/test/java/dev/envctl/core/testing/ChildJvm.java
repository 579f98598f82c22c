package dev.envctl.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A main of the test classes run in a JVM of its own, so that a test can send it a real signal and read what it
 * printed: its side ({@link #holdShutdown}) and the test's ({@link #start}, {@link #blockingCommand},
 * {@link #sigtermOnceStarted}).
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * For the child's main: a latch its JVM's shutdown waits on (30 s at most), as the CLI's waits for a command to
     * record where it left; count it down once the main has printed what the test reads.
     */
    public static CountDownLatch holdShutdown() {
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                done.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        return done;
    }

    /** Starts {@code main} with {@code args} on this JVM's class path, its stdout in dir/out.txt, stderr in dir/err.txt. */
    public static Process start(Class<?> main, Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
    }

    /** An executable dir/listing that creates dir/started, then sleeps: a tool call that is in flight until ended. */
    public static Path blockingCommand(Path dir) throws IOException {
        Path command = dir.resolve("listing");
        Files.writeString(command, "#!/usr/bin/env bash\ntouch " + dir.resolve("started") + "\nexec sleep 1000\n");
        Files.setPosixFilePermissions(command, PosixFilePermissions.fromString("rwxr-xr-x"));
        return command;
    }

    /**
     * Sends {@code child} a SIGTERM once the {@link #blockingCommand} of {@code dir} has started (60 s at most) and
     * waits for its JVM to end (60 s at most); whatever is left of it is then killed.
     */
    public static void sigtermOnceStarted(Process child, Path dir) throws InterruptedException {
        Path started = dir.resolve("started");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(started) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(started).as("the blocking command started").exists();

            child.destroy(); // SIGTERM: the JVM's shutdown ends the command in flight

            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the JVM ended").isTrue();
        } finally {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
        }
    }
}
