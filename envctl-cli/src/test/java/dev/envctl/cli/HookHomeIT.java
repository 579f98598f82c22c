package dev.envctl.cli;

import dev.envctl.cli.Workspace.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exec hook's default folder is under {@code $HOME} (as a shell user means it), not under Java's
 * {@code user.home}, which comes from the password database: the workspace's HOME is a temporary folder.
 */
class HookHomeIT {
    @TempDir
    Path tmp;

    @Test
    void theDefaultHookFolderIsUnderHome() throws Exception {
        Workspace ws = new Workspace(tmp);
        Path log = tmp.resolve("hook.log");
        Path script = ws.home.resolve(".config/envctl/hooks/post-create.d/10-log");
        Workspace.write(script, "#!/bin/sh\necho \"$ENVCTL_PHASE $1\" >> " + log + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "hooks.enabled=exec\n");
        assertThat(ws.home.toString()).isNotEqualTo(System.getProperty("user.home"));

        Result r = ws.run("create", "dev");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readAllLines(log)).containsExactly("post-create dev");
    }
}
