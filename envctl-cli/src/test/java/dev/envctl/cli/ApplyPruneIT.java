package dev.envctl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.envctl.cli.Workspace.Result;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.store.csv.CsvEnvironmentStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code apply --prune} of the packaged CLI on the default CSV store, with stand-in tools, beside another envctl
 * process converging an environment its file leaves out.
 */
class ApplyPruneIT {
    @TempDir
    Path tmp;
    Workspace ws;

    @BeforeEach
    void setUp() {
        ws = new Workspace(tmp);
    }

    /** The prober's race: an apply with prune runs while another apply's k3d creates an environment it prunes. */
    @Test
    void aPruneWhileAnotherApplyCreatesTheEnvironmentIsPendingThereAndThatApplyExits4() throws IOException {
        ws.ok("create", "web");
        Path a = ws.write("a.yaml", "- name: dev\n- name: web\n");
        Path b = ws.write("b.yaml", "- name: web\n");
        Path pruning = tmp.resolve("pruning");
        Workspace.write(ws.state.resolve("k3d-run-during-create"), ws.commandLine(pruning, "apply", "-f", b.toString(),
                "--prune"));

        Result applied = ws.run("apply", "-f", a.toString());

        assertThat(Files.readString(Path.of(pruning + ".exit")).trim()).as(Files.readString(Path.of(pruning
                + ".err"))).isEqualTo("0");
        assertThat(Files.readString(Path.of(pruning + ".out"))).containsPattern("dev +pending +creating")
                .containsPattern("web +unchanged +running").contains("delete of dev recorded; another envctl process "
                        + "is converging it and carries the delete out ('envctl get dev' shows how far it is)\n");
        assertThat(applied.exit()).as(applied.toString()).isEqualTo(4);
        assertThat(applied.out()).containsPattern("dev +superseded +- +environment 'dev' was deleted while it was "
                + "being applied: another writer recorded its delete after this apply recorded it, and the last "
                + "desired state recorded wins; its cluster was deleted too")
                .containsPattern("web +unchanged +running");
        assertThat(ws.run("get", "dev").exit()).as("the prune, recorded last, wins").isEqualTo(3);
        assertThat(ws.state.resolve("k3d/dev")).doesNotExist();
    }

    @Test
    void aPruneOfAnEnvironmentAnotherProcessHoldsIsPendingInJson() {
        ws.ok("create", "held");
        ws.ok("create", "web");
        Path b = ws.write("b.yaml", "- name: web\n");
        // another envctl process converging 'held' (a watch, a create still running): it holds the lock
        try (CsvEnvironmentStore other = CsvEnvironmentStore.open(ws.defaultStore());
             EnvironmentLock lock = other.tryLock("held").orElseThrow()) {
            JsonNode report = ws.ok("apply", "-f", b.toString(), "--prune", "-o", "json").json();

            assertThat(report.get("ok").asBoolean()).isTrue();
            assertThat(report.get("outcomes").get(0).get("name").asText()).isEqualTo("held");
            assertThat(report.get("outcomes").get(0).get("action").asText()).isEqualTo("pending");
            assertThat(ws.ok("get", "held", "-o", "json").json().get("desiredState").asText()).isEqualTo("absent");
            assertThat(ws.state.resolve("k3d/held")).exists();
        }
    }

    /** A prune whose delete was recorded but never carried out (its process killed, or a holder that went away). */
    @Test
    void aPruneRunAgainFinishesADeleteAnEarlierOneRecordedAndDiffSaysSo() {
        ws.ok("create", "old");
        ws.ok("create", "web");
        Path b = ws.write("b.yaml", "- name: web\n");
        try (CsvEnvironmentStore other = CsvEnvironmentStore.open(ws.defaultStore());
             EnvironmentLock lock = other.tryLock("old").orElseThrow()) {
            ws.ok("apply", "-f", b.toString(), "--prune");
        }
        assertThat(ws.state.resolve("k3d/old")).exists();

        assertThat(ws.ok("diff", "-f", b.toString()).out()).as("without --prune it is left to reconcile")
                .isEqualTo("unchanged: web\n");
        Result diff = ws.run("diff", "-f", b.toString(), "--prune");
        assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
        assertThat(diff.out()).isEqualTo("delete old (k3d)\nunchanged: web\n");
        assertThat(ws.ok("apply", "-f", b.toString(), "--prune", "--dry-run").out()).contains("delete old (k3d)",
                "k3d cluster delete old");
        Result applied = ws.ok("apply", "-f", b.toString(), "--prune");

        assertThat(applied.out()).containsPattern("old +deleted +- +-").containsPattern("web +unchanged +running");
        assertThat(ws.run("get", "old").exit()).isEqualTo(3);
        assertThat(ws.state.resolve("k3d/old")).doesNotExist();
        assertThat(ws.ok("diff", "-f", b.toString(), "--prune").out()).isEqualTo("unchanged: web\n");
    }
}
