package dev.envctl.core.lifecycle;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    private void assertRecordsUnchangedBySigtermWhileListing(String command) throws Exception {
        Path listing = dir.resolve("listing");
        Path started = dir.resolve("started");
        Files.writeString(listing, "#!/usr/bin/env bash\ntouch " + started + "\nexec sleep 1000\n");
        Files.setPosixFilePermissions(listing, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), ReconcileInChildJvm.class.getName(), listing.toString(),
                command)
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(started) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(started).as("the listing started").exists();

            child.destroy(); // SIGTERM: the JVM's shutdown ends the listing

            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the JVM ended").isTrue();
        } finally {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
        }
        List<String> out = Files.readAllLines(dir.resolve("out.txt"));
        assertThat(out).as("stdout; stderr: %s", Files.readString(dir.resolve("err.txt"))).hasSize(3);
        assertThat(out.get(0)).startsWith("before: ").contains("name=dev", "name=web");
        assertThat(out.get(1)).as("nothing converged on a listing the stop ended")
                .isEqualTo("report: " + new ReconcileReport(List.of(), List.of()));
        assertThat(out.get(2)).as("a stop by the user is no failure of the environments")
                .isEqualTo("after: " + out.get(0).substring("before: ".length()));
    }
}
