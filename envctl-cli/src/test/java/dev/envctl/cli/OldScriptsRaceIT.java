package dev.envctl.cli;

import dev.envctl.cli.Workspace.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged CLI on the CSV store while a writer without envctl's lock (the Kindler scripts, here a
 * {@code sed} or {@code cp} the stand-in k3d runs mid-create or mid-delete) changes the same file.
 */
class OldScriptsRaceIT {
    @TempDir
    Path tmp;
    Workspace ws;

    @BeforeEach
    void setUp() {
        ws = new Workspace(tmp);
    }

    private void duringCreate(String command) throws IOException {
        Files.writeString(ws.state.resolve("k3d-run-during-create"), command);
    }

    @Test
    void aRecordDeletedWhileItsClusterIsCreatedFailsTheCreateWithAConflictAndLeavesNoCluster() throws IOException {
        ws.run("list");
        duringCreate("sed -i '/^race3,/d' '" + ws.defaultStore() + "'");

        Result r = ws.run("create", "race3");

        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.err()).as(r.toString()).contains("environment 'race3' was deleted by another writer while its "
                + "k3d cluster was being created; the cluster was removed again");
        assertThat(ws.state.resolve("k3d/race3")).doesNotExist();
        assertThat(ws.run("get", "race3").exit()).isEqualTo(3);
    }

    @Test
    void aDeleteAnOldCopyOfTheFileUndoesIsNotReportedAsPendingButAsAConflict() throws IOException {
        assertThat(ws.run("create", "web").exit()).isZero();
        Path copy = tmp.resolve("copy.csv");
        Files.copy(ws.defaultStore(), copy);
        // delete_env.sh writing the file back from the copy it read before envctl's delete
        Files.writeString(ws.state.resolve("k3d-run-during-delete"), "cp '" + copy + "' '" + ws.defaultStore() + "'");

        Result r = ws.run("delete", "web");

        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.out()).doesNotContain("another envctl process");
        assertThat(r.err()).as(r.toString()).contains("the delete of environment 'web' was undone by another writer",
                "desired present", "delete it again");
        assertThat(r.err()).doesNotContain("creating k3d cluster web");
        assertThat(ws.state.resolve("k3d/web")).doesNotExist();
    }

    @Test
    void portsAnOldScriptWritesWhileTheClusterIsCreatedAreOverriddenWithAWarningAndNotHandedOutAgain()
            throws IOException {
        ws.run("list");
        // create_env.sh's row for the same name, with other http and pf ports
        duringCreate("awk -F, -v OFS=, '$1 == \"race\" { $4 = 19500; $7 = 18555 } { print }' '" + ws.defaultStore()
                + "' > '" + tmp.resolve("edited.csv") + "' && cp '" + tmp.resolve("edited.csv") + "' '"
                + ws.defaultStore() + "'");

        Result r = ws.run("create", "race", "-o", "json");

        assertThat(r.exit()).as(r.toString()).isZero();
        int http = r.json().get("ports").get("http").asInt();
        int pf = r.json().get("ports").get("pf").asInt();
        assertThat(http).isNotEqualTo(18555);
        assertThat(pf).isNotEqualTo(19500);
        assertThat(r.err()).as(r.toString()).contains("another writer changed its record while its k3d cluster was "
                + "being created: http port 18555 (made with " + http + "), pf port 19500 (made with " + pf + ")");
        assertThat(ws.run("get", "race", "-o", "json").json().get("ports").get("http").asInt()).isEqualTo(http);
        Result next = ws.run("create", "next", "-o", "json");
        assertThat(next.exit()).as(next.toString()).isZero();
        assertThat(next.json().get("ports").get("http").asInt()).isNotEqualTo(http);
        assertThat(next.json().get("ports").get("pf").asInt()).isNotEqualTo(pf);
    }
}
