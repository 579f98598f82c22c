package dev.envctl.core.provider;

import dev.envctl.core.exec.CommandResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ToolRunnerTest {
    @Test
    void aToolGetsTheGivenEnvironmentButNeverTheStorePassword(@TempDir Path dir) throws IOException {
        Path env = Files.writeString(dir.resolve("printenv-all"), "#!/bin/sh\nenv\n");
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rwxr-xr-x"));
        ToolRunner tools = new ToolRunner(Map.of("PATH", dir + ":/usr/bin:/bin", "KEPT", "yes",
                "ENVCTL_DB_PASSWORD", "s3cret", "PGPASSWORD", "s3cret"));

        CommandResult r = tools.runChecked(List.of(tools.display("printenv-all")), Map.of("EXTRA", "too"), null,
                Duration.ofSeconds(20), "dev", null);

        assertThat(r.stdout()).contains("KEPT=yes", "EXTRA=too")
                .noneMatch(l -> l.startsWith("ENVCTL_DB_PASSWORD=") || l.startsWith("PGPASSWORD="));
        assertThat(r.stdoutText()).doesNotContain("s3cret");
    }

    @Test
    void aToolSeesExactlyTheGivenEnvironmentNothingOfThisProcess(@TempDir Path dir) throws IOException {
        Path env = Files.writeString(dir.resolve("printenv-all"), "#!/bin/sh\nenv\n");
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rwxr-xr-x"));
        // this JVM has PATH, HOME and more: a tool must not see those the caller's map leaves out (an embedder's
        // DOCKER_HOST would send k3d to another daemon than the one the record names)
        assertThat(System.getenv()).containsKey("PATH");
        ToolRunner tools = new ToolRunner(Map.of("PATH", dir + ":/usr/bin:/bin", "KEPT", "yes"));

        CommandResult r = tools.runChecked(List.of(tools.display("printenv-all")), Map.of("EXTRA", "too"), null,
                Duration.ofSeconds(20), "dev", null);

        assertThat(r.stdout()).filteredOn(l -> !l.startsWith("PWD=") && !l.startsWith("SHLVL=") && !l.startsWith("_="))
                .containsExactlyInAnyOrder("PATH=" + dir + ":/usr/bin:/bin", "KEPT=yes", "EXTRA=too");
    }
}
