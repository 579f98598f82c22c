package dev.envctl.store.csv;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.HostPorts;
import dev.envctl.core.HostRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.store.csv.internal.Columns;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hosts in the file: #envctl-host lines, host= on #envctl lines, and what old files and old readers see. */
class HostLinesTest {
    private static final Host TWO = new Host("two", "ssh://me@two", "192.168.1.20", Map.of("gpu", "true"), 8);
    private static final HostPorts PORTS = new HostPorts(18080, 18400, 19000, 26443);

    @TempDir
    Path dir;

    private final Allocator allocator = new Allocator(AllocationPolicy.defaults());

    private CsvEnvironmentStore open(Path file) {
        return CsvEnvironmentStore.open(file, Duration.ofSeconds(10),
                Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC));
    }

    @ParameterizedTest
    @ValueSource(strings = {"legacy.csv", "legacy-short.csv", "legacy-messy.csv", "mixed.csv"})
    void anOldFileReadsWithEveryRowOnLocalAndIsWrittenBackUnchangedWhenNothingChanged(String fixture) {
        Path file = Fixtures.copy(fixture, dir);
        byte[] before = Fixtures.read(file);
        try (CsvEnvironmentStore store = open(file)) {
            assertThat(store.hosts()).containsExactly(Host.LOCAL);
            assertThat(store.list(EnvironmentFilter.ALL)).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.host()).isEqualTo("local"));

            assertThat(store.delete("nope")).isFalse();
            assertThat(store.removeHost("two")).isFalse();
            assertThatThrownBy(() -> store.create(EnvironmentSpec.of("new", "k3d").withHost(HostRequest.of("two")),
                    allocator)).satisfies(e -> assertThat(((EnvctlException) e).code())
                    .isEqualTo(ErrorCode.INVALID_INPUT));
            assertThat(Fixtures.read(file)).as("nothing changed").isEqualTo(before);

            store.addHost(TWO);
            assertThat(store.removeHost("two")).isTrue();
            assertThat(Fixtures.read(file)).as("a host added and removed again").isEqualTo(before);
        }
    }

    /**
     * A file saved with a UTF-8 byte order mark and no header (Windows Notepad): the host line goes first, and the mark
     * with it, so the row below does not start with it (it read as an invalid name, and the file as corrupt).
     */
    @Test
    void aHostAddedAboveAFirstRowAfterAByteOrderMarkKeepsTheMarkFirstAndTheFileReadable() {
        byte[] before = ("\uFEFFdev,kind,30080,19001,1,0,18090,18443,\nuat,kind,30080,19003,1,0,18092,18445,\n")
                .getBytes(StandardCharsets.UTF_8);
        Path file = Fixtures.write(dir.resolve("envs.csv"), before);
        try (CsvEnvironmentStore store = open(file)) {
            store.addHost(TWO);
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("dev", "uat");
            assertThat(Fixtures.readText(file)).startsWith("\uFEFF#envctl-host two ");

            assertThat(store.removeHost("two")).isTrue();
            assertThat(Fixtures.read(file)).as("a host added and removed again").isEqualTo(before);
        }
    }

    @Test
    void aFileWithoutHostsIsWrittenAsBeforeHostsExisted() {
        Path file = dir.resolve("envs.csv");
        try (CsvEnvironmentStore store = open(file)) {
            store.create(EnvironmentSpec.of("a", "k3d"), allocator);
            store.create(EnvironmentSpec.of("b", "kind").withHost(HostRequest.AUTO), allocator);
        }

        assertThat(Fixtures.readText(file)).isEqualTo(Columns.LEGACY_HEADER + "\n" + Columns.META_NOTE + "\n"
                + "#envctl a row=80B07D59 api_port=26443 labels=envctl.auto-ports=http:18080/https:18400/pf:19000/"
                + "api:26443 options= desired_state=present actual_state=unknown "
                + "last_error= created_at=2026-12-01T10:00:00Z updated_at=2026-12-01T10:00:00Z version=1\n"
                + "a,k3d,30080,19000,true,true,18080,18400,\n"
                + "#envctl b row=0249C7A0 api_port=26444 labels=envctl.auto-ports=http:18081/https:18401/pf:19001/"
                + "api:26444 options= desired_state=present actual_state=unknown "
                + "last_error= created_at=2026-12-01T10:00:00Z updated_at=2026-12-01T10:00:00Z version=1\n"
                + "b,kind,30080,19001,true,true,18081,18401,\n");
    }

    @Test
    void hostsAreCommentLinesAndAnEnvironmentsHostIsOnItsEnvctlLine() {
        Path file = dir.resolve("envs.csv");
        try (CsvEnvironmentStore store = open(file)) {
            store.create(EnvironmentSpec.of("a", "k3d").withPorts(PORTS), allocator);
            store.addHost(TWO);
            store.create(EnvironmentSpec.of("b", "k3d").withPorts(PORTS).withHost(HostRequest.of("two")), allocator);
        }

        String text = Fixtures.readText(file);
        assertThat(text.lines()).containsExactly(Columns.LEGACY_HEADER, Columns.META_NOTE,
                "#envctl-host two docker=ssh://me@two address=192.168.1.20 labels=gpu=true capacity=8",
                "#envctl a row=80B07D59 api_port=26443 labels= options= desired_state=present actual_state=unknown "
                        + "last_error= created_at=2026-12-01T10:00:00Z updated_at=2026-12-01T10:00:00Z version=1",
                "a,k3d,30080,19000,true,true,18080,18400,",
                "#envctl b row=AA0CCDD1 api_port=26443 labels= options= desired_state=present actual_state=unknown "
                        + "last_error= created_at=2026-12-01T10:00:00Z updated_at=2026-12-01T10:00:00Z version=1 "
                        + "host=two",
                "b,k3d,30080,19000,true,true,18080,18400,");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThat(store.hosts()).containsExactly(Host.LOCAL, TWO);
            assertThat(store.get("a").host()).isEqualTo("local");
            assertThat(store.get("b").host()).isEqualTo("two");
            assertThat(store.get("b").ports()).isEqualTo(PORTS);
        }
    }

    @Test
    void theKindlerScriptsReadersSeeOnlyTheNineColumnRowsOfAFileWithHosts() throws Exception {
        Path file = dir.resolve("envs.csv");
        try (CsvEnvironmentStore store = open(file)) {
            store.addHost(TWO);
            store.create(EnvironmentSpec.of("a", "k3d").withPorts(PORTS), allocator);
            store.create(EnvironmentSpec.of("b", "k3d").withPorts(PORTS).withHost(HostRequest.of("two")), allocator);
        }

        // the names create_env.sh lists, and the rows migrate_csv_to_db.sh reads (their awk programs as written)
        assertThat(awk("$0 !~ /^[[:space:]]*#/ && NF>0 {print \"  \" $1}", file)).isEqualTo("  a\n  b\n");
        assertThat(awk("NR > 1 && $0 !~ /^[[:space:]]*#/ && NF > 0", file))
                .isEqualTo("a,k3d,30080,19000,true,true,18080,18400,\nb,k3d,30080,19000,true,true,18080,18400,\n");
        // load_csv_defaults of create_env.sh: the row whose first column is the name
        assertThat(awk("BEGIN{IGNORECASE=0} $0 !~ /^[[:space:]]*#/ && NF>0 && $1==\"two\" {print; exit}", file))
                .as("a host is no environment to the scripts").isEmpty();
    }

    @Test
    void aRowDeleteEnvShRemovedNoLongerKeepsItsHost() throws Exception {
        Path file = dir.resolve("envs.csv");
        try (CsvEnvironmentStore store = open(file)) {
            store.addHost(TWO);
            store.create(EnvironmentSpec.of("b", "k3d").withHost(HostRequest.of("two")), allocator);
        }
        // delete_env.sh: awk -F, -v env="$name" '$1 != env' "$CSV_FILE" > "$tmp_file"
        Files.writeString(file, awk("$1 != \"b\"", file), StandardCharsets.ISO_8859_1);

        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThat(store.list(EnvironmentFilter.ALL)).isEmpty();
            assertThat(store.removeHost("two")).isTrue();
            assertThat(store.hosts()).containsExactly(Host.LOCAL);
        }
        assertThat(Fixtures.readText(file)).doesNotContain("two");
    }

    @Test
    void aWideRowOnAnotherHostKeepsItsHostOnAnEnvctlLine() {
        Path file = Fixtures.write(dir.resolve("envs.csv"), (Columns.WIDE_HEADER + "\n").getBytes(
                StandardCharsets.ISO_8859_1));
        try (CsvEnvironmentStore store = open(file)) {
            store.addHost(TWO);
            store.create(EnvironmentSpec.of("a", "k3d").withPorts(PORTS), allocator);
            Environment b = store.create(EnvironmentSpec.of("b", "k3d").withPorts(PORTS)
                    .withHost(HostRequest.of("two")), allocator);

            assertThat(Fixtures.readText(file).lines().filter(l -> l.startsWith("#envctl ")))
                    .singleElement().satisfies(l -> assertThat(l).startsWith("#envctl b ").endsWith(" host=two"));
            assertThat(Fixtures.readText(file).lines().filter(l -> l.startsWith("b,")))
                    .singleElement().satisfies(l -> assertThat(l.split(",", -1)).hasSize(18));
            assertThat(store.get("b")).isEqualTo(b);

            store.update(b.withHost("local").withPorts(new HostPorts(18081, 18401, 19001, 26444)), 1);
            assertThat(store.get("b").host()).isEqualTo("local");
            assertThat(Fixtures.readText(file)).doesNotContain("#envctl b ");
        }
    }

    @Test
    void anEnvironmentOnAHostTheFileDoesNotDefineIsACorruptFile() {
        Path file = dir.resolve("envs.csv");
        try (CsvEnvironmentStore store = open(file)) {
            store.addHost(TWO);
            store.create(EnvironmentSpec.of("b", "k3d").withHost(HostRequest.of("two")), allocator);
        }
        String text = Fixtures.readText(file);
        Fixtures.write(file, text.replace(TWO_LINE, "").getBytes(StandardCharsets.ISO_8859_1));

        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThatThrownBy(() -> store.list(EnvironmentFilter.ALL))
                    .hasMessageContaining("line 3: environment 'b' is on host 'two', which no #envctl-host line "
                            + "defines")
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.STORE_CORRUPT));
        }
    }

    private static final String TWO_LINE =
            "#envctl-host two docker=ssh://me@two address=192.168.1.20 labels=gpu=true capacity=8\n";

    @ParameterizedTest
    @ValueSource(strings = {
            "#envctl-host two docker=ssh://me@two\n#envctl-host two docker=tcp://two:2376\n|line 3: host 'two' is "
                    + "already defined on line 2",
            "#envctl-host local\n|host 'local' is built in",
            "#envctl-host two capacity=0\n|capacity 0 of host 'two' is invalid",
            "#envctl-host two capacity=many\n|capacity 'many' of host 'two' is not a whole number",
            "#envctl-host two docker=ftp://two\n|line 2: the #envctl-host line of 'two': ",
            "#envctl-host Two\n|line 2: the #envctl-host line of 'Two': "})
    void aMalformedHostLineIsACorruptFileNamingTheLine(String caseText) {
        String[] parts = caseText.split("\\|");
        Path file = Fixtures.write(dir.resolve("envs.csv"), (Columns.LEGACY_HEADER + "\n" + parts[0])
                .getBytes(StandardCharsets.ISO_8859_1));

        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThatThrownBy(store::hosts).hasMessageContaining(parts[1])
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.STORE_CORRUPT));
        }
    }

    /** Runs {@code awk -F, PROGRAM FILE} as the Kindler scripts do; skips the test without awk. */
    private static String awk(String program, Path file) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(List.of("awk", "-F,", program, file.toString()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            Assumptions.abort("no awk on PATH: " + e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(p.waitFor()).as("awk exit").isZero();
        return out;
    }
}
