package dev.envctl.cli.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.HostPorts;
import dev.envctl.core.lifecycle.FieldChange;
import dev.envctl.core.lifecycle.PlannedStep;
import dev.envctl.core.lifecycle.PlannedStep.Kind;
import dev.envctl.core.spi.PlannedCommand;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PlansTest {
    private static final Environment ROW = new Environment("dev", "plug", null,
            new HostPorts(18090, 18443, 19001, 26443), 30080, Map.of(), Map.of(), DesiredState.PRESENT,
            ActualState.UNKNOWN, null, Instant.EPOCH, Instant.EPOCH, 1);

    @Test
    void aResumeWithoutCommandsOfARecordThePlanDoesNotAdoptIsDescribedAsACreateWithItsAllocation() {
        String out = dryRun(List.of(new PlannedStep(Kind.RESUME, ROW, List.of(), List.of(), null)), List.of());

        assertThat(out).doesNotContain("apply adopts it").contains("resume dev (plug)  unknown\n"
                + "  it is unknown (nothing converged it yet): apply converges it as reconcile does: a cluster of that "
                + "name that runs is adopted as it is (no provider command, no hook; the record takes the ports it "
                + "publishes); else what is left of it is deleted and it is created; an envctl process converging it "
                + "now is left to finish it\n"
                + "  subnet    none (shared network)\n"
                + "  ports     http 18090, https 18443, pf 19001, api 26443, node 30080\n")
                .doesNotContain("commands");
    }

    @Test
    void aRecordThePlanAdoptsIsDescribedAsAdoptedWithoutAnAllocation() {
        String out = dryRun(List.of(new PlannedStep(Kind.RESUME, ROW, List.of(), List.of(), null)), List.of("dev"));

        assertThat(out).contains("resume dev (plug)  unknown\n"
                + "  it is unknown (nothing converged it yet) and its plug cluster runs: apply adopts it as reconcile "
                + "does (no provider command, no hook; the record takes the ports the cluster publishes); an envctl "
                + "process converging it now is left to finish it\n").doesNotContain("ports     http");
    }

    @Test
    void aResumeWithCommandsSaysTheyCreateIt() {
        String out = dryRun(List.of(new PlannedStep(Kind.RESUME, ROW, List.of(), List.of(PlannedCommand.of(
                List.of("plug", "create", "dev"))), null)), List.of());

        assertThat(out).contains("else what is left of it is deleted and it is created with the commands below; ",
                "  ports     http 18090,", "  commands:\n    plug create dev\n").doesNotContain("apply adopts it");
    }

    @Test
    void anInPlaceUpdateOfARecordThePlanAdoptsSaysItIsAdoptedThen() {
        FieldChange label = new FieldChange("label", "team", null, "a", false);
        String out = dryRun(List.of(new PlannedStep(Kind.UPDATE, ROW, List.of(label), List.of(), null),
                new PlannedStep(Kind.RESUME, ROW, List.of(), List.of(), null)), List.of("dev"));

        assertThat(out).contains("  it is then converged, as it is unknown (nothing converged it yet) and its plug "
                + "cluster runs: apply adopts it as reconcile does");
    }

    @Test
    void aRunningRecordWhoseClusterWasStoppedOutsideEnvctlIsStartedWithoutAnAllocation() {
        Environment running = new Environment("dev", "plug", null, new HostPorts(18090, 18443, 19001, 26443), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.RUNNING, null, Instant.EPOCH, Instant.EPOCH, 1);
        String out = dryRun(List.of(new PlannedStep(Kind.RESUME, running, List.of(), List.of(), null)), List.of());

        assertThat(out).contains("resume dev (plug)  running\n  it is running, but its plug cluster is stopped "
                + "(stopped outside envctl: a cluster stop, docker stop, a Docker restart): apply starts it as "
                + "reconcile does").doesNotContain("ports     http", "subnet    ", "apply adopts it");
    }

    @Test
    void aStoppedRecordsReplacementSaysItStaysStoppedUntilItsStart() {
        Environment stopped = new Environment("dev", "plug", null, new HostPorts(18090, 18443, 19001, 26443), 30080,
                Map.of(), Map.of(), DesiredState.STOPPED, ActualState.STOPPED, null, Instant.EPOCH, Instant.EPOCH, 1);
        FieldChange http = new FieldChange("http", null, "18080", "18090", true);
        String out = dryRun(List.of(new PlannedStep(Kind.REPLACE, stopped, List.of(http), List.of(PlannedCommand.of(
                List.of("plug", "delete", "dev"))), null)), List.of());

        assertThat(out).contains("~ dev  http 18080 -> 18090  (replace)\n  it is stopped: apply deletes its old "
                + "cluster and it stays stopped; 'envctl start dev' creates the new one\n",
                "  commands:\n    plug delete dev\n");
    }

    /**
     * A record whose delete was recorded and not begun (an apply --prune or delete cut short), marked present again
     * by a file that lists it: apply keeps the cluster that runs, with no command, so the create's commands are only
     * for one that is gone.
     */
    @Test
    void aCreateOfARecordWhoseDeleteWasNotBegunSaysTheClusterThatRunsIsKept() {
        Environment running = new Environment("dev", "plug", null, new HostPorts(18090, 18443, 19001, 26443), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.RUNNING, null, Instant.EPOCH, Instant.EPOCH, 1);
        String out = dryRun(List.of(new PlannedStep(Kind.CREATE, running, List.of(), List.of(PlannedCommand.of(
                List.of("plug", "create", "dev"))), null)), List.of());

        assertThat(out).contains("create dev (plug)\n  its delete was recorded and not finished, and apply marks it "
                + "present again: it is running: apply converges it as reconcile does: a cluster of that name that "
                + "runs is kept (no provider command, no hook), a stopped one is started; one that is gone is created "
                + "with the commands below (reconcile.drift=mark-failed marks it failed instead, as the drift of a running "
                + "one)\n",
                "  commands:\n    plug create dev\n");
    }

    /** A stopped one whose cluster is gone is created whatever the drift policy, which is about running ones. */
    @Test
    void aCreateOfAStoppedRecordWhoseDeleteWasNotBegunNamesNoDriftPolicy() {
        Environment stopped = new Environment("dev", "plug", null, new HostPorts(18090, 18443, 19001, 26443), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.STOPPED, null, Instant.EPOCH, Instant.EPOCH, 1);
        String out = dryRun(List.of(new PlannedStep(Kind.CREATE, stopped, List.of(), List.of(PlannedCommand.of(
                List.of("plug", "create", "dev"))), null)), List.of());

        assertThat(out).contains("it is stopped: apply converges it as reconcile does: a cluster of that name that "
                + "runs is kept (no provider command, no hook), a stopped one is started; one that is gone is created "
                + "with the commands below\n").doesNotContain("drift");
    }

    /** One whose delete failed: its converge keeps a cluster that runs and runs the post-create hooks again. */
    @Test
    void aCreateOfARecordWhoseDeleteFailedSaysItIsConvergedAsAResume() {
        Environment failed = new Environment("dev", "plug", null, new HostPorts(18090, 18443, 19001, 26443), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.FAILED, "delete failed", Instant.EPOCH,
                Instant.EPOCH, 1);
        String out = dryRun(List.of(new PlannedStep(Kind.CREATE, failed, List.of(), List.of(PlannedCommand.of(
                List.of("plug", "create", "dev"))), null)), List.of());

        assertThat(out).contains("create dev (plug)\n  its delete was recorded and not finished, and apply marks it "
                + "present again: it is failed: apply converges it as reconcile does: a cluster of that name that "
                + "runs is kept and the post-create hooks run again");
    }

    /** A new name's create says nothing more than its allocation and commands. */
    @Test
    void aCreateOfANewNameHasNoConvergeLine() {
        String out = dryRun(List.of(new PlannedStep(Kind.CREATE, ROW, List.of(), List.of(), null)), List.of());

        assertThat(out).doesNotContain("marks it present again", "reconcile");
    }

    private static String dryRun(List<PlannedStep> steps, List<String> adopting) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = new Session(out, out, Map.of(), new GlobalOptions());

        assertThat(Plans.print(session, steps, List.of(), adopting, true)).isZero();
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
