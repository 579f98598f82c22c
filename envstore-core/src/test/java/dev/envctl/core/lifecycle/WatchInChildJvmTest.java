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

/** A watch in a JVM of its own ({@link WatchInChildJvm}) that gets a SIGTERM while a round lists clusters. */
class WatchInChildJvmTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void aSigtermThatEndsAListingInFlightDeliversNothingOfThatRoundAndEndsTheWatch() throws Exception {
        Path listing = dir.resolve("listing");
        Path started = dir.resolve("started");
        Files.writeString(listing, "#!/usr/bin/env bash\ntouch " + started + "\nexec sleep 1000\n");
        Files.setPosixFilePermissions(listing, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), WatchInChildJvm.class.getName(), listing.toString())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(started) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(started).as("the second round's listing started").exists();

            child.destroy(); // SIGTERM: the JVM's shutdown ends the listing before any stop flag is set

            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the JVM ended").isTrue();
        } finally {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
        }
        List<String> out = Files.readAllLines(dir.resolve("out.txt"));
        // the first round only: not one whose listing the signal ended (no unmanaged cluster, dev failing)
        assertThat(out).as("stdout; stderr: %s", Files.readString(dir.resolve("err.txt"))).hasSize(2);
        assertThat(out.get(0)).startsWith("round: ").contains("name=dev", "name=orphan");
        assertThat(out.get(1)).isEqualTo("watch returned");
    }
}
