package dev.envctl.core.exec;

import dev.envctl.core.testing.ChildJvm;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The main of a child JVM for {@link CommandRunnerInChildJvmTest}: runs argv (after the timeout, an ISO-8601
 * duration) with {@link CommandRunner} and prints how it ended on one line. Like {@code reconcile --watch}, its
 * shutdown waits (30 s at most) for that line, so a test that signals it reads what the command's caller got.
 */
public final class CommandInChildJvm {
    private CommandInChildJvm() {
    }

    public static void main(String[] args) {
        CountDownLatch done = ChildJvm.holdShutdown();
        Duration timeout = Duration.parse(args[0]);
        List<String> argv = Arrays.asList(args).subList(1, args.length);
        try {
            CommandResult r = new CommandRunner().run(CommandSpec.of(argv, timeout), null);
            System.out.println("exited " + r.exitCode());
        } catch (CommandFailedException e) {
            System.out.println((e.timedOut() ? "timed out: " : e.stopped() ? "stopped: " : "failed: ")
                    + e.getMessage());
        } finally {
            System.out.flush();
            done.countDown();
        }
    }
}
