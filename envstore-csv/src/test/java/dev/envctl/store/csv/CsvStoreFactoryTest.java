package dev.envctl.store.csv;

import dev.envctl.core.ActualState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.HostRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.EnvironmentStoreFactory;
import dev.envctl.core.spi.InvalidSettingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvStoreFactoryTest {
    @TempDir
    Path dir;

    private final CsvStoreFactory factory = new CsvStoreFactory();

    @Test
    void isFoundByServiceLoaderUnderIdCsv() {
        PluginRegistry registry = PluginRegistry.discover();
        assertThat(registry.storeIds()).contains("csv");
        assertThat(registry.storeFactoryFor("csv:/tmp/x")).isInstanceOf(CsvStoreFactory.class);
    }

    @Test
    void formatWritesWhatAStoreFileOfTheseEnvironmentsHoldsAndChecksNothing() throws Exception {
        Path legacy = Files.writeString(dir.resolve("legacy.csv"), "a,k3d,30080,19001,true,true,18090,18443,\n"
                + "b,kind,30080,19002,true,true,18090,18444,\n");
        Host two = new Host("two", "ssh://me@two", null, Map.of(), null);
        List<Environment> held;
        try (EnvironmentStore store = factory.open("csv:" + legacy, Map.of())) {
            store.addHost(two);
            Environment c = store.create(EnvironmentSpec.of("c", "k3d").withHost(HostRequest.of("two")),
                    new Allocator(AllocationPolicy.defaults()));
            store.update(c.withActualState(ActualState.RUNNING, null), c.version());
            held = store.list(EnvironmentFilter.ALL);
        }

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertThat(factory.format(List.of(Host.LOCAL, two), held, bytes)).isTrue();

        Path copy = Files.write(dir.resolve("copy.csv"), bytes.toByteArray());
        try (EnvironmentStore store = factory.open("csv:" + copy, Map.of())) {
            assertThat(store.list(EnvironmentFilter.ALL)).as("a and b share http port 18090")
                    .isEqualTo(held);
            assertThat(store.hosts()).contains(two);
        }
        ByteArrayOutputStream none = new ByteArrayOutputStream();
        assertThat(factory.format(List.of(Host.LOCAL), List.of(), none)).isTrue();
        assertThat(none.toByteArray()).isEmpty();
    }

    /**
     * What a store file of the environments envctl made holds, byte for byte, written line by line: each
     * environment's lines reach the stream before the next environment is read, so the output is never held whole.
     */
    @Test
    void formatWritesTheStoresFileEnvironmentByEnvironment() throws Exception {
        Path file = dir.resolve("new.csv");
        List<Environment> held;
        List<Host> hosts;
        try (EnvironmentStore store = factory.open("csv:" + file, Map.of())) {
            store.addHost(new Host("two", "ssh://me@two", null, Map.of(), null));
            for (String name : List.of("a", "b", "c")) {
                store.create(EnvironmentSpec.of(name, "k3d").withHost(HostRequest.of(name.equals("b") ? "two"
                        : "local")).withLabels(Map.of("team", "x, y")), new Allocator(AllocationPolicy.defaults()));
            }
            held = store.list(EnvironmentFilter.ALL);
            hosts = store.hosts();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> writtenBeforeEach = new ArrayList<>();
        List<Environment> watched = new AbstractList<>() {
            @Override
            public Environment get(int i) {
                writtenBeforeEach.add(out.size());
                return held.get(i);
            }

            @Override
            public int size() {
                return held.size();
            }
        };

        factory.format(hosts, watched, out);

        assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(file));
        assertThat(writtenBeforeEach).hasSize(3).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void parseReadsAFilesEnvironmentsAsTheStoreListsThemAndARowItCannotReadIsInvalidInputNamingTheLineOnly() {
        Path legacy = Fixtures.copy("legacy.csv", dir);
        try (EnvironmentStore store = factory.open("csv:" + legacy, Map.of())) {
            assertThat(factory.parse(Fixtures.bytes("legacy.csv")).orElseThrow().environments())
                    .isEqualTo(store.list(EnvironmentFilter.ALL));
        }

        byte[] broken = "# env,provider\nweb,k3d,30080,19001,true,true,99999,18443,\n".getBytes();
        assertThatThrownBy(() -> factory.parse(broken)).isInstanceOf(EnvctlException.class)
                .hasFieldOrPropertyWithValue("code", ErrorCode.INVALID_INPUT)
                .hasMessage("line 2: http_port '99999' is not a port; allowed: 1 to 65535");
    }

    /**
     * The hosts of a file's {@code #envctl-host} lines come with its environments, with the Docker endpoint and address
     * the file gives them ({@code local} is every store's and left out): a reader such as apply compares them with the
     * hosts of the same name in its store.
     */
    @Test
    void parseReadsTheHostsAFileDefinesWithItsEnvironments() throws Exception {
        Path file = dir.resolve("hosts.csv");
        Host two = new Host("two", "tcp://10.0.0.2:2376", "10.0.0.2", Map.of("gpu", "true"), 3);
        Host three = new Host("three", "ssh://me@three", null, Map.of(), null);
        try (EnvironmentStore store = factory.open("csv:" + file, Map.of())) {
            store.addHost(two);
            store.addHost(three);
            store.create(EnvironmentSpec.of("web", "k3d").withHost(HostRequest.of("two")),
                    new Allocator(AllocationPolicy.defaults()));
        }

        var content = factory.parse(Files.readAllBytes(file)).orElseThrow();

        assertThat(content.hosts()).containsExactly(three, two);
        assertThat(content.environments()).singleElement().satisfies(e -> assertThat(e.host()).isEqualTo("two"));
        assertThat(factory.parse(Fixtures.bytes("legacy.csv")).orElseThrow().hosts()).isEmpty();
    }

    @Test
    void parseRefusesARowChangedBelowItsEnvctlLineWhereTheStoreReadsItAsAKindlerRow() throws Exception {
        Path file = dir.resolve("export.csv");
        try (EnvironmentStore store = factory.open("csv:" + file, Map.of())) {
            EnvironmentSpec s = EnvironmentSpec.of("web", "k3d").withLabels(Map.of("team", "a"));
            store.create(new EnvironmentSpec(s.name(), s.provider(), s.ports(), s.subnet(), s.nodePort(), s.labels(),
                    Map.of("servers", "3"), s.host()), new Allocator(AllocationPolicy.defaults()));
        }
        String exported = Files.readString(file);
        assertThat(factory.parse(exported.getBytes()).orElseThrow().environments()).singleElement()
                .satisfies(e -> assertThat(e.options()).containsEntry("servers", "3"));
        String row = exported.lines().filter(l -> l.startsWith("web,")).findFirst().orElseThrow();
        String edited = exported.replace(row, row.replace(",18080,", ",18090,"));
        assertThat(edited).isNotEqualTo(exported);
        int metaLine = exported.lines().toList().indexOf(exported.lines().filter(l -> l.startsWith("#envctl web "))
                .findFirst().orElseThrow()) + 1;

        assertThatThrownBy(() -> factory.parse(edited.getBytes())).isInstanceOf(EnvctlException.class)
                .hasFieldOrPropertyWithValue("code", ErrorCode.INVALID_INPUT)
                .hasMessage("line " + (metaLine + 1) + ": row 'web' was changed or moved after envctl wrote it below "
                        + "its #envctl line (line " + metaLine + "), whose labels, options, host and api port would be "
                        + "lost; edit `envctl list -o json` output instead, or delete line " + metaLine + " to apply "
                        + "the row alone, as a Kindler scripts' row");
        // the store's own file keeps the coexistence rule: the edited row is a Kindler row
        Files.writeString(file, edited);
        try (EnvironmentStore store = factory.open("csv:" + file, Map.of())) {
            assertThat(store.find("web").orElseThrow().ports().http()).isEqualTo(18090);
            assertThat(store.find("web").orElseThrow().options()).isEmpty();
        }
    }

    /**
     * A copy of an export cut between an {@code #envctl} line and its row ({@code head -5 export.csv}) lists one
     * environment fewer, which apply --prune would delete: refused, naming the line. The store's own file keeps
     * the coexistence rule (an old script removed the row: the line is dropped at the next write).
     */
    @Test
    void parseRefusesAnEnvctlLineWithoutItsRowAsInAnExportCutShort() throws Exception {
        Path file = dir.resolve("export.csv");
        try (EnvironmentStore store = factory.open("csv:" + file, Map.of())) {
            Allocator allocator = new Allocator(AllocationPolicy.defaults());
            store.create(EnvironmentSpec.of("web", "k3d"), allocator);
            store.create(EnvironmentSpec.of("web2", "k3d"), allocator);
        }
        List<String> lines = Files.readString(file).lines().toList();
        int meta = lines.indexOf(lines.stream().filter(l -> l.startsWith("#envctl web2 ")).findFirst().orElseThrow());
        String cut = String.join("\n", lines.subList(0, meta + 1)) + "\n";

        assertThatThrownBy(() -> factory.parse(cut.getBytes())).isInstanceOf(EnvctlException.class)
                .hasFieldOrPropertyWithValue("code", ErrorCode.INVALID_INPUT)
                .hasMessage("line " + (meta + 1) + ": the #envctl line of 'web2' has no row of 'web2' below it (a copy "
                        + "cut short?); add the row back, or delete line " + (meta + 1) + " too");
        Files.writeString(file, cut);
        try (EnvironmentStore store = factory.open("csv:" + file, Map.of())) {
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("web");
        }
    }

    @Test
    void acceptsCsvSchemeAndPathsEndingInCsvOnly() {
        assertThat(factory.accepts("csv:/var/lib/envctl/envs")).isTrue();
        assertThat(factory.accepts("CSV:relative/file.txt")).isTrue();
        assertThat(factory.accepts("/home/me/environments.csv")).isTrue();
        assertThat(factory.accepts("environments.CSV")).isTrue();
        assertThat(factory.accepts("csv:")).isFalse();
        assertThat(factory.accepts("jdbc:postgresql://db/envs.csv")).isFalse();
        assertThat(factory.accepts("/home/me/environments.txt")).isFalse();
        assertThat(factory.accepts("")).isFalse();
    }

    @Test
    void opensACsvLocationAndTheFirstWriteCreatesTheFileWithItsFolders() {
        Path file = dir.resolve("new/folder/envs");
        try (EnvironmentStore store = PluginRegistry.discover().openStore("csv:" + file,
                Map.of(CsvStoreFactory.LOCK_TIMEOUT, "2s"))) {
            assertThat(store.location()).isEqualTo(file.toString());
            assertThat(store.health().available()).isTrue();
            assertThat(store.health().schemaVersion()).isEqualTo("2");
            assertThat(dir.resolve("new")).doesNotExist();
            store.create(EnvironmentSpec.of("dev", "k3d"), new Allocator(
                    AllocationPolicy.defaults()));
        }
        assertThat(Files.isRegularFile(file)).isTrue();
    }

    @Test
    void aLeadingTildeIsTheHomeOfTheCallersEnvironmentAsInTheCli() {
        Path home = dir.resolve("home");
        for (String location : new String[]{"csv:~/team/envs", "~/envs.csv"}) {
            try (EnvironmentStore store = PluginRegistry.discover().openStore(location, Map.of(),
                    Map.of("HOME", home.toString()))) {
                store.create(EnvironmentSpec.of("dev", "k3d"), new Allocator(
                        AllocationPolicy.defaults()));
            }
        }
        assertThat(home.resolve("team/envs")).isRegularFile();
        assertThat(home.resolve("envs.csv")).isRegularFile();
        assertThat(Path.of("~")).doesNotExist();
    }

    @Test
    void aFileThatCannotBeWrittenIsReportedByHealthAndNothingIsCreated() throws java.io.IOException {
        // /proc refuses new files even to root, whose writes permission bits do not stop
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")));
        try (EnvironmentStore store = factory.open("csv:/proc/x.csv", Map.of())) {
            assertThat(store.list(EnvironmentFilter.ALL)).isEmpty();
            var health = store.health();
            assertThat(health.available()).isFalse();
            assertThat(health.detail()).startsWith("cannot write /proc/x.csv: its folder /proc is not writable: ");
        }
        try (EnvironmentStore store = factory.open("csv:/proc/envctl-none/x.csv", Map.of())) {
            assertThat(store.health().detail()).startsWith("cannot write /proc/envctl-none/x.csv: its folder "
                    + "/proc/envctl-none does not exist, and /proc is not writable: ");
        }
        assertThat(Path.of("/proc/x.csv")).doesNotExist();

        Path ok = dir.resolve("sub/envs.csv");
        try (EnvironmentStore store = factory.open("csv:" + ok, Map.of())) {
            assertThat(store.health().available()).isTrue();
        }
        try (var left = Files.list(dir)) {
            assertThat(left).as("the health check's probe is removed").isEmpty();
        }
    }

    @Test
    void rejectsUnknownSettingsAndBadDurations() {
        String location = dir.resolve("envs.csv").toString();
        assertThatThrownBy(() -> PluginRegistry.discover().openStore(location, Map.of("csv.timeout", "1s")))
                .hasMessageContaining("unknown setting 'csv.timeout' for store csv; valid: csv.lock-timeout");
        assertThatThrownBy(() -> factory.open(location, Map.of("csv.lock-timeout", "soon")))
                .isInstanceOf(EnvctlException.class)
                .hasMessageContaining("csv.lock-timeout 'soon' is not a positive duration; write it like 500ms, 60s, "
                        + "5m or 1h")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
        assertThatThrownBy(() -> factory.open(location, Map.of("csv.lock-timeout", "0s")))
                .hasMessageContaining("not a positive duration")
                .isInstanceOfSatisfying(InvalidSettingException.class,
                        e -> assertThat(e.key()).isEqualTo("csv.lock-timeout"));
        assertThatThrownBy(() -> factory.open(location, Map.of("csv.lock-timeout", "abc")))
                .hasMessage("csv.lock-timeout 'abc' is not a positive duration; write it like 500ms, 60s, 5m or 1h")
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.problem())
                        .contains("'abc' is not a positive duration; write it like 500ms, 60s, 5m or 1h"));
    }

    @Test
    void lockTimeoutAcceptsTheDocumentedForms() {
        for (String form : new String[]{"500ms", "10s", "2m", "PT30S"}) {
            try (var store = factory.open(dir.resolve("t.csv").toString(), Map.of("csv.lock-timeout", form))) {
                assertThat(store.health().available()).as(form).isTrue();
            }
        }
    }

    @Test
    void factoryDescribesItself() {
        EnvironmentStoreFactory f = factory;
        assertThat(f.id()).isEqualTo("csv");
        assertThat(f.locationSyntax()).isEqualTo("csv:PATH or a path ending in .csv");
        assertThat(f.settingKeys()).containsExactly("csv.lock-timeout");
    }
}
