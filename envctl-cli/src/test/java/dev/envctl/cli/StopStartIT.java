package dev.envctl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.envctl.cli.Workspace.Result;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.store.csv.CsvEnvironmentStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code envctl stop} and {@code envctl start} of the packaged CLI on the default CSV store, with stand-in tools. */
class StopStartIT {
    @TempDir
    Path tmp;
    Workspace ws;

    @BeforeEach
    void setUp() {
        ws = new Workspace(tmp);
    }

    private JsonNode get(String name) {
        return ws.ok("get", name, "-o", "json").json();
    }

    /** The progress lines on {@code r}'s stderr that start with {@code start}, without their elapsed time. */
    private static List<String> steps(Result r, String start) {
        return r.err().lines().map(l -> l.replaceFirst("^\\[ *[0-9.]+s] ", "")).filter(l -> l.startsWith(start))
                .toList();
    }

    private List<List<String>> callsOf(String tool, String verb) {
        return ws.calls().stream().filter(c -> c.get(0).equals(tool) && c.contains(verb)).toList();
    }

    @Test
    void stopKeepsTheRecordAndItsPortsAndReconcileLeavesItStopped() {
        JsonNode dev = ws.ok("create", "dev", "--subnet", "auto", "-o", "json").json();
        JsonNode uat = ws.ok("create", "uat", "--provider", "kind", "-o", "json").json();
        ws.clearCalls();

        Result stopped = ws.ok("stop", "dev", "uat");

        assertThat(stopped.out()).isEqualTo("stopped dev\nstopped uat\n");
        assertThat(ws.calls()).contains(List.of("k3d", "cluster", "stop", "dev"), List.of("docker", "stop",
                "uat-control-plane"));
        for (JsonNode before : List.of(dev, uat)) {
            JsonNode after = get(before.get("name").asText());
            assertThat(after.get("desiredState").asText()).isEqualTo("stopped");
            assertThat(after.get("actualState").asText()).isEqualTo("stopped");
            assertThat(after.get("lastError").isNull()).isTrue();
            assertThat(after.get("ports")).isEqualTo(before.get("ports"));
            assertThat(after.get("subnet")).isEqualTo(before.get("subnet"));
        }
        JsonNode list = ws.ok("list", "-o", "json").json();
        assertThat(list.findValuesAsText("actualState")).containsExactly("stopped", "stopped");
        assertThat(list.findValuesAsText("desiredState")).containsExactly("stopped", "stopped");
        assertThat(ws.ok("list").out()).containsPattern("dev +k3d +stopped +10\\.100\\.0\\.0/24 +18080");
        assertThat(ws.ok("list", "--state", "stopped", "-o", "json").json()).hasSize(2);

        ws.clearCalls();
        JsonNode report = ws.ok("reconcile", "-o", "json").json();
        assertThat(report.get("ok").asBoolean()).isTrue();
        assertThat(report.get("outcomes").findValuesAsText("action")).containsExactly("unchanged", "unchanged");
        assertThat(report.get("outcomes").findValuesAsText("state")).containsExactly("stopped", "stopped");
        assertThat(ws.calls()).noneSatisfy(c -> assertThat(c).containsAnyOf("start", "create", "delete"));
        assertThat(get("dev").get("actualState").asText()).isEqualTo("stopped");

        Result clash = ws.run("create", "web", "--http-port", dev.get("ports").get("http").asText());
        assertThat(clash.exit()).as(clash.toString()).isEqualTo(4);
        assertThat(clash.err()).contains("already held by environment 'dev'");
    }

