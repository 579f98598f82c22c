package dev.envctl.core.lifecycle;

import dev.envctl.core.exec.CommandRunner;
import dev.envctl.core.exec.CommandSpec;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.ChildJvm;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The main of a child JVM for {@link WatchInChildJvmTest}: watches a record {@code dev} and a cluster {@code orphan}
 * without a record; from the second round on, each listing first runs the command {@code args[0]} names, as k3d's
 * listing does. It prints one line per delivered round and one when the watch returns. Its stop flag is never set
 * (a caller whose own signal handler has not run yet), and its shutdown waits (30 s at most) for the watch to
 * return, as {@code reconcile --watch} does.
 */
public final class WatchInChildJvm {
    private WatchInChildJvm() {
    }

    public static void main(String[] args) {
        CountDownLatch done = ChildJvm.holdShutdown();
        Fixture f = new Fixture();
        f.store.create(Fixture.spec("dev"), f.allocator);
        f.k3d.putCluster("orphan", true);
        CommandSpec listing = CommandSpec.of(List.of(args[0]), Duration.ofMinutes(10));
        try {
            f.engine().watch(Duration.ofMillis(100), new AtomicBoolean(), ProgressListener.NONE, report -> {
                System.out.println("round: " + report);
                System.out.flush();
                f.k3d.duringNextList(() -> new CommandRunner().runChecked(listing, null));
            });
            System.out.println("watch returned");
        } finally {
            System.out.flush();
            done.countDown();
        }
    }
}
