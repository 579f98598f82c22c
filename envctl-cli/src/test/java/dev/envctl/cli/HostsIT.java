package dev.envctl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.envctl.cli.Workspace.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several Docker hosts in one store, through the packaged CLI on the default CSV store with stand-in tools:
 * {@code host add|list|remove}, placement with {@code create --host}, the views, apply files, and bad input
 * (exit code, one line, store unchanged byte for byte, no tool run).
 */
class HostsIT {
    private static final String TWO = "tcp://192.168.1.20:2376";

    @TempDir
    Path tmp;
    Workspace ws;

    @BeforeEach
    void setUp() {
        ws = new Workspace(tmp);
    }

    /** Runs a command that must fail with {@code exit} and one {@code envctl:} line, changing nothing. */
    private Result refused(int exit, String message, String... args) {
        return refused(exit, message, false, args);
    }

    /** A usage error: the line, then the usage of host. */
    private Result usage(String message, String... args) {
        return refused(2, message, true, args);
    }

    private Result refused(int exit, String message, boolean usage, String... args) {
        byte[] before = Workspace.bytes(ws.defaultStore());
        ws.clearCalls();
        Result r = ws.run(args);
        assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
        if (usage) {
            assertThat(r.errLines().get(1)).as(r.toString()).startsWith("Usage: envctl host");
        } else {
            assertThat(r.errLines()).as(r.toString()).hasSize(1);
        }
        assertThat(r.err()).as(r.toString()).startsWith("envctl: ").contains(message).doesNotContain("Exception");
        assertThat(Workspace.bytes(ws.defaultStore())).as("store unchanged after " + r).isEqualTo(before);
        // nothing made, stopped or deleted: at most the read-only listing a create makes before it records
        assertThat(ws.calls()).as("no tool run by " + r + " but k3d's listing")
                .allSatisfy(call -> assertThat(call).startsWith("k3d", "cluster", "list"));
        return r;
    }

