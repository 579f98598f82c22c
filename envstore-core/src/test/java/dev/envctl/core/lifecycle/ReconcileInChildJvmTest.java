package dev.envctl.core.lifecycle;

import dev.envctl.core.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A one-shot reconcile in a JVM of its own ({@link ReconcileInChildJvm}) that gets a SIGTERM while it lists. */
class ReconcileInChildJvmTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void aSigtermThatEndsTheListingLeavesEveryRecordAsItWas() throws Exception {
        assertRecordsUnchangedBySigtermWhileListing("reconcile");
    }

    @Test
    @Timeout(180)
    void anApplyStoppedWhileItListsConvergesNothingOnTheListingsThatFollow() throws Exception {
        assertRecordsUnchangedBySigtermWhileListing("apply");
    }

    @Test
    @Timeout(180)
    void anApplyStoppedWhileItsRoundListsKeepsWhatItRecordedAndReportsNothing() throws Exception {
        Process child = ChildJvm.start(ReconcileInChildJvm.class, dir, ChildJvm.blockingCommand(dir).toString(),
                "apply-round");
        ChildJvm.sigtermOnceStarted(child, dir);

        List<String> out = Files.readAllLines(dir.resolve("out.txt"));
        assertThat(out).as("stdout; stderr: %s", Files.readString(dir.resolve("err.txt"))).hasSize(3);
        assertThat(out.get(1)).as("no outcome beside listings the stop ended")
                .isEqualTo("report: " + new ReconcileReport(List.of(), List.of()));
        assertThat(out.get(2)).as("api was recorded before the round and stays, to be converged later")
                .contains("name=api", "actualState=UNKNOWN").contains(out.get(0).substring("before: [".length(),
                        out.get(0).length() - 1));
    }

    private void assertRecordsUnchangedBySigtermWhileListing(String command) throws Exception {
        Process child = ChildJvm.start(ReconcileInChildJvm.class, dir, ChildJvm.blockingCommand(dir).toString(), command);
        ChildJvm.sigtermOnceStarted(child, dir);
        List<String> out = Files.readAllLines(dir.resolve("out.txt"));
        assertThat(out).as("stdout; stderr: %s", Files.readString(dir.resolve("err.txt"))).hasSize(3);
        assertThat(out.get(0)).startsWith("before: ").contains("name=dev", "name=web");
        assertThat(out.get(1)).as("nothing converged on a listing the stop ended")
                .isEqualTo("report: " + new ReconcileReport(List.of(), List.of()));
        assertThat(out.get(2)).as("a stop by the user is no failure of the environments")
                .isEqualTo("after: " + out.get(0).substring("before: ".length()));
    }
}
