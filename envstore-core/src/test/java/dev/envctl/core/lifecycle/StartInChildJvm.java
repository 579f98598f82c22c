package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.exec.CommandRunner;
import dev.envctl.core.exec.CommandSpec;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.ChildJvm;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The main of a child JVM for {@link StartInChildJvmTest}: a {@code start} of the stopped environment {@code dev}
 * whose provider's start runs the command {@code args[0]} names, as k3d's start does (with {@code args[1]}
 * {@code lacking-nodes}: whose cluster lacks its server node, and whose provider's delete of what is left runs that
 * command). It prints what the start
 * returned or threw and the record after it. Its shutdown waits (30 s at most) for those lines, as the CLI's waits
 * for a command to record where it left.
 */
public final class StartInChildJvm {
    private StartInChildJvm() {
    }

    public static void main(String[] args) {
        CountDownLatch done = ChildJvm.holdShutdown();
        Fixture f = new Fixture();
        f.leave("dev", 1, DesiredState.STOPPED, ActualState.STOPPED);
        f.k3d.putCluster("dev", false);
        CommandSpec tool = CommandSpec.of(List.of(args[0]), Duration.ofMinutes(10));
        AtomicBoolean first = new AtomicBoolean(true);
        Consumer<Environment> blocking = e -> {
            if (first.getAndSet(false)) {
                new CommandRunner().runChecked(tool, null); // ended by the SIGTERM
            }
        };
        if (args.length > 1 && args[1].equals("lacking-nodes")) {
            // its server node was removed while it was stopped: the start deletes what is left, then creates it
            f.k3d.removeNodes("dev", 0, 0);
            f.k3d.duringDelete(blocking);
        } else {
            f.k3d.duringStopOrStart(blocking);
        }
        LifecycleEngine engine = f.engine();
        try {
            try {
                System.out.println("started: " + engine.start("dev", ProgressListener.NONE));
            } catch (RuntimeException e) {
                System.out.println("threw: " + e);
            }
            System.out.println("after: " + f.store.get("dev"));
        } finally {
            System.out.flush();
            done.countDown();
        }
    }
}