    private static List<String> column(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.get(field).asText()));
        return values;
    }

    private static List<List<String>> cells(String table) {
        return table.lines().map(l -> List.of(l.split("\\s+"))).toList();
    }

    @Test
    void theFleetPageExampleTwoHostsHoldTheSamePortAndAutoGoesWhereThereIsMostRoom() {
        assertThat(ws.ok("host", "add", "two", "--docker", TWO, "--address", "192.168.1.20", "--label", "gpu=true")
                .out()).isEqualTo("added host two (" + TWO + ")\n");
        ws.ok("create", "web", "--http-port", "18080", "--no-wait");
        ws.ok("create", "api", "--host", "two", "--http-port", "18080", "--no-wait");
        ws.ok("create", "batch", "--host", "auto", "--no-wait");

        assertThat(cells(ws.ok("host", "list").out())).containsExactly(
                List.of("NAME", "DOCKER", "ADDRESS", "LABELS", "CAPACITY", "ENVIRONMENTS"),
                List.of("local", "-", "-", "-", "-", "2"),
                List.of("two", TWO, "192.168.1.20", "gpu=true", "-", "1"));
        JsonNode hosts = ws.ok("host", "list", "-o", "json").json();
        assertThat(hosts.get(1).toString()).isEqualTo("{\"name\":\"two\",\"docker\":\"" + TWO + "\",\"address\":"
                + "\"192.168.1.20\",\"labels\":{\"gpu\":\"true\"},\"capacity\":null,\"environments\":1}");
        assertThat(hosts.get(0).get("docker").isNull()).isTrue();

        JsonNode all = ws.ok("list", "-o", "json").json();
        assertThat(column(all, "name")).containsExactly("api", "batch", "web");
        assertThat(column(all, "host")).containsExactly("two", "local", "local");
        assertThat(all.get(0).get("ports").get("http").asInt()).isEqualTo(18080);
        assertThat(all.get(2).get("ports").get("http").asInt()).isEqualTo(18080);
        assertThat(ws.ok("get", "api", "-o", "json").json().get("host").asText()).isEqualTo("two");
    }

    @Test
    void theTableGainsHostOnlyWhileTheStoreHasAHostBesidesLocal() {
        ws.ok("create", "dev", "--no-wait");
        String single = ws.ok("list").out();
        assertThat(single.lines().findFirst().orElseThrow())
                .isEqualTo("NAME  PROVIDER  STATE    SUBNET  HTTP   HTTPS  PF     API    AGE");
        assertThat(ws.ok("list", "-o", "json").json().get(0).get("host").asText()).isEqualTo("local");

        ws.ok("host", "add", "two", "--docker", TWO);
        ws.ok("create", "api", "--host", "two", "--no-wait");
        List<List<String>> table = cells(ws.ok("list").out());
        assertThat(table.get(0)).containsExactly("NAME", "PROVIDER", "STATE", "SUBNET", "HTTP", "HTTPS", "PF", "API",
                "AGE", "HOST");
        assertThat(table.get(1)).startsWith("api").endsWith("two");
        assertThat(table.get(2)).startsWith("dev").endsWith("local");
        assertThat(cells(ws.ok("get", "api").out()).get(1)).endsWith("two");
        assertThat(cells(ws.ok("list", "--host", "two").out())).hasSize(2).last().asList().startsWith("api");
        assertThat(column(ws.ok("list", "--host", "local", "-o", "json").json(), "name")).containsExactly("dev");

        ws.ok("delete", "api");
        assertThat(ws.ok("host", "remove", "two").out()).isEqualTo("removed host two\n");
        assertThat(ws.ok("list").out().lines().findFirst().orElseThrow()).isEqualTo(single.lines().findFirst()
                .orElseThrow());
    }

    @Test
    void placementHonoursSelectorsAndCapacity() {
        ws.ok("host", "add", "gpu1", "--docker", "ssh://me@gpu1", "--label", "gpu=true", "--capacity", "1");
        ws.ok("host", "add", "cpu1", "--docker", "unix:///run/cpu1.sock");

        assertThat(ws.ok("create", "a", "--host", "auto", "--host-selector", "gpu=true", "--no-wait", "-o", "json")
                .json().get("host").asText()).isEqualTo("gpu1");
        // a full host is not a pool to widen only: the line says where a host's capacity is set
        refused(4, "host 'gpu1' is full: 1 of its capacity 1 (a host's capacity is set by envctl host add "
                + "--capacity;", "create", "b", "--host", "gpu1", "--no-wait");
        refused(4, "no host matching gpu=true has room: host 'gpu1' is full: 1 of its capacity 1", "create", "b",
                "--host", "auto", "--host-selector", "gpu=true", "--no-wait");
        // an apply refused for a full host says the same, not that the port pools are to widen
        ws.write("onto-gpu1.yaml", "- name: b\n  host: gpu1\n");
        assertThat(refused(4, "apply refused, nothing was changed: b: host 'gpu1' is full: 1 of its capacity 1 (a "
                + "host's capacity is set by envctl host add --capacity;", "apply", "-f", "onto-gpu1.yaml").err())
                .doesNotContain("the pools are");
        // a selector no host matches is not a pool to widen: the line lists the hosts with their labels instead
        assertThat(refused(4, "no host matches the host selector zone=x; hosts: cpu1 (no labels), gpu1 (gpu=true), "
                + "local (no labels); add a host with those labels or give another selector (envctl host list shows "
                + "each host's labels; envctl host add NAME --docker ENDPOINT --label KEY=VALUE adds one)", "create",
                "b", "--host", "auto", "--host-selector", "zone=x", "--no-wait").err()).doesNotContain("pool");
        assertThat(ws.ok("create", "c", "--host", "auto", "--no-wait", "-o", "json").json().get("host").asText())
                .isEqualTo("cpu1");
        assertThat(cells(ws.ok("host", "list").out())).contains(List.of("gpu1", "ssh://me@gpu1", "-", "gpu=true", "1",
                "1"));
    }

    @Test
    void aDryRunShowsTheChosenHostAndItsOwnPortsAndCommands() {
        ws.ok("host", "add", "two", "--docker", TWO, "--address", "192.168.1.20");
        ws.ok("create", "dev", "--no-wait");
        byte[] before = Workspace.bytes(ws.defaultStore());

        Result plan = ws.ok("create", "api", "--host", "two", "--dry-run");
        assertThat(plan.out()).contains("create api (k3d)", "  host      two",
                "ports     http 18080, https 18400, pf 19000, api 26443",
                "k3d cluster create api --api-port 192.168.1.20:26443 ");
        assertThat(ws.ok("create", "web", "--dry-run").out()).doesNotContain("  host  ")
                .contains("ports     http 18081, https 18401, pf 19001, api 26444")
                .contains("k3d cluster create web --api-port 127.0.0.1:26444 ");
        assertThat(ws.ok("create", "api", "--host", "two", "--dry-run", "-o", "json").json().get("steps").get(0)
                .get("environment").get("host").asText()).isEqualTo("two");
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
    }

    @Test
    void applyFilesPlaceEachEnvironmentOnItsHost() {
        ws.ok("host", "add", "two", "--docker", TWO, "--label", "zone=b");
        ws.write("envs.yaml", "- name: a\n- name: b\n  host: two\n- name: c\n  host: auto\n"
                + "  hostSelector: {zone: b}\n");

        Result r = ws.run("apply", "-f", "envs.yaml");
        assertThat(r.exit()).as(r.toString()).isZero();

        JsonNode all = ws.ok("list", "-o", "json").json();
        assertThat(column(all, "host")).containsExactly("local", "two", "two");
        assertThat(ws.ok("diff", "-f", "envs.yaml").out()).contains("unchanged: a, b, c");
        // a file that names no host leaves each environment where it is; one naming local asks for a move
        ws.write("nohost.yaml", "- name: a\n- name: b\n");
        assertThat(ws.ok("diff", "-f", "nohost.yaml").out()).contains("unchanged: a, b");
        ws.write("tolocal.yaml", "- name: b\n  host: local\n");
        Result move = ws.run("diff", "-f", "tolocal.yaml");
        assertThat(move.exit()).as(move.toString()).isEqualTo(1);
        assertThat(move.out()).contains("host").contains("two").contains("local");
        ws.write("unknown.yaml", "- name: d\n  host: nope\n");
        refused(2, "apply file unknown.yaml, environment 'd': host 'nope' is unknown; known: local, two",
                "apply", "-f", "unknown.yaml");
    }

    /**
     * A create the file places with {@code host: auto} may land on {@code local}: apply checks local's provider
     * before anything changes, as for a create naming local, instead of changing the others and failing it at
     * converge.
     */
    @Test
    void anApplyChecksLocalsProviderForAnAutoCreateLocalCanTakeBeforeAnythingChanges() throws IOException {
        ws.ok("host", "add", "two", "--docker", TWO, "--label", "zone=b");
        ws.ok("create", "a", "--host", "two");
        byte[] before = Workspace.bytes(ws.defaultStore());
        Files.delete(ws.bin.resolve("kind"));
        ws.write("envs.yaml", "- name: a\n  host: two\n  labels: {team: x}\n- name: c\n  provider: kind\n"
                + "  host: auto\n");

        Result r = ws.run("apply", "-f", "envs.yaml");

        assertThat(r.exit()).as(r.toString()).isEqualTo(6);
        assertThat(r.errLines()).singleElement().asString().startsWith("envctl: provider kind is not ready: kind: ")
                .contains("nothing was changed", "--dry-run");
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
    }

    /** The {@code list -o csv} of a store of its own at {@code other}, written to {@code name} in the workspace. */
    private Path exportOf(Path other, String name) {
        return ws.write(name, ws.ok("--store", other.toString(), "list", "-o", "csv").out());
    }

    /**
     * A CSV file's {@code #envctl-host} line says which Docker daemon its rows live on: an apply (its dry run, diff)
     * to a store whose host of that name is another daemon is refused as migrate refuses it, instead of making the
     * environments on the store's daemon without a word; the same daemon under that name applies.
     */
    @Test
    void applyOfACsvFileWhoseHostIsAnotherDaemonInTheStoreIsRefusedAsMigrateRefusesIt() throws IOException {
        ws.ok("host", "add", "two", "--docker", TWO);
        Path other = tmp.resolve("other.csv");
        ws.ok("--store", other.toString(), "host", "add", "two", "--docker", "tcp://10.9.9.9:2376", "--address",
                "10.9.9.9");
        ws.ok("--store", other.toString(), "create", "api", "--host", "two", "--no-wait");
        Path export = exportOf(other, "export.csv");

        String message = "apply file export.csv: host 'two' is another Docker daemon in " + ws.defaultStore() + " ("
                + TWO + ") than in the file (tcp://10.9.9.9:2376, address 10.9.9.9); if the two are one daemon, "
                + "correct the file's #envctl-host line, else rename the host in the file (that line and its rows' "
                + "host=) and add it to the store under the new name";
        for (String[] args : List.of(new String[] {"apply", "-f", "export.csv"},
                new String[] {"apply", "-f", "export.csv", "--dry-run"}, new String[] {"diff", "-f", "export.csv"},
                new String[] {"apply", "-f", "export.csv", "--prune", "--replace"})) {
            refused(2, message, args);
        }
        assertThat(ws.ok("list", "-o", "json").json()).isEmpty();

        // the store's daemon written on the file's line: the same host, so the file applies there
        Files.writeString(export, Files.readString(export).replace("docker=tcp://10.9.9.9:2376 address=10.9.9.9",
                "docker=" + TWO + " address="));
        Result same = ws.run("apply", "-f", "export.csv");
        assertThat(same.exit()).as(same.toString()).isZero();
        assertThat(column(ws.ok("list", "-o", "json").json(), "host")).containsExactly("two");
    }

    /**
     * A host the store lacks, which the apply file's {@code #envctl-host} line defines: the refusal gives the exact
     * command that adds it, words quoted for a shell, and that command (read back by a shell) adds it so that the
     * file applies. {@code create --host} and a YAML file, which define no host, give the command with ENDPOINT to
     * fill in; {@code host remove} and {@code list --host}, which work on a host, do not suggest adding one.
     */
    @Test
    void anUnknownHostTheFileDefinesIsRefusedWithTheCommandThatAddsIt() throws Exception {
        Path other = tmp.resolve("other.csv");
        ws.ok("--store", other.toString(), "host", "add", "three", "--docker", "ssh://me@three", "--address",
                "192.168.1.30", "--label", "gpu=true", "--label", "owner=it's $HOME, a b", "--capacity", "4");
        ws.ok("--store", other.toString(), "create", "web", "--host", "three", "--no-wait");
        exportOf(other, "export.csv");

        String command = "envctl host add three --docker ssh://me@three --address 192.168.1.30 --label gpu=true "
                + "--label 'owner=it'\\''s $HOME, a b' --capacity 4";
        for (String[] args : List.of(new String[] {"apply", "-f", "export.csv"},
                new String[] {"apply", "-f", "export.csv", "--dry-run"}, new String[] {"diff", "-f", "export.csv"})) {
            refused(2, "apply file export.csv, environment 'web': host 'three' is unknown; known: local (add it as "
                    + "the file defines it: " + command + ")", args);
        }

        // what a shell makes of the command is the host as the file has it
        Process sh = new ProcessBuilder("sh", "-c", "printf '%s\\n' " + command.substring("envctl ".length()))
                .redirectErrorStream(true).start();
        List<String> argv = new String(sh.getInputStream().readAllBytes()).lines().toList();
        assertThat(sh.waitFor()).isZero();
        assertThat(argv).contains("owner=it's $HOME, a b");
        ws.ok(argv.toArray(String[]::new));
        assertThat(ws.ok("host", "list", "-o", "json").json().get(1).toString()).isEqualTo(
                ws.ok("--store", other.toString(), "host", "list", "-o", "json").json().get(1).toString()
                        .replace("\"environments\":1", "\"environments\":0"));
        Result applied = ws.run("apply", "-f", "export.csv");
        assertThat(applied.exit()).as(applied.toString()).isZero();

        refused(2, "host 'nope' is unknown; known: local, three (add it with: envctl host add nope --docker ENDPOINT)",
                "create", "api", "--host", "nope");
        ws.write("nope.yaml", "- name: d\n  host: nope\n");
        refused(2, "apply file nope.yaml, environment 'd': host 'nope' is unknown; known: local, three (add it with: "
                + "envctl host add nope --docker ENDPOINT)", "apply", "-f", "nope.yaml");
        for (String[] args : List.of(new String[] {"host", "remove", "nope"},
                new String[] {"list", "--host", "nope"})) {
            assertThat(refused(2, "host 'nope' is unknown; known: local, three", args).err()).as(args[0])
                    .doesNotContain("host add");
        }
    }

    @Test
    void csvOutputKeepsTheHostsItsEnvironmentsLiveOn() {
        ws.ok("host", "add", "two", "--docker", TWO);
        ws.ok("host", "add", "three", "--docker", "ssh://me@three");
        ws.ok("create", "api", "--host", "two", "--no-wait");

        String csv = ws.ok("list", "-o", "csv").out();

        assertThat(csv).contains("#envctl-host two docker=" + TWO).doesNotContain("three");
        ws.write("copy.csv", csv);
        assertThat(ws.run("--store", "copy.csv", "list", "-o", "json").json().get(0).get("host").asText())
                .isEqualTo("two");
    }

    /**
     * {@code host add} refuses a Docker endpoint with a password; one a hand-edited store holds is never printed
     * ({@code host list} in each format, {@code list -o csv}'s host lines, doctor).
     */
    @Test
    void aPasswordInAHandEditedDockerEndpointIsNeverPrinted() throws IOException {
        ws.ok("host", "add", "three", "--docker", "ssh://me@three");
        ws.ok("create", "api", "--host", "three", "--no-wait");
        Path store = ws.defaultStore();
        Files.writeString(store, Files.readString(store).replace("ssh://me@three", "ssh://me@three?password=S3cretPw"));

        for (String[] args : List.of(new String[] {"host", "list"}, new String[] {"host", "list", "-o", "json"},
                new String[] {"list", "-o", "csv"}, new String[] {"doctor"})) {
            Result r = ws.run(args);
            assertThat(r.out() + r.err()).as(r.toString()).doesNotContain("S3cretPw");
        }
        assertThat(ws.ok("host", "list").out()).contains("ssh://me@three?password=***");

        // list -o csv hides it on the host line: the store's host still, so the output applies to the store
        ws.write("export.csv", ws.ok("list", "-o", "csv").out());
        Result diff = ws.run("diff", "-f", "export.csv");
        assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
        assertThat(diff.out()).as(diff.toString()).startsWith("resume api (k3d)").doesNotContain("S3cretPw");
    }

    @Test
    void hostCommandsRefuseBadInputAndChangeNothing() {
        ws.ok("host", "add", "two", "--docker", TWO);
        ws.ok("create", "api", "--host", "two", "--no-wait");
        ws.ok("create", "dev", "--no-wait");

        usage("needs --docker ENDPOINT", "host", "add", "three");
        refused(2, "Docker endpoint 'http://three' is invalid", "host", "add", "three", "--docker", "http://three");
        for (String bad : List.of("tcp://x:99999", "tcp://x:0", "tcp://:2376", "tcp://x:abc")) {
            refused(2, "Docker endpoint '" + bad + "' is invalid", "host", "add", "three", "--docker", bad);
        }
        refused(2, "Docker endpoint 'tcp://x:99999' is invalid: port 99999 is out of range; allowed: 1 to 65535",
                "host", "add", "three", "--docker", "tcp://x:99999");
        refused(2, "Docker endpoint 'ssh://me:***@three' is invalid", "host", "add", "three", "--docker",
                "ssh://me:hunter2@three");
        for (String bad : List.of("tcp://x:2375/path?q=1", "tcp://x:2375/", "ssh://me@three?q=1", "ssh://three#f")) {
            refused(2, "Docker endpoint '" + bad + "' of host 'three' is invalid; allowed: unix://PATH, "
                    + "tcp://HOST[:PORT], ssh://[USER@]HOST[:PORT][/SOCKET]", "host", "add", "three", "--docker", bad);
        }
        refused(2, "label 'envctl.keep-record' of host 'three' is envctl's own: keys starting with 'envctl.' are "
                + "reserved", "host", "add", "three", "--docker", TWO, "--label", "envctl.keep-record=true");
        refused(2, "Docker endpoint 'tcp://x:0' is invalid", "host", "add", "two", "--docker", "tcp://x:0");
        refused(2, "--address 'a b' is not an IP address", "host", "add", "three", "--docker", TWO, "--address", "a b");
        refused(2, "--address 'gpu1.example.com' is not an IP address", "host", "add", "three", "--docker", TWO,
                "--address", "gpu1.example.com");
        refused(2, "--address '224.0.0.1' is a multicast address (224.0.0.0/4, ff00::/8)", "host", "add", "three",
                "--docker", TWO, "--address", "224.0.0.1");
        refused(2, "--address 'ff02::1' is a multicast address", "host", "add", "three", "--docker", TWO, "--address",
                "ff02::1");
        refused(2, "--address '255.255.255.255' is the broadcast address", "host", "add", "three", "--docker", TWO,
                "--address", "255.255.255.255");
        refused(2, "--capacity 0 is out of range", "host", "add", "three", "--docker", TWO, "--capacity", "0");
        refused(2, "host name 'auto' is reserved", "host", "add", "auto", "--docker", TWO);
        refused(2, "host name 'Three' is invalid", "host", "add", "Three", "--docker", TWO);
        refused(4, "host 'two' already exists", "host", "add", "two", "--docker", TWO);
        refused(4, "host 'local' is built in", "host", "add", "local", "--docker", TWO);
        refused(2, "host 'nope' is unknown; known: local, two", "host", "remove", "nope");
        refused(4, "host 'two' has 1 environment (api)", "host", "remove", "two");
        refused(4, "host 'local' is built in", "host", "remove", "local");
        usage("host takes an action, add, list or remove, got 'frob'", "host", "frob");
        usage("host takes an action", "host");
        usage("host add needs --docker ENDPOINT (unix://PATH, tcp://HOST[:PORT], ssh://[USER@]HOST[:PORT][/SOCKET], "
                + "npipe://PATH or context:NAME)", "host", "add", "three");
        usage("--docker only goes with 'host add'", "host", "list", "--docker", TWO);
        usage("host remove takes one host NAME", "host", "remove", "two", "three");
        refused(2, "host 'nope' is unknown; known: local, two", "create", "web", "--host", "nope");
        refused(2, "host 'nope' is unknown", "create", "web", "--host", "nope", "--dry-run");
        refused(2, "a host selector needs host 'auto', not 'two'", "create", "web", "--host", "two",
                "--host-selector", "gpu=true");
        refused(2, "a host selector needs host 'auto'", "create", "web", "--host-selector", "gpu=true");
        refused(2, "host 'nope' is unknown", "list", "--host", "nope");
        refused(2, "host name 'auto' is reserved", "list", "--host", "auto");
        assertThat(cells(ws.ok("host", "list").out())).hasSize(3);
    }

    @Test
    void hostHelpExplainsEveryActionAndFlag() {
        String help = ws.ok("host", "--help").out();

        assertThat(help).startsWith("Usage: envctl host [options] add NAME|list|remove NAME")
                .contains("--docker ENDPOINT", "--address ADDR", "--label KEY=VALUE", "--capacity N", "exit 4",
                        "Exit codes:", "ssh://[USER@]HOST[:PORT][/SOCKET]");
        assertThat(ws.ok("create", "--help").out()).contains("--host NAME|auto", "--host-selector KEY=VALUE");
        assertThat(ws.ok("list", "--help").out()).contains("--host NAME ");
        assertThat(ws.ok("--help").out()).contains("host ");
    }

    @Test
    void eachEnvironmentsClusterIsMadeFoundAndRemovedOnTheDaemonOfItsHost() throws IOException {
        // the stand-ins keep another daemon's clusters in stub-state/daemons/ENDPOINT, local's in stub-state
        Path two = ws.state.resolve("daemons/tcp___192_168_1_20_2376");
        ws.ok("host", "add", "two", "--docker", TWO);
        ws.ok("create", "web");
        ws.ok("create", "api", "--host", "two");
        ws.ok("create", "kapi", "--host", "two", "--provider", "kind");

        assertThat(ws.state.resolve("k3d/web")).exists();
        assertThat(two.resolve("k3d/api")).exists();
        assertThat(two.resolve("kind/kapi")).exists();
        assertThat(ws.state.resolve("k3d/api")).doesNotExist();
        assertThat(ws.state.resolve("kind/kapi")).doesNotExist();
        assertThat(two.resolve("k3d/web")).doesNotExist();
        Result settled = ws.ok("reconcile", "-o", "json");
        assertThat(column(settled.json().get("outcomes"), "action")).containsOnly("unchanged");
        assertThat(settled.err()).doesNotContain("unmanaged");

        Files.delete(two.resolve("k3d/api"));
        JsonNode outcomes = ws.ok("reconcile", "-o", "json").json().get("outcomes");
        assertThat(column(outcomes, "name")).containsExactly("api", "kapi", "web");
        assertThat(column(outcomes, "action")).containsExactly("recreated", "unchanged", "unchanged");
        assertThat(two.resolve("k3d/api")).exists();
        assertThat(ws.state.resolve("k3d/api")).doesNotExist();

        ws.ok("delete", "api");
        ws.ok("stop", "kapi");
        assertThat(two.resolve("k3d/api")).doesNotExist();
        assertThat(ws.state.resolve("k3d/web")).exists();
        assertThat(two.resolve("kind/kapi")).content().isEqualToIgnoringNewLines("exited");

        // a cluster no record owns is reported with its host, which a name alone would not tell
        Files.copy(ws.state.resolve("k3d/web"), two.resolve("k3d/orphan"));
        assertThat(ws.ok("reconcile").out()).contains("unmanaged clusters (no envctl record): orphan (k3d on two)");
        assertThat(ws.ok("reconcile", "-o", "json").json().get("unmanaged").toString())
                .contains("\"name\":\"orphan\",\"provider\":\"k3d\",\"host\":\"two\"");
    }

    @Test
    void doctorNamesTheProviderOfEachDockerLineOfAHostWhenTheProvidersDockerChecksDiffer() {
        ws.ok("host", "add", "two", "--docker", TWO);
        ws.env.put("ENVCTL_CONFIG", ws.write("kind-docker.properties",
                "provider.kind.docker-binary=/nonexistent\n").toString());

        Result r = ws.ok("doctor");

        assertThat(r.out().lines().filter(l -> l.contains("  docker on two"))).as(r.toString()).satisfiesExactly(
                l -> assertThat(l).startsWith("PASS  docker on two (k3d)  ").endsWith(" at " + TWO),
                l -> assertThat(l).startsWith("WARN  docker on two (kind)  ").contains("/nonexistent not found",
                        "needed only for --provider kind"));
        assertThat(ws.ok("doctor", "-o", "json").json().findValuesAsText("name"))
                .contains("docker on two (k3d)", "docker on two (kind)").doesNotContain("docker on two");
    }

    @Test
    void doctorChecksDockerOnEveryHostAndAHostThatDoesNotAnswerFailsOnlyItsOwnEnvironments() {
        ws.ok("host", "add", "two", "--docker", TWO);
        ws.ok("create", "web");
        ws.ok("create", "web2", "--no-wait");
        ws.ok("create", "api", "--host", "two", "--no-wait");

        Result healthy = ws.ok("doctor");
        assertThat(healthy.out()).containsPattern("(?m)^PASS +docker on two +Docker .* at " + TWO + "$");
        Workspace.write(ws.state.resolve("docker-down-hosts"), TWO + "\n");
        Result sick = ws.run("doctor", "-o", "json");
        assertThat(sick.exit()).as(sick.toString()).isEqualTo(1);
        assertThat(sick.json().toString()).contains("\"name\":\"docker on two\",\"status\":\"FAIL\"")
                .contains("Cannot connect to the Docker daemon at " + TWO);
        // the environments on that host, not every one of the provider; and advice about that host
        JsonNode two = StreamSupport.stream(sick.json().spliterator(), false)
                .filter(c -> c.get("name").asText().equals("docker on two")).findFirst().orElseThrow();
        assertThat(two.get("hint").asText()).isEqualTo("check that Docker runs on host two and answers at " + TWO
                + "; needed by 1 environment of the store");
        // Docker's words name the endpoint already: the detail does not name it again, the hint once more
        assertThat(two.get("detail").asText()).isEqualTo("docker info failed (exit code 1): Cannot connect to the "
                + "Docker daemon at " + TWO + ". Is the docker daemon running?");
        assertThat(ws.run("doctor").out().lines().filter(l -> l.startsWith("FAIL  docker on two"))).singleElement()
                .satisfies(l -> assertThat(l.split(java.util.regex.Pattern.quote(TWO), -1)).hasSize(3));
        ws.ok("delete", "web2");

        Result reconciled = ws.run("reconcile", "-o", "json");
        assertThat(reconciled.exit()).as(reconciled.toString()).isEqualTo(6);
        JsonNode outcomes = reconciled.json().get("outcomes");
        assertThat(column(outcomes, "name")).containsExactly("api", "web");
        assertThat(outcomes.get(0).get("action").asText()).isEqualTo("failed");
        assertThat(outcomes.get(0).get("error").asText()).contains("host 'two' did not answer");
        assertThat(reconciled.err()).as("api's row says why; the warning points to it")
                .contains("host two did not answer (the failed environments say why)")
                .containsOnlyOnce("Cannot connect to the Docker daemon");
        assertThat(outcomes.get(1).get("action").asText()).isEqualTo("unchanged");
        assertThat(ws.ok("list").out()).contains("api").contains("web");
    }

    @Test
    void addingTheDaemonOfAnotherHostUnderANewNameWarnsThatItsPortsWouldBeGivenTwice() {
        Result two = ws.ok("host", "add", "two", "--docker", TWO);
        assertThat(two.err()).doesNotContain("warning");

        Result same = ws.ok("host", "add", "same", "--docker", "unix:///var/run/docker.sock");

        assertThat(same.out()).isEqualTo("added host same (unix:///var/run/docker.sock)\n");
        assertThat(same.errLines()).containsExactly("envctl: warning: host same answers as the Docker daemon of host "
                + "local (STND:IN00 standin " + ws.state + "): one daemon under two names has its ports given twice; "
                + "unless they are two daemons after all, remove it: envctl host remove same");
        Result twoAgain = ws.run("host", "add", "two-again", "--docker", TWO);
        assertThat(twoAgain.err()).contains("host two-again answers as the Docker daemon of host two (");
    }

    @Test
    void addingAHostWithoutDockerOnPathSaysItWasNotComparedAndStillAddsIt() {
        ws.withoutTools();

        Result r = ws.ok("host", "add", "two", "--docker", TWO);

        assertThat(r.out()).isEqualTo("added host two (" + TWO + ")\n");
        assertThat(r.errLines()).containsExactly("envctl: warning: host two was not compared with the Docker "
                + "daemons of the other hosts: docker is not on PATH to ask them who they are; add each daemon once "
                + "(one daemon under two names has its ports given twice)");
        assertThat(ws.ok("host", "list", "-o", "json").json().findValuesAsText("name")).contains("two");
    }

    @Test
    void addingAHostNamesEachHostWhoseDockerDidNotAnswerAndSoWasNotCompared() {
        ws.ok("host", "add", "dead1", "--docker", "tcp://dead1.example:2375");
        ws.ok("host", "add", "dead2", "--docker", "ssh://me@dead2");
        Workspace.write(ws.state.resolve("docker-down-hosts"), "tcp://dead1.example:2375\nssh://me@dead2\n"
                + "tcp://gone.example:2375\n");

        Result good = ws.ok("host", "add", "good", "--docker", TWO);

        assertThat(good.out()).isEqualTo("added host good (" + TWO + ")\n");
        assertThat(good.errLines()).containsExactly("envctl: warning: host good was not compared with hosts dead1, "
                + "dead2: their Docker daemons did not answer 'docker info' (it failed, or gave no answer within "
                + "10 s); if one of them is the daemon of good, remove it: envctl host remove good (one daemon under "
                + "two names has its ports given twice)");
        assertThat(ws.ok("host", "add", "same", "--docker", "unix:///var/run/docker.sock").errLines())
                .as("a daemon that answers is still compared").hasSize(2)
                .anySatisfy(l -> assertThat(l).startsWith("envctl: warning: host same answers as the Docker daemon "
                        + "of host local ("));
        assertThat(ws.ok("host", "add", "gone", "--docker", "tcp://gone.example:2375").errLines()).containsExactly(
                "envctl: warning: host gone was not compared with the Docker daemons of the other hosts: its own did "
                + "not answer 'docker info' (it failed, or gave no answer within 10 s); add each daemon once (one "
                + "daemon under two names has its ports given twice)");
        assertThat(ws.ok("host", "add", "quiet", "--docker", "tcp://quiet.example:2375", "-q").err()).isEmpty();
    }

    @Test
    void anAutoCreateWhoseHostsDoNotAnswerOrAreFullNamesEachAndWhyOnOneLine() {
        ws.ok("host", "add", "two", "--docker", TWO, "--label", "zone=b");
        ws.ok("host", "add", "small", "--docker", "tcp://small.example:2375", "--label", "zone=b", "--capacity", "1");
        ws.ok("create", "held", "--host", "small", "--no-wait");
        Workspace.write(ws.state.resolve("docker-down-hosts"), TWO + "\n");

        Result placed = refused(6, "envctl: no host with room answered for environment 'placed': host 'two' did not "
                + "answer: ", "create", "placed", "--host", "auto", "--host-selector", "zone=b");

        assertThat(placed.err()).contains("Cannot connect to the Docker daemon at " + TWO)
                .endsWith("; host 'small' is full: 1 of its capacity 1\n");
    }

    @Test
    void anEnvironmentOnAHostGoneForGoodIsForgottenWithoutAToolAndThenTheHostRemoved() {
        ws.ok("host", "add", "two", "--docker", TWO);
        ws.ok("create", "api", "--host", "two");
        Workspace.write(ws.state.resolve("docker-down-hosts"), TWO + "\n");
        assertThat(ws.run("delete", "api").exit()).isEqualTo(6);
        assertThat(ws.run("host", "remove", "two").exit()).isEqualTo(4);
        Result both = ws.run("delete", "api", "--forget", "--keep-record");
        assertThat(both.exit()).as(both.toString()).isEqualTo(2);
        assertThat(both.err()).startsWith("envctl: --forget removes only the record; it takes neither --keep-record "
                + "nor --dry-run");
        int calls = ws.calls().size();

        Result forgot = ws.ok("delete", "api", "--forget");

        assertThat(forgot.out()).isEqualTo("forgot api: its record is removed; its k3d cluster on host two, if any, "
                + "is left as it is\n");
        assertThat(ws.calls()).as("no tool run, no hook").hasSize(calls);
        assertThat(ws.run("get", "api").exit()).isEqualTo(3);
        ws.ok("host", "remove", "two");
        assertThat(ws.run("delete", "api", "--forget").exit()).isEqualTo(3);
    }

    @Test
    void anAutoCreateSkipsAHostThatDoesNotAnswerAndSaysWhereItPlacedTheEnvironment() {
        ws.ok("host", "add", "two", "--docker", TWO, "--label", "zone=b");
        ws.ok("host", "add", "small", "--docker", "tcp://small.example:2375", "--label", "zone=b", "--capacity", "3");
        Workspace.write(ws.state.resolve("docker-down-hosts"), TWO + "\n");

        Result placed = ws.run("create", "placed", "--host", "auto", "--host-selector", "zone=b", "-o", "json");

        assertThat(placed.exit()).as(placed.toString()).isEqualTo(0);
        assertThat(placed.json().get("host").asText()).isEqualTo("small");
        assertThat(placed.errLines()).filteredOn(l -> l.contains("did not answer")).singleElement().asString()
                .startsWith("WARN LifecycleEngine - host 'two' did not answer: ")
                .endsWith("; placing environment 'placed' on host 'small' instead");
        assertThat(column(ws.ok("list", "-o", "json").json(), "host")).containsExactly("small");
    }

    @Test
    void eachCommandChecksTheDockerOfTheHostItWorksOnAndApplyFailsOnlyTheHostThatDoesNotAnswer() {
        ws.ok("host", "add", "two", "--docker", TWO, "--label", "zone=b");
        Workspace.write(ws.state.resolve("docker-down-hosts"), "unix:///var/run/docker.sock\n");

        JsonNode api = ws.ok("create", "api", "--host", "two", "-o", "json").json();
        assertThat(api.get("actualState").asText()).isEqualTo("running");
        assertThat(ws.ok("stop", "api", "-o", "json").json().toString()).contains("\"actualState\":\"stopped\"");
        ws.ok("start", "api");
        byte[] before = Workspace.bytes(ws.defaultStore());
        Result onLocal = ws.run("create", "web");
        assertThat(onLocal.exit()).as(onLocal.toString()).isEqualTo(6);
        assertThat(onLocal.err()).startsWith("envctl: provider k3d is not ready: ")
                .contains("unix:///var/run/docker.sock", "nothing was changed")
                // Docker is missing, not k3d: the dry run needs neither
                .contains("add --dry-run to see the plan, which runs no tool,").doesNotContain("without k3d");
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);

        Workspace.write(ws.state.resolve("docker-down-hosts"), TWO + "\n");
        ws.ok("create", "web");
        before = Workspace.bytes(ws.defaultStore());
        Result onTwo = ws.run("delete", "api");
        assertThat(onTwo.exit()).as(onTwo.toString()).isEqualTo(6);
        assertThat(onTwo.errLines()).hasSize(1);
        assertThat(onTwo.err()).startsWith("envctl: provider k3d on host 'two' is not ready: ")
                .contains(TWO, "nothing was changed");
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
        assertThat(ws.run("stop", "api").exit()).isEqualTo(6);
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
        // fleet.md: a create on a named host lists its clusters first, and names what failed as delete does
        Result createOnTwo = ws.run("create", "batch", "--host", "two");
        assertThat(createOnTwo.exit()).as(createOnTwo.toString()).isEqualTo(6);
        assertThat(createOnTwo.errLines()).singleElement().asString()
                .startsWith("envctl: provider k3d on host 'two' is not ready: docker: docker info failed")
                .contains(TWO, "nothing was changed");
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
        Result placed = ws.run("create", "placed", "--host", "auto", "--host-selector", "zone=b");
        assertThat(placed.exit()).as(placed.toString()).isEqualTo(6);
        assertThat(placed.err()).startsWith("envctl: host 'two' did not answer: ");
        assertThat(Workspace.bytes(ws.defaultStore())).as("the placed record removed again").isEqualTo(before);
        Path file = Workspace.write(tmp.resolve("envs.yaml"), "- name: web\n- name: api\n  host: two\n"
                + "- name: batch\n  host: two\n");
        Result apply = ws.run("apply", "-f", file.toString(), "-o", "json");
        assertThat(apply.exit()).as("its one failure is a host not answering: " + apply).isEqualTo(6);
        JsonNode outcomes = apply.json().get("outcomes");
        assertThat(column(outcomes, "name")).containsExactly("api", "batch", "web");
        assertThat(column(outcomes, "action")).containsExactly("unchanged", "failed", "unchanged");
        assertThat(outcomes.get(1).get("error").asText()).contains("host 'two' did not answer");

        Workspace.write(ws.state.resolve("docker-down-hosts"), "unix:///var/run/docker.sock\n");
        Path more = Workspace.write(tmp.resolve("more.yaml"), "- name: cache\n  host: two\n");
        assertThat(ws.ok("apply", "-f", more.toString()).out()).containsPattern("(?m)^cache +created +running");
        assertThat(column(ws.ok("list", "-o", "json").json(), "host")).containsExactly("two", "two", "two", "local");
    }

    @Test
    void migrateWarnsAboutASkippedEnvironmentsPortsOnItsOwnHost() {
        ws.ok("host", "add", "two", "--docker", TWO);
        ws.ok("create", "devops", "--host", "two", "--pf-port", "19000", "--no-wait");
        ws.ok("create", "web", "--no-wait");
        Path target = tmp.resolve("target.csv");

        Result r = ws.ok("migrate", "--from", ws.defaultStore().toString(), "--to", target.toString(), "--dry-run");

        assertThat(r.errLines()).as(r.toString()).contains("envctl: warning: devops (skipped) uses pf port 19000, "
                + "inside pool.pf (19000-19399), which " + target + " does not hold on host 'two': envctl may give it "
                + "to a new environment there; keep it out of the pool (pool.pf=19001-19399)");

        // a target that holds 19000 on host two already: the clash is on that host
        ws.ok("--store", target.toString(), "host", "add", "two", "--docker", TWO);
        ws.ok("--store", target.toString(), "create", "first", "--host", "two", "--pf-port", "19000", "--no-wait");
        Result clash = ws.ok("migrate", "--from", ws.defaultStore().toString(), "--to", target.toString(),
                "--dry-run");
        assertThat(clash.errLines()).as(clash.toString()).contains("envctl: warning: devops (skipped) uses pf port "
                + "19000, which " + target + " holds already for environment 'first' (as its pf port): the two clash "
                + "on host 'two'; give one of them another port");
    }
}
