package dev.envctl.core.exec;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The main of a child JVM for {@link CommandRunnerInChildJvmTest}: runs argv (after the timeout, an ISO-8601
 * duration) with {@link CommandRunner} and prints how it ended on one line.
 */
public final class CommandInChildJvm {
    private CommandInChildJvm() {
    }

    public static void main(String[] args) {
        Duration timeout = Duration.parse(args[0]);
        List<String> argv = Arrays.asList(args).subList(1, args.length);
        try {
            CommandResult r = new CommandRunner().run(CommandSpec.of(argv, timeout), null);
            System.out.println("exited " + r.exitCode());
        } catch (CommandFailedException e) {
            System.out.println((e.timedOut() ? "timed out: " : "failed: ") + e.getMessage());
        }
    }
}
