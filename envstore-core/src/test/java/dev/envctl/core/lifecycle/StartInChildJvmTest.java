package dev.envctl.core.lifecycle;

import dev.envctl.core.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A {@code start} in a JVM of its own ({@link StartInChildJvm}) that gets a SIGTERM while its tool runs. */
class StartInChildJvmTest {
    @TempDir
    Path dir;

    /**
     * The CLI's line for a start cut short by a signal says that the record keeps what was asked and that a reconcile
     * finishes the start: the record stays desired present and stopped, as a crash would leave it (which a reconcile
     * starts), not desired stopped and failed as a start the tool failed leaves it (which a reconcile stops).
     */
    @Test
    @Timeout(180)
    void aStartCutShortBySigtermKeepsTheRecordDesiredPresentForTheReconcileToFinish() throws Exception {
        assertThat(startCutShort()).as("what the start was asked for is kept")
                .contains("desiredState=PRESENT", "actualState=STOPPED");
    }

    /**
     * The same for a start whose cluster lacks nodes, cut short while it deletes what is left: desired present (and
     * failed, as a start whose delete failed), so that the reconcile makes the cluster, where desired stopped would
     * have it stop what is left.
     */
    @Test
    @Timeout(180)
    void aStartCutShortWhileItRemovesWhatIsLeftOfItsClusterKeepsTheRecordDesiredPresent() throws Exception {
        assertThat(startCutShort("lacking-nodes")).as("what the start was asked for is kept")
                .contains("desiredState=PRESENT");
    }

    /** The record line the child printed after its start got the SIGTERM. */
    private String startCutShort(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(ChildJvm.blockingCommand(dir).toString()));
        argv.addAll(List.of(args));
        Process child = ChildJvm.start(StartInChildJvm.class, dir, argv.toArray(String[]::new));
        ChildJvm.sigtermOnceStarted(child, dir);

        List<String> out = Files.readAllLines(dir.resolve("out.txt"));
        assertThat(out).as("stdout; stderr: %s", Files.readString(dir.resolve("err.txt"))).hasSize(2);
        return out.get(1);
    }
}
