package dev.envctl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.envctl.cli.Workspace.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code apply} and {@code diff} seeing changes, with the packaged CLI on the default CSV store and stand-in tools:
 * the plan's lines and JSON, diff's exit codes, the refusal of a replacement without {@code --replace}, in-place
 * updates and replacement, from YAML, JSON and CSV files.
 */
class ApplyChangesIT {
    private static final String HEADER = "# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
            + "http_port,https_port,cluster_subnet\n";

    @TempDir
    Path tmp;
    Workspace ws;

    @BeforeEach
    void setUp() {
        ws = new Workspace(tmp);
    }

    private Result run(int exit, String... args) {
        Result r = ws.run(args);
        assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
        return r;
    }

    private Result ok(String... args) {
        return run(0, args);
    }

    private boolean cluster(String tool, String name) {
        return ws.state.resolve(tool).resolve(name).toFile().exists();
    }

    @Test
    void diffPrintsEachChangedFieldAndExits1UntilApplyMakesTheStoreMatch() {
        ok("create", "dev", "--label", "team=a");
        ok("create", "web", "--label", "team=a");
        Path yaml = ws.write("envs.yaml", "- name: dev\n  provider: kind\n  ports: {http: 18090}\n"
                + "- name: web\n  labels: {team: b}\n- name: qa\n");

        Result diff = run(1, "diff", "-f", yaml.toString());

        assertThat(diff.out()).isEqualTo("create qa (k3d)\n"
                + "~ dev  provider k3d -> kind, http 18080 -> 18090  (replace)\n"
                + "~ web  label team: a -> b  (in place)\n");
        ok("apply", "-f", yaml.toString(), "--replace");
        assertThat(run(0, "diff", "-f", yaml.toString()).out()).isEqualTo("unchanged: dev, web, qa\n");
        assertThat(run(0, "diff", "-f", ws.write("dev.yaml", "- name: dev\n  provider: kind\n").toString()).out())
                .isEqualTo("unchanged: dev\n");
        assertThat(run(1, "diff", "-f", ws.write("dev.yaml", "- name: dev\n  provider: kind\n").toString(),
                "--prune").out()).isEqualTo("delete qa (k3d)\ndelete web (k3d)\nunchanged: dev\n");
    }

    @Test
    void diffAndDryRunSayAdoptForANewNameWhoseClusterExistsAsApplyThenAdoptsIt() throws Exception {
        ProcessBuilder k3d = new ProcessBuilder(ws.bin.resolve("k3d").toString(), "cluster", "create", "extk")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        k3d.environment().putAll(ws.env);
        assertThat(k3d.start().waitFor()).isZero();
        Path yaml = ws.write("envs.yaml", "- name: extk\n- name: qa\n");

        assertThat(run(1, "diff", "-f", yaml.toString()).out()).isEqualTo("adopt extk (k3d)\ncreate qa (k3d)\n");
        assertThat(ok("apply", "-f", yaml.toString(), "--dry-run").out())
                .contains("adopt extk (k3d)\n  the k3d cluster of that name exists: it is adopted as it is (no "
                        + "provider command, no hook)");
        assertThat(run(1, "diff", "-f", yaml.toString(), "-o", "json").json().get("steps").get(0).get("action")
                .asText()).isEqualTo("adopt");

        ok("apply", "-f", yaml.toString());
        // only the cluster made by hand: apply made no second one
        assertThat(ws.calls()).filteredOn(c -> c.size() > 3 && c.subList(0, 4).equals(List.of("k3d", "cluster",
                "create", "extk"))).hasSize(1);
        assertThat(run(0, "diff", "-f", yaml.toString()).out()).isEqualTo("unchanged: extk, qa\n");

        // a record whose delete is pending (its cluster still there) is marked present again, not adopted
        ws.flag("k3d-fail-delete");
        assertThat(ws.run("delete", "qa").exit()).isEqualTo(6);
        assertThat(run(1, "diff", "-f", yaml.toString()).out()).isEqualTo("create qa (k3d)\nunchanged: extk\n");
    }

