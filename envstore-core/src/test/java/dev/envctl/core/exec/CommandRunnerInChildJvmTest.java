package dev.envctl.core.exec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link CommandRunner} in a JVM of its own ({@link CommandInChildJvm}): a small heap. */
class CommandRunnerInChildJvmTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void aCommandThatPrintsWithoutEndInASmallHeapIsStillEndedAtItsTimeout() throws Exception {
        // the prober's hook: `yes` prints as fast as the pipe takes it; everything kept, a 64 MB heap lasts <1 s
        Path yes = script("yes", "exec yes yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n");

        Process child = childJvm(List.of("-Xmx64m"), "PT3S", yes.toString());

        // far above the 3 s timeout, far below "never": the old runner ran out of memory and never ended
        boolean ended = child.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly().waitFor();
        }
        assertThat(ended).as("the child JVM ended; its stderr: %s", Files.readString(dir.resolve("err.txt"))).isTrue();
        assertThat(Files.readString(dir.resolve("out.txt"))).startsWith("timed out: ")
                .contains("timed out after 3 s and was killed: yyyy");
        assertThat(Files.readString(dir.resolve("err.txt"))).doesNotContain("OutOfMemoryError");
    }

    private Process childJvm(List<String> options, String timeout, String... argv) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CommandInChildJvm.class.getName(),
                timeout));
        command.addAll(List.of(argv));
        return new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
    }

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/usr/bin/env bash\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }
}
