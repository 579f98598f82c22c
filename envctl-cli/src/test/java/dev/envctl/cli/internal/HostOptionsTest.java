package dev.envctl.cli.internal;

import com.beust.jcommander.JCommander;
import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.alloc.Placement;
import dev.envctl.core.HostPorts;
import dev.envctl.core.HostRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The host flags of create and host add, the host in apply files, and the host views, without a store. */
class HostOptionsTest {
    private static final Host TWO = new Host("two", "tcp://192.168.1.20:2376", "192.168.1.20",
            Map.of("gpu", "true", "zone", "b"), null);
    private static final Host CAPPED = new Host("three", "ssh://me@three", null, Map.of(), 4);

    @TempDir
    Path tmp;

    private static SpecOptions create(String... args) {
        SpecOptions o = new SpecOptions();
        JCommander.newBuilder().addObject(o).build().parse(args);
        return o;
    }

    private static HostCommand hostCommand(String... args) {
        HostCommand c = new HostCommand();
        c.global = new GlobalOptions();
        JCommander.newBuilder().addObject(c).build().parse(args);
        return c;
    }

    private static void assertInvalid(Runnable r, String... messageParts) {
        assertThatThrownBy(r::run).isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .satisfies(e -> assertThat(e.getMessage()).contains(messageParts).doesNotContain("\n"));
    }

    @Test
    void createWithoutHostAsksForLocal() {
        assertThat(create().toSpec("dev", "k3d").host()).isEqualTo(HostRequest.DEFAULT);
    }

    @Test
    void createTakesANamedHostOrAutoWithSelectors() {
        assertThat(create("--host", "two").toSpec("dev", "k3d").host()).isEqualTo(HostRequest.of("two"));
        assertThat(create("--host", "local").toSpec("dev", "k3d").host()).isEqualTo(HostRequest.LOCAL);
        assertThat(create("--host", "auto").toSpec("dev", "k3d").host()).isEqualTo(HostRequest.AUTO);
        assertThat(create("--host", "auto", "--host-selector", "gpu=true", "--host-selector", "zone=a, b")
                .toSpec("dev", "k3d").host()).isEqualTo(HostRequest.auto(Map.of("gpu", "true", "zone", "a, b")));
    }

    @Test
    void createRefusesASelectorWithoutAutoAndBadHostNames() {
        assertInvalid(() -> create("--host-selector", "gpu=true").toSpec("dev", "k3d"), "needs host 'auto'");
        assertInvalid(() -> create("--host", "two", "--host-selector", "gpu=true").toSpec("dev", "k3d"),
                "needs host 'auto', not 'two'");
        assertInvalid(() -> create("--host", "auto", "--host-selector", "gpu").toSpec("dev", "k3d"),
                "--host-selector 'gpu' is not KEY=VALUE");
        assertInvalid(() -> create("--host", "auto", "--host-selector", "a=1", "--host-selector", "a=2")
                .toSpec("dev", "k3d"), "given twice");
        assertInvalid(() -> create("--host", "Two").toSpec("dev", "k3d"), "host name 'Two' is invalid", "'auto'");
        assertInvalid(() -> create("--host", "").toSpec("dev", "k3d"), "host is empty");
    }

    @Test
    void hostAddBuildsTheHostItDescribes() {
        HostCommand c = hostCommand("add", "two", "--docker", "tcp://192.168.1.20:2376", "--address", "192.168.1.20",
                "--label", "gpu=true", "--label", "zone=b");

        assertThat(c.toHost("two")).isEqualTo(TWO);
        assertThat(hostCommand("--docker", "context:lab", "--capacity", "3").toHost("lab"))
                .isEqualTo(new Host("lab", "context:lab", null, Map.of(), 3));
    }

