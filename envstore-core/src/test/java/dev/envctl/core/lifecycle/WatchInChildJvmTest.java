package dev.envctl.core.lifecycle;

import dev.envctl.core.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A watch in a JVM of its own ({@link WatchInChildJvm}) that gets a SIGTERM while a round lists clusters. */
class WatchInChildJvmTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void aSigtermThatEndsAListingInFlightDeliversNothingOfThatRoundAndEndsTheWatch() throws Exception {
        Process child = ChildJvm.start(WatchInChildJvm.class, dir, ChildJvm.blockingCommand(dir).toString());
        ChildJvm.sigtermOnceStarted(child, dir);
        List<String> out = Files.readAllLines(dir.resolve("out.txt"));
        // the first round only: not one whose listing the signal ended (no unmanaged cluster, dev failing)
        assertThat(out).as("stdout; stderr: %s", Files.readString(dir.resolve("err.txt"))).hasSize(2);
        assertThat(out.get(0)).startsWith("round: ").contains("name=dev", "name=orphan");
        assertThat(out.get(1)).isEqualTo("watch returned");
    }
}
