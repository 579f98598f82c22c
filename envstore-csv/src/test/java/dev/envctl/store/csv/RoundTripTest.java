package dev.envctl.store.csv;

import dev.envctl.core.ActualState;
import dev.envctl.core.AutoPorts;
import dev.envctl.core.Environment;
import dev.envctl.core.PortRole;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.store.csv.internal.Columns;
import dev.envctl.store.csv.internal.CsvDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading a file and writing it back keeps its bytes; a change rewrites only the row it touches. */
class RoundTripTest {
    @TempDir
    Path dir;

    private final Allocator allocator = new Allocator(AllocationPolicy.defaults());

    /** Every fixture, and variants with CRLF endings, a UTF-8 byte order mark, no final newline, Latin-1 and UTF-8 comments. */
    static Stream<Object[]> files() {
        List<Object[]> out = new ArrayList<>();
        for (String name : List.of("legacy.csv", "legacy-messy.csv", "mixed.csv")) {
            String text = Fixtures.text(name);
            out.add(new Object[] {name, Fixtures.bytes(name)});
            out.add(new Object[] {name + " with CRLF", text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)});
            out.add(new Object[] {name + " with BOM", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                    Fixtures.bytes(name))});
            out.add(new Object[] {name + " without final newline", text.strip().getBytes(StandardCharsets.UTF_8)});
        }
        out.add(new Object[] {"mixed endings and non-ASCII comments", concat(
                "# caf\u00e9 \u2014 UTF-8 comment\r\ndev,kind,30080,19001,true,true,18090,18443,\n".getBytes(
                        StandardCharsets.UTF_8),
                "# Latin-1 comment: caf\u00e9\n\nuat,k3d,30080,19002,0,1,18091,18444,\r\n".getBytes(
                        StandardCharsets.ISO_8859_1))});
        return out.stream();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void parsingAndRenderingGivesTheSameBytes(String name, byte[] bytes) {
        assertThat(CsvDocument.parse(dir.resolve("x.csv"), bytes).render()).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void aStoreThatChangesNothingLeavesTheBytesAlone(String name, byte[] bytes) throws Exception {
        Path file = Fixtures.write(dir.resolve("envs.csv"), bytes);
        Object inode = Files.readAttributes(file, "unix:ino").get("ino");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThat(store.delete("not-there")).isFalse();
            assertThat(store.list(dev.envctl.core.EnvironmentFilter.ALL)).isNotEmpty();
        }
        assertThat(Fixtures.read(file)).isEqualTo(bytes);
        assertThat(Files.readAttributes(file, "unix:ino").get("ino")).as("file not replaced").isEqualTo(inode);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void createThenDeleteThroughTheStoreRestoresTheExactBytes(String name, byte[] bytes) {
        Path file = Fixtures.write(dir.resolve("envs.csv"), bytes);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            store.create(EnvironmentSpec.of("transient", "k3d"), allocator);
            assertThat(Fixtures.readText(file)).contains("transient,k3d,");
            store.delete("transient");
        }
        byte[] expected = bytes;
        if (bytes[bytes.length - 1] != '\n') {
            // appending needs a line break after the last row; the store adds the file's own kind
            String eol = new String(bytes, StandardCharsets.ISO_8859_1).contains("\r\n") ? "\r\n" : "\n";
            expected = concat(bytes, eol.getBytes(StandardCharsets.ISO_8859_1));
        }
        assertThat(Fixtures.read(file)).isEqualTo(expected);
    }

    /** The last row without a line break gets its #envctl line above it as well, on a line of its own. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void aStateChangeOfEveryRowKeepsEachRowOnItsOwnLineAndTheFileReadable(String name, byte[] bytes) {
        Path file = Fixtures.write(dir.resolve("envs.csv"), bytes);
        List<String> names = new ArrayList<>();
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            for (Environment e : store.list(dev.envctl.core.EnvironmentFilter.ALL)) {
                store.update(e.withActualState(ActualState.RUNNING, null), e.version());
                names.add(e.name());
            }
        }
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThat(store.list(dev.envctl.core.EnvironmentFilter.ALL))
                    .allSatisfy(e -> assertThat(e.actualState()).isEqualTo(ActualState.RUNNING))
                    .extracting(Environment::name).containsExactlyInAnyOrderElementsOf(names);
        }
    }

    @Test
    void updatingOneRowOfANineColumnFileRewritesOnlyThatLineInPlaceAndPutsEnvctlFieldsAboveIt() {
        Path file = Fixtures.copy("legacy-messy.csv", dir);
        List<String> before = lines(file);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment uat = store.get("uat");
            store.update(uat.withActualState(ActualState.RUNNING, null), uat.version());
            uat = store.get("uat");
            store.update(uat.withPorts(uat.ports().with(PortRole.HTTP, 18093)), uat.version());
        }
        List<String> after = new ArrayList<>(lines(file));
        int uat = after.indexOf("uat,kind,30080,19003,true,false,18093,18445,10.102.0.0/16");

        assertThat(uat).as("the row keeps nine columns, booleans written true/false").isPositive();
        assertThat(after.get(uat - 1)).startsWith("#envctl uat row=").contains(" actual_state=running ")
                .contains(" created_at=1970-01-01T00:00:00Z ").endsWith(" version=3");
        after.remove(uat - 1);
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            if (!before.get(i).startsWith("uat,")) {
                assertThat(after.get(i)).as("line " + (i + 1)).isEqualTo(before.get(i));
            }
        }
    }

    @Test
    void aStateChangeOfANineColumnFilesRowKeepsTheRowsBytesAndPutsEnvctlFieldsAboveIt() {
        Path file = Fixtures.copy("legacy-messy.csv", dir);
        List<String> before = lines(file);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment uat = store.get("uat");
            store.update(uat.withActualState(ActualState.RUNNING, null), uat.version());
        }
        List<String> after = new ArrayList<>(lines(file));
        int uat = after.indexOf("uat,kind,30080,19003,1,0,18092,18445,10.102.0.0/16");

        assertThat(uat).as("old readers see the same row").isPositive();
        assertThat(after.get(uat - 1)).startsWith("#envctl uat row=").contains(" actual_state=running ")
                .endsWith(" version=2");
        after.remove(uat - 1);
        assertThat(after).isEqualTo(before);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThat(store.get("uat").actualState()).isEqualTo(ActualState.RUNNING);
        }
    }

    @Test
    void updatingOneRowOfAWideFileRewritesItWide() {
        Path file = Fixtures.copy("mixed.csv", dir);
        List<String> before = lines(file);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment legacy = store.get("legacy");
            store.update(legacy.withActualState(ActualState.RUNNING, null), legacy.version());
        }
        List<String> after = lines(file);

        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            if (before.get(i).startsWith("legacy,")) {
                assertThat(after.get(i)).startsWith("legacy,k3d,30080,19000,true,false,18080,18400,,,,,"
                        + "present,running,,1970-01-01T00:00:00Z,").endsWith(",2");
                assertThat(after.get(i).split(",", -1)).hasSize(Columns.FULL_COUNT);
            } else {
                assertThat(after.get(i)).as("line " + (i + 1)).isEqualTo(before.get(i));
            }
        }
    }

    @Test
    void unknownColumnsSurviveARewriteOfTheirRow() {
        Path file = Fixtures.copy("mixed.csv", dir);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment modern = store.get("modern");
            Environment next = store.update(modern.withActualState(ActualState.FAILED, "boom"), modern.version());
            assertThat(next.version()).isEqualTo(4);
            assertThat(store.get("modern")).isEqualTo(next);
        }
        String row = lines(file).stream().filter(l -> l.startsWith("modern,")).findFirst().orElseThrow();

        assertThat(row).contains(",present,failed,boom,2026-11-26T08:00:00Z,")
                .endsWith(",4,alice,\"free text, with comma and \"\"quotes\"\"\"");
    }

    @Test
    void aNewFileGetsTheNineColumnHeaderANoteOnEnvctlLinesAndParentFoldersAtTheFirstWriteOnly() {
        Path file = dir.resolve("a/b/environments.csv");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThat(store.list(dev.envctl.core.EnvironmentFilter.ALL)).isEmpty();
            assertThat(store.find("dev")).isEmpty();
            assertThat(store.health().available()).isTrue();
            assertThat(store.delete("dev")).isFalse();
            assertThat(dir.resolve("a")).as("opening, reading and a write that changes nothing create nothing")
                    .doesNotExist();

            store.create(dev.envctl.core.EnvironmentSpec.of("dev", "k3d"), new dev.envctl.core.alloc.Allocator(
                    dev.envctl.core.alloc.AllocationPolicy.defaults()));
        }
        assertThat(Fixtures.readText(file)).startsWith("# env,provider,node_port,pf_port,register_portainer,"
                + "haproxy_route,http_port,https_port,cluster_subnet\n"
                + "# lines starting with '#envctl NAME' hold envctl's own fields of the row NAME; the Kindler "
                + "scripts skip them as comments\n#envctl dev ");
    }

    @Test
    void aCreatedRowHasNineColumnsAndEnvctlFieldsOnTheLineAboveIt() {
        Path file = dir.resolve("envs.csv");
        Clock clock = Clock.fixed(Instant.parse("2026-11-26T08:00:00.123456Z"), ZoneOffset.UTC);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file, Duration.ofSeconds(5), clock)) {
            store.create(EnvironmentSpec.of("dev-k3d", "k3d").withLabels(Map.of("register_portainer", "false",
                    "team", "a, b")).withOptions(Map.of("servers", "1")), allocator);
        }
        List<String> lines = lines(file);

        assertThat(lines.get(3)).isEqualTo("dev-k3d,k3d,30080,19000,false,true,18080,18400,");
        assertThat(lines.get(2)).isEqualTo("#envctl dev-k3d row=" + checksum(lines.get(3)) + " api_port=26443 "
                + "labels=envctl.auto-ports=http:18080/https:18400/pf:19000/api:26443;register_portainer=false;"
                + "team=a%2C%20b options=servers=1 desired_state=present "
                + "actual_state=unknown last_error= created_at=2026-11-26T08:00:00.123Z "
                + "updated_at=2026-11-26T08:00:00.123Z version=1");
    }

    @Test
    void aBooleanLabelWithAnotherSpellingKeepsItsValueAndOldReadersGetItsMeaning() {
        Path file = dir.resolve("envs.csv");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment e = store.create(EnvironmentSpec.of("dev", "k3d").withLabels(Map.of("haproxy_route", "no",
                    "register_portainer", "1")), allocator);
            assertThat(e.labels()).isEqualTo(Map.of("haproxy_route", "no", "register_portainer", "1",
                    AutoPorts.LABEL, "http:18080/https:18400/pf:19000/api:26443"));
            assertThat(store.get("dev").labels()).isEqualTo(e.labels());
        }
        assertThat(lines(file).get(3)).startsWith("dev,k3d,30080,19000,true,false,");
        assertThat(lines(file).get(2)).contains(";haproxy_route=no;register_portainer=1 ");
    }

    @Test
    void aBooleanLabelWithAnotherSpellingInAWideFileStaysInTheLabelsColumn() {
        Path file = Fixtures.copy("mixed.csv", dir);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment e = store.create(EnvironmentSpec.of("dev", "k3d").withLabels(Map.of("haproxy_route", "yes",
                    "register_portainer", "off")), allocator);
            assertThat(store.get("dev").labels()).isEqualTo(e.labels())
                    .isEqualTo(Map.of("haproxy_route", "yes", "register_portainer", "off", AutoPorts.LABEL,
                            "http:18083/https:18403/pf:19003/api:26445"));
        }
        String row = lines(file).stream().filter(l -> l.startsWith("dev,")).findFirst().orElseThrow();
        assertThat(row).startsWith("dev,k3d,30080,19003,false,true,")
                .contains(";haproxy_route=yes;register_portainer=off,");
    }

    private static String checksum(String text) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(text.getBytes(StandardCharsets.ISO_8859_1));
        return String.format("%08X", crc.getValue());
    }

    private static List<String> lines(Path file) {
        return Arrays.asList(Fixtures.readText(file).split("\n", -1));
    }
}