    @Test
    void hostAddRefusesWhatNoStoreShouldKeep() {
        assertInvalid(() -> hostCommand().toHost("two"), "needs --docker ENDPOINT");
        assertInvalid(() -> hostCommand("--docker", "http://x").toHost("two"), "Docker endpoint 'http://x' is invalid",
                "tcp://HOST[:PORT]");
        assertInvalid(() -> hostCommand("--docker", "tcp://h:99999").toHost("two"),
                "Docker endpoint 'tcp://h:99999' is invalid: port 99999 is out of range; allowed: 1 to 65535");
        assertInvalid(() -> hostCommand("--docker", "tcp://x:2376", "--address", "not an address").toHost("two"),
                "--address 'not an address' is not an IP address");
        // k3d and kind bind the API to the address and take no host names: what they refuse is refused here
        for (String notAnIp : List.of("gpu1.example.com", "999.1.1.1", "10.0.0.1:80", "[::1]", "10.0.0")) {
            assertInvalid(() -> hostCommand("--docker", "tcp://x:2376", "--address", notAnIp).toHost("two"),
                    "--address '" + notAnIp + "' is not an IP address", "IPv4 or IPv6", "192.168.1.20");
        }
        for (String every : List.of("0.0.0.0", "::", "0:0::0")) {
            assertInvalid(() -> hostCommand("--docker", "tcp://x:2376", "--address", every).toHost("two"),
                    "--address '" + every + "' means every address of a machine", "192.168.1.20");
        }
        for (String group : List.of("224.0.0.1", "239.255.255.250", "ff02::1")) {
            assertInvalid(() -> hostCommand("--docker", "tcp://x:2376", "--address", group).toHost("two"),
                    "--address '" + group + "' is a multicast address (224.0.0.0/4, ff00::/8), a group of machines, "
                    + "none that clients reach one at; give an IPv4 or IPv6 address of that machine, such as "
                    + "192.168.1.20, or leave the flag out");
        }
        assertInvalid(() -> hostCommand("--docker", "tcp://x:2376", "--address", "255.255.255.255").toHost("two"),
                "--address '255.255.255.255' is the broadcast address, every machine of a network, none that clients "
                + "reach one at; give an IPv4 or IPv6 address of that machine");
        assertThat(hostCommand("--docker", "tcp://x:2376", "--address", "127.0.0.1").toHost("two").address())
                .isEqualTo("127.0.0.1");
        assertThat(hostCommand("--docker", "tcp://x:2376", "--address", "::1").toHost("two").address()).isEqualTo("::1");
        // 240.0.0.0/4 is reserved, not a group or every machine: Linux assigns and routes it, some networks use it
        assertThat(hostCommand("--docker", "tcp://x:2376", "--address", "240.0.0.1").toHost("two").address())
                .isEqualTo("240.0.0.1");
        assertThat(hostCommand("--docker", "tcp://x:2376", "--address", " 10.0.0.2 ").toHost("two").address())
                .isEqualTo("10.0.0.2");
        assertInvalid(() -> hostCommand("--docker", "tcp://x:2376", "--address", " ").toHost("two"),
                "--address is empty");
        assertInvalid(() -> hostCommand("--docker", "tcp://x:2376", "--capacity", "0").toHost("two"),
                "--capacity 0 is out of range");
        assertInvalid(() -> hostCommand("--docker", "tcp://x:2376", "--label", "nokey").toHost("two"),
                "label 'nokey' is not KEY=VALUE");
        assertThatThrownBy(() -> hostCommand("--docker", "tcp://x:2376").toHost("local"))
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("host 'local' is built in");
    }

