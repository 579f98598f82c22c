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

    /**
     * Settings of a hook that hooks.enabled does not name: the hook does not run, and a command that would run hooks
     * says so in one warning naming the keys, the file and the fix (before, it ran no hook without a word).
     */
    @Test
    void settingsOfAHookThatIsNotEnabledAreAWarningWhereHooksWouldRun() throws Exception {
        Workspace ws = new Workspace(tmp);
        Path log = tmp.resolve("hook.log");
        Path script = tmp.resolve("hooks/post-create.d/10-log");
        Workspace.write(script, "#!/bin/sh\necho \"$ENVCTL_PHASE $1\" >> " + log + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = Workspace.write(ws.home.resolve(".envctl/config.properties"), "hook.exec.dir=" + tmp.resolve("hooks")
                + "\nhook.exec.timeout=30s\n");

        Result r = ws.run("create", "dev", "-o", "json");
        Result list = ws.run("list");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(log).doesNotExist();
        assertThat(r.errLines()).as(r.toString()).filteredOn(l -> l.startsWith("envctl: ")).containsExactly(
                "envctl: warning: config keys hook.exec.dir, hook.exec.timeout in " + config + " are set, but "
                        + "hooks.enabled does not name exec, so the exec hook does not run; add exec to hooks.enabled "
                        + "(hooks.enabled=exec), or remove those settings");
        assertThat(list.err()).as(list.toString()).isEmpty();
        assertThat(ws.ok("-q", "delete", "dev").err()).isEmpty();

        Workspace.write(config, "hooks.enabled=exec\nhook.exec.dir=" + tmp.resolve("hooks") + "\n");
        Result enabled = ws.run("create", "web");
        assertThat(enabled.err()).as(enabled.toString()).doesNotContain("warning");
        assertThat(Files.readAllLines(log)).containsExactly("post-create web");
    }
}
