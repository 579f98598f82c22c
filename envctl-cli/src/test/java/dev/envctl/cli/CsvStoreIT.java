package dev.envctl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.envctl.cli.Workspace.Result;
import dev.envctl.cli.plugins.DownAfterStoreFactory;
import dev.envctl.cli.plugins.PluginJar;
import dev.envctl.core.spi.EnvironmentStoreFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged CLI on the default CSV store, with stand-in k3d, kind and docker, as a user runs it. */
class CsvStoreIT {
    @TempDir
    Path tmp;
    Workspace ws;

    @BeforeEach
    void setUp() {
        ws = new Workspace(tmp);
    }

    @Test
    void versionAndHelpWorkWithoutAnyStore() {
        assertThat(ws.ok("version").out()).startsWith("envctl 0.1.0-SNAPSHOT (Java ");
        JsonNode v = ws.ok("-o", "json", "version").json();
        assertThat(v.get("version").asText()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(ws.ok("--help").out()).contains("create", "delete", "stop", "start", "list", "get", "apply",
                "reconcile", "migrate", "db", "doctor", "plugins", "version", "Exit codes:");
        for (String command : List.of("create", "delete", "stop", "start", "list", "get", "apply", "reconcile",
                "migrate", "db", "doctor", "plugins", "version")) {
            Result r = ws.ok(command, "--help");
            assertThat(r.out()).as(command).startsWith("Usage: envctl " + command).contains("Global options");
        }
        assertThat(ws.ok("create", "--help").out()).contains("--http-port", "--https-port", "--pf-port", "--api-port",
                "--node-port", "--subnet", "--servers", "--agents", "--image", "--label", "--dry-run", "--no-wait",
                "--provider");
        assertThat(ws.defaultStore()).doesNotExist();
    }

    @Test
    void aProviderIdIsTakenInAnyCaseAsTheOutputFormatAndStateAre() {
        assertThat(ws.ok("create", "dev", "--provider", "K3D", "-o", "JSON").json().get("provider").asText())
                .isEqualTo("k3d");
        assertThat(ws.ok("create", "uat", "--provider", "Kind").out()).contains("uat   kind");
        assertThat(ws.calls()).anySatisfy(c -> assertThat(c).startsWith("kind", "create", "cluster", "--name", "uat"));
        assertThat(ws.ok("list", "--provider", "KIND", "--state", "RUNNING").out().lines().skip(1))
                .singleElement().asString().startsWith("uat ");
        // spaces around a value are dropped, as for -o
        assertThat(ws.ok("list", "--provider", " kind ", "--state", " running").out().lines().skip(1))
                .singleElement().asString().startsWith("uat ");
        Path yaml = ws.write("envs.yaml", "- name: uat\n  provider: KIND\n  ports: {http: 18081}\n");
        assertThat(ws.ok("diff", "-f", yaml.toString()).out()).isEqualTo("unchanged: uat\n");

        Result unknown = ws.run("create", "web", "--provider", "K3S");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("envctl: unknown provider 'k3s'; known: k3d, kind\n");
        Result invalid = ws.run("list", "--provider", "K3D!");
        assertThat(invalid.exit()).isEqualTo(2);
        assertThat(invalid.err()).startsWith("envctl: provider 'K3D!' is invalid;");
    }

    /**
     * A mirrored fallback store its user may not write: doctor WARNs naming the file and the settings (each write's
     * copy would fail with a warning, and the fallback fall behind), where it said PASS; a fallback only read
     * (fallback.mirror=false) need not be writable, and passes. The store line is the primary's own.
     */
    @Test
    void doctorWarnsAboutAMirroredFallbackStoreItsUserCannotWrite() throws Exception {
        Path writable = Files.createDirectories(ws.dir.resolve("writable"));
        Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path fallback = ws.write("read-only/fallback.csv", "dev,kind,30080,19001,true,true,18090,18443,\n");
        Files.setPosixFilePermissions(fallback.getParent(), PosixFilePermissions.fromString("r-xr-xr-x"));
        Path mirrored = ws.write("mirrored.properties", "store=csv:" + writable.resolve("envs.csv")
                + "\nfallback.store=csv:" + fallback + "\nfallback.mirror=true\n");
        Path readOnly = ws.write("read-only.properties", "store=csv:" + writable.resolve("envs.csv")
                + "\nfallback.store=csv:" + fallback + "\n");
        ws.asNobody();

        Result r = ws.run("--config", mirrored.toString(), "doctor");
        Result notMirrored = ws.run("--config", readOnly.toString(), "doctor");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().lines()).as(r.toString()).filteredOn(l -> l.startsWith("WARN  fallback")).singleElement()
                .asString().contains("cannot write " + fallback, "fallback.mirror", "fallback.store");
        assertThat(r.out().lines()).filteredOn(l -> l.startsWith("PASS  store")).singleElement().asString()
                .contains(writable.resolve("envs.csv").toString()).doesNotContain(fallback.toString());
        assertThat(notMirrored.exit()).as(notMirrored.toString()).isZero();
        assertThat(notMirrored.out().lines()).as(notMirrored.toString())
                .filteredOn(l -> l.startsWith("PASS  fallback")).singleElement().asString()
                .contains(fallback.toString(), "1 environment", "fallback.mirror is false");
    }

    /**
     * A fallback store that cannot be opened (here a folder where its file should be) while the primary works: the
     * primary serves every command, a write with a warning that its copy to the fallback was not made (fallback.mirror:
     * "a failure there is a warning"), where every command failed with exit 5 blaming the primary ("store chosen by
     * 'store' in the config"); doctor's store line is the primary's PASS and the fallback has the WARN line.
     */
    @Test
    void aFallbackStoreThatCannotBeOpenedLeavesThePrimaryServingWithAWarning() {
        Path primary = ws.dir.resolve("envs.csv");
        Path folder = ws.write("fallback/keep", "").getParent();
        Path config = ws.write("broken-fallback.properties", "store=csv:" + primary + "\nfallback.store=csv:" + folder
                + "\nfallback.mirror=true\n");

        Result create = ws.run("--config", config.toString(), "create", "dev", "--no-wait");
        assertThat(create.exit()).as(create.toString()).isZero();
        assertThat(create.errLines()).as(create.toString()).singleElement().asString()
                .startsWith("envctl: warning: the fallback store csv:" + folder + " cannot be opened: ")
                .contains("fallback.store").doesNotContain("store chosen by");
        Result list = ws.run("--config", config.toString(), "list");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).contains("dev ");
        assertThat(list.err()).doesNotContain("data may be stale");

