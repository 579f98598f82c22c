package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.exec.CommandRunner;
import dev.envctl.core.exec.CommandSpec;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.ChildJvm;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The main of a child JVM for {@link ReconcileInChildJvmTest}: one reconcile (or, with {@code args[1]} {@code apply}
 * or {@code apply-round}, an apply of a file that lists them as they are, and a new {@code api}) of records
 * {@code dev} ({@code unknown}) and {@code web}
 * ({@code creating}) whose listing first runs the command {@code args[0]} names, as k3d's listing
 * does. It prints the records before the reconcile, what the reconcile returned or threw, and the records after.
 * Its shutdown waits (30 s at most) for those lines, as the CLI's waits for a command to record where it left.
 */
public final class ReconcileInChildJvm {
    private ReconcileInChildJvm() {
    }

    /** What an apply file gives for {@code e} as it is recorded: the apply only resumes it. */
    private static EnvironmentSpec spec(Environment e) {
        return EnvironmentSpec.of(e.name(), e.provider()).withPorts(e.ports()).withSubnet(SubnetRequest.of(e.subnet()))
                .withLabels(e.labels()).withNodePort(e.nodePort());
    }

    public static void main(String[] args) {
        CountDownLatch done = ChildJvm.holdShutdown();
        Fixture f = new Fixture();
        Environment dev = f.leave("dev", 1, DesiredState.PRESENT, ActualState.UNKNOWN);
        Environment web = f.leave("web", 2, DesiredState.PRESENT, ActualState.CREATING);
        Environment ok = f.leave("ok", 3, DesiredState.PRESENT, ActualState.RUNNING); // an apply leaves it unchanged
        f.k3d.putCluster("ok", true);
        CommandSpec listing = CommandSpec.of(List.of(args[0]), Duration.ofMinutes(10));
        Runnable block = () -> new CommandRunner().runChecked(listing, null);
        String command = args.length > 1 ? args[1] : "reconcile";
        // apply-round: the plan's listing answers, the round's is the one the signal ends
        f.k3d.duringNextList(command.equals("apply-round") ? () -> f.k3d.duringNextList(block) : block);
        try {
            System.out.println("before: " + f.store.list(EnvironmentFilter.ALL));
            try {
                System.out.println("report: " + (command.startsWith("apply")
                        ? f.engine().apply(List.of(spec(dev), spec(web), spec(ok), Fixture.spec("api")), false, false,
                        ProgressListener.NONE)
                        : f.engine().reconcile(List.of(), ProgressListener.NONE)));
            } catch (RuntimeException e) {
                System.out.println("threw: " + e);
            }
            System.out.println("after: " + f.store.list(EnvironmentFilter.ALL));
        } finally {
            System.out.flush();
            done.countDown();
        }
    }
}
