package dev.envctl.core.exec;

import dev.envctl.core.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandRunnerTest {
    private final CommandRunner runner = new CommandRunner();

    private static Path script(Path dir, String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/usr/bin/env bash\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void aCommandWithoutInheritedVariablesOfAPrefixStillGetsItsOwn(@TempDir Path dir) throws IOException {
        Path env = script(dir, "env", "env\n");
        assertThat(System.getenv("HOME")).as("this test needs HOME in the test process").isNotNull();

        CommandResult r = runner.runChecked(CommandSpec.of(List.of(env.toString()), Duration.ofSeconds(20))
                .withEnvironment(Map.of("HOMEWARD", "own")).withoutInherited("HOME"), null);

        assertThat(r.stdout()).contains("HOMEWARD=own").noneMatch(l -> l.startsWith("HOME="));
        assertThat(runner.runChecked(CommandSpec.of(List.of(env.toString()), Duration.ofSeconds(20)), null).stdout())
                .anyMatch(l -> l.startsWith("HOME="));
    }

    @Test
    void passesArgvVerbatimWithoutAShell(@TempDir Path dir) throws IOException {
        Path echo = script(dir, "args", "for a in \"$@\"; do printf '<%s>\\n' \"$a\"; done\n");
        List<String> args = List.of(echo.toString(), "a b", "$(touch " + dir.resolve("pwned") + ")", "'q\"",
                "; rm -rf /", "--flag", "");

        CommandResult r = runner.runChecked(CommandSpec.of(args, Duration.ofSeconds(20)), null);

        assertThat(r.stdout()).containsExactly("<a b>", "<$(touch " + dir.resolve("pwned") + ")>", "<'q\">",
                "<; rm -rf />", "<--flag>", "<>");
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void feedsStdinAndExtraEnvironmentAndStreamsLines(@TempDir Path dir) throws IOException {
        Path cat = script(dir, "cat", "echo \"env=$ENVCTL_X\"; cat; echo oops >&2\n");
        List<String> seen = Collections.synchronizedList(new ArrayList<>());

        CommandResult r = runner.run(CommandSpec.of(List.of(cat.toString()), Duration.ofSeconds(20))
                .withEnvironment(Map.of("ENVCTL_X", "1; $(id)")).withStdin("line1\nline2\n"),
                (line, err) -> seen.add((err ? "err:" : "out:") + line));

        assertThat(r.stdout()).containsExactly("env=1; $(id)", "line1", "line2");
        assertThat(r.stderr()).containsExactly("oops");
        assertThat(seen).contains("out:line2", "err:oops");
    }

    @Test
    void blankStderrLinesMakeNoEmptySegmentsAndTakeNoPlaceInTheTail(@TempDir Path dir) throws IOException {
        Path fail = script(dir, "fail",
                "printf 'one\\ntwo\\nERROR: what\\n\\ncause\\n  \\nmore\\n\\nhint\\n\\n' >&2; exit 1\n");

        assertThatThrownBy(() -> runner.runChecked(CommandSpec.of(List.of(fail.toString()), Duration.ofSeconds(20)),
                null))
                .hasMessageEndingWith("failed with exit code 1: two | ERROR: what | cause | more | hint")
                .satisfies(e -> assertThat(((CommandFailedException) e).stderrTail())
                        .isEqualTo("two | ERROR: what | cause | more | hint"));
    }

    @Test
    void nonZeroExitIsAFailureCarryingTheStderrTail(@TempDir Path dir) throws IOException {
        Path fail = script(dir, "fail", "echo progress; echo 'ERROR: first' >&2; echo 'ERROR: boom' >&2; exit 3\n");

        assertThatThrownBy(() -> runner.runChecked(CommandSpec.of(List.of(fail.toString(), "x"),
                Duration.ofSeconds(20)), null))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("exit code 3").hasMessageContaining("ERROR: first | ERROR: boom")
                .satisfies(e -> {
                    CommandFailedException c = (CommandFailedException) e;
                    assertThat(c.exitValue()).isEqualTo(3);
                    assertThat(c.argv()).containsExactly(fail.toString(), "x");
                    assertThat(c.code()).isEqualTo(ErrorCode.PROVIDER_FAILED);
                    assertThat(c.timedOut()).isFalse();
                });
        assertThat(runner.run(CommandSpec.of(List.of(fail.toString()), Duration.ofSeconds(20)), null).exitCode())
                .isEqualTo(3);
    }

    @Test
    void aHangIsKilledAtTheTimeout(@TempDir Path dir) throws IOException {
        Path hang = script(dir, "hang", "echo started; exec sleep 600\n");

        assertThatThrownBy(() -> runner.run(CommandSpec.of(List.of(hang.toString()), Duration.ofMillis(500)), null))
                .isInstanceOf(CommandFailedException.class).hasMessageContaining("timed out")
                .satisfies(e -> assertThat(((CommandFailedException) e).timedOut()).isTrue());
    }

    /**
     * An embedder cancels work by interrupting the thread that runs it (Future.cancel(true), a test's timeout):
     * the command is ended, and the run says so and keeps the interrupt, rather than clearing it and reporting
     * the made-up exit code -559038737 as the tool's own failure.
     */
    @Test
    @Timeout(60)
    void anInterruptOfTheRunningThreadEndsTheCommandAndKeepsTheInterrupt(@TempDir Path dir) throws Exception {
        Path hang = script(dir, "hang", "echo started; exec sleep 600\n");
        AtomicReference<Object> ended = new AtomicReference<>();
        AtomicBoolean keptInterrupt = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                ended.set(runner.run(CommandSpec.of(List.of(hang.toString()), Duration.ofSeconds(600)),
                        (line, stderr) -> started.countDown()));
            } catch (RuntimeException e) {
                ended.set(e);
            }
            keptInterrupt.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        started.await();
        t.interrupt();
        t.join();

        assertThat(ended.get()).isInstanceOfSatisfying(CommandFailedException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED);
            assertThat(e.getMessage()).contains("interrupted");
            assertThat(e.exitValue()).isEqualTo(-1);
        });
        assertThat(keptInterrupt).isTrue();
    }

    /**
     * An interrupt ends what the command started too, as its timeout does: Commons Exec destroyed only the command
     * itself, so a hook script's child (a helm install it waits for) ran on as an orphan, and the run waited some 8 s
     * more for the output that child still held.
     */
    @Test
    @Timeout(120)
    void anInterruptOfTheRunningThreadAlsoEndsTheProcessesTheCommandStartedAtOnce(@TempDir Path dir)
            throws Exception {
        Path pids = dir.resolve("pids");
        Path parent = script(dir, "parent", "sleep 600 & echo $! >> " + pids + "\n"
                + "bash -c 'echo $$ >> " + pids + "; exec sleep 600'\n");
        AtomicReference<Object> ended = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                ended.set(runner.run(CommandSpec.of(List.of(parent.toString()), Duration.ofSeconds(600)), null));
            } catch (RuntimeException e) {
                ended.set(e);
            }
        });
        t.start();
        while (!Files.exists(pids) || Files.readAllLines(pids).size() < 2) {
            Thread.sleep(10);
        }
        long interrupted = System.nanoTime();
        t.interrupt();
        t.join();

        assertThat(Duration.ofNanos(System.nanoTime() - interrupted)).isLessThan(Duration.ofSeconds(3));
        assertThat(ended.get()).isInstanceOfSatisfying(CommandFailedException.class,
                e -> assertThat(e.getMessage()).contains("interrupted"));
        List<Long> children = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (children.stream().anyMatch(this::alive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(children).noneMatch(this::alive);
    }

    @Test
    @Timeout(120)
    void aCommandThatIgnoresTheTimeoutsSigtermIsKilledAfterTheGrace(@TempDir Path dir) throws IOException {
        Path stubborn = script(dir, "stubborn", "trap '' TERM INT\necho started\nwhile :; do sleep 1; done\n");
        long start = System.nanoTime();

        assertThatThrownBy(() -> runner.run(CommandSpec.of(List.of(stubborn.toString()), Duration.ofMillis(500)),
                null)).isInstanceOf(CommandFailedException.class).hasMessageContaining("timed out");
        // the loop runs forever unless killed; the bound is far above timeout + grace, far below "never"
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    @Timeout(120)
    void theTimeoutAlsoEndsTheProcessesTheCommandStarted(@TempDir Path dir) throws Exception {
        Path pids = dir.resolve("pids");
        // a child in the background and one the script waits for, as a hook running helm would
        Path parent = script(dir, "parent", "sleep 600 & echo $! >> " + pids + "\n"
                + "bash -c 'echo $$ >> " + pids + "; exec sleep 600'\n");

        assertThatThrownBy(() -> runner.run(CommandSpec.of(List.of(parent.toString()), Duration.ofMillis(1500)),
                null)).isInstanceOf(CommandFailedException.class).hasMessageContaining("timed out");

        List<Long> children = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
        assertThat(children).hasSize(2);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (children.stream().anyMatch(this::alive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(children).noneMatch(this::alive);
    }

    @Test
    @Timeout(120)
    void aCommandThatExitsLeavingABackgroundChildOnItsOutputKeepsItsExitCode(@TempDir Path dir) throws Exception {
        Path pids = dir.resolve("pids");
        // as a hook starting `kubectl port-forward &`: the child keeps the output pipes open after the script exits
        Path parent = script(dir, "parent", "sleep 60 & echo $! >> " + pids + "\necho started\nexit 0\n");
        try {
            for (int round = 0; round < 2; round++) {
                CommandResult r = runner.run(CommandSpec.of(List.of(parent.toString()), Duration.ofSeconds(60)), null);

                assertThat(r.exitCode()).isZero();
                assertThat(r.stdout()).containsExactly("started");
            }
        } finally {
            Files.readAllLines(pids).forEach(pid -> ProcessHandle.of(Long.parseLong(pid)).ifPresent(
                    ProcessHandle::destroy));
        }
    }

    @Test
    @Timeout(120)
    void aCommandThatPrintsALotKeepsOnlyTheLastLinesAndRefusesToHandOutACutStdout(@TempDir Path dir)
            throws IOException {
        // three times the lines kept on stderr, then a last word; on stdout one line five times the characters kept
        Path flood = script(dir, "flood", "yes eeee | head -n " + 3 * KeptLines.MAX_LINES + " >&2\n"
                + "echo 'last words' >&2\n"
                + "head -c " + 5L * KeptLines.MAX_CHARS + " /dev/zero | tr '\\0' x\n"
                + "exit 2\n");

        CommandResult r = runner.run(CommandSpec.of(List.of(flood.toString()), Duration.ofSeconds(60)), null);

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).hasSize(KeptLines.MAX_LINES).endsWith("eeee", "last words");
        assertThat(r.stderrLinesLeftOut()).isEqualTo(2L * KeptLines.MAX_LINES + 1);
        assertThat(r.stdoutLinesLeftOut()).isPositive();
        assertThat(r.stdoutTail(1).length()).isLessThanOrEqualTo(KeptLines.MAX_CHARS);
        assertThatThrownBy(r::stdout).isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("its stdout was cut").hasMessageNotContaining("\n");
        assertThatThrownBy(r::stdoutText).isInstanceOf(CommandFailedException.class);
        assertThatThrownBy(() -> runner.runChecked(CommandSpec.of(List.of(flood.toString()), Duration.ofSeconds(60)),
                null)).hasMessageEndingWith("exit code 2: eeee | eeee | eeee | eeee | last words");
    }

    @Test
    void linesEndAtLfCrOrCrlfAndALastLineNeedsNoEnd(@TempDir Path dir) throws IOException {
        Path lines = script(dir, "lines", "printf 'a\\r\\nb\\rc\\n\\nd'\n");

        assertThat(runner.runChecked(CommandSpec.of(List.of(lines.toString()), Duration.ofSeconds(20)), null)
                .stdout()).containsExactly("a", "b", "c", "", "d");
    }

    /**
     * A CR right after a line end returns to a column where the carriage already is (a tool redrawing its progress
     * line after a newline): it ends no line of its own, where it made a blank line in errors and logs. An empty line
     * still counts where a terminal shows one, a LF after that CR included.
     */
    @Test
    void aCrAfterALineEndMakesNoBlankLine(@TempDir Path dir) throws IOException {
        Path lines = script(dir, "lines", "printf '\\ra\\n\\rb\\r\\rc\\r\\n\\r\\nd\\n\\r\\r\\ne\\n\\r'\n");

        assertThat(runner.runChecked(CommandSpec.of(List.of(lines.toString()), Duration.ofSeconds(20)), null)
                .stdout()).containsExactly("a", "b", "c", "", "d", "", "e");
    }

    private boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void aMissingExecutableIsAProviderFailure(@TempDir Path dir) {
        assertThatThrownBy(() -> runner.run(CommandSpec.of(List.of(dir.resolve("nope").toString()),
                Duration.ofSeconds(5)), null))
                .isInstanceOf(CommandFailedException.class).hasMessageContaining("could not run");
    }

    @Test
    void findsExecutablesOnAGivenPath(@TempDir Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = script(bin, "k3d", "exit 0\n");
        Files.writeString(dir.resolve("notexec"), "x");

        assertThat(Executables.find("k3d", "/nonexistent:" + bin)).contains(tool);
        assertThat(Executables.find("k3d", "/nonexistent")).isEmpty();
        assertThat(Executables.find(tool.toString(), null)).contains(tool);
        assertThat(Executables.find(dir.resolve("notexec").toString(), null)).isEmpty();
    }

    @Test
    void outputKeptOutOfTheLogStillReachesTheResult(@TempDir Path dir) throws IOException {
        Path secret = script(dir, "secret", "echo 'K3S_TOKEN=abc'\n");
        CommandSpec spec = CommandSpec.of(List.of(secret.toString()), Duration.ofSeconds(20)).withoutOutputLogging();

        assertThat(spec.logOutput()).isFalse();
        assertThat(spec.withStdin("x").logOutput()).isFalse();
        assertThat(CommandSpec.of(List.of("x"), Duration.ofSeconds(1)).logOutput()).isTrue();
        assertThat(runner.runChecked(spec, null).stdout()).containsExactly("K3S_TOKEN=abc");
    }
}