    @Test
    void applyRefusesAReplacementWithoutReplaceAndChangesNothing() {
        ok("create", "dev");
        ok("create", "web");
        JsonNode before = ok("list", "-o", "json").json();
        ws.clearCalls();
        Path yaml = ws.write("envs.yaml", "- name: dev\n  ports: {http: 18090}\n- name: web\n  labels: {team: b}\n"
                + "- name: qa\n");

        Result refused = run(4, "apply", "-f", yaml.toString());

        assertThat(refused.err()).isEqualTo("envctl: 1 environment needs a new cluster: dev (http 18080 -> 18090); "
                + "nothing was changed; an apply that may replace deletes it and creates it again under the same name "
                + "(envctl apply --replace)\n");
        assertThat(refused.out()).isEmpty();
        assertThat(ok("list", "-o", "json").json()).isEqualTo(before);
        assertThat(ws.calls()).noneMatch(c -> c.contains("create") || c.contains("delete"));

        Result dry = run(4, "apply", "-f", yaml.toString(), "--dry-run");
        assertThat(dry.out()).contains("~ dev  http 18080 -> 18090  (replace)", "~ web  label team: (none) -> b  "
                + "(in place)", "create qa (k3d)");
        assertThat(dry.err()).contains("envctl: 1 environment needs a new cluster");
        assertThat(run(0, "apply", "-f", yaml.toString(), "--dry-run", "--replace").out())
                .contains("~ dev  http 18080 -> 18090  (replace)");
        assertThat(ok("list", "-o", "json").json()).isEqualTo(before);
    }

    @Test
    void replaceDeletesTheOldClusterAndCreatesTheNewOneWithTheNewSpec() {
        ok("create", "dev", "--label", "team=a");
        Path yaml = ws.write("envs.yaml", "- name: dev\n  provider: kind\n  ports: {http: 18090}\n"
                + "  labels: {team: b}\n");

        JsonNode report = ok("apply", "-f", yaml.toString(), "--replace", "-o", "json").json();

        assertThat(report.get("outcomes").get(0).get("action").asText()).isEqualTo("replaced");
        JsonNode dev = ok("get", "dev", "-o", "json").json();
        assertThat(dev.get("provider").asText()).isEqualTo("kind");
        assertThat(dev.get("ports").get("http").asInt()).isEqualTo(18090);
        assertThat(dev.get("ports").get("https").asInt()).as("ports the file leaves open are kept").isEqualTo(18400);
        assertThat(dev.get("labels").get("team").asText()).isEqualTo("b");
        assertThat(dev.get("labels").has("envctl.replacing")).isFalse();
        assertThat(dev.get("actualState").asText()).isEqualTo("running");
        assertThat(cluster("k3d", "dev")).isFalse();
        assertThat(cluster("kind", "dev")).isTrue();
        assertThat(ws.calls()).containsSubsequence(List.of("k3d", "cluster", "delete", "dev"),
                List.of("kind", "create", "cluster", "--name", "dev", "--config", "-"));
    }

    @Test
    void aProviderChangeMakesTheNewClusterWithoutTheOldProvidersOptions() throws Exception {
        Path k3d = ws.write("k3d.yaml", "- name: dev\n  options: {k3s-args: \"--disable=traefik@server:*\", "
                + "image: \"rancher/k3s:v1.31.5-k3s1\"}\n");
        ok("apply", "-f", k3d.toString());
        Path kind = ws.write("kind.yaml", "- name: dev\n  provider: kind\n");

        assertThat(run(1, "diff", "-f", kind.toString()).out()).isEqualTo("~ dev  provider k3d -> kind, option image: "
                + "rancher/k3s:v1.31.5-k3s1 -> (none), option k3s-args: --disable=traefik@server:* -> (none)  (replace)\n");
        JsonNode dropped = run(1, "diff", "-f", kind.toString(), "-o", "json").json().get("steps").get(0)
                .get("changes").get(1);
        assertThat(dropped.get("key").asText()).isEqualTo("image");
        assertThat(dropped.get("from").asText()).isEqualTo("rancher/k3s:v1.31.5-k3s1");
        assertThat(dropped.get("to").isNull()).as(dropped.toString()).isTrue();
        String dry = ok("apply", "-f", kind.toString(), "--replace", "--dry-run").out();
        assertThat(dry).contains("option image: rancher/k3s:v1.31.5-k3s1 -> (none)").doesNotContain("  options ");
        assertThat(dry.substring(dry.indexOf("commands:"))).contains("kind create cluster --name dev")
                .doesNotContain("rancher/k3s").doesNotContain("k3s-args");
        ok("apply", "-f", kind.toString(), "--replace");

        assertThat(cluster("k3d", "dev")).as("the old cluster is deleted").isFalse();
        assertThat(cluster("kind", "dev")).isTrue();
        assertThat(Files.readString(ws.state.resolve("kind-create.stdin"))).as("kind's config")
                .doesNotContain("image:").doesNotContain("rancher/k3s");
        JsonNode dev = ok("get", "dev", "-o", "json").json();
        assertThat(dev.get("provider").asText()).isEqualTo("kind");
        assertThat(dev.get("options")).hasToString("{}");
    }