    /**
     * A stop or start of several checks each provider once (its check runs docker info), and lists its clusters once,
     * not each environment.
     */
    @Test
    void aStopAndAStartOfSeveralCheckEachProviderOnce() {
        ws.ok("create", "dev");
        ws.ok("create", "qa");
        ws.ok("create", "uat", "--provider", "kind");
        for (String command : List.of("stop", "start")) {
            ws.clearCalls();

            Result r = ws.ok(command, "dev", "qa", "uat");

            String done = command.equals("stop") ? "stopped " : "started ";
            assertThat(r.out()).isEqualTo(done + "dev\n" + done + "qa\n" + done + "uat\n");
            assertThat(callsOf("docker", "info")).as("docker info, once for k3d and once for kind").hasSize(2);
            assertThat(callsOf("k3d", command)).hasSize(2);
            assertThat(callsOf("k3d", "list")).as("k3d cluster list").hasSize(1);
            assertThat(callsOf("docker", "ps")).as("kind's listing, a docker ps of its nodes")
                    .filteredOn(c -> c.contains("label=io.x-k8s.kind.cluster")).hasSize(1);
        }
    }

    @Test
    void startRunsTheStoppedClustersAgainWithTheirOwnPorts() {
        JsonNode dev = ws.ok("create", "dev", "-o", "json").json();
        ws.ok("create", "uat", "--provider", "kind");
        ws.ok("stop", "dev", "uat");
        ws.clearCalls();

        JsonNode started = ws.ok("start", "dev", "uat", "-o", "json").json();

        assertThat(started.isArray()).isTrue();
        assertThat(started.findValuesAsText("actualState")).containsExactly("running", "running");
        assertThat(started.findValuesAsText("desiredState")).containsExactly("present", "present");
        assertThat(started.get(0).get("ports")).isEqualTo(dev.get("ports"));
        assertThat(ws.calls()).anySatisfy(c -> assertThat(c).startsWith("k3d", "cluster", "start", "dev"));
        assertThat(ws.calls()).contains(List.of("docker", "start", "uat-control-plane"));
        assertThat(callsOf("k3d", "create")).isEmpty();
        assertThat(ws.ok("reconcile", "-o", "json").json().get("outcomes").findValuesAsText("action"))
                .containsExactly("unchanged", "unchanged");
        assertThat(ws.ok("start", "dev").out()).isEqualTo("started dev\n");
    }

    @Test
    void stopOfAnEnvironmentRecordedWithoutItsClusterRecordsItStopped() {
        ws.ok("create", "c-b2", "--no-wait");

        assertThat(ws.ok("stop", "c-b2").out()).isEqualTo("stopped c-b2\n");

        JsonNode stopped = get("c-b2");
        assertThat(stopped.get("desiredState").asText()).isEqualTo("stopped");
        assertThat(stopped.get("actualState").asText()).isEqualTo("stopped");
        assertThat(callsOf("k3d", "stop")).isEmpty();
        assertThat(ws.ok("start", "c-b2").out()).isEqualTo("started c-b2\n");
        assertThat(callsOf("k3d", "create")).hasSize(1);
    }

    /** The prober's case: a row of the Kindler scripts whose k3d cluster was stopped when envctl first saw it. */
    @Test
    void aRowOfTheScriptsWhoseClusterIsStoppedHoldsItsPortsAndStaysUnknownUntilStartAdoptsIt() throws Exception {
        Workspace.write(ws.defaultStore(), "# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
                + "http_port,https_port,cluster_subnet\nold,k3d,30080,19001,false,false,18090,18443,\n");
        k3d("cluster", "create", "old", "--api-port", "26443", "-p", "18090:80@loadbalancer", "-p",
                "18443:443@loadbalancer");
        k3d("cluster", "stop", "old");

        Result reconciled = ws.ok("reconcile");
        assertThat(reconciled.out()).containsPattern("old +unchanged +unknown");
        assertThat(reconciled.err()).contains("old: its k3d cluster is listed but not running");
        assertThat(get("old").get("ports").get("api").asInt()).as("the port it binds when it starts is held")
                .isEqualTo(26443);
        assertThat(callsOf("k3d", "start")).isEmpty();
        assertThat(ws.ok("create", "next", "-o", "json").json().get("ports").get("api").asInt()).isEqualTo(26444);

        assertThat(ws.ok("start", "old").out()).isEqualTo("started old\n");
        JsonNode old = get("old");
        assertThat(old.get("actualState").asText()).isEqualTo("running");
        assertThat(old.get("ports").get("api").asInt()).isEqualTo(26443);
    }