    @Test
    void hostListTableShowsEveryFieldAndDashesForAbsentOnes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        HostCommand.table(List.of(Host.LOCAL, CAPPED, TWO), Map.of("local", 2, "two", 1))
                .print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().map(l -> List.of(l.split("\\s+"))).toList())
                .containsExactly(
                        List.of("NAME", "DOCKER", "ADDRESS", "LABELS", "CAPACITY", "ENVIRONMENTS"),
                        List.of("local", "-", "-", "-", "-", "2"),
                        List.of("three", "ssh://me@three", "-", "-", "4", "0"),
                        List.of("two", "tcp://192.168.1.20:2376", "192.168.1.20", "gpu=true,zone=b", "-", "1"));
    }

    /**
     * A label value may hold ',', '=', '"' and spaces (as an environment's may), so LABELS (and get's OPTIONS) quote
     * such a value: {@code team=a,b=c} is no longer both one label and two.
     */
    @Test
    void labelsInTheTableAreUnambiguousWhateverTheirValuesHold() {
        Host one = new Host("one", "tcp://h:2376", null, Map.of("team", "a,b=c"), null);
        Host two = new Host("two", "tcp://h:2376", null, Map.of("team", "a", "b", "c"), null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        HostCommand.table(List.of(one, two), Map.of()).print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().skip(1).map(l -> l.split("\\s+")[3]).toList())
                .containsExactly("team=\"a,b=c\"", "b=c,team=a");
        assertThat(EnvironmentView.pairs(new java.util.TreeMap<>(Map.of("plain", "x=y", "q", "say \"hi\" \\o/",
                "team", "a, b", "empty", ""))))
                .isEqualTo("empty=,plain=x=y,q=\"say \\\"hi\\\" \\\\o/\",team=\"a, b\"");
    }

    @Test
    void hostJsonHasEveryFieldWithNullsForAbsentOnes() throws Exception {
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(List.of(HostCommand.toJson(Host.LOCAL, 2),
                HostCommand.toJson(TWO, 1)));

        assertThat(json).isEqualTo("[{\"name\":\"local\",\"docker\":null,\"address\":null,\"labels\":{},"
                + "\"capacity\":null,\"environments\":2},{\"name\":\"two\",\"docker\":\"tcp://192.168.1.20:2376\","
                + "\"address\":\"192.168.1.20\",\"labels\":{\"gpu\":\"true\",\"zone\":\"b\"},\"capacity\":null,"
                + "\"environments\":1}]");
    }

    @Test
    void environmentJsonAlwaysHasTheHost() {
        assertThat(EnvironmentView.toJson(env("a", "local"))).containsEntry("host", "local");
        assertThat(EnvironmentView.toJson(env("b", "two")).keySet()).containsExactly("name", "provider", "host",
                "subnet", "ports", "labels", "options", "desiredState", "actualState", "lastError", "createdAt",
                "updatedAt");
    }

    @Test
    void theTableGainsAHostColumnLastOnlyWhenAsked() {
        Instant now = Instant.parse("2026-11-26T09:00:00Z");
        List<Environment> list = List.of(env("a", "local"), env("b", "two"));

        List<String> single = lines(EnvironmentView.table(list, now, false, false));
        List<String> several = lines(EnvironmentView.table(list, now, true, false));

        assertThat(single.get(0).split("\\s+")).containsExactly("NAME", "PROVIDER", "STATE", "SUBNET", "HTTP",
                "HTTPS", "PF", "API", "AGE");
        assertThat(several.get(0).split("\\s+")).containsExactly("NAME", "PROVIDER", "STATE", "SUBNET", "HTTP",
                "HTTPS", "PF", "API", "AGE", "HOST");
        assertThat(several.get(1).split("\\s+")).containsExactly("a", "k3d", "running", "-", "18080", "18400",
                "19000", "26443", "60m", "local");
        assertThat(several.get(2).split("\\s+")).endsWith("two");
    }

    @Test
    void severalHostsMeansAHostBesidesLocal() {
        assertThat(Hosts.several(List.of(Host.LOCAL))).isFalse();
        assertThat(Hosts.several(List.of(Host.LOCAL, TWO))).isTrue();
        assertThat(Placement.perHost(List.of(env("a", "local"), env("b", "two"), env("c", "two"))))
                .isEqualTo(Map.of("local", 1, "two", 2));
    }

    @Test
    void applyFilesTakeAHostOrAutoWithASelector() throws Exception {
        Path file = Files.writeString(tmp.resolve("envs.yaml"), String.join("\n",
                "- name: a",
                "- name: b",
                "  host: two",
                "- name: c",
                "  host: auto",
                "  hostSelector: {gpu: \"true\"}",
                "- name: d",
                "  host: local", ""));

        List<EnvironmentSpec> specs = EnvironmentFile.read(null, file, "k3d", false).environments();

        assertThat(specs).extracting(EnvironmentSpec::host).containsExactly(HostRequest.DEFAULT,
                HostRequest.of("two"), HostRequest.auto(Map.of("gpu", "true")), HostRequest.LOCAL);
    }

    @Test
    void applyFilesReadTheJsonThatListPrints() throws Exception {
        Path file = Files.writeString(tmp.resolve("envs.json"), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(List.of(
                EnvironmentView.toJson(env("a", "two")))));

        assertThat(EnvironmentFile.read(null, file, "k3d", false).environments().get(0).host())
                .isEqualTo(HostRequest.of("two"));
    }

    @Test
    void applyFilesRefuseBadHostsNamingTheItem() throws Exception {
        assertInvalid(() -> read("- name: a\n  hostSelector: {gpu: \"true\"}\n"), "item 1", "needs host 'auto'");
        assertInvalid(() -> read("- name: a\n  host: two\n  hostSelector: {gpu: \"true\"}\n"), "item 1",
                "not 'two'");
        assertInvalid(() -> read("- name: a\n  host: Bad_Host\n"), "item 1", "host name 'Bad_Host' is invalid");
        assertInvalid(() -> read("- name: a\n  host: {name: two}\n"), "item 1", "host must be a plain value");
        assertInvalid(() -> read("- name: a\n  hostSelector: gpu\n"), "item 1", "hostSelector must be an object");
        assertInvalid(() -> read("- name: a\n  hosts: two\n"), "unknown field 'hosts'", "host, hostSelector");
    }

    private List<EnvironmentSpec> read(String yaml) {
        try {
            return EnvironmentFile.read(null, Files.writeString(tmp.resolve("bad.yaml"), yaml), "k3d", false)
                    .environments();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> lines(TextTable t) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        t.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static Environment env(String name, String host) {
        return new Environment(name, "k3d", null, new HostPorts(18080, 18400, 19000, 26443), 30080, Map.of(),
                Map.of(), DesiredState.PRESENT, ActualState.RUNNING, null, Instant.parse("2026-11-26T08:00:00Z"),
                Instant.parse("2026-11-26T08:00:00Z"), 1, host);
    }
}