        Result doctor = ws.run("--config", config.toString(), "doctor");
        assertThat(doctor.out().lines()).as(doctor.toString()).filteredOn(l -> l.startsWith("PASS  store"))
                .singleElement().asString().contains(primary.toString());
        assertThat(doctor.out().lines()).filteredOn(l -> l.startsWith("WARN  fallback")).singleElement().asString()
                .contains(folder.toString());
        assertThat(doctor.err()).as("its WARN line says it, not a warning beside it").isEmpty();
    }

    /** A fallback that is the primary spelled another way is not used, and doctor says why. */
    @Test
    void aFallbackThatIsThePrimaryItselfIsNotUsedAndDoctorWarns() throws Exception {
        Path primary = ws.dir.resolve("envs.csv");
        Path config = ws.write("same-fallback.properties", "store=" + primary + "\nfallback.store=csv:" + primary
                + "\nfallback.mirror=true\n");

        Result create = ws.run("--config", config.toString(), "create", "dev", "--no-wait");
        assertThat(create.exit()).as(create.toString()).isZero();
        assertThat(create.err()).as(create.toString()).isEmpty();
        byte[] after = Files.readAllBytes(primary);
        Result list = ws.run("--config", config.toString(), "list");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.err()).isEmpty();

        Result doctor = ws.run("--config", config.toString(), "doctor");
        assertThat(doctor.exit()).as(doctor.toString()).isZero();
        assertThat(doctor.out().lines()).filteredOn(l -> l.startsWith("WARN  fallback")).singleElement().asString()
                .contains("is the primary store itself", "remove fallback.store");
        assertThat(Files.readAllBytes(primary)).isEqualTo(after);
    }

    /**
     * Both stores failing a read: the error is the primary's outage, ending with what chose the primary, and says why
     * no stale copy came instead; it was the fallback's own error ending "(store chosen by 'store' in the config)".
     */
    @Test
    void aReadWhoseFallbackFailsTooReportsThePrimarysOutageAndTheFallbacksFailure() {
        Path folder = ws.write("fallback/keep", "").getParent();
        Path config = ws.write("both-down.properties", "store=jdbc:postgresql://127.0.0.1:1/envctl\n"
                + "store.jdbc.connect-timeout=2s\nfallback.store=csv:" + folder + "\n");

        Result list = ws.run("--config", config.toString(), "list");

        assertThat(list.exit()).as(list.toString()).isEqualTo(5);
        assertThat(list.errLines()).as("no warning that the fallback is read: " + list).singleElement().asString()
                .startsWith("envctl: PostgreSQL store jdbc:postgresql://127.0.0.1:1/envctl is unavailable: ")
                .contains("; the fallback store csv:" + folder + " cannot be read either: " + folder + " is a folder")
                .endsWith(" (store chosen by 'store' in the config)");
    }

    @Test
    void doctorOnAFileWithABadRowNamesTheRowAsTheFixNotAnOutage() {
        ws.ok("create", "dev");
        Path store = ws.defaultStore();
        ws.write(store.toString(), "web,k3d,,30080,,,,,\n");

        Result text = ws.run("doctor");
        JsonNode json = ws.run("doctor", "-o", "json").json();

        assertThat(text.exit()).as(text.toString()).isEqualTo(1);
        String line = text.out().lines().filter(l -> l.startsWith("FAIL  store")).findFirst().orElseThrow();
        assertThat(line).contains("CSV file " + store + " -> " + store + " line 1: node_port is empty; fix or "
                + "remove that line").doesNotContain("reachable");
        JsonNode check = java.util.stream.StreamSupport.stream(json.spliterator(), false)
                .filter(c -> c.get("name").asText().equals("store")).findFirst().orElseThrow();
        assertThat(check.get("status").asText()).isEqualTo("FAIL");
        assertThat(check.get("hint").asText()).startsWith(store + " line 1: node_port is empty");
    }

    @Test
    void listOfAMissingDefaultStoreShowsNoEnvironmentAndCreatesNothingUntilTheFirstWrite() {
        Result r = ws.ok("list");

        assertThat(r.out().strip()).isEqualTo("NAME  PROVIDER  STATE  SUBNET  HTTP  HTTPS  PF  API  AGE");
        assertThat(ws.home.resolve(".envctl")).doesNotExist();
        ws.ok("create", "dev");
        assertThat(ws.defaultStore()).exists();
        ws.ok("delete", "dev");
        assertThat(ws.ok("list", "-o", "json").json().isArray()).isTrue();
        assertThat(ws.ok("list", "-o", "json").json()).isEmpty();
    }

    @Test
    void createAllocatesFromThePoolsAndRunsK3dWithThosePorts() {
        JsonNode dev = ws.ok("create", "dev", "-o", "json", "--label", "haproxy_route=true").json();

        assertThat(fieldNames(dev)).containsExactly("name", "provider", "host", "subnet", "ports", "labels", "options",
                "desiredState", "actualState", "lastError", "createdAt", "updatedAt");
        assertThat(dev.get("provider").asText()).isEqualTo("k3d");
        assertThat(dev.get("subnet").isNull()).isTrue();
        assertThat(dev.get("ports").toString())
                .isEqualTo("{\"http\":18080,\"https\":18400,\"pf\":19000,\"api\":26443,\"node\":30080}");
        // envctl's own label names the ports it allocated (they may move when their cluster is made again)
        assertThat(dev.get("labels").toString()).isEqualTo("{\"envctl.auto-ports\":\"http:18080/https:18400/"
                + "pf:19000/api:26443\",\"haproxy_route\":\"true\"}");
        assertThat(dev.get("actualState").asText()).isEqualTo("running");
        assertThat(dev.get("lastError").isNull()).isTrue();
        assertThat(dev.get("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(ws.calls()).anySatisfy(c -> assertThat(c).containsSubsequence("k3d", "cluster", "create", "dev",
                "--api-port", "127.0.0.1:26443", "-p", "0.0.0.0:18080:80@loadbalancer", "-p",
                "0.0.0.0:18400:443@loadbalancer"));
        assertThat(ws.calls()).as("Docker's readiness is checked only once a create has failed")
                .noneSatisfy(c -> assertThat(c).startsWith("docker", "info"));

        JsonNode second = ws.ok("create", "dev-2", "-o", "json").json();
        assertThat(second.get("ports").get("http").asInt()).isEqualTo(18081);
        assertThat(second.get("ports").get("api").asInt()).isEqualTo(26444);
    }

    @Test
    void createWithKindAndAnAutoSubnetPassesTheConfigOnStdin() throws Exception {
        JsonNode e = ws.ok("create", "dev-kind", "--provider", "kind", "--subnet", "auto", "--http-port", "18090",
                "-o", "json").json();

        assertThat(e.get("subnet").asText()).isEqualTo("10.100.0.0/24");
        assertThat(e.get("ports").get("http").asInt()).isEqualTo(18090);
        String config = Files.readString(ws.state.resolve("kind-create.stdin"));
        assertThat(config).contains("apiVersion: kind.x-k8s.io/v1alpha4", "hostPort: 18090", "apiServerPort: 26443");
        assertThat(ws.calls()).anySatisfy(c -> assertThat(c).containsExactly("kind", "create", "cluster", "--name",
                "dev-kind", "--config", "-"));
    }

    @Test
    void kindDryRunShowsTheConfigOnStdinAndTheNetworkVariable() {
        Result plan = ws.ok("create", "dev-kind", "--provider", "kind", "--subnet", "10.102.0.0/16", "--dry-run");

        assertThat(plan.out()).contains("docker network create --subnet 10.102.0.0/16",
                "KIND_EXPERIMENTAL_DOCKER_NETWORK=kind-dev-kind-net ", "create cluster --name dev-kind --config -",
                "with stdin:", "apiVersion: kind.x-k8s.io/v1alpha4", "apiServerPort: 26443", "hostPort: 18080");
        assertThat(ws.run("get", "dev-kind").exit()).isEqualTo(3);
    }

    @Test
    void listFiltersAndGetShowsOneObject() {
        ws.ok("create", "dev", "--label", "register_portainer=true");
        ws.ok("create", "dev-kind", "--provider", "kind");

        JsonNode all = ws.ok("list", "-o", "json").json();
        assertThat(names(all)).containsExactly("dev", "dev-kind");
        assertThat(names(ws.ok("list", "--provider", "kind", "-o", "json").json())).containsExactly("dev-kind");
        assertThat(names(ws.ok("list", "--state", "running", "-o", "json").json())).containsExactly("dev", "dev-kind");
        assertThat(names(ws.ok("list", "--state", "failed", "-o", "json").json())).isEmpty();

        JsonNode dev = ws.ok("get", "dev", "-o", "json").json();
        assertThat(dev.isObject()).isTrue();
        assertThat(dev).isEqualTo(all.get(0));

        List<String> table = ws.ok("list").out().lines().toList();
        assertThat(table.get(0).split("\\s+")).containsExactly("NAME", "PROVIDER", "STATE", "SUBNET", "HTTP",
                "HTTPS", "PF", "API", "AGE");
        assertThat(table.get(1).split("\\s+")).startsWith("dev", "k3d", "running", "-", "18080", "18400", "19000",
                "26443");
    }

    @Test
    void csvOutputIsTheStoresFormat() throws Exception {
        ws.ok("create", "dev", "--label", "haproxy_route=true");

        List<String> lines = ws.ok("list", "-o", "csv").out().lines().toList();

        assertThat(lines.get(0)).startsWith("# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
                + "http_port,https_port,cluster_subnet");
        assertThat(lines.get(2)).startsWith("#envctl dev row=").contains(" api_port=26443 labels=envctl.auto-ports="
                + "http:18080/https:18400/pf:19000/api:26443;haproxy_route=true ");
        assertThat(lines.get(3)).isEqualTo("dev,k3d,30080,19000,true,true,18080,18400,");
        List<String> stored = Files.readAllLines(ws.defaultStore()).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).isEqualTo(stored);
    }

    @Test
    void csvOutputPrintsRowsTheScriptsGaveOnePortTwiceAsTheStoreHoldsThem() {
        String header = "# env,provider,node_port,pf_port,register_portainer,haproxy_route,http_port,https_port,"
                + "cluster_subnet\n";
        Workspace.write(ws.defaultStore(), header + "c-a,k3d,30080,19001,true,true,18090,18443,\n"
                + "c-b,kind,30080,19002,true,true,18090,18444,\n");

        List<String> rows = ws.ok("list", "-o", "csv").out().lines().filter(l -> !l.startsWith("#")).toList();
        Result stopped = ws.ok("stop", "c-a", "c-b", "-o", "csv");

        assertThat(rows).containsExactly("c-a,k3d,30080,19001,true,true,18090,18443,",
                "c-b,kind,30080,19002,true,true,18090,18444,");
        assertThat(stopped.out()).contains("\nc-a,k3d,30080,19001,true,true,18090,18443,\n",
                "\nc-b,kind,30080,19002,true,true,18090,18444,\n", " desired_state=stopped ");
    }

    @Test
    void jsonOutputHasNoTimesForARowTheScriptsWroteAndApplyReadsItBack() {
        Workspace.write(ws.defaultStore(), "# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
                + "http_port,https_port,cluster_subnet\n"
                + "dev,kind,30080,19001,true,true,18090,18443,\n");

        Result list = ws.ok("list", "-o", "json");

        JsonNode dev = list.json().get(0);
        assertThat(dev.get("createdAt").isNull()).as(dev.toString()).isTrue();
        assertThat(dev.get("updatedAt").isNull()).as(dev.toString()).isTrue();
        Path file = ws.write("envs.json", list.out());
        assertThat(ws.ok("apply", "-f", file.toString(), "--dry-run").out()).contains("Dry run: nothing was changed");
    }

    @Test
    void aLockTimeoutNamesTheConfigKeyThatRaisesIt() throws Exception {
        ws.ok("create", "dev");
        ws.env.put("ENVCTL_CONFIG", ws.write("short-lock.properties", "store.csv.lock-timeout=300ms\n").toString());
        byte[] before = Workspace.bytes(ws.defaultStore());
        Path lockFile = Path.of(ws.defaultStore() + ".lock");

        Result r;
        try (java.nio.channels.FileChannel held = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.WRITE); var lock = held.lock()) {
            r = ws.run("create", "web");
        }

        assertThat(r.exit()).as(r.toString()).isEqualTo(5);
        assertThat(r.err()).as(r.toString()).startsWith("envctl: timed out after 300ms waiting for the lock file "
                + lockFile.toRealPath()).contains("or raise the store's lock timeout")
                .endsWith(" (the CSV store's lock timeout is the config key store.csv.lock-timeout)\n");
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
    }

    @Test
    void aLockTimeoutOfOneEnvironmentInAnApplyOrReconcileReportNamesTheConfigKeyThatRaisesIt() throws Exception {
        ws.ok("create", "dev");
        Files.delete(ws.state.resolve("k3d/dev"));
        ws.env.put("ENVCTL_CONFIG", ws.write("short-lock.properties", "store.csv.lock-timeout=300ms\n").toString());
        Path file = ws.write("envs.yaml", "- name: dev\n- name: web\n");
        byte[] before = Workspace.bytes(ws.defaultStore());
        Path lockFile = Path.of(ws.defaultStore() + ".lock");

        Result reconciled;
        Result applied;
        try (java.nio.channels.FileChannel held = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.WRITE); var lock = held.lock()) {
            reconciled = ws.run("reconcile");
            applied = ws.run("apply", "-f", file.toString());
        }

        for (Result r : List.of(reconciled, applied)) {
            assertThat(r.exit()).as(r.toString()).isEqualTo(5);
            assertThat(r.out().lines().filter(l -> l.contains(" failed "))).as(r.toString()).isNotEmpty()
                    .allSatisfy(l -> assertThat(l).contains("timed out after 300ms waiting for the lock file")
                            .endsWith(" (the CSV store's lock timeout is the config key store.csv.lock-timeout)"));
        }
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
    }

    @Test
    void csvOutputOfNoEnvironmentIsEmpty() {
        assertThat(ws.ok("list", "-o", "csv").out()).isEmpty();
        ws.ok("create", "dev");
        assertThat(ws.ok("list", "--state", "failed", "-o", "csv").out()).isEmpty();

        Result deleted = ws.ok("delete", "dev", "-o", "csv");

        assertThat(deleted.out()).isEmpty();
        assertThat(ws.ok("list", "-o", "json").json()).isEmpty();
    }

    @Test
    void dryRunPrintsThePlanAndChangesNothing() {
        ws.ok("create", "dev");
        byte[] before = Workspace.bytes(ws.defaultStore());
        ws.clearCalls();

        Result plan = ws.ok("create", "web", "--subnet", "auto", "--servers", "1", "--agents", "2", "--dry-run");
        assertThat(plan.out()).contains("Dry run: nothing was changed", "subnet    10.100.0.0/24",
                "http 18081, https 18401, pf 19001, api 26444, node 30080",
                "docker network create --subnet 10.100.0.0/24 --gateway 10.100.0.1",
                "k3d cluster create web --api-port 127.0.0.1:26444 -p 0.0.0.0:18081:80@loadbalancer "
                        + "-p 0.0.0.0:18401:443@loadbalancer --network k3d-web");
        JsonNode json = ws.ok("create", "web", "--dry-run", "-o", "json").json();
        assertThat(json.get("dryRun").asBoolean()).isTrue();
        // the shared network's create comes first (web has no subnet), then k3d's
        assertThat(json.get("steps").get(0).get("commands").get(0).get("argv")).extracting(JsonNode::asText)
                .endsWith("network", "create", "k3d-shared");
        assertThat(json.get("steps").get(0).get("commands").get(1).get("argv").get(1).asText()).isEqualTo("cluster");
        assertThat(json.get("steps").get(0).get("commands").get(1).get("environment").get("LOG_COLORS").asText())
                .isEqualTo("false");
        // --no-wait only records: the plan shows the record, and no command that create would not run
        Result noWait = ws.ok("create", "web", "--no-wait", "--dry-run");
        assertThat(noWait.out()).contains("Dry run: nothing was changed", "create web (k3d)",
                "http 18081, https 18401, pf 19001, api 26444, node 30080").doesNotContain("commands:", "k3d cluster");
        assertThat(ws.ok("create", "web", "--no-wait", "--dry-run", "-o", "json").json().get("steps").get(0)
                .get("commands")).isEmpty();

        Result delete = ws.ok("delete", "dev", "--dry-run");
        assertThat(delete.out()).contains("k3d cluster delete dev");

        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
        assertThat(ws.calls()).noneSatisfy(c -> assertThat(c).contains("create"));
        assertThat(ws.calls()).noneSatisfy(c -> assertThat(c).contains("delete"));
    }

    @Test
    void aNameAClusterHoldsThatNoRecordOwnsIsRefusedByNoWaitAndDryRunToo() throws Exception {
        ws.ok("create", "dev");
        ProcessBuilder k3d = new ProcessBuilder(ws.bin.resolve("k3d").toString(), "cluster", "create", "orphan")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        k3d.environment().putAll(ws.env);
        assertThat(k3d.start().waitFor()).isZero();
        byte[] before = Workspace.bytes(ws.defaultStore());

        for (String[] args : List.of(new String[]{"create", "orphan", "--no-wait"},
                new String[]{"create", "orphan", "--dry-run"}, new String[]{"create", "orphan"})) {
            Result r = ws.run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(4);
            assertThat(r.err()).contains("a k3d cluster named 'orphan' already exists and no envctl record owns it");
        }
        // the next reconcile would otherwise have taken the cluster for the record's
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
    }

    @Test
    void aNameTheStoreHoldsIsRefusedInOneWordingWhetherItsClusterExistsOrNotAndInADryRun() {
        Workspace.write(ws.defaultStore(), "# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
                + "http_port,https_port,cluster_subnet\n"
                + "dev,kind,30080,19001,true,true,18090,18443,\n");
        ws.ok("create", "web");
        byte[] before = Workspace.bytes(ws.defaultStore());

        for (String[] args : List.of(new String[]{"create", "dev", "--provider", "kind"},
                new String[]{"create", "dev", "--dry-run"}, new String[]{"create", "web"},
                new String[]{"create", "web", "--no-wait"})) {
            Result r = ws.run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(4);
            assertThat(r.err()).as(r.toString()).isEqualTo("envctl: environment '" + args[1] + "' already exists in "
                    + ws.defaultStore() + "; choose another name or delete it first\n");
        }
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
    }

    @Test
    void deleteRemovesTheClusterAndTheRecordOrKeepsTheRecord() {
        ws.ok("create", "dev");
        ws.ok("create", "uat");

        assertThat(ws.ok("delete", "dev").out().strip()).isEqualTo("deleted dev");
        assertThat(ws.state.resolve("k3d/dev")).doesNotExist();
        assertThat(ws.run("get", "dev").exit()).isEqualTo(3);

        JsonNode kept = ws.ok("delete", "uat", "--keep-record", "-o", "json").json();
        assertThat(kept.get("deleted").asBoolean()).isTrue();
        assertThat(kept.get("forgotten").isBoolean()).as("every key always present (cli.md)").isTrue();
        assertThat(kept.get("forgotten").asBoolean()).isFalse();
        assertThat(kept.get("record").get("desiredState").asText()).isEqualTo("absent");
        assertThat(ws.state.resolve("k3d/uat")).doesNotExist();
        assertThat(ws.ok("get", "uat", "-o", "json").json().get("ports").get("http").asInt()).isEqualTo(18081);
    }

    @Test
    void rowsTheScriptsGaveTheSameHttpPortCanBeStoppedAndDeleted() {
        Workspace.write(ws.defaultStore(), "# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
                + "http_port,https_port,cluster_subnet\n"
                + "a,kind,30080,19001,true,true,18090,18443,\n"
                + "b,kind,30081,19002,true,true,18090,18444,\n");

        assertThat(ws.ok("delete", "b").out().strip()).isEqualTo("deleted b");
        ws.ok("stop", "a");
        assertThat(ws.ok("get", "a", "-o", "json").json().get("desiredState").asText()).isEqualTo("stopped");
        assertThat(ws.run("get", "b").exit()).isEqualTo(3);
    }

    @Test
    void aRowSharingAPortTheScriptsGaveTwiceIsCreatedWithTheApiPortItLacked() {
        Workspace.write(ws.defaultStore(), "# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
                + "http_port,https_port,cluster_subnet\n"
                + "a,kind,30080,19001,true,true,18090,18443,\n"
                + "b,kind,30081,19002,true,true,18090,18444,\n");

        JsonNode report = ws.ok("reconcile", "a", "-o", "json").json();

        assertThat(report.get("outcomes").get(0).get("action").asText()).as(report.toString()).isEqualTo("created");
        assertThat(ws.ok("get", "a", "-o", "json").json().get("ports").get("api").asInt()).isPositive();
        assertThat(ws.state.resolve("kind/a")).exists();
    }

    @Test
    void noWaitOnlyRecordsAndReconcileCreatesTheCluster() {
        JsonNode rec = ws.ok("create", "later", "--no-wait", "-o", "json").json();
        assertThat(rec.get("actualState").asText()).isEqualTo("unknown");
        assertThat(ws.state.resolve("k3d/later")).doesNotExist();

        JsonNode report = ws.ok("reconcile", "-o", "json").json();

        assertThat(report.get("ok").asBoolean()).isTrue();
        assertThat(report.get("outcomes").get(0).get("name").asText()).isEqualTo("later");
        assertThat(report.get("outcomes").get(0).get("action").asText()).isEqualTo("created");
        assertThat(ws.state.resolve("k3d/later")).exists();
    }

    @Test
    void reconcileRecreatesAClusterThatDisappeared() throws Exception {
        ws.ok("create", "dev");
        Files.delete(ws.state.resolve("k3d/dev"));

        JsonNode report = ws.ok("reconcile", "--concurrency", "2", "-o", "json").json();

        assertThat(report.get("outcomes").get(0).get("action").asText()).isEqualTo("recreated");
        assertThat(ws.state.resolve("k3d/dev")).exists();
    }

    /** As {@code docker rm -f k3d-dev-server-0}: the stand-in k3d lists dev with 0/0 servers, its load balancer up. */
    private void removeServerNode(String name) throws Exception {
        Path cluster = ws.state.resolve("k3d/" + name);
        String[] fields = Files.readString(cluster).strip().split(" ");
        fields[1] = "0";
        Workspace.write(cluster, String.join(" ", fields) + "\n");
    }

    @Test
    void reconcileAndStartMakeAgainAClusterWhoseServerNodeWasRemoved() throws Exception {
        ws.ok("create", "dev");
        removeServerNode("dev");

        JsonNode report = ws.ok("reconcile", "dev", "-o", "json").json();

        assertThat(report.get("outcomes").get(0).get("action").asText()).isEqualTo("recreated");
        assertThat(Files.readString(ws.state.resolve("k3d/dev"))).startsWith("running 1 0 ");
        removeServerNode("dev");
        ws.ok("start", "dev");
        assertThat(Files.readString(ws.state.resolve("k3d/dev"))).startsWith("running 1 0 ");
        assertThat(ws.ok("get", "dev", "-o", "json").json().get("actualState").asText()).isEqualTo("running");
    }

    @Test
    void aFailingProviderLeavesAFailedRecordAndExits6() {
        Workspace.write(ws.state.resolve("k3d-fail-next-create"), "error waiting for log line `k3s is up and running`");

        Result r = ws.run("create", "dev", "-o", "json");

        assertThat(r.exit()).as(r.toString()).isEqualTo(6);
        assertThat(r.json().get("actualState").asText()).isEqualTo("failed");
        assertThat(r.json().get("lastError").asText()).contains("k3s is up and running");
        assertThat(r.errLines().get(r.errLines().size() - 1)).startsWith("envctl: creating dev failed: ");
        assertThat(ws.ok("reconcile", "-o", "json").json().get("outcomes").get(0).get("state").asText())
                .isEqualTo("running");
    }

    /** What the failed create made could not be removed: the record stays creating, and reconcile makes it again. */
    @Test
    void aCreateWhoseCleanupFailedTooLeavesACreatingRecordAndExits6() throws Exception {
        Workspace.write(ws.state.resolve("k3d-fail-next-create"), "error waiting for log line `k3s is up and running`");
        ws.flag("k3d-fail-delete");

        Result r = ws.run("create", "dev", "-o", "json");

        assertThat(r.exit()).as(r.toString()).isEqualTo(6);
        assertThat(r.json().get("actualState").asText()).isEqualTo("creating");
        assertThat(r.json().get("lastError").asText()).contains("cleanup failed too: ",
                "remove the leftovers by hand: k3d cluster delete dev");
        assertThat(r.errLines().get(r.errLines().size() - 1)).startsWith("envctl: creating dev failed: ")
                .endsWith("; the record stays (creating): fix the cause and run 'envctl reconcile', or "
                        + "'envctl delete dev'");
        Files.delete(ws.state.resolve("k3d-fail-delete"));
        JsonNode outcome = ws.ok("reconcile", "-o", "json").json().get("outcomes").get(0);
        assertThat(outcome.get("action").asText()).isEqualTo("created");
        assertThat(outcome.get("state").asText()).isEqualTo("running");
    }

    @Test
    void withoutK3dCreateExits6NamingWhatIsMissingAndChangesNothing() {
        ws.withoutTools();

        Result r = ws.run("create", "dev");

        assertThat(r.exit()).as(r.toString()).isEqualTo(6);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("envctl: provider k3d is not ready: k3d: ").contains("--dry-run");
        assertThat(ws.home.resolve(".envctl")).as("not even the store file").doesNotExist();
        Result noWait = ws.run("create", "dev", "--no-wait");
        assertThat(noWait.exit()).as(noWait.toString()).isEqualTo(6);
        assertThat(noWait.err()).as("the same one line as without --no-wait").isEqualTo(r.err());
        assertThat(ws.home.resolve(".envctl")).doesNotExist();
        assertThat(ws.run("create", "dev", "--dry-run").exit()).isZero();
        assertThat(ws.home.resolve(".envctl")).doesNotExist();
    }

    /** kind lists its clusters with docker ps, which runs without kind: the create looks for kind itself first. */
    @Test
    void withoutKindACreateByKindExits6AndChangesNothing() throws IOException {
        ws.ok("create", "dev");
        byte[] before = Workspace.bytes(ws.defaultStore());
        Files.delete(ws.bin.resolve("kind"));

        Result r = ws.run("create", "web", "--provider", "kind");

        assertThat(r.exit()).as(r.toString()).isEqualTo(6);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("envctl: provider kind is not ready: kind: kind not found: no executable "
                + "'kind' on PATH").contains("nothing was changed", "--dry-run");
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
        Result noWait = ws.run("create", "web", "--provider", "kind", "--no-wait");
        assertThat(noWait.exit()).as(noWait.toString()).isEqualTo(6);
        assertThat(noWait.err()).as("the same one line as without --no-wait").isEqualTo(r.err());
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
    }

    @Test
    void migrateRefusesTheSameStoreSpelledTwoWaysAndChangesNothing() {
        ws.ok("create", "dev");
        byte[] before = Workspace.bytes(ws.defaultStore());

        Result r = ws.run("migrate", "--from", ws.defaultStore().toString(), "--to", "csv:" + ws.defaultStore());

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--from and --to name the same store (" + ws.defaultStore() + ")");
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
    }

    @Test
    void aStoreThatDoesNotAnswerIsNamedByWhatChoseIt() {
        String down = "jdbc:postgresql://127.0.0.1:1/envctl";
        Result flag = ws.run("--store", down, "list");
        assertThat(flag.exit()).as(flag.toString()).isEqualTo(5);
        assertThat(flag.errLines()).singleElement().asString().endsWith("(store chosen by --store)");

        Result variable = ws.run(Map.of("ENVCTL_STORE", down), "list");
        assertThat(variable.errLines()).singleElement().asString().endsWith("(store chosen by ENVCTL_STORE)");

        Path config = ws.write("down.properties", "store=" + down + "\n");
        Result file = ws.run("--config", config.toString(), "list");
        assertThat(file.errLines()).singleElement().asString().endsWith("(store chosen by 'store' in the config)");

        // the default store, in a folder that cannot be made: not 'chosen by' anything the user set
        Workspace.write(ws.home.resolve(".envctl"), "a file where the folder would be");
        Result dflt = ws.run("create", "dev");
        assertThat(dflt.exit()).as(dflt.toString()).isEqualTo(5);
        assertThat(dflt.errLines()).singleElement().asString().endsWith("(the default store; choose another with "
                + "--store, ENVCTL_STORE or 'store' in the config)");
    }

    @Test
    void aMigrateStoreThatDoesNotAnswerIsNamedByTheFlagThatChoseIt() {
        ws.ok("create", "dev");
        byte[] before = Workspace.bytes(ws.defaultStore());
        String down = "jdbc:postgresql://127.0.0.1:1/envctl";
        Path copy = ws.home.resolve("copy.csv");

        Result to = ws.run("migrate", "--from", ws.defaultStore().toString(), "--to", down);
        Result from = ws.run("migrate", "--from", down, "--to", copy.toString());

        assertThat(to.exit()).as(to.toString()).isEqualTo(5);
        assertThat(to.errLines()).singleElement().asString().contains("127.0.0.1:1")
                .endsWith("(store chosen by --to)").doesNotContain("--store", "ENVCTL_STORE");
        assertThat(from.exit()).as(from.toString()).isEqualTo(5);
        assertThat(from.errLines()).singleElement().asString().endsWith("(store chosen by --from)")
                .doesNotContain("--store", "ENVCTL_STORE");
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
        assertThat(copy).doesNotExist();
    }

    /** A file the user may not read: the error names that file and the option that chose it, not both options. */
    @Test
    void aMigrateStoreTheUserCannotReadIsNamedByTheFlagThatChoseIt() throws Exception {
        String rows = Files.readString(Workspace.CONFIG.resolve("environments.csv"));
        Path from = ws.write("from.csv", rows);
        Path unreadable = ws.write("unreadable.csv", rows);
        Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
        Path to = ws.dir.resolve("migrated.csv");
        ws.asNobody();

        Result source = ws.run("-q", "migrate", "--from", unreadable.toString(), "--to", to.toString());
        Result target = ws.run("-q", "migrate", "--from", from.toString(), "--to", unreadable.toString());

        assertThat(source.exit()).as(source.toString()).isEqualTo(5);
        assertThat(source.errLines()).as(source.toString()).singleElement().asString()
                .startsWith("envctl: cannot read " + unreadable + ": permission denied")
                .endsWith("(store chosen by --from)");
        assertThat(to).doesNotExist();
        assertThat(target.exit()).as(target.toString()).isEqualTo(5);
        assertThat(target.errLines()).as(target.toString()).singleElement().asString()
                .startsWith("envctl: cannot read " + unreadable + ": permission denied")
                .endsWith("(store chosen by --to)");
    }

    /**
     * A CSV file in a folder the user may not write: the store is unavailable, so the migration fails once with exit 5
     * naming the file and --to, writes nothing and prints no report (before, each row failed with the same error and
     * the exit was 1, as if the rows conflicted).
     */
    @Test
    void migrateIntoAFolderTheUserCannotWriteFailsOnceNamingTheDestinationAndTheFlag() throws Exception {
        Path from = ws.write("from.csv", Files.readString(Workspace.CONFIG.resolve("environments.csv")));
        Path folder = Files.createDirectories(ws.dir.resolve("read-only"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        Path to = folder.resolve("migrated.csv");

        Result r = ws.asNobody().run("-q", "migrate", "--from", from.toString(), "--to", to.toString());

        assertThat(r.exit()).as(r.toString()).isEqualTo(5);
        assertThat(r.errLines()).as(r.toString()).singleElement().asString().startsWith("envctl: ")
                .contains(to.toString()).endsWith("(store chosen by --to)");
        assertThat(r.out()).isEmpty();
        try (var files = Files.list(folder)) {
            assertThat(files).isEmpty();
        }
    }

    /**
     * The dry run of that migration says what the real run does: exit 5, one line naming the file and --to, no report
     * and nothing written (before, it said would-migrate for every row and exit 0).
     */
    @Test
    void migrateDryRunIntoAFolderTheUserCannotWriteFailsAsTheRealRunDoes() throws Exception {
        Path from = ws.write("from.csv", Files.readString(Workspace.CONFIG.resolve("environments.csv")));
        Path folder = Files.createDirectories(ws.dir.resolve("read-only"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        Path to = folder.resolve("migrated.csv");
        ws.asNobody();

        Result dry = ws.run("-q", "migrate", "--from", from.toString(), "--to", to.toString(), "--dry-run");
        Result real = ws.run("-q", "migrate", "--from", from.toString(), "--to", to.toString());

        assertThat(real.exit()).as(real.toString()).isEqualTo(5);
        assertThat(dry.exit()).as(dry.toString()).isEqualTo(5);
        assertThat(dry.errLines()).as(dry.toString()).singleElement().asString().startsWith("envctl: ")
                .contains(to.toString()).endsWith("(store chosen by --to)");
        assertThat(dry.out()).isEmpty();
        try (var files = Files.list(folder)) {
            assertThat(files).isEmpty();
        }
    }

    /**
     * A target that goes down part-way (PostgreSQL stopped after two rows): the rows written before are printed as the
     * report, in the output format asked for, then the one-line error, exit 5; a second run skips them as present.
     */
    @Test
    void migrateWhoseTargetGoesDownPartWayReportsTheRowsItWrote() {
        ws.distribution(PluginJar.distributionWith(tmp.resolve("envctl"), "down-after.jar",
                EnvironmentStoreFactory.class, DownAfterStoreFactory.class));
        Path from = Workspace.CONFIG.resolve("environments.csv");
        // no .csv at the end, which the CSV store would claim too
        Path to = tmp.resolve("migrated.rows");

        Result text = ws.run("-q", "migrate", "--from", from.toString(), "--to", "down-after:2:csv:" + to);

        assertThat(text.exit()).as(text.toString()).isEqualTo(5);
        assertThat(text.out()).as(text.toString()).isEqualTo("""
                NAME     OUTCOME   REASON
                dev      migrated  -
                dev-k3d  migrated  -
                devops   skipped   in the skip list
                total 7, migrated 2, skipped 1, failed 0
                """);
        assertThat(text.errLines()).as(text.toString()).singleElement().asString()
                .isEqualTo("envctl: store down-after:" + to + " went down (store chosen by --to)");

        Path json = tmp.resolve("json.rows");
        Result r = ws.run("-q", "-o", "json", "migrate", "--from", from.toString(), "--to", "down-after:1:csv:" + json);
        assertThat(r.exit()).as(r.toString()).isEqualTo(5);
        assertThat(r.json().toString()).isEqualTo("{\"dryRun\":false,\"total\":7,\"migrated\":1,\"skipped\":0,"
                + "\"failed\":0,\"rows\":[{\"name\":\"dev\",\"outcome\":\"migrated\",\"reason\":null}]}");
        assertThat(r.errLines()).singleElement().asString().endsWith(" went down (store chosen by --to)");

        Result again = ws.ok("migrate", "--from", from.toString(), "--to", "csv:" + to);
        assertThat(again.out()).contains("dev       skipped   already in " + to, "dev-k3d   skipped   already in " + to,
                "total 7, migrated 4, skipped 3, failed 0");
    }

    @Test
    void migrateDryRunIntoAMissingCsvFileWritesNothing() {
        ws.ok("create", "dev");
        Path target = ws.home.resolve("copies/envctl-copy.csv");

        Result r = ws.ok("migrate", "--from", ws.defaultStore().toString(), "--to", target.toString(), "--dry-run");

        assertThat(r.out()).contains("would-migrate");
        assertThat(ws.home.resolve("copies")).as("no file, lock or folder").doesNotExist();
    }

    @Test
    void applyCreatesTheReplacedSystemsEnvironmentsAndPrunes() {
        Path sample = Workspace.CONFIG.resolve("environments.csv");

        Result plan = ws.ok("apply", "-f", sample.toString(), "--dry-run");
        assertThat(plan.out()).contains("create devops (k3d)", "create dev (kind)", "create dev-k3d (k3d)",
                "subnet    10.101.0.0/16", "ports     http 18091, https 18444, pf 19002");
        assertThat(ws.calls()).noneSatisfy(c -> assertThat(c).contains("create"));

        JsonNode report = ws.ok("apply", "-f", sample.toString(), "-o", "json").json();
        assertThat(report.get("ok").asBoolean()).isTrue();
        assertThat(names(ws.ok("list", "-o", "json").json())).containsExactly("dev", "dev-k3d", "devops", "prod",
                "prod-k3d", "uat", "uat-k3d");
        JsonNode devK3d = ws.ok("get", "dev-k3d", "-o", "json").json();
        assertThat(devK3d.get("subnet").asText()).isEqualTo("10.101.0.0/16");
        assertThat(devK3d.get("labels").get("register_portainer").asText()).isEqualTo("true");

        Path yaml = ws.write("keep.yaml", "- name: dev\n  provider: kind\n  ports: {http: 18090, https: 18443, pf: 19001}\n"
                + "- name: dev-k3d\n  provider: k3d\n  subnet: 10.101.0.0/16\n");
        Result prunePlan = ws.ok("apply", "-f", yaml.toString(), "--prune", "--dry-run");
        assertThat(prunePlan.out()).contains("delete prod (kind)", "delete devops (k3d)");
        JsonNode pruned = ws.ok("apply", "-f", yaml.toString(), "--prune", "-o", "json").json();
        assertThat(pruned.get("ok").asBoolean()).as(pruned.toString()).isTrue();
        assertThat(names(ws.ok("list", "-o", "json").json())).containsExactly("dev", "dev-k3d");
    }

    @Test
    void aCsvApplyFileWithARowThatCannotBeReadIsNamedWithItsLineAndNothingAboutAStore() {
        ws.write("short.csv", "# env,provider,node_port,pf_port,register_portainer,haproxy_route,http_port,"
                + "https_port,cluster_subnet\nweb,k3d,30080\n");

        for (String[] args : List.of(new String[]{"apply", "-f", "short.csv"},
                new String[]{"apply", "-f", "short.csv", "--dry-run"}, new String[]{"diff", "-f", "short.csv"})) {
            Result r = ws.run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).as(r.toString()).isEqualTo("envctl: apply file short.csv is not a valid environments "
                    + "CSV: line 2: the row has 3 columns; allowed: 6 to 9 (the Kindler scripts'; missing trailing fields "
                    + "are empty, empty ones after them are ignored) or 18 and more (with envctl's own)\n");
        }
        assertThat(ws.defaultStore()).doesNotExist();
    }

    @Test
    void applyReadsJsonInTheShapeListPrints() {
        ws.ok("create", "dev", "--label", "team=a");
        Path file = ws.write("envs.json", ws.ok("list", "-o", "json").out());
        ws.ok("delete", "dev");

        JsonNode report = ws.ok("apply", "-f", file.toString(), "-o", "json").json();

        assertThat(report.get("outcomes").get(0).get("action").asText()).isEqualTo("created");
        JsonNode dev = ws.ok("get", "dev", "-o", "json").json();
        assertThat(dev.get("labels").get("team").asText()).isEqualTo("a");
        assertThat(dev.get("ports").get("http").asInt()).isEqualTo(18080);
    }

    @Test
    void migrateGivesOneAdviceForAPoolThatSeveralSkippedEnvironmentsPortsLieIn() {
        Path from = ws.write("two-skipped.csv", "# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
                + "http_port,https_port,cluster_subnet\n"
                + "devops,k3d,30080,29000,false,false,18100,28443,\n"
                + "mgmt,k3d,30080,29001,false,false,18300,28444,\n"
                + "dev,kind,30080,29002,true,true,28090,28445,\n");
        Path target = tmp.resolve("two-skipped-target.csv");

        Result r = ws.ok("migrate", "--from", from.toString(), "--to", target.toString(), "--skip", "devops,mgmt",
                "--dry-run");

        String advice = "keep it out of the pool (pool.http=18101-18299, which leaves out 18100, 18300)";
        assertThat(r.errLines().stream().filter(l -> l.startsWith("envctl: "))).as(r.toString()).containsExactly(
                "envctl: warning: devops (skipped) uses http port 18100, inside pool.http (18080-18399), which "
                        + target + " does not hold: envctl may give it to a new environment; " + advice,
                "envctl: warning: mgmt (skipped) uses http port 18300, inside pool.http (18080-18399), which "
                        + target + " does not hold: envctl may give it to a new environment; " + advice);
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "pool.http=18101-18299\n");
        assertThat(ws.ok("migrate", "--from", from.toString(), "--to", target.toString(), "--skip", "devops,mgmt",
                "--dry-run").err()).as("the advice taken, no port of theirs is in the pool").doesNotContain("warning");
    }

    @Test
    void migrateCopiesTheReplacedSystemsFileSkippingDevops() {
        Path target = tmp.resolve("migrated.csv");
        String from = "csv:" + Workspace.CONFIG.resolve("environments.csv");

        JsonNode dry = ws.ok("migrate", "--from", from, "--to", target.toString(), "--dry-run", "-o", "json").json();
        assertThat(dry.get("dryRun").asBoolean()).isTrue();
        assertThat(dry.get("total").asInt()).isEqualTo(7);
        assertThat(dry.get("skipped").asInt()).isEqualTo(1);
        Result dryText = ws.ok("migrate", "--from", from, "--to", target.toString(), "--dry-run");
        assertThat(dryText.out()).contains("dry run: total 7, would migrate 6, skipped 1, failed 0");
        // devops keeps using pf 19000, the first port of the default pool.pf, which the target would give away
        assertThat(dryText.errLines()).contains("envctl: warning: devops (skipped) uses pf port 19000, inside "
                + "pool.pf (19000-19399), which " + target + " does not hold: envctl may give it to a new "
                + "environment; keep it out of the pool (pool.pf=19001-19399)");

        // a target that holds 19000 already (an environment created there first): the warning names the clash
        Path taken = tmp.resolve("taken.csv");
        ws.ok("--store", taken.toString(), "create", "first", "--no-wait", "--pf-port", "19000");
        Result clash = ws.ok("migrate", "--from", from, "--to", taken.toString(), "--dry-run");
        assertThat(clash.errLines()).contains("envctl: warning: devops (skipped) uses pf port 19000, which " + taken
                + " holds already for environment 'first' (as its pf port): the two clash on this host; give one of "
                + "them another port").noneMatch(l -> l.contains("does not hold"));

        JsonNode report = ws.ok("migrate", "--from", from, "--to", target.toString(), "-o", "json").json();
        assertThat(report.get("migrated").asInt()).isEqualTo(6);
        assertThat(report.get("skipped").asInt()).isEqualTo(1);
        assertThat(report.get("failed").asInt()).isZero();
        assertThat(report.get("rows").findValuesAsText("outcome")).contains("skipped", "migrated");
        assertThat(names(ws.ok("--store", target.toString(), "list", "-o", "json").json())).hasSize(6)
                .doesNotContain("devops");
        assertThat(ws.ok("--store", target.toString(), "create", "next", "--no-wait", "-o", "json").json()
                .get("ports").get("pf").asInt()).as("what the warning warns of").isEqualTo(19000);
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "pool.pf=19001-19399\n");
        assertThat(ws.ok("migrate", "--from", from, "--to", tmp.resolve("m1.csv").toString()).err())
                .as("devops's pf port out of the pool").doesNotContain("warning");
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "");

        Result text = ws.ok("migrate", "--from", from, "--to", tmp.resolve("m2.csv").toString(), "--skip", "dev");
        assertThat(text.out()).contains("total 7, migrated 6, skipped 1, failed 0");
        assertThat(ws.ok("migrate", "--from", from, "--to", tmp.resolve("m3.csv").toString(), "--skip", "dev,devops")
                .out()).contains("total 7, migrated 5, skipped 2, failed 0");
    }

    @Test
    void readsFallBackToTheFallbackStoreWhileThePrimaryIsDownButWritesFail() {
        Path fallback = tmp.resolve("fallback.csv");
        ws.ok("--store", fallback.toString(), "create", "dev");
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "store=jdbc:postgresql://127.0.0.1:1/envctl\n"
                + "store.jdbc.connect-timeout=2s\nfallback.store=csv:" + fallback + "\n");
        byte[] before = Workspace.bytes(fallback);

        Result list = ws.ok("list", "-o", "json");
        assertThat(list.json().get(0).get("name").asText()).isEqualTo("dev");
        assertThat(list.err()).contains("envctl: warning: ", "data may be stale");
        assertThat(ws.ok("get", "dev").out()).contains("dev");
        Result missing = ws.run("get", "web");
        assertThat(missing.exit()).as("not exit 3: the primary may hold it").isEqualTo(5);
        assertThat(missing.errLines().get(missing.errLines().size() - 1)).startsWith("envctl: environment 'web' "
                + "is not in the fallback store " + fallback + ", read because ").contains("it may exist there");

        Result create = ws.run("create", "web");
        assertThat(create.exit()).as(create.toString()).isEqualTo(5);
        assertThat(Workspace.bytes(fallback)).isEqualTo(before);
    }

    @Test
    void enabledExecHooksRunAroundCreateAndDeleteAndAFailingOneIsExit1() throws Exception {
        Path hooks = ws.home.resolve("my-hooks");
        Path log = tmp.resolve("hook.log");
        hook(hooks.resolve("post-create.d/10-route"), "echo \"$ENVCTL_PHASE $1 $ENVCTL_HTTP_PORT "
                + "$ENVCTL_LABEL_HAPROXY_ROUTE\" >> " + log + "\n");
        hook(hooks.resolve("pre-delete.d/10-route"), "echo \"$ENVCTL_PHASE $1\" >> " + log + "\n");
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "hooks.enabled=exec\nhook.exec.dir=~/my-hooks"
                + "\nhook.exec.timeout=30s\n");

        ws.ok("create", "dev", "--label", "haproxy_route=true");
        ws.ok("delete", "dev");
        assertThat(Files.readAllLines(log)).containsExactly("post-create dev 18080 true", "pre-delete dev");

        hook(hooks.resolve("post-create.d/20-portainer"), "echo 'portainer is down' >&2\nexit 3\n");
        Result failed = ws.run("create", "web", "-o", "json");
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.json().get("actualState").asText()).isEqualTo("failed");
        assertThat(failed.json().get("lastError").asText()).contains("20-portainer", "portainer is down");
    }

    /** A tool's path in the config file starting with ~/ is read under $HOME, as a hook folder's is. */
    @Test
    void aProviderBinaryUnderTheHomeFolderIsFoundByItsTildePath() throws Exception {
        Path tools = Files.createDirectories(ws.home.resolve("tools"));
        Files.move(ws.bin.resolve("k3d"), tools.resolve("my-k3d"));
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "provider.k3d.binary=~/tools/my-k3d\n");

        ws.ok("create", "dev");

        assertThat(ws.ok("get", "dev", "-o", "json").json().get("actualState").asText()).isEqualTo("running");
    }

    private static void hook(Path file, String body) throws java.io.IOException {
        Workspace.write(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void doctorPassesWithTheToolsAndFailsWithoutThem() {
        Result good = ws.ok("doctor");
        assertThat(good.out()).contains("PASS  java", "PASS  store", "PASS  k3d", "k3d v5.7.4", "PASS  docker",
                "Docker 20.10.24+dfsg1", "PASS  kind", "kind v0.24.0");
        JsonNode checks = ws.ok("doctor", "-o", "json").json();
        assertThat(checks.findValuesAsText("status")).containsOnly("PASS");

        ws.withoutTools();
        Result bad = ws.run("doctor");
        assertThat(bad.exit()).as(bad.toString()).isEqualTo(1);
        assertThat(bad.out()).contains("FAIL  k3d", "WARN  kind", "needed only for --provider kind");
        // the line says once where to get the tool
        assertThat(bad.out().lines().filter(l -> l.startsWith("FAIL  k3d")).findFirst().orElseThrow())
                .containsOnlyOnce("https://k3d.io");
        assertThat(bad.out().lines().filter(l -> l.startsWith("WARN  kind")).findFirst().orElseThrow())
                .containsOnlyOnce("https://kind.sigs.k8s.io");
    }

    /**
     * Rows an older envctl, the Kindler scripts (their check-then-insert raced) or a hand edit wrote: a port held
     * twice on one host and overlapping subnets. Commands work on them, so a WARN naming each conflict, not a PASS.
     */
    @Test
    void doctorNamesPortsHeldTwiceAndOverlappingSubnetsInTheStore() {
        Workspace.write(ws.defaultStore(), "# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
                + "http_port,https_port,cluster_subnet\n"
                + "dev,kind,30080,19001,true,true,18090,18443,\n"
                + "uat,kind,30080,18090,true,true,18092,18445,\n"
                + "dev-k3d,k3d,30080,19002,true,true,18091,18444,10.101.0.0/16\n"
                + "uat-k3d,k3d,30080,19005,true,true,18094,18447,10.101.5.0/24\n");
        assertThat(ws.ok("list").out()).contains("uat-k3d");

        Result r = ws.ok("doctor");

        assertThat(r.out().lines().filter(l -> l.contains(" records "))).as(r.toString()).singleElement()
                .satisfies(l -> assertThat(l).startsWith("WARN  records  4 environments, 2 conflicts: ").contains(
                        "port 18090 held by dev and uat", "subnet 10.101.5.0/24 of uat-k3d overlaps 10.101.0.0/16 of "
                                + "dev-k3d", "-> each host port (on its host) and each subnet is one environment's",
                        "delete one of each pair (envctl delete NAME)"));
        JsonNode records = ws.ok("doctor", "-o", "json").json().findParents("name").stream()
                .filter(c -> c.get("name").asText().equals("records")).findFirst().orElseThrow();
        assertThat(records.get("status").asText()).isEqualTo("WARN");

        // deleting one of each pair clears it
        ws.ok("delete", "uat");
        ws.ok("delete", "uat-k3d");
        assertThat(ws.ok("doctor").out()).contains("PASS  records  2 environments: no host port held twice on a "
                + "host, no overlapping subnets");
    }

    @Test
    void doctorNamesTheProviderOfEachDockerLineWhenTheProvidersDockerChecksDiffer() {
        ws.env.put("ENVCTL_CONFIG", ws.write("kind-docker.properties",
                "provider.kind.docker-binary=/nonexistent\n").toString());

        Result r = ws.ok("doctor");
        JsonNode json = ws.ok("doctor", "-o", "json").json();

        List<String> docker = r.out().lines().filter(l -> l.contains("  docker")).toList();
        assertThat(docker).as(r.toString()).hasSize(2);
        assertThat(docker.get(0)).startsWith("PASS  docker (k3d)  ").contains("Docker 20.10.24+dfsg1 answers");
        assertThat(docker.get(1)).startsWith("WARN  docker (kind)  ").contains("/nonexistent not found",
                "needed only for --provider kind");
        assertThat(json.findValuesAsText("name")).contains("docker (k3d)", "docker (kind)").doesNotContain("docker");
    }

    @Test
    void doctorShowsADockerCheckTheProvidersShareOnceAsDocker() {
        Result r = ws.ok("doctor");

        // the names are padded to the longest, records
        assertThat(r.out().lines().filter(l -> l.contains("  docker"))).containsExactly(
                "PASS  docker   Docker 20.10.24+dfsg1 answers (docker info)");
    }

    /** A provider the store's environments use matters whatever provider.default says. */
    @Test
    void doctorFailsAMissingToolThatEnvironmentsOfTheStoreUse() {
        ws.ok("create", "k1", "--provider", "kind", "--no-wait");
        ws.ok("create", "k2", "--provider", "kind", "--no-wait");
        ws.withoutTools();

        Result bad = ws.run("doctor");

        assertThat(bad.exit()).as(bad.toString()).isEqualTo(1);
        assertThat(bad.out()).contains("FAIL  kind").contains("needed by 2 environments of the store")
                .doesNotContain("needed only for --provider kind");
    }

    @Test
    void doctorShowsADockerThatDoesNotAnswerOnceAsAFailure() {
        Workspace.write(ws.state.resolve("docker-down-hosts"), "unix:///var/run/docker.sock\n");

        Result r = ws.run("doctor");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out().lines().filter(l -> l.matches("(PASS|WARN|FAIL)  docker .*")).toList()).as(r.out())
                .singleElement().satisfies(l -> assertThat(l).startsWith("FAIL  docker"));
    }

    /** One Docker line for both providers: it counts the environments of each of them, not the default's alone. */
    @Test
    void doctorCountsEveryEnvironmentThatNeedsADockerThatDoesNotAnswer() {
        ws.ok("create", "k1", "--no-wait");
        ws.ok("create", "k2", "--provider", "kind", "--no-wait");
        ws.ok("create", "k3", "--provider", "kind", "--no-wait");
        Workspace.write(ws.state.resolve("docker-down-hosts"), "unix:///var/run/docker.sock\n");

        Result r = ws.run("doctor");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out().lines().filter(l -> l.matches("(PASS|WARN|FAIL)  docker .*")).toList()).as(r.out())
                .singleElement().satisfies(l -> assertThat(l).startsWith("FAIL  docker")
                        .endsWith("; needed by 3 environments of the store"));
    }

    @Test
    void pluginsListsEveryStoreProviderAndHookWithItsJar() {
        JsonNode plugins = ws.ok("plugins", "-o", "json").json();

        List<String> ids = new ArrayList<>();
        plugins.forEach(p -> ids.add(p.get("kind").asText() + ":" + p.get("id").asText()));
        assertThat(ids).contains("store:csv", "store:jdbc", "provider:k3d", "provider:kind", "hook:exec");
        plugins.forEach(p -> assertThat(p.get("source").asText()).endsWith(".jar"));
        assertThat(ws.ok("plugins").out()).contains("dev.envctl.store.csv.CsvStoreFactory",
                "dev.envctl.provider.k3d.K3dProviderFactory");
    }

    @Test
    void progressGoesToStderrAndProviderOutputOnlyWithVerbose() {
        Result quiet = ws.ok("create", "dev", "-q");
        assertThat(quiet.err()).isEmpty();

        Result plain = ws.ok("create", "web");
        assertThat(plain.err()).contains("creating k3d cluster web").doesNotContain("level=info");
        assertThat(plain.errLines()).as("the engine and the provider both say it; shown once")
                .filteredOn(l -> l.endsWith(" creating k3d cluster web")).hasSize(1);
        assertThat(plain.out()).doesNotContain("creating k3d cluster");

        Result verbose = ws.ok("create", "api", "-v");
        assertThat(verbose.err()).contains("Cluster 'api' created successfully!");
    }

    /** Said once per command: in the report on stdout, not warned of on stderr besides. */
    @Test
    void clustersWithoutARecordAreReportedOnceInOneLine() throws Exception {
        ws.ok("create", "dev");
        for (String orphan : List.of("zeta", "alpha", "mid")) {
            ProcessBuilder k3d = new ProcessBuilder(ws.bin.resolve("k3d").toString(), "cluster", "create", orphan)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            k3d.environment().putAll(ws.env);
            assertThat(k3d.start().waitFor()).isZero();
        }

        Result r = ws.ok("reconcile");
        Result applied = ws.ok("apply", "-f", ws.write("dev.yaml", "- name: dev\n").toString());

        for (Result each : List.of(r, applied)) {
            assertThat(each.err()).as(each.toString()).doesNotContain("alpha", "no record");
            assertThat(each.out().lines().filter(l -> l.contains("alpha"))).as(each.toString()).containsExactly(
                    "unmanaged clusters (no envctl record): alpha (k3d), mid (k3d), zeta (k3d)");
        }
    }

    @Test
    void watchReconcilesUntilStopped() throws Exception {
        ws.ok("create", "dev", "--no-wait");
        ProcessBuilder k3d = new ProcessBuilder(ws.bin.resolve("k3d").toString(), "cluster", "create", "orphan")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        k3d.environment().putAll(ws.env);
        assertThat(k3d.start().waitFor()).isZero();
        ProcessBuilder pb = new ProcessBuilder(Workspace.LAUNCHER.toString(), "reconcile", "--watch", "--interval",
                "1s");
        pb.environment().clear();
        pb.environment().putAll(ws.env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(tmp.resolve("watch.txt").toFile());
        Process p = pb.start();
        try {
            for (int i = 0; i < 600 && !Files.exists(ws.state.resolve("k3d/dev")); i++) {
                Thread.sleep(100);
            }
            assertThat(ws.state.resolve("k3d/dev")).exists();
            Thread.sleep(3500); // three more rounds at 1s that change nothing, and so print nothing
        } finally {
            p.destroy();
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        String watched = Files.readString(tmp.resolve("watch.txt"));
        assertThat(watched).contains("created");
        assertThat(watched.lines().filter(l -> l.startsWith("NAME")).count()).as(watched).isEqualTo(1);
        // a cluster without a record is reported in the first round, once, not every round nor warned of besides
        assertThat(watched.lines().filter(l -> l.contains("orphan"))).as(watched)
                .containsExactly("unmanaged clusters (no envctl record): orphan (k3d)");
    }

    @Test
    void watchSaysOnceThatListingFailsAndOnceThatItWorksAgain() throws Exception {
        ws.ok("create", "dev");
        Files.writeString(ws.state.resolve("k3d-list-garbage"), "Cannot connect to the Docker daemon");
        ProcessBuilder pb = new ProcessBuilder(Workspace.LAUNCHER.toString(), "reconcile", "--watch", "--interval",
                "1s", "-v");
        pb.environment().clear();
        pb.environment().putAll(ws.env);
        pb.redirectErrorStream(true);
        Path out = tmp.resolve("watch.txt");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        try {
            for (int i = 0; i < 600 && !Files.readString(out).contains("could not list k3d clusters"); i++) {
                Thread.sleep(100);
            }
            Thread.sleep(3500); // three more rounds at 1s that fail alike, and so print nothing
            Files.delete(ws.state.resolve("k3d-list-garbage"));
            // dev sits out rounds after its failures (backoff), then converges: printed once more
            for (int i = 0; i < 600 && Files.readString(out).lines().noneMatch(l -> l.startsWith("dev ")
                    && l.contains("unchanged")); i++) {
                Thread.sleep(100);
            }
            Thread.sleep(2500); // two more rounds that change nothing
        } finally {
            p.destroy();
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        String watched = Files.readString(out);
        // printed: the first round (dev failed: its provider could not list) and the one where it works again
        assertThat(watched.lines().filter(l -> l.startsWith("NAME")).count()).as(watched).isEqualTo(2);
        assertThat(watched.lines().filter(l -> l.startsWith("dev ") && l.contains("failed")).count()).as(watched)
                .isEqualTo(1);
        assertThat(watched.lines().filter(l -> l.startsWith("dev ") && l.contains("unchanged")).count()).as(watched)
                .isEqualTo(1);
        assertThat(watched.lines().filter(l -> l.startsWith("WARN") && l.contains("could not list k3d clusters"))
                .count()).as(watched).isEqualTo(1);
        assertThat(watched.lines().filter(l -> l.contains("INFO") && l.contains("k3d clusters are listed again"))
                .count()).as(watched).isEqualTo(1);
    }

    @Test
    void aReconcileWhoseEveryFailureIsDockerNotAnsweringExitsSixAndLeavesEachStateAsItWas() throws Exception {
        ws.ok("create", "dev");
        ws.ok("create", "web", "--no-wait");
        byte[] before = Workspace.bytes(ws.defaultStore());
        Workspace.write(ws.state.resolve("docker-down-hosts"), "unix:///var/run/docker.sock\n");

        Result down = ws.run("reconcile");
        assertThat(down.exit()).as(down.toString()).isEqualTo(6);
        assertThat(down.out()).containsPattern("(?m)^dev +failed +running +could not list k3d clusters: .*Cannot "
                + "connect to the Docker daemon").containsPattern("(?m)^web +failed +unknown +could not list k3d");
        assertThat(down.err()).as("the rows say why k3d could not list; kind, with no environment, says it here")
                .contains("could not list k3d clusters, so unmanaged ones are not reported (the failed environments "
                        + "say why)", "could not list kind clusters, so unmanaged ones are not reported: ")
                .containsOnlyOnce("Cannot connect to the Docker daemon");
        Result one = ws.run("reconcile", "dev");
        assertThat(one.exit()).as(one.toString()).isEqualTo(6);
        JsonNode listed = ws.ok("list", "-o", "json").json();
        assertThat(listed.get(0).get("actualState").asText()).isEqualTo("running");
        assertThat(listed.get(1).get("actualState").asText()).isEqualTo("unknown");
        assertThat(listed.get(1).get("lastError").asText()).as("its last error says why")
                .contains("Cannot connect to the Docker daemon");

        Files.delete(ws.state.resolve("docker-down-hosts"));
        Files.write(ws.defaultStore(), before); // the failures' lastError gone again, so a failure below is new
        Files.writeString(ws.state.resolve("k3d-fail-next-create"), "boom");
        Result mixed = ws.run("reconcile");
        assertThat(mixed.exit()).as("a tool that failed is not a provider that could not be asked: " + mixed)
                .isEqualTo(1);
    }

    private static List<String> names(JsonNode array) {
        List<String> n = new ArrayList<>();
        array.forEach(e -> n.add(e.get("name").asText()));
        return n;
    }

    private static Set<String> fieldNames(JsonNode o) {
        Set<String> s = new java.util.LinkedHashSet<>();
        o.fieldNames().forEachRemaining(s::add);
        return s;
    }
}