    /** Runs the stand-in k3d as a user outside envctl would. */
    private void k3d(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(ws.bin.resolve("k3d").toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(ws.env);
        assertThat(pb.start().waitFor()).isZero();
    }

    /**
     * The engine says more of these steps than k3d's provider, which says them too: each is one progress line, the
     * engine's.
     */
    @Test
    void aStopAndAStartOfACreateThatDidNotFinishReportEachStepOnce() throws Exception {
        Workspace.write(ws.state.resolve("k3d-fail-next-create"), "error waiting for log line `k3s is up and running`");
        ws.flag("k3d-fail-delete");
        assertThat(ws.run("create", "dev").exit()).isEqualTo(6);
        ws.unflag("k3d-fail-delete");
        k3d("cluster", "start", "dev"); // its nodes run, as a create cut short once they ran leaves them

        Result stopped = ws.ok("stop", "dev");
        Result started = ws.ok("start", "dev");

        assertThat(steps(stopped, "stopping k3d cluster dev")).as(stopped.toString())
                .containsExactly("stopping k3d cluster dev, whose create did not finish");
        assertThat(steps(started, "starting k3d cluster dev")).as(started.toString())
                .containsExactly("starting k3d cluster dev to ask whether its create finished");
        assertThat(get("dev").get("actualState").asText()).isEqualTo("running");
    }

    /**
     * kind has no stop command, and its provider stops the node containers: still one progress line a step, and
     * {@code -v} shows docker's own output, the id of each node container.
     */
    @Test
    void aStopAndAStartOfAKindClusterReportEachStepOnce() {
        ws.ok("create", "uat", "--provider", "kind");

        Result stopped = ws.ok("stop", "uat");
        Result started = ws.ok("start", "uat");
        Result verbose = ws.ok("stop", "uat", "-v");

        assertThat(steps(stopped, "")).as(stopped.toString()).containsExactly("stopping kind cluster uat");
        assertThat(steps(started, "")).as(started.toString()).containsExactly("starting kind cluster uat");
        assertThat(steps(verbose, "stopping")).as(verbose.toString()).containsExactly("stopping kind cluster uat");
        assertThat(verbose.err()).as(verbose.toString()).contains("  uat | uat-control-plane\n");
    }

    /**
     * A create whose cleanup failed leaves a half-made cluster: a stop keeps the record creating, and the start asks
     * for the created mark, so the half-made cluster is made again rather than started and taken as made.
     */
    @Test
    void aStopOfACreateThatDidNotFinishKeepsItCreatingAndTheStartMakesTheHalfMadeClusterAgain() throws Exception {
        Workspace.write(ws.state.resolve("k3d-fail-next-create"), "error waiting for log line `k3s is up and running`");
        ws.flag("k3d-fail-delete");
        assertThat(ws.run("create", "dev").exit()).isEqualTo(6);
        ws.unflag("k3d-fail-delete");
        ws.clearCalls();

        Result stopped = ws.ok("stop", "dev");

        assertThat(stopped.out()).isEqualTo("stopped dev; its create did not finish, so it stays creating until "
                + "'envctl start dev' finishes the create or makes its cluster again\n");
        JsonNode dev = get("dev");
        assertThat(dev.get("desiredState").asText()).isEqualTo("stopped");
        assertThat(dev.get("actualState").asText()).isEqualTo("creating");
        assertThat(dev.get("lastError").isNull()).isTrue();
        assertThat(callsOf("k3d", "delete")).isEmpty();
        assertThat(callsOf("k3d", "create")).isEmpty();

        assertThat(ws.ok("start", "dev").out()).isEqualTo("started dev\n");

        assertThat(get("dev").get("actualState").asText()).isEqualTo("running");
        List<String> k3d = ws.calls().stream().filter(c -> c.get(0).equals("k3d") && c.size() > 2
                && List.of("start", "delete", "create").contains(c.get(2))).map(c -> c.get(2)).toList();
        assertThat(k3d).containsExactly("start", "delete", "create");
        assertThat(ws.calls()).anySatisfy(c -> assertThat(c).startsWith("docker", "exec", "k3d-dev-server-0")
                .contains("test -e /var/lib/rancher/k3s/envctl-created"));
    }

    @Test
    void aStopOrDeleteOfAnEnvironmentAnotherProcessHoldsIsRecordedAndSaidToBePending() throws Exception {
        ws.ok("create", "held");
        ws.clearCalls();
        // another envctl process converging 'held' (a watch, a create still running): it holds the lock
        try (CsvEnvironmentStore other = CsvEnvironmentStore.open(ws.defaultStore());
             EnvironmentLock lock = other.tryLock("held").orElseThrow()) {
            assertThat(ws.ok("stop", "held").out()).isEqualTo("stop of held recorded; another envctl process is "
                    + "converging it and carries the stop out ('envctl get held' shows how far it is)\n");
            assertThat(get("held").get("desiredState").asText()).isEqualTo("stopped");
            assertThat(get("held").get("actualState").asText()).isEqualTo("running");

            JsonNode deleted = ws.ok("delete", "held", "-o", "json").json();
            assertThat(deleted.get("deleted").asBoolean()).isFalse();
            assertThat(deleted.get("pending").asBoolean()).isTrue();
            assertThat(ws.ok("delete", "held").out()).startsWith("delete of held recorded; another envctl process");
            assertThat(callsOf("k3d", "stop")).isEmpty();
            assertThat(callsOf("k3d", "delete")).isEmpty();
        }
        // the holder gone, the next converge carries the delete out
        ws.ok("reconcile", "held");
        assertThat(ws.run("get", "held").exit()).isEqualTo(3);
        assertThat(callsOf("k3d", "delete")).hasSize(1);
    }

    /**
     * A stop while another envctl process creates the environment (it holds its lock, the record says creating):
     * recorded and said to be pending, not taken for a stop of a create that did not finish; the create then stops
     * the cluster it made.
     */
    @Test
    void aStopWhileAnotherProcessCreatesTheEnvironmentIsSaidToBePending() throws Exception {
        Path stopping = tmp.resolve("stopping");
        Workspace.write(ws.state.resolve("k3d-run-during-create"), ws.commandLine(stopping, "stop", "pd"));

        ws.ok("create", "pd");

        assertThat(Files.readString(Path.of(stopping + ".exit")).trim()).isEqualTo("0");
        assertThat(Files.readString(Path.of(stopping + ".out"))).isEqualTo(
                "stop of pd recorded; another envctl process is converging it and carries the stop out ('envctl get "
                        + "pd' shows how far it is)\n");
        assertThat(get("pd").get("desiredState").asText()).isEqualTo("stopped");
        assertThat(get("pd").get("actualState").asText()).isEqualTo("stopped");
    }

    @Test
    void theirErrorsPointOnlyAtWhatWorks() {
        ws.ok("create", "dev");
        ws.ok("create", "gone", "--no-wait");
        ws.ok("delete", "gone", "--keep-record");
        Result kept = ws.run("start", "gone");
        assertThat(kept.exit()).as(kept.toString()).isEqualTo(4);
        assertThat(kept.err()).contains("was deleted with its record kept (delete --keep-record): it has no cluster "
                + "to start", "apply a file that lists it", "'envctl delete gone'").doesNotContain("reconcile");
        assertThat(ws.ok("list").out()).containsPattern("gone +k3d +kept ");

        ws.ok("create", "stuck");
        ws.flag("k3d-fail-delete");
        assertThat(ws.run("delete", "stuck").exit()).isEqualTo(6);
        Result deleting = ws.run("start", "stuck");
        assertThat(deleting.exit()).as(deleting.toString()).isEqualTo(4);
        assertThat(deleting.err()).contains("let the delete finish ('envctl reconcile stuck') and create it again, "
                + "or, to keep it with its ports, apply a file that lists it, then start it")
                .doesNotContain("apply or create it again");
        ws.unflag("k3d-fail-delete");

        ws.withoutTools();
        Result notReady = ws.run("stop", "dev");
        assertThat(notReady.exit()).as(notReady.toString()).isEqualTo(6);
        assertThat(notReady.err()).contains("is not ready", "run envctl doctor").doesNotContain("--dry-run");
    }

    @Test
    void anUnknownNameChangesNothingAndExits3() {
        ws.ok("create", "dev");
        byte[] before = Workspace.bytes(ws.defaultStore());
        ws.clearCalls();

        for (String verb : List.of("stop", "start")) {
            Result r = ws.run(verb, "dev", "nope");
            assertThat(r.exit()).as(r.toString()).isEqualTo(3);
            assertThat(r.errLines()).containsExactly("envctl: environment 'nope' not found in "
                    + ws.defaultStore());
            assertThat(r.out()).isEmpty();
        }
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
        assertThat(ws.calls()).noneSatisfy(c -> assertThat(c).containsAnyOf("stop", "start"));
    }

    @Test
    void anUnknownNameIsExit3InWhateverOrderBesideOneBeingDeleted() {
        ws.ok("create", "sf");
        ws.flag("k3d-fail-delete");
        assertThat(ws.run("delete", "sf").exit()).isEqualTo(6);
        ws.unflag("k3d-fail-delete");
        byte[] before = Workspace.bytes(ws.defaultStore());

        for (String verb : List.of("stop", "start")) {
            for (List<String> names : List.of(List.of("sf", "ghost"), List.of("ghost", "sf"))) {
                List<String> args = new ArrayList<>(List.of(verb));
                args.addAll(names);
                Result r = ws.run(args.toArray(String[]::new));
                assertThat(r.exit()).as(r.toString()).isEqualTo(3);
                assertThat(r.errLines()).containsExactly("envctl: environment 'ghost' not found in "
                        + ws.defaultStore());
            }
        }
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
    }

    @Test
    void aFailedStopExits6AndLeavesTheRecordFailedWithTheToolsMessage() {
        ws.ok("create", "dev");
        ws.flag("k3d-fail-stop");

        Result r = ws.run("stop", "dev");

        assertThat(r.exit()).as(r.toString()).isEqualTo(6);
        assertThat(r.err()).contains("envctl: stopping dev failed: ", "context deadline exceeded");
        JsonNode dev = get("dev");
        assertThat(dev.get("desiredState").asText()).isEqualTo("stopped");
        assertThat(dev.get("actualState").asText()).isEqualTo("failed");
        assertThat(dev.get("lastError").asText()).contains("context deadline exceeded");

        ws.unflag("k3d-fail-stop");
        JsonNode report = ws.ok("reconcile", "-o", "json").json();
        assertThat(report.get("outcomes").findValuesAsText("action")).containsExactly("stopped");
        assertThat(get("dev").get("actualState").asText()).isEqualTo("stopped");
    }

    @Test
    void aStartWhoseNetworkIsGoneGivesOnlyThatAdviceNotToRunStartAgain() throws Exception {
        ws.ok("create", "dev", "--subnet", "auto");
        ws.ok("stop", "dev");
        docker("network", "rm", "k3d-dev");
        // what the real k3d v5.7.4 says when Docker refuses to start a node whose network was removed
        Workspace.write(ws.state.resolve("k3d-fail-next-start"), "Failed to start node 'k3d-dev-server-0': docker "
                + "failed to start container for node 'k3d-dev-server-0': Error response from daemon: network "
                + "ec32366d8a0f not found");

        Result r = ws.run("start", "dev");

        assertThat(r.exit()).as(r.toString()).isEqualTo(6);
        List<String> errors = r.errLines().stream().filter(l -> l.startsWith("envctl: ")).toList();
        assertThat(errors).singleElement().asString().startsWith("envctl: starting dev failed: ")
                .contains("its Docker network k3d-dev is gone (removed while the cluster was stopped)")
                .endsWith("delete the environment and create it again").doesNotContain("run 'envctl start dev' again");
    }

    /** Runs the stand-in docker as a user outside envctl would. */
    private void docker(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(ws.bin.resolve("docker").toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(ws.env);
        assertThat(pb.start().waitFor()).isZero();
    }

    @Test
    void whenOneOfSeveralFailsTheRecordsOfAllAreShownAsListShowsThem() {
        ws.ok("create", "dev");
        ws.ok("create", "uat", "--provider", "kind");
        ws.flag("k3d-fail-stop");

        Result r = ws.run("stop", "dev", "uat");

        assertThat(r.exit()).as(r.toString()).isEqualTo(6);
        // no "stopped uat" line: the table says what became of each name given
        assertThat(r.out()).doesNotContain("stopped uat").startsWith("NAME  PROVIDER  STATE ");
        assertThat(r.out().lines().skip(1).map(l -> l.split(" +")[0] + " " + l.split(" +")[2]))
                .containsExactly("dev failed", "uat stopped");
        assertThat(r.err()).contains("envctl: stopping dev failed: ").doesNotContain("stopping uat failed");
    }

    @Test
    void whenOneOfSeveralCannotBeListedTheRecordsOfAllAreShownBeforeItsError() {
        ws.ok("create", "dev", "--provider", "kind");
        ws.ok("create", "uat");
        // k3d answers its version and Docker answers, so the check before any change passes; the listing fails
        Workspace.write(ws.state.resolve("k3d-list-garbage"), "Cannot connect to the Docker daemon");

        Result r = ws.run("stop", "dev", "uat");

        assertThat(r.exit()).as(r.toString()).isEqualTo(6);
        assertThat(r.out()).startsWith("NAME  PROVIDER  STATE ");
        assertThat(r.out().lines().skip(1).map(l -> l.split(" +")[0] + " " + l.split(" +")[2]))
                .containsExactly("dev stopped", "uat running");
        assertThat(r.err()).contains("envctl: environment 'uat' is recorded desired stopped, but ");
        assertThat(get("uat").get("desiredState").asText()).isEqualTo("stopped");

        JsonNode json = ws.run("start", "dev", "uat", "-o", "json").json();
        assertThat(json).hasSize(2);
        assertThat(json.get(0).get("actualState").asText()).isEqualTo("running");
        assertThat(json.get(1).get("desiredState").asText()).isEqualTo("present");
    }

    @Test
    void helpSaysWhatStopAndStartDo() {
        Result stop = ws.ok("stop", "--help");
        assertThat(stop.out()).startsWith("Usage: envctl stop [options] NAME...\n\n"
                + "Stop environments' clusters; their ports and subnets stay held\n");
        Result start = ws.ok("start", "--help");
        assertThat(start.out()).startsWith("Usage: envctl start [options] NAME...\n\n"
                + "Start stopped environments' clusters again (create any that vanished)\n");
        List<String> lines = new ArrayList<>(ws.ok("--help").out().lines().toList());
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("  stop +Stop environments' clusters.*"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("  start +Start stopped environments' clusters.*"));
    }

    @Test
    void doctorCountsOneEnvironmentInTheSingular() {
        ws.ok("create", "dev");
        assertThat(ws.ok("doctor").out()).contains("with 1 environment,").doesNotContain("1 environments");
        ws.ok("create", "uat");
        assertThat(ws.ok("doctor").out()).contains("with 2 environments,");
    }
}