    @Test
    void aStoppedEnvironmentsReplacementIsDryRunWithTheDeleteApplyRunsAndNoCreate() {
        ok("create", "dev");
        ok("stop", "dev");
        Path yaml = ws.write("envs.yaml", "- name: dev\n  provider: kind\n");

        JsonNode plan = run(0, "apply", "-f", yaml.toString(), "--replace", "--dry-run", "-o", "json").json();
        ok("apply", "-f", yaml.toString(), "--replace");

        JsonNode step = plan.get("steps").get(0);
        assertThat(step.get("action").asText()).isEqualTo("replace");
        List<String> planned = new java.util.ArrayList<>();
        step.get("commands").forEach(c -> planned.add(c.get("argv").get(1).asText() + " "
                + c.get("argv").get(2).asText()));
        assertThat(planned).containsExactly("cluster delete", "volume rm");
        assertThat(ok("get", "dev", "-o", "json").json().get("actualState").asText()).isEqualTo("stopped");
        assertThat(cluster("kind", "dev")).as("apply creates no cluster: start does").isFalse();
    }

    @Test
    void aReplacementWhosePortIsHeldIsRefusedChangingNothing() {
        ok("create", "dev");
        ok("create", "web", "--http-port", "18090");
        byte[] before = Workspace.bytes(ws.defaultStore());
        ws.clearCalls();
        Path yaml = ws.write("envs.yaml", "- name: dev\n  ports: {http: 18090}\n- name: qa\n");

        Result r = run(4, "apply", "-f", yaml.toString(), "--replace");

        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).containsExactly("envctl: apply refused, nothing was changed: dev: http port 18090 is "
                + "already held by environment 'web'; choose another or leave it out to allocate one");
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
        assertThat(cluster("k3d", "dev")).isTrue();
        assertThat(ws.calls()).noneMatch(c -> c.contains("delete") || c.contains("create"));
    }

    @Test
    void diffAndDryRunGiveTheSameJsonPlan() {
        ok("create", "dev", "--subnet", "auto");
        Path yaml = ws.write("envs.yaml", "- name: dev\n  subnet: 10.120.0.0/24\n  options: {servers: '3'}\n"
                + "  ports: {node: 30081}\n");

        JsonNode diff = run(1, "diff", "-f", yaml.toString(), "-o", "json").json();
        JsonNode dry = ok("apply", "-f", yaml.toString(), "--dry-run", "--replace", "-o", "json").json();

        assertThat(diff).isEqualTo(dry);
        JsonNode step = diff.get("steps").get(0);
        assertThat(step.get("action").asText()).isEqualTo("replace");
        assertThat(step.get("environment").get("subnet").asText()).isEqualTo("10.120.0.0/24");
        assertThat(step.get("changes").toString()).isEqualTo("["
                + "{\"field\":\"subnet\",\"key\":null,\"from\":\"10.100.0.0/24\",\"to\":\"10.120.0.0/24\",\"replace\":true},"
                + "{\"field\":\"option\",\"key\":\"servers\",\"from\":null,\"to\":\"3\",\"replace\":true},"
                + "{\"field\":\"node\",\"key\":null,\"from\":\"30080\",\"to\":\"30081\",\"replace\":false}]");
        assertThat(step.get("commands")).hasSizeGreaterThan(1);
        assertThat(diff.get("unchanged")).isEmpty();
    }

    /** {@code bash -c script} with the workspace's environment (its launcher as {@code $ENVCTL}). */
    private Processes.Output bash(String script) {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(tmp.toFile());
        pb.environment().clear();
        pb.environment().putAll(ws.env);
        pb.environment().put("ENVCTL", Workspace.LAUNCHER.toString());
        return Processes.run(pb, tmp, script);
    }

    @Test
    void theFileMayBeAPipeOrStandardInput() {
        ok("create", "dev");

        Processes.Output piped = bash("\"$ENVCTL\" diff -f <(\"$ENVCTL\" list -o json)");
        assertThat(piped.exit()).as(piped.err()).isZero();
        assertThat(piped.out()).isEqualTo("unchanged: dev\n");
        Processes.Output stdin = bash("printf -- '- name: qa\\n' | \"$ENVCTL\" apply -f -");
        assertThat(stdin.exit()).as(stdin.err()).isZero();
        assertThat(ok("get", "qa", "-o", "json").json().get("actualState").asText()).isEqualTo("running");
        Processes.Output csv = bash("\"$ENVCTL\" list -o csv | \"$ENVCTL\" diff -f -");
        assertThat(csv.exit()).as(csv.err()).isZero();
        assertThat(csv.out()).isEqualTo("unchanged: dev, qa\n");
    }

    @Test
    void aKindlerCsvFileChangesAFlagInPlaceAndAListJsonFileIsUnchanged() {
        Path csv = ws.write("envs.csv", HEADER + "dev,k3d,30080,19001,true,true,18090,18443,\n");
        ok("apply", "-f", csv.toString());
        Path flipped = ws.write("flipped.csv", HEADER + "dev,k3d,30080,19001,false,true,18090,18443,\n");

        assertThat(run(1, "diff", "-f", flipped.toString()).out())
                .isEqualTo("~ dev  label register_portainer: true -> false  (in place)\n");
        JsonNode report = ok("apply", "-f", flipped.toString(), "-o", "json").json();
        assertThat(report.get("outcomes").get(0).get("action").asText()).isEqualTo("updated");
        assertThat(ok("get", "dev", "-o", "json").json().get("labels").get("register_portainer").asText())
                .isEqualTo("false");
        assertThat(run(0, "diff", "-f", flipped.toString()).out()).isEqualTo("unchanged: dev\n");

        Path json = ws.write("envs.json", ok("list", "-o", "json").out());
        assertThat(run(0, "diff", "-f", json.toString()).out()).isEqualTo("unchanged: dev\n");
        ObjectNode moved = (ObjectNode) ok("list", "-o", "json").json().get(0);
        ((ObjectNode) moved.get("ports")).put("pf", 19005);
        Path movedJson = ws.write("moved.json", "[" + moved + "]");
        assertThat(run(1, "diff", "-f", movedJson.toString()).out())
                .isEqualTo("~ dev  pf 19001 -> 19005  (replace)\n");
    }

    @Test
    void aKeptRowOfTheScriptsWithoutAnApiPortIsDiffedAndDryRunAsApplyCreatesIt() {
        Workspace.write(ws.defaultStore(), HEADER + "dev,kind,30080,19001,true,true,18090,18443,\n"
                + "uat,kind,30081,19002,true,true,18091,18444,\n");
        ok("delete", "dev", "--keep-record");
        ok("reconcile", "uat"); // else apply resumes it too, allocating its api port beside dev's
        Path file = ws.write("envs.json", ok("list", "-o", "json").out());

        assertThat(run(1, "diff", "-f", file.toString()).out()).isEqualTo("create dev (kind)\nunchanged: uat\n");
        JsonNode plan = ok("apply", "--dry-run", "-f", file.toString(), "-o", "json").json();
        int api = plan.get("steps").get(0).get("environment").get("ports").get("api").asInt();
        assertThat(api).isPositive();
        assertThat(ok("get", "dev", "-o", "json").json().get("ports").get("api").isNull()).as("nothing written")
                .isTrue();

        ok("apply", "-f", file.toString());
        assertThat(ok("get", "dev", "-o", "json").json().get("ports").get("api").asInt()).isEqualTo(api);
        assertThat(cluster("kind", "dev")).isTrue();
    }

    @Test
    void providerOptionsShowInGetAndListJsonAndAListJsonFileCarriesThemIntoAnotherStore() {
        ok("create", "dev", "--servers", "1", "--agents", "2", "--image", "rancher/k3s:v1.31.5-k3s1");
        ok("create", "web");
        String options = "{\"agents\":\"2\",\"image\":\"rancher/k3s:v1.31.5-k3s1\",\"servers\":\"1\"}";

        assertThat(ok("get", "dev", "-o", "json").json().get("options")).as("get -o json").hasToString(options);
        JsonNode listed = ok("list", "-o", "json").json();
        assertThat(listed.get(0).get("options")).as("list -o json").hasToString(options);
        assertThat(listed.get(1).get("options")).as("no options: an empty object, not null").hasToString("{}");
        List<String> get = ok("get", "dev").out().lines().toList();
        assertThat(get.get(0).split("\\s+")).endsWith("AGE", "OPTIONS");
        assertThat(get.get(1).split("\\s+")).endsWith("agents=2,image=rancher/k3s:v1.31.5-k3s1,servers=1");
        assertThat(ok("get", "web").out().lines().toList().get(1)).endsWith(" -");
        assertThat(ok("list").out().lines().toList().get(0)).as("the list's table stays narrow")
                .doesNotContain("OPTIONS");
        assertThat(ok("list", "-o", "csv").out()).contains("options=agents=2;image=rancher/k3s:v1.31.5-k3s1;servers=1");

        Path json = ws.write("envs.json", ok("list", "-o", "json").out());
        assertThat(run(0, "diff", "-f", json.toString()).out()).isEqualTo("unchanged: dev, web\n");
        ok("--store", "copy.csv", "apply", "-f", json.toString());
        assertThat(ok("--store", "copy.csv", "get", "dev", "-o", "json").json().get("options")).hasToString(options);
        // envctl's own labels are the store's: the copy's ports are the file's own, so they carry no auto-ports mark
        assertThat(withoutTimes(ok("--store", "copy.csv", "list", "-o", "json").json()))
                .as("the copy has every field of the original but envctl's own labels")
                .isEqualTo(withoutOwnLabels(withoutTimes(ok("list", "-o", "json").json())));
        assertThat(run(0, "--store", "copy.csv", "diff", "-f", json.toString()).out())
                .isEqualTo("unchanged: dev, web\n");
    }

    /**
     * An option value with spaces around it (" 1") is refused as the flag refuses it, not recorded as written
     * ({@code get} showed {@code servers= 1}): for a new environment and for one whose record the value means, in YAML
     * and JSON, by apply, its dry run and diff alike, exit 2 naming the option, the store unchanged.
     */
    @Test
    void anOptionValueWithSpacesAroundItIsRefusedFromAFileAsFromAFlagAndChangesNothing() {
        ok("create", "dev", "--servers", "1");
        byte[] before = Workspace.bytes(ws.defaultStore());
        assertThat(run(2, "create", "web", "--servers", " 1").err()).contains("--servers takes a whole number, got ' 1'");
        assertThat(run(2, "create", "web", "--image", " rancher/k3s:v1.31.5-k3s1").err())
                .contains("option image of environment web ' rancher/k3s:v1.31.5-k3s1' has spaces around it");
        Path yaml = ws.write("envs.yaml", "- name: web\n  options: {servers: \" 1\", timeout: \" 5m\"}\n");
        Path json = ws.write("envs.json", "[{\"name\": \"dev\", \"options\": {\"servers\": \"1 \"}}]");
        for (String[] args : List.of(new String[] {"apply"}, new String[] {"apply", "--dry-run"},
                new String[] {"diff"})) {
            List<String> yamlArgs = new java.util.ArrayList<>(List.of(args));
            yamlArgs.addAll(List.of("-f", yaml.toString()));
            assertThat(run(2, yamlArgs.toArray(String[]::new)).errLines()).singleElement().asString()
                    .startsWith("envctl: apply file " + yaml + ", environment 'web': option servers of environment "
                            + "web ' 1' has spaces around it; allowed: ");
            List<String> jsonArgs = new java.util.ArrayList<>(List.of(args));
            jsonArgs.addAll(List.of("-f", json.toString()));
            assertThat(run(2, jsonArgs.toArray(String[]::new)).errLines()).singleElement().asString()
                    .startsWith("envctl: apply file " + json + ", environment 'dev': option servers of environment "
                            + "dev '1 ' has spaces around it; allowed: ");
        }
        assertThat(Workspace.bytes(ws.defaultStore())).as("the store").isEqualTo(before);
        assertThat(ok("get", "dev", "-o", "json").json().get("options")).hasToString("{\"servers\":\"1\"}");
    }

    private static JsonNode withoutOwnLabels(JsonNode list) {
        list.forEach(e -> {
            com.fasterxml.jackson.databind.node.ObjectNode labels =
                    (com.fasterxml.jackson.databind.node.ObjectNode) e.get("labels");
            List<String> own = new java.util.ArrayList<>();
            labels.fieldNames().forEachRemaining(k -> {
                if (k.startsWith("envctl.")) {
                    own.add(k);
                }
            });
            labels.remove(own);
        });
        return list;
    }

    private static JsonNode withoutTimes(JsonNode list) {
        JsonNode copy = list.deepCopy();
        copy.forEach(e -> ((ObjectNode) e).remove(List.of("createdAt", "updatedAt")));
        return copy;
    }

    /**
     * An apply lists each provider for its plan, and again only where it converges something: the plan the CLI
     * checks (a replacement without --replace, the providers to check first) is the plan it carries out, and its
     * listing of a provider with nothing to converge also gives the report's unmanaged clusters.
     */
    @Test
    void anApplyListsEachProviderForItsPlanAndAgainOnlyForItsConverges() {
        ok("create", "dev");
        ok("create", "uat", "--provider", "kind");
        Path yaml = ws.write("envs.yaml", "- name: dev\n- name: uat\n  provider: kind\n- name: qa\n");
        ws.clearCalls();

        assertThat(ok("apply", "-f", yaml.toString()).out()).isEqualTo("NAME  ACTION     STATE    ERROR\n"
                + "dev   unchanged  running  -\n"
                + "qa    created    running  -\n"
                + "uat   unchanged  running  -\n");

        assertThat(ws.calls()).filteredOn(c -> c.equals(List.of("k3d", "cluster", "list", "-o", "json")))
                .hasSize(2);
        // kind's listing is one docker ps of its node containers; nothing of kind is converged
        assertThat(ws.calls()).filteredOn(c -> c.size() > 3 && c.subList(0, 4).equals(List.of("docker", "ps", "-a",
                "--filter"))).hasSize(1);
        assertThat(ws.calls()).filteredOn(c -> c.size() > 2 && c.subList(0, 3).equals(List.of("k3d", "cluster",
                "create"))).hasSize(1);
    }

    @Test
    void aStoppedEnvironmentWhoseSpecMatchesIsUnchangedAndStaysStopped() {
        ok("create", "dev");
        ok("stop", "dev");
        Path yaml = ws.write("envs.yaml", "- name: dev\n");

        assertThat(run(0, "diff", "-f", yaml.toString()).out()).isEqualTo("unchanged: dev\n");
        ok("apply", "-f", yaml.toString());
        assertThat(ok("get", "dev", "-o", "json").json().get("actualState").asText()).isEqualTo("stopped");
    }

    @Test
    void aFailedEnvironmentTheFileListsIsShownAsResumedByDiffAndDryRunAndApplyCreatesIt() {
        Workspace.write(ws.state.resolve("k3d-fail-next-create"), "error waiting for log line `k3s is up and running`");
        run(6, "create", "dev");
        ok("create", "web");
        Path all = ws.write("all.csv", ok("list", "-o", "csv").out());

        Result diff = run(1, "diff", "-f", all.toString());

        assertThat(diff.out()).startsWith("resume dev (k3d)  failed: ").contains("k3s is up and running")
                .endsWith("\nunchanged: web\n");
        Result dry = ok("apply", "-f", all.toString(), "--dry-run");
        assertThat(dry.out()).doesNotContain("nothing to do").contains("resume dev (k3d)  failed: ",
                "it is failed: apply converges it as reconcile does", "cluster create dev")
                .endsWith("unchanged: web\n");
        assertThat(ok("apply", "-f", all.toString(), "--dry-run", "-o", "json").json().get("steps").get(0)
                .get("action").asText()).isEqualTo("resume");
        assertThat(ok("apply", "-f", all.toString()).out()).containsPattern("dev +created +running");
        assertThat(cluster("k3d", "dev")).isTrue();
        assertThat(ok("diff", "-f", all.toString()).out()).isEqualTo("unchanged: dev, web\n");
    }

    @Test
    void aCreateLeftCreatingIsShownAsResumedAndTheSameApplyFinishesItWithoutASecondCluster() throws Exception {
        Path yaml = ws.write("envs.yaml", "- name: web\n");
        ok("apply", "-f", yaml.toString());
        // what a store that went away after the cluster was made leaves: the record still says creating
        List<String> rows = Files.readAllLines(ws.defaultStore()).stream()
                .map(l -> l.startsWith("#envctl web ") ? l.replace(" actual_state=running ", " actual_state=creating ")
                        : l).toList();
        Workspace.write(ws.defaultStore(), String.join("\n", rows) + "\n");
        assertThat(ok("get", "web", "-o", "json").json().get("actualState").asText()).isEqualTo("creating");
        ws.clearCalls();

        assertThat(run(1, "diff", "-f", yaml.toString()).out()).isEqualTo("resume web (k3d)  creating\n");
        Result applied = ok("apply", "-f", yaml.toString());

        assertThat(applied.out()).containsPattern("web +created +running");
        assertThat(ws.calls()).noneMatch(c -> c.get(0).equals("k3d") && c.contains("create"));
        assertThat(ok("diff", "-f", yaml.toString()).out()).isEqualTo("unchanged: web\n");
    }

    /**
     * Rows of the Kindler scripts ({@code unknown}) the file lists: a running cluster is adopted and a missing one
     * created, as reconcile does, and one stopped is left stopped; diff and the dry run say so.
     */
    @Test
    void rowsOfTheScriptsTheFileListsAreAdoptedOrCreatedAsReconcileWouldAndDiffSaysSo() throws Exception {
        Workspace.write(ws.defaultStore(), HEADER + "dev,k3d,30080,19001,false,false,18090,18443,\n"
                + "web,k3d,30081,19002,false,false,18091,18444,\n" + "qa,k3d,30082,19003,false,false,18092,18445,\n");
        k3d("cluster", "create", "dev", "--api-port", "26450", "-p", "18090:80@loadbalancer", "-p",
                "18443:443@loadbalancer");
        k3d("cluster", "create", "web", "--api-port", "26451", "-p", "18091:80@loadbalancer", "-p",
                "18444:443@loadbalancer");
        k3d("cluster", "stop", "web");
        Path csv = ws.write("envs.csv", Files.readString(ws.defaultStore()));
        ws.clearCalls();

        Result diff = run(1, "diff", "-f", csv.toString());

        assertThat(diff.out()).isEqualTo("resume dev (k3d)  unknown\nresume qa (k3d)  unknown\nunchanged: web\n");
        Result dry = ok("apply", "-f", csv.toString(), "--dry-run");
        assertThat(dry.out()).contains("resume qa (k3d)  unknown\n"
                + "  it is unknown (nothing converged it yet): apply converges it as reconcile does: a cluster of that "
                + "name that runs is adopted as it is (no provider command, no hook; the record takes the ports it "
                + "publishes); else what is left of it is deleted and it is created with the commands below",
                "cluster create qa");
        // the plan saw dev's cluster running: its adoption, with no pool port and no create shown
        assertThat(dry.out()).contains("resume dev (k3d)  unknown\n"
                + "  it is unknown (nothing converged it yet) and its k3d cluster runs: apply adopts it as reconcile "
                + "does (no provider command, no hook; the record takes the ports the cluster publishes); an envctl "
                + "process converging it now is left to finish it\n").doesNotContain("cluster create dev");
        assertThat(dry.out()).as("qa takes the pool's first api port: dev takes none")
                .contains("ports     http 18092, https 18445, pf 19003, api 26443,");
        Result applied = ok("apply", "-f", csv.toString());

        assertThat(applied.out()).containsPattern("dev +unchanged +running").containsPattern("qa +created +running")
                .containsPattern("web +unchanged +unknown");
        assertThat(ws.calls()).filteredOn(c -> c.get(0).equals("k3d") && c.contains("create"))
                .extracting(c -> c.get(3)).containsExactly("qa");
        assertThat(ok("get", "dev", "-o", "json").json().get("ports").get("api").asInt())
                .as("adopted with the API port its cluster publishes").isEqualTo(26450);
        assertThat(ok("get", "dev", "-o", "json").json().get("labels").has("envctl.auto-ports"))
                .as("no port of dev came from a pool").isFalse();
        assertThat(applied.err()).as("recording the api port the row lacked is no correction to warn of")
                .doesNotContain("recorded 26443").doesNotContain("dev: adopted");
        assertThat(ok("get", "web", "-o", "json").json().get("actualState").asText()).isEqualTo("unknown");
        assertThat(ok("diff", "-f", csv.toString()).out()).isEqualTo("unchanged: dev, qa, web\n");
    }

    /**
     * A row of the scripts whose delete is pending ({@code unknown}, desired absent) and whose cluster runs, named
     * again: adopted with the ports its cluster publishes, no pool port first, and diff and the dry run say so.
     */
    @Test
    void aRowWhoseDeleteIsPendingAndWhoseClusterRunsIsAdoptedWithoutAPoolPortWhenTheFileNamesIt() throws Exception {
        Workspace.write(ws.defaultStore(), HEADER.replace("cluster_subnet\n", "cluster_subnet,api_port,labels,"
                + "options,desired_state,actual_state,last_error,created_at,updated_at,version\n")
                + "dev,k3d,30080,19001,false,false,18090,18443,,,,,absent,unknown,,2026-11-26T08:00:00.000Z,"
                + "2026-11-26T08:00:00.000Z,1\n");
        k3d("cluster", "create", "dev", "--api-port", "26450", "-p", "18090:80@loadbalancer", "-p",
                "18443:443@loadbalancer");
        Path yaml = ws.write("envs.yaml", "- name: dev\n- name: qa\n");

        assertThat(run(1, "diff", "-f", yaml.toString()).out()).isEqualTo("adopt dev (k3d)\ncreate qa (k3d)\n");
        Result dry = ok("apply", "-f", yaml.toString(), "--dry-run");
        assertThat(dry.out()).contains("adopt dev (k3d)\n  the k3d cluster of that name exists: it is adopted as it "
                + "is (no provider command, no hook)", "ports     http 18090, https 18443, pf 19001, api -, node 30080")
                .as("qa takes the pool's first api port: dev takes none")
                .contains("ports     http 18080, https 18400, pf 19000, api 26443,");
        Result applied = ok("apply", "-f", yaml.toString());

        assertThat(applied.out()).containsPattern("dev +unchanged +running").containsPattern("qa +created +running");
        JsonNode dev = ok("get", "dev", "-o", "json").json();
        assertThat(dev.get("ports").get("api").asInt()).isEqualTo(26450);
        assertThat(dev.get("labels").has("envctl.auto-ports")).as("no port of dev came from a pool").isFalse();
        assertThat(ok("get", "qa", "-o", "json").json().get("ports").get("api").asInt()).isEqualTo(26443);
        assertThat(ok("diff", "-f", yaml.toString()).out()).isEqualTo("unchanged: dev, qa\n");
    }

    /** A cluster stopped outside envctl ({@code k3d cluster stop}): diff and the dry run say so; apply starts it. */
    @Test
    void aRunningEnvironmentWhoseClusterWasStoppedOutsideEnvctlIsShownAsResumedAndApplyStartsIt() throws Exception {
        ok("create", "dev");
        ok("create", "web");
        k3d("cluster", "stop", "dev");
        Path yaml = ws.write("envs.yaml", "- name: dev\n- name: web\n");
        ws.clearCalls();

        assertThat(run(1, "diff", "-f", yaml.toString()).out())
                .isEqualTo("resume dev (k3d)  running\nunchanged: web\n");
        assertThat(ok("apply", "-f", yaml.toString(), "--dry-run").out()).contains("resume dev (k3d)  running\n"
                + "  it is running, but its k3d cluster is stopped (stopped outside envctl: a cluster stop, docker "
                + "stop, a Docker restart): apply starts it as reconcile does (the provider's start; no hook); a start "
                + "that fails leaves it failed and desired stopped\n").doesNotContain("cluster create dev");
        JsonNode step = run(1, "diff", "-f", yaml.toString(), "-o", "json").json().get("steps").get(0);
        assertThat(step.get("action").asText()).isEqualTo("resume");
        assertThat(step.get("environment").get("actualState").asText()).isEqualTo("running");
        assertThat(step.get("commands")).isEmpty();
        Result applied = ok("apply", "-f", yaml.toString());

        assertThat(applied.out()).containsPattern("dev +started +running").containsPattern("web +unchanged +running");
        assertThat(applied.err()).contains("dev: its k3d cluster was stopped outside envctl; starting it");
        assertThat(ws.calls()).filteredOn(c -> c.get(0).equals("k3d") && c.size() > 3 && c.get(3).equals("dev"))
                .extracting(c -> c.get(2)).containsExactly("start");
        assertThat(ok("diff", "-f", yaml.toString()).out()).isEqualTo("unchanged: dev, web\n");
    }

    /** Runs the stand-in k3d as a user outside envctl would. */
    private void k3d(String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of(ws.bin.resolve("k3d").toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(ws.env);
        assertThat(pb.start().waitFor()).isZero();
    }

    @Test
    void diffWithoutAFileIsAUsageError() {
        Result r = run(2, "diff");
        assertThat(r.err()).startsWith("envctl: diff needs a file; usage: envctl diff -f FILE [--prune]");
        assertThat(run(2, "diff", "-f", tmp.resolve("missing.yaml").toString()).err()).contains("does not exist");
    }

    /**
     * An option that only changes how envctl runs k3d (timeout) is written in place, and one written another way
     * (servers 01) is no change: neither needs a new cluster.
     */
    @Test
    void aTimeoutChangesInPlaceAndAnOptionWrittenAnotherWayIsNoChange() {
        ok("create", "dev", "--servers", "1");
        Path yaml = ws.write("envs.yaml", "- name: dev\n  options: {servers: \"01\", timeout: 10m}\n");
        ws.clearCalls();

        assertThat(run(1, "diff", "-f", yaml.toString()).out())
                .isEqualTo("~ dev  option timeout: (none) -> 10m  (in place)\n");
        assertThat(ok("apply", "-f", yaml.toString()).out()).isEqualTo("NAME  ACTION   STATE    ERROR\n"
                + "dev   updated  running  -\n");

        assertThat(ws.calls()).noneMatch(c -> c.contains("delete") || c.contains("create"));
        JsonNode options = ok("get", "dev", "-o", "json").json().get("options");
        assertThat(options.get("servers").asText()).isEqualTo("1");
        assertThat(options.get("timeout").asText()).isEqualTo("10m");
        assertThat(run(0, "diff", "-f", yaml.toString()).out()).startsWith("unchanged: dev");
    }
}
