package dev.envctl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SIGTERM to the envctl process alone ({@code kill PID}, {@code timeout}, a cancelled CI job), not to its
 * process group as Ctrl-C is: the tool it was running must not run on as an orphan.
 */
class InterruptedCreateIT {
    @TempDir
    Path tmp;

    @Test
    void aSigtermToEnvctlAloneEndsTheToolItRunsAndTheNextReconcileFinishesTheCreate() throws Exception {
        Workspace ws = new Workspace(tmp);
        interruptCreate(ws, "k3d");

        Workspace.Result reconciled = ws.run("reconcile", "web");
        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        assertThat(ws.run("get", "web", "-o", "json").json().get("actualState").asText()).isEqualTo("running");
    }

    @Test
    void aKindCreateStoppedWhileItsNodesRunIsMadeAgainNotTakenAsFinished() throws Exception {
        Workspace ws = new Workspace(tmp);
        // the interrupted envctl removes what a failed create made when it gets that far before the JVM halts,
        // which would leave reconcile nothing half made to find; its delete fails here, so the nodes stay
        ws.flag("kind-fail-delete");
        interruptCreate(ws, "kind");
        Files.delete(ws.state.resolve("kind-fail-delete"));
        int before = ws.calls().size();

        Workspace.Result reconciled = ws.run("reconcile", "web");

        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        assertThat(ws.calls().subList(before, ws.calls().size()).stream().filter(c -> c.get(0).equals("kind"))
                .map(c -> c.get(1))).containsSubsequence("delete", "create");
        assertThat(ws.run("get", "web", "-o", "json").json().get("actualState").asText()).isEqualTo("running");
    }

    /** Starts {@code envctl create web} with {@code provider}, whose stand-in hangs, and sends envctl a SIGTERM. */
    private void interruptCreate(Workspace ws, String provider) throws Exception {
        ws.flag(provider + "-hang-next-create");
        ProcessBuilder pb = new ProcessBuilder(List.of(Workspace.LAUNCHER.toString(), "create", "web",
                "--provider", provider))
                .directory(ws.dir.toFile())
                .redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(tmp.resolve("err.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(ws.env);
        Process envctl = pb.start();
        Path pidFile = ws.state.resolve(provider + "-hang.pid");
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        while (!Files.exists(pidFile) && Instant.now().isBefore(until)) {
            Thread.sleep(50);
        }
        assertThat(pidFile).as("the stand-in " + provider + " create started and hangs").exists();
        long toolPid = Long.parseLong(Files.readString(pidFile).strip());

        envctl.destroy(); // SIGTERM to the JVM only: the launcher execs java

        assertThat(envctl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Optional<ProcessHandle> tool = ProcessHandle.of(toolPid);
        boolean ended = tool.isEmpty() || tool.get().onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS)
                .thenApply(h -> !tool.get().isAlive()).get();
        assertThat(ended).as("the hanging " + provider + " create ended with envctl").isTrue();

        JsonNode left = ws.run("get", "web", "-o", "json").json();
        assertThat(left.get("actualState").asText()).isEqualTo("creating");
    }
}
