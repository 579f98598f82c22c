package dev.envctl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * A SIGTERM to the envctl process alone ({@code kill PID}, {@code timeout}, a cancelled CI job), not to its
 * process group as Ctrl-C is: the tool it was running must not run on as an orphan. A command a signal stops ends
 * with one line saying so and the signal's exit status.
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

    @Test
    void aSigtermToReconcileWatchEndsTheToolInFlightAndItsRecordBlamesTheSignal() throws Exception {
        Workspace ws = new Workspace(tmp);
        interruptCreate(ws, "k3d");
        Files.delete(ws.state.resolve("k3d-hang.pid"));
        ws.flag("k3d-hang-next-create");

        Process watch = start(ws, "reconcile", "--watch", "--interval", "1s");
        long toolPid = Long.parseLong(Files.readString(await(ws.state.resolve("k3d-hang.pid"), 1)).strip());
        watch.destroy(); // SIGTERM to the JVM only

        assertThat(watch.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(watch.exitValue()).isEqualTo(143);
        assertThat(ProcessHandle.of(toolPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        // reconcile --watch lets the round in flight record its outcome: the signal, not the tool, is to blame
        JsonNode web = ws.run("get", "web", "-o", "json").json();
        assertThat(web.get("lastError").asText()).contains("k3d cluster create was ended: envctl is stopping "
                + "(SIGINT or SIGTERM)").contains("removed nothing").doesNotContain("exit code 143");

        Workspace.Result reconciled = ws.run("reconcile", "web");
        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        assertThat(ws.run("get", "web", "-o", "json").json().get("actualState").asText()).isEqualTo("running");
    }

    @Test
    void anInterruptedReconcileNamesOnlyTheEnvironmentItHadNotFinished() throws Exception {
        Workspace ws = new Workspace(tmp);
        ws.ok("create", "db", "--provider", "kind", "--no-wait");
        ws.ok("create", "web", "--no-wait");
        ws.flag("k3d-hang-next-create");

        Process reconcile = start(ws, "reconcile");
        Files.readString(await(ws.state.resolve("k3d-hang.pid"), 1));
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        while (!ws.run("get", "db", "-o", "json").json().get("actualState").asText().equals("running")
                && Instant.now().isBefore(until)) {
            Thread.sleep(100);
        }
        reconcile.destroy(); // SIGTERM to the JVM only

        assertThat(reconcile.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(reconcile.exitValue()).isEqualTo(143);
        // db was created before the signal: the line names web alone, and the reconcile of web alone
        assertThat(Files.readAllLines(tmp.resolve("err-reconcile.txt")).stream()
                .filter(l -> l.startsWith("envctl: "))).containsExactly("envctl: reconcile interrupted (SIGINT or "
                + "SIGTERM) while changing web: the tools and hooks in flight were ended, and its record keeps what "
                + "was asked; 'envctl reconcile web' finishes the change from where it stopped");
        assertThat(ws.run("get", "db", "-o", "json").json().get("actualState").asText()).isEqualTo("running");
        ws.ok("reconcile", "web");
        assertThat(ws.run("get", "web", "-o", "json").json().get("actualState").asText()).isEqualTo("running");
    }

    @Test
    void aSigtermWhileReconcileListsTheClustersLeavesEveryRecordAsItWas() throws Exception {
        Workspace ws = new Workspace(tmp);
        ws.ok("create", "dev");
        ws.ok("create", "web", "--no-wait");
        String before = Files.readString(ws.defaultStore());
        ws.flag("k3d-hang-next-list");

        Process reconcile = start(ws, "reconcile");
        long toolPid = Long.parseLong(Files.readString(await(ws.state.resolve("k3d-hang.pid"), 1)).strip());
        reconcile.destroy(); // SIGTERM to the JVM only

        assertThat(reconcile.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(reconcile.exitValue()).isEqualTo(143);
        assertThat(alive(toolPid)).as("the listing was ended").isFalse();
        // a stop by the user is no failure of the environments: web (unknown) gets no lastError, nothing changes
        assertThat(Files.readString(ws.defaultStore())).isEqualTo(before);
        assertThat(tmp.resolve("out-reconcile.txt")).as("no report: the ended listing said nothing of unmanaged "
                + "clusters").isEmptyFile();
        assertThat(Files.readAllLines(tmp.resolve("err-reconcile.txt")).stream()
                .filter(l -> l.startsWith("envctl: "))).containsExactly("envctl: reconcile interrupted (SIGINT or "
                + "SIGTERM) before it changed any cluster; run it again (a change it recorded already, 'envctl "
                + "reconcile' carries out)");
    }

    @Test
    void aCreateStoppedByCtrlCSaysSoInOneLineNamingItsEnvironmentAndWhatFinishesItAndExits130() throws Exception {
        signalCreate("INT", 130);
    }

    @Test
    void aCreateStoppedBySigtermSaysSoInOneLineNamingItsEnvironmentAndWhatFinishesItAndExits143() throws Exception {
        signalCreate("TERM", 143);
    }

    @Test
    void aSigtermWhileACreateWaitsForTheStoresLockEndsItAtOnceNotAtTheLocksTimeout() throws Exception {
        Workspace ws = new Workspace(tmp);
        ws.ok("create", "dev");
        Path config = ws.write("slow-lock.properties", "store.csv.lock-timeout=300s\n");
        ws.env.put("ENVCTL_CONFIG", config.toString());
        Path lockFile = Path.of(ws.defaultStore() + ".lock");
        byte[] before = Files.readAllBytes(ws.defaultStore());
        try (java.nio.channels.FileChannel held = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.WRITE); var lock = held.lock()) {
            Process create = start(ws, "create", "web");
            awaitOpen(create.pid(), lockFile);

            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(create.pid())).start().waitFor()).isZero();

            // the lock's timeout is 300 s: only the signal ends the wait
            assertThat(create.waitFor(60, TimeUnit.SECONDS)).as("envctl still waits for the lock").isTrue();
            assertThat(create.exitValue()).isEqualTo(143);
            assertThat(Files.readAllLines(tmp.resolve("err-create.txt")).stream()
                    .filter(l -> l.startsWith("envctl: "))).containsExactly("envctl: create interrupted (SIGINT or "
                    + "SIGTERM) before it changed any cluster; run it again (a change it recorded already, 'envctl "
                    + "reconcile' carries out)");
        }
        assertThat(Files.readAllBytes(ws.defaultStore())).isEqualTo(before);
    }

    @Test
    void aSigtermWhileAReconcileWatchWaitsForTheStoresLockEndsItWellBeforeTheGraceAndChangesNothing()
            throws Exception {
        Workspace ws = new Workspace(tmp);
        ws.ok("create", "web", "--no-wait");
        Path config = ws.write("slow-lock.properties", "store.csv.lock-timeout=300s\n");
        ws.env.put("ENVCTL_CONFIG", config.toString());
        Path lockFile = Path.of(ws.defaultStore() + ".lock");
        byte[] before = Files.readAllBytes(ws.defaultStore());
        Process watch = null;
        try (java.nio.channels.FileChannel held = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.WRITE); var lock = held.lock()) {
            // the round's converge of web waits to record that it creates the cluster
            watch = start(ws, "reconcile", "--watch", "--interval", "1s");
            awaitOpen(watch.pid(), lockFile);

            watch.destroy(); // SIGTERM to the JVM only

            // the lock's timeout is 300 s and the signal's grace 60 s: the converge's wait is ended well before
            assertThat(watch.waitFor(20, TimeUnit.SECONDS)).as("envctl still waits for the lock").isTrue();
            assertThat(watch.exitValue()).isEqualTo(143);
            assertThat(Files.readAllLines(tmp.resolve("err-reconcile.txt")).stream()
                    .filter(l -> l.startsWith("envctl: "))).as("a signal is how a watch stops").isEmpty();
        } finally {
            if (watch != null) {
                watch.destroyForcibly();
            }
        }
        assertThat(Files.readAllBytes(ws.defaultStore())).isEqualTo(before);
    }

    @Test
    void aSigtermWhileAReconcileOfSeveralWaitsForTheStoresLockEndsItWellBeforeTheGraceAndChangesNothing()
            throws Exception {
        Workspace ws = new Workspace(tmp);
        ws.ok("create", "web", "--no-wait");
        ws.ok("create", "db", "--no-wait");
        Path config = ws.write("slow-lock.properties", "store.csv.lock-timeout=300s\n");
        ws.env.put("ENVCTL_CONFIG", config.toString());
        Path lockFile = Path.of(ws.defaultStore() + ".lock");
        byte[] before = Files.readAllBytes(ws.defaultStore());
        Process reconcile = null;
        try (java.nio.channels.FileChannel held = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.WRITE); var lock = held.lock()) {
            // two environments: each waits on a worker thread of its own, not on the command's
            reconcile = start(ws, "reconcile");
            awaitOpen(reconcile.pid(), lockFile);

            reconcile.destroy(); // SIGTERM to the JVM only

            assertThat(reconcile.waitFor(20, TimeUnit.SECONDS)).as("envctl still waits for the lock").isTrue();
            assertThat(reconcile.exitValue()).isEqualTo(143);
            assertThat(Files.readAllLines(tmp.resolve("err-reconcile.txt")).stream()
                    .filter(l -> l.startsWith("envctl: "))).singleElement().asString()
                    .startsWith("envctl: reconcile interrupted (SIGINT or SIGTERM)");
        } finally {
            if (reconcile != null) {
                reconcile.destroyForcibly();
            }
        }
        assertThat(Files.readAllBytes(ws.defaultStore())).isEqualTo(before);
    }

    /** Waits (at most 60 s) until process {@code pid} has {@code file} open. */
    private static void awaitOpen(long pid, Path file) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(until)) {
            try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                if (fds.anyMatch(fd -> {
                    try {
                        return Files.readSymbolicLink(fd).equals(file);
                    } catch (java.io.IOException gone) {
                        return false;
                    }
                })) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("process " + pid + " never opened " + file);
    }

    /**
     * Sends {@code signal} to envctl while the stand-in k3d it runs for {@code create web} hangs: envctl exits
     * {@code status}, its last stderr line says it was interrupted, names web and what finishes it, no other error
     * line follows, and that advice works.
     */
    private void signalCreate(String signal, int status) throws Exception {
        Workspace ws = new Workspace(tmp);
        ws.flag("k3d-hang-next-create");
        Process create = start(ws, "create", "web");
        Files.readString(await(ws.state.resolve("k3d-hang.pid"), 1));
        assumeFalse(ignored(create.pid(), signal), "envctl was started with SIG" + signal + " ignored (a shell's "
                + "background job): no signal to test");

        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(create.pid())).start().waitFor()).isZero();

        assertThat(create.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(create.exitValue()).isEqualTo(status);
        List<String> errors = Files.readAllLines(tmp.resolve("err-create.txt")).stream()
                .filter(l -> l.startsWith("envctl: ")).toList();
        // nothing is removed while envctl stops, and no progress line says otherwise
        assertThat(Files.readString(tmp.resolve("err-create.txt"))).doesNotContain("removing what it made");
        assertThat(errors).containsExactly("envctl: create interrupted (SIGINT or SIGTERM) while changing web: the "
                + "tools and hooks in flight were ended, and its record keeps what was asked; 'envctl reconcile web' "
                + "finishes the change from where it stopped");
        JsonNode web = ws.run("get", "web", "-o", "json").json();
        assertThat(web.get("actualState").asText()).isEqualTo("creating");
        assertThat(web.get("lastError").asText()).contains("k3d cluster create was ended: envctl is stopping");
        ws.ok("reconcile", "web");
        assertThat(ws.run("get", "web", "-o", "json").json().get("actualState").asText()).isEqualTo("running");
    }

    /**
     * A start a signal cuts short leaves the record desired present, stopped, for the next reconcile: its output
     * says the start was interrupted, never that another envctl process carries it out, as no other one does.
     */
    @Test
    void aStartStoppedBySigtermDoesNotSayAnotherProcessCarriesItOut() throws Exception {
        Workspace ws = new Workspace(tmp);
        ws.ok("create", "web");
        ws.ok("stop", "web");
        ws.flag("k3d-hang-next-start");
        Process start = start(ws, "start", "web");
        Files.readString(await(ws.state.resolve("k3d-hang.pid"), 1));

        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(start.pid())).start().waitFor()).isZero();

        assertThat(start.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(start.exitValue()).isEqualTo(143);
        assertThat(Files.readString(tmp.resolve("out-start.txt"))).doesNotContain("another envctl process");
        assertThat(Files.readString(tmp.resolve("err-start.txt"))).contains("envctl: start interrupted (SIGINT or "
                + "SIGTERM) while changing web");
        JsonNode web = ws.run("get", "web", "-o", "json").json();
        assertThat(web.get("desiredState").asText()).isEqualTo("present");
        ws.ok("reconcile", "web");
        assertThat(ws.run("get", "web", "-o", "json").json().get("actualState").asText()).isEqualTo("running");
    }

    /**
     * Ctrl-C signals the whole process group: the tool may die of the SIGINT before envctl has begun to stop. The
     * stop it cut short blames the signal, as when envctl ended the tool, never the tool's exit code.
     */
    @Test
    void aKindStopWhoseDockerCtrlCEndedBeforeEnvctlHeardOfItBlamesTheSignalNotExitCode130() throws Exception {
        assumeFalse(ignored(ProcessHandle.current().pid(), "INT"), "SIGINT is ignored here (a shell's background "
                + "job), and so in envctl: no signal to test");
        Workspace ws = new Workspace(tmp);
        ws.ok("create", "web", "--provider", "kind");
        Workspace.write(ws.state.resolve("group-signal-next"), "INT docker stop\n");

        Process stop = start(ws, "stop", "web");

        assertThat(stop.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(stop.exitValue()).as(Files.readString(tmp.resolve("err-stop.txt"))).isEqualTo(130);
        assertThat(Files.readAllLines(tmp.resolve("err-stop.txt")).stream().filter(l -> l.startsWith("envctl: ")))
                .singleElement().asString().startsWith("envctl: stop interrupted (SIGINT or SIGTERM) while changing web");
        JsonNode web = ws.run("get", "web", "-o", "json").json();
        assertThat(web.get("lastError").asText()).contains(" stop ").contains(" was ended: envctl is stopping "
                + "(SIGINT or SIGTERM)").doesNotContain("exit code");
        ws.ok("reconcile", "web");
        assertThat(ws.run("get", "web", "-o", "json").json().get("actualState").asText()).isEqualTo("stopped");
    }

    /**
     * A start whose tool died of the signal before envctl heard of it is cut short by the signal, not failed: the
     * record stays desired present, as when envctl ended the tool, so the reconcile the signal's line names starts it.
     */
    @Test
    void aKindStartWhoseDockerTheSameSigtermEndedFirstIsLeftForTheReconcileToFinish() throws Exception {
        Workspace ws = new Workspace(tmp);
        ws.ok("create", "web", "--provider", "kind");
        ws.ok("stop", "web");
        Workspace.write(ws.state.resolve("group-signal-next"), "TERM docker start\n");

        Process start = start(ws, "start", "web");

        assertThat(start.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(start.exitValue()).as(Files.readString(tmp.resolve("err-start.txt"))).isEqualTo(143);
        assertThat(Files.readString(tmp.resolve("out-start.txt"))).doesNotContain("another envctl process");
        JsonNode web = ws.run("get", "web", "-o", "json").json();
        assertThat(web.get("desiredState").asText()).isEqualTo("present");
        assertThat(web.get("actualState").asText()).isEqualTo("stopped");
        assertThat(web.get("lastError").isNull()).as(web.toString()).isTrue();
        ws.ok("reconcile", "web");
        assertThat(ws.run("get", "web", "-o", "json").json().get("actualState").asText()).isEqualTo("running");
    }

    /** A delete whose docker died of the signal before envctl heard of it blames the signal; reconcile finishes it. */
    @Test
    void aK3dDeleteWhoseDockerTheSameSigtermEndedFirstBlamesTheSignalAndReconcileFinishesIt() throws Exception {
        Workspace ws = new Workspace(tmp);
        ws.ok("create", "web");
        Workspace.write(ws.state.resolve("group-signal-next"), "TERM docker volume rm\n");

        Process delete = start(ws, "delete", "web");

        assertThat(delete.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(delete.exitValue()).as(Files.readString(tmp.resolve("err-delete.txt"))).isEqualTo(143);
        assertThat(Files.readString(tmp.resolve("out-delete.txt"))).doesNotContain("another envctl process");
        JsonNode web = ws.run("get", "web", "-o", "json").json();
        assertThat(web.get("desiredState").asText()).isEqualTo("absent");
        assertThat(web.get("lastError").asText()).contains(" volume rm was ended: envctl is stopping (SIGINT or "
                + "SIGTERM)").doesNotContain("exit code");
        ws.ok("reconcile", "web");
        assertThat(ws.run("get", "web").exit()).isEqualTo(3);
    }

    /**
     * A stop of several names that a signal cut short begins no other: the line names those it had not begun, which
     * are as they were, and the command that stops them, as the reconcile it names does not.
     */
    @Test
    void aStopOfSeveralCutShortNamesTheOnesItHadNotBegunAndTheCommandThatStopsThem() throws Exception {
        Workspace ws = new Workspace(tmp);
        ws.env.put("ENVCTL_CONFIG", ws.write("one-at-a-time.properties", "reconcile.concurrency=1\n").toString());
        ws.ok("create", "web", "--provider", "kind");
        ws.ok("create", "db");
        ws.ok("create", "cache");
        Workspace.write(ws.state.resolve("group-signal-next"), "TERM docker stop\n");

        Process stop = start(ws, "stop", "web", "db", "cache");

        assertThat(stop.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(stop.exitValue()).as(Files.readString(tmp.resolve("err-stop.txt"))).isEqualTo(143);
        assertThat(Files.readAllLines(tmp.resolve("err-stop.txt")).stream().filter(l -> l.startsWith("envctl: ")))
                .containsExactly("envctl: stop interrupted (SIGINT or SIGTERM) while changing web: the tools and "
                        + "hooks in flight were ended, and its record keeps what was asked; 'envctl reconcile web' "
                        + "finishes the change from where it stopped; db, cache were not begun, and are as they "
                        + "were: 'envctl stop db cache' does it");
        JsonNode db = ws.run("get", "db", "-o", "json").json();
        assertThat(db.get("desiredState").asText()).isEqualTo("present");
        assertThat(db.get("actualState").asText()).isEqualTo("running");
        ws.ok("stop", "db", "cache");
        ws.ok("reconcile", "web");
        assertThat(ws.run("get", "web", "-o", "json").json().get("actualState").asText()).isEqualTo("stopped");
    }

    /**
     * A stop the signal cut short before it recorded anything, while its provider's readiness was checked or while
     * its clusters were listed: the stop was not begun, and the line says so and names the stop that does it, as the
     * reconcile a recorded change would need does nothing here. The record and the cluster are as they were.
     */
    @Test
    void aStopCutShortBeforeItRecordedAnythingSaysItWasNotBegunAndWhatStopsIt() throws Exception {
        for (String cut : List.of("docker info", "docker ps")) {
            Workspace ws = new Workspace(tmp.resolve(cut.replace(' ', '-')));
            ws.ok("create", "web", "--provider", "kind");
            Workspace.write(ws.state.resolve("group-signal-next"), "TERM " + cut + "\n");

            Process stop = start(ws, "stop", "web");

            assertThat(stop.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String err = Files.readString(tmp.resolve("err-stop.txt"));
            assertThat(stop.exitValue()).as(cut + ": " + err).isEqualTo(143);
            assertThat(Files.readString(ws.state.resolve("calls.log"))).as(cut).doesNotContain("docker\u001fstop");
            assertThat(err.lines().filter(l -> l.startsWith("envctl: "))).as(cut).containsExactly("envctl: stop "
                    + "interrupted (SIGINT or SIGTERM) before it changed any cluster; web was not begun, and is as it "
                    + "was: 'envctl stop web' does it");
            JsonNode web = ws.run("get", "web", "-o", "json").json();
            assertThat(web.get("desiredState").asText()).as(cut).isEqualTo("present");
            assertThat(web.get("actualState").asText()).as(cut).isEqualTo("running");
            assertThat(web.get("lastError").isNull()).as(cut).isTrue();
            ws.ok("stop", "web");
            assertThat(ws.run("get", "web", "-o", "json").json().get("actualState").asText()).isEqualTo("stopped");
        }
    }

    /**
     * An apply records every change before it converges any: cut short while creating the first, its line names the
     * others, recorded and not begun, with the reconcile that does them too.
     */
    @Test
    void anApplyCutShortNamesTheRecordedOnesItHadNotBegun() throws Exception {
        Workspace ws = new Workspace(tmp);
        ws.env.put("ENVCTL_CONFIG", ws.write("one-at-a-time.properties", "reconcile.concurrency=1\n").toString());
        Path file = ws.write("envs.yaml", "- name: cache\n- name: db\n- name: web\n");
        ws.flag("k3d-hang-next-create");

        Process apply = start(ws, "apply", "-f", file.toString());
        Files.readString(await(ws.state.resolve("k3d-hang.pid"), 1));
        apply.destroy(); // SIGTERM to the JVM only

        assertThat(apply.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(apply.exitValue()).as(Files.readString(tmp.resolve("err-apply.txt"))).isEqualTo(143);
        assertThat(Files.readAllLines(tmp.resolve("err-apply.txt")).stream().filter(l -> l.startsWith("envctl: ")))
                .containsExactly("envctl: apply interrupted (SIGINT or SIGTERM) while changing cache: the tools and "
                        + "hooks in flight were ended, and its record keeps what was asked; 'envctl reconcile cache' "
                        + "finishes the change from where it stopped; db, web were recorded and not begun: 'envctl "
                        + "reconcile db web' does it, as does the same apply run again");
        ws.ok("reconcile", "cache", "db", "web");
        for (String name : List.of("cache", "db", "web")) {
            assertThat(ws.run("get", name, "-o", "json").json().get("actualState").asText()).isEqualTo("running");
        }
    }

    /**
     * An apply cut short while the providers list their clusters, once it recorded the file, began none: its line
     * names them, not begun, and says the same apply run again does them.
     */
    @Test
    void anApplyCutShortBeforeItBeganAnyNamesThemAndTheSameApplyThatDoesThem() throws Exception {
        Workspace ws = new Workspace(tmp);
        Path file = ws.write("envs.yaml", "- name: cache\n- name: db\n");
        ws.flag("k3d-hang-next-list");

        Process apply = start(ws, "apply", "-f", file.toString());
        Files.readString(await(ws.state.resolve("k3d-hang.pid"), 1));
        apply.destroy(); // SIGTERM to the JVM only

        assertThat(apply.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(apply.exitValue()).as(Files.readString(tmp.resolve("err-apply.txt"))).isEqualTo(143);
        assertThat(Files.readAllLines(tmp.resolve("err-apply.txt")).stream().filter(l -> l.startsWith("envctl: ")))
                .containsExactly("envctl: apply interrupted (SIGINT or SIGTERM) before it changed any cluster; "
                        + "cache, db were not begun: the same apply run again does them (a change it recorded "
                        + "already, 'envctl reconcile cache db' carries out)");
        ws.ok("apply", "-f", file.toString());
        for (String name : List.of("cache", "db")) {
            assertThat(ws.run("get", name, "-o", "json").json().get("actualState").asText()).isEqualTo("running");
        }
    }

    /** Whether process {@code pid} ignores SIG{@code signal} (INT or TERM), as /proc says. */
    private static boolean ignored(long pid, String signal) throws Exception {
        String mask = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("SigIgn:")).findFirst().orElseThrow().substring(7).strip();
        int number = signal.equals("INT") ? 2 : 15;
        return new java.math.BigInteger(mask, 16).testBit(number - 1);
    }

    @Test
    void aReconcileWatchStoppedOnceK3dsNodesRunLeavesTheRecordCreatingSoTheNextReconcileMakesTheClusterAgain()
            throws Exception {
        Workspace ws = new Workspace(tmp);
        ws.ok("create", "web", "--no-wait");
        ws.flag("k3d-hang-next-create-at-coredns");
        Process watch = start(ws, "reconcile", "--watch", "--interval", "1s");
        Files.readString(await(ws.state.resolve("k3d-hang.pid"), 1));

        watch.destroy(); // SIGTERM to the JVM only

        assertThat(watch.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(watch.exitValue()).isEqualTo(143);
        // the cluster's nodes run but k3d did not finish: a record left failed would have it taken as made
        JsonNode web = ws.run("get", "web", "-o", "json").json();
        assertThat(web.get("actualState").asText()).isEqualTo("creating");
        assertThat(web.get("lastError").asText()).contains("k3d cluster create was ended: envctl is stopping");
        int before = ws.calls().size();

        ws.ok("reconcile", "web");

        assertThat(ws.calls().subList(before, ws.calls().size()).stream().filter(c -> c.get(0).equals("k3d")
                && c.size() > 3 && c.get(1).equals("cluster") && !c.get(2).equals("list"))
                .map(c -> c.get(2) + " " + c.get(3))).containsExactly("delete web", "create web");
        assertThat(ws.run("get", "web", "-o", "json").json().get("actualState").asText()).isEqualTo("running");
    }

    @Test
    void aSigtermToEnvctlEndsAHookAndEveryProcessItStartedAndTheNextReconcileRunsItAgain() throws Exception {
        Workspace ws = new Workspace(tmp);
        Path pids = tmp.resolve("hook-pids");
        Path once = tmp.resolve("hang-once");
        Files.writeString(once, "");
        // the first run starts a child, ignores TERM and waits; later runs pass
        Path script = ws.home.resolve(".config/envctl/hooks/post-create.d/10-register");
        Workspace.write(script, "#!/bin/bash\n[ -e " + once + " ] || exit 0\nrm -f " + once + "\n"
                + "trap '' TERM\nsleep 1000 & echo $! >> " + pids + "\necho $$ >> " + pids + "\n"
                + "while :; do wait; done\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "hooks.enabled=exec\n");

        Process create = start(ws, "create", "web");
        List<Long> hook = Files.readAllLines(await(pids, 2)).stream().map(l -> Long.parseLong(l.strip())).toList();
        create.destroy(); // SIGTERM to the JVM only

        assertThat(create.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (hook.stream().anyMatch(InterruptedCreateIT::alive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        List<Long> left = hook.stream().filter(InterruptedCreateIT::alive).toList();
        left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        assertThat(left).as("the hook and its child ended with envctl").isEmpty();

        Workspace.Result reconciled = ws.run("reconcile", "web");
        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        assertThat(ws.run("get", "web", "-o", "json").json().get("actualState").asText()).isEqualTo("running");
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Starts envctl with {@code args} in the workspace, its output to files in the temporary folder. */
    private Process start(Workspace ws, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Workspace.LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ws.dir.toFile())
                .redirectOutput(tmp.resolve("out-" + args[0] + ".txt").toFile())
                .redirectError(tmp.resolve("err-" + args[0] + ".txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(ws.env);
        return pb.start();
    }

    /** {@code file} once it holds {@code lines} lines, waiting at most 60 s. */
    private static Path await(Path file, int lines) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        while ((!Files.exists(file) || Files.readAllLines(file).size() < lines) && Instant.now().isBefore(until)) {
            Thread.sleep(50);
        }
        assertThat(file).as("written by the command envctl runs").exists();
        return file;
    }

    @Test
    void aK3dCreateStoppedOnceItsLoadBalancerRunsIsMadeAgainAndClustersEnvctlDidNotLeaveCreatingStay()
            throws Exception {
        Workspace ws = new Workspace(tmp);
        // neither has envctl's mark: one an older envctl made (recorded running), one made by hand for a row
        // envctl has not adopted yet (unknown), as the Kindler scripts' clusters are
        assertThat(ws.run("create", "old").exit()).isZero();
        Files.deleteIfExists(ws.state.resolve("k3d-created/old"));
        assertThat(ws.run("create", "byhand", "--no-wait").exit()).isZero();
        ProcessBuilder k3d = new ProcessBuilder(ws.bin.resolve("k3d").toString(), "cluster", "create", "byhand")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        k3d.environment().putAll(ws.env);
        assertThat(k3d.start().waitFor()).isZero();
        // as with kind, the delete of the interrupted envctl's cleanup fails, so the half-made cluster stays
        ws.flag("k3d-fail-delete");
        interruptCreate(ws, "k3d", "k3d-hang-next-create-at-coredns");
        Files.delete(ws.state.resolve("k3d-fail-delete"));
        int before = ws.calls().size();

        Workspace.Result reconciled = ws.run("reconcile", "-o", "json");

        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        List<List<String>> calls = ws.calls().subList(before, ws.calls().size());
        assertThat(calls.stream().filter(c -> c.get(0).equals("k3d") && c.size() > 3 && c.get(1).equals("cluster")
                && !c.get(2).equals("list")).map(c -> c.get(2) + " " + c.get(3)))
                .containsExactly("delete web", "create web");
        JsonNode outcomes = reconciled.json().get("outcomes");
        assertThat(outcomes.findValuesAsText("name")).containsExactly("byhand", "old", "web");
        assertThat(outcomes.findValuesAsText("action")).containsExactly("unchanged", "unchanged", "created");
        for (String name : List.of("byhand", "old", "web")) {
            assertThat(ws.run("get", name, "-o", "json").json().get("actualState").asText()).as(name)
                    .isEqualTo("running");
        }
        assertThat(ws.state.resolve("k3d-created/web")).exists();
    }

    /** Starts {@code envctl create web} with {@code provider}, whose stand-in hangs, and sends envctl a SIGTERM. */
    private void interruptCreate(Workspace ws, String provider) throws Exception {
        interruptCreate(ws, provider, provider + "-hang-next-create");
    }

    /** As above, the stand-in hanging where {@code flag} makes it. */
    private void interruptCreate(Workspace ws, String provider, String flag) throws Exception {
        ws.flag(flag);
        ProcessBuilder pb = new ProcessBuilder(List.of(Workspace.LAUNCHER.toString(), "create", "web",
                "--provider", provider))
                .directory(ws.dir.toFile())
                .redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(tmp.resolve("err.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(ws.env);
        Process envctl = pb.start();
        // the stand-in create started and hangs once its pid is in the file (created empty a moment before)
        long toolPid = Long.parseLong(Files.readString(await(ws.state.resolve(provider + "-hang.pid"), 1)).strip());

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
