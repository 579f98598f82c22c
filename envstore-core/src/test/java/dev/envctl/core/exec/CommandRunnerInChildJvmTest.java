package dev.envctl.core.exec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CommandRunner} in a JVM of its own ({@link CommandInChildJvm}): a small heap, and a SIGTERM to that JVM
 * alone (as {@code kill PID}, {@code timeout} or a cancelled CI job send it to envctl) while a command runs.
 */
class CommandRunnerInChildJvmTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void aCommandThatPrintsWithoutEndInASmallHeapIsStillEndedAtItsTimeout() throws Exception {
        // the prober's hook: `yes` prints as fast as the pipe takes it; everything kept, a 64 MB heap lasts <1 s
        Path yes = script("yes", "exec yes yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n");

        Process child = childJvm(List.of("-Xmx64m"), "PT3S", yes.toString());

        // far above the 3 s timeout, far below "never": the old runner ran out of memory and never ended
        boolean ended = child.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly().waitFor();
        }
        assertThat(ended).as("the child JVM ended; its stderr: %s", Files.readString(dir.resolve("err.txt"))).isTrue();
        assertThat(Files.readString(dir.resolve("out.txt"))).startsWith("timed out: ")
                .contains("timed out after 3 s and was killed: yyyy");
        assertThat(Files.readString(dir.resolve("err.txt"))).doesNotContain("OutOfMemoryError");
    }

    @Test
    @Timeout(180)
    void aSigtermToTheJvmEndsTheCommandAndTheProcessesItStarted() throws Exception {
        Path pids = dir.resolve("pids");
        // a hook that starts a child in the background and waits for it, as one running helm would
        Path parent = script("parent", "sleep 1000 & echo $! >> " + pids + "\necho $$ >> " + pids + "\nwait\n");

        List<ProcessHandle> tree = signalWhileRunning(parent, pids, 2);

        assertThat(tree).hasSizeGreaterThanOrEqualTo(2);
        assertThat(survivors(tree, pids)).as("processes left running after the JVM ended").isEmpty();
        assertThat(Files.readString(dir.resolve("out.txt"))).startsWith("stopped: " + parent
                + " was ended: envctl is stopping (SIGINT or SIGTERM)");
    }

    @Test
    @Timeout(180)
    void aSigtermToTheJvmKillsACommandThatTrapsTerm() throws Exception {
        Path pids = dir.resolve("pids");
        Path stubborn = script("stubborn", "trap 'echo got TERM >&2' TERM\necho $$ >> " + pids + "\n"
                + "while :; do sleep 1; done\n");

        List<ProcessHandle> tree = signalWhileRunning(stubborn, pids, 1);

        assertThat(survivors(tree, pids)).as("processes left running after the JVM ended").isEmpty();
    }

    /**
     * A signal to the process group (Ctrl-C, {@code kill -TERM -PGID}) reaches the tool and envctl together, and the
     * tool may end first, before the JVM has begun to stop: its exit code is the stop's, not a failure of its own.
     */
    @Test
    @Timeout(180)
    void aCommandTheSameSignalEndedBeforeTheJvmHeardOfItIsReportedAsStoppedWithTheJvm() throws Exception {
        // it dies of SIGTERM at once; its parent, the JVM, gets SIGTERM half a second later
        Path dies = script("dies", "jvm=$PPID\n(sleep 0.5; kill -TERM \"$jvm\") </dev/null >/dev/null 2>&1 &\n"
                + "kill -TERM $$\nexit 143\n");

        Process child = childJvm(List.of(), "PT10M", dies.toString());

        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the JVM ended").isTrue();
        assertThat(Files.readString(dir.resolve("out.txt"))).startsWith("stopped: " + dies
                + " was ended: envctl is stopping (SIGINT or SIGTERM)");
    }

    /** A command that exits 143 while envctl does not stop failed on its own: its exit code is kept. */
    @Test
    @Timeout(180)
    void aCommandExiting143WhileTheJvmRunsOnKeepsItsExitCode() throws Exception {
        Path exits = script("exits", "exit 143\n");

        Process child = childJvm(List.of(), "PT10M", exits.toString());

        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the JVM ended").isTrue();
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("exited 143\n");
    }

    /**
     * Runs {@code script} in a child JVM with a long timeout, waits until it wrote {@code lines} pids, sends the
     * JVM SIGTERM and waits for it to end; returns the JVM's descendants as they were before the signal.
     */
    private List<ProcessHandle> signalWhileRunning(Path script, Path pids, int lines) throws Exception {
        Process child = childJvm(List.of(), "PT10M", script.toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((!Files.exists(pids) || Files.readAllLines(pids).size() < lines) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(pids).as("the command started").exists();
            List<ProcessHandle> tree = child.descendants().toList();

            child.destroy(); // SIGTERM to the JVM alone, not to its process group

            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the JVM ended").isTrue();
            return tree;
        } finally {
            child.destroyForcibly();
        }
    }

    /** Those of {@code tree} and of the pids written to {@code pids} alive 30 s after the JVM ended. */
    private static List<ProcessHandle> survivors(List<ProcessHandle> tree, Path pids) throws Exception {
        Set<ProcessHandle> all = new LinkedHashSet<>(tree);
        Files.readAllLines(pids).forEach(pid -> ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(all::add));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (all.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        List<ProcessHandle> left = all.stream().filter(ProcessHandle::isAlive).toList();
        left.forEach(ProcessHandle::destroyForcibly); // leave nothing behind, whatever the outcome
        return left;
    }

    private Process childJvm(List<String> options, String timeout, String... argv) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CommandInChildJvm.class.getName(),
                timeout));
        command.addAll(List.of(argv));
        return new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
    }

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/usr/bin/env bash\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
