package dev.envctl.store.csv;

import dev.envctl.core.ActualState;
import dev.envctl.core.AutoPorts;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.PortRole;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.store.csv.internal.Columns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A file in the replaced system's nine-column format stays nine columns: envctl's own fields go on
 * {@code #envctl} comment lines, which survive the old scripts' edits of other rows and no longer apply to a
 * row an old script changed. Old scripts are imitated here line by line; the coexistence suite in envctl-cli
 * runs the scripts themselves.
 */
class NineColumnFormatTest {
    @TempDir
    Path dir;

    private final Allocator allocator = new Allocator(AllocationPolicy.defaults());

    private Path legacyFile() {
        return Fixtures.copy("legacy.csv", dir);
    }

    /** What delete_env.sh does: {@code awk -F, -v env=NAME '$1 != env'}. */
    private static void oldDelete(Path file, String name) {
        StringBuilder b = new StringBuilder();
        for (String line : Fixtures.readText(file).split("\n", -1)) {
            if (!line.split(",", -1)[0].equals(name) && !line.isEmpty()) {
                b.append(line).append('\n');
            }
        }
        Fixtures.write(file, b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** What a user of the old system does to add an environment: append a row. */
    private static void oldAppend(Path file, String row) {
        Fixtures.write(file, (Fixtures.readText(file) + row + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> dataLines(Path file) {
        List<String> out = new ArrayList<>();
        for (String line : Fixtures.readText(file).split("\n")) {
            if (!line.isBlank() && !line.strip().startsWith("#")) {
                out.add(line);
            }
        }
        return out;
    }

    private static List<String> row(Path file, String name) {
        return dataLines(file).stream().filter(l -> l.startsWith(name + ",")).findFirst()
                .map(l -> List.of(l.split(",", -1))).orElseThrow();
    }

    /**
     * The scripts find a row with awk's {@code $1==n}, which compares names that look like numbers as numbers (mawk,
     * busybox awk): in a file they read, such a name beside another of the same number is refused, as their lookups
     * would give one the other's ports and delete_env.sh would remove both rows.
     */
    @Test
    void aNameTheScriptsAwkReadsAsTheNumberOfAnotherIsRefusedInAFileTheyRead() {
        Path file = dir.resolve("envs.csv");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            store.create(EnvironmentSpec.of("1", "k3d"), allocator);
            store.create(EnvironmentSpec.of("16", "kind"), allocator);
            byte[] before = Fixtures.read(file);

            for (String same : List.of("01", "001", "1e0", "10e-1")) {
                assertThatThrownBy(() -> store.create(EnvironmentSpec.of(same, "k3d"), allocator))
                        .isInstanceOf(EnvctlException.class)
                        .hasMessage("environment name '" + same + "' is the same number as '1' to the Kindler "
                                + "scripts, which read " + file + ": their awk compares names that look like numbers "
                                + "as numbers, so their lookups and delete_env.sh would take one for the other; "
                                + "choose a name that does not read as a number")
                        .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
            }
            assertThatThrownBy(() -> store.create(EnvironmentSpec.of("0x10", "k3d"), allocator))
                    .hasMessageContaining("'0x10' is the same number as '16'");
            assertThatThrownBy(() -> store.create(EnvironmentSpec.of("0x1p4", "k3d"), allocator))
                    .hasMessageContaining("'0x1p4' is the same number as '16'");
            Environment moved = store.get("16");
            Environment sixteen = new Environment("016", "k3d", null, HostPorts.NONE, moved.nodePort(), Map.of(),
                    Map.of(), DesiredState.PRESENT, ActualState.UNKNOWN, null, moved.createdAt(), moved.updatedAt(), 1,
                    moved.host());
            assertThatThrownBy(() -> store.insert(sixteen)).hasMessageContaining("'016' is the same number as '16'");
            // what migrate --dry-run asks: the same refusal, so the dry run fails that row as the real run does
            assertThatThrownBy(() -> store.checkInsert(sixteen))
                    .hasMessageContaining("'016' is the same number as '16'")
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
            assertThat(Fixtures.read(file)).isEqualTo(before);

            // other numbers, and names awk reads as text, are taken as before
            for (String name : List.of("2", "1a", "e1", "1-1", "x1")) {
                store.create(EnvironmentSpec.of(name, "k3d"), allocator);
            }
            assertThat(store.list(EnvironmentFilter.ALL)).hasSize(7);
        }
        // a wide file is envctl's alone: no script reads it
        Path wide = Fixtures.write(dir.resolve("wide.csv"), (Columns.WIDE_HEADER + "\n").getBytes(
                StandardCharsets.UTF_8));
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(wide)) {
            store.create(EnvironmentSpec.of("1", "k3d"), allocator);
            store.create(EnvironmentSpec.of("01", "k3d"), allocator);
            assertThat(store.list(EnvironmentFilter.ALL)).hasSize(2);
        }
    }

    /**
     * busybox awk reads a name of {@code 0} and octal digits as an octal number ({@code 010} is 8 to it), so such a
     * name is refused beside the name of that number, in either order; mawk reads it as decimal, which is refused
     * as before.
     */
    @Test
    void aNameBusyboxAwkReadsAsOctalIsRefusedBesideTheNumberItReadsItAs() {
        Path file = dir.resolve("envs.csv");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            store.create(EnvironmentSpec.of("8", "k3d"), allocator);
            store.create(EnvironmentSpec.of("0100", "k3d"), allocator);
            byte[] before = Fixtures.read(file);

            assertThatThrownBy(() -> store.create(EnvironmentSpec.of("010", "k3d"), allocator))
                    .hasMessageContaining("environment name '010' is the same number as '8' to the Kindler scripts")
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
            assertThatThrownBy(() -> store.create(EnvironmentSpec.of("64", "k3d"), allocator))
                    .hasMessageContaining("environment name '64' is the same number as '0100' to the Kindler scripts");
            assertThat(Fixtures.read(file)).isEqualTo(before);

            // 011 is 9 to busybox and 11 to mawk; busybox stops reading 01e1 at the e (text), mawk reads 10; a
            // number past a double's range is text to mawk (and refused, below, for busybox)
            for (String name : List.of("011", "01e1")) {
                store.create(EnvironmentSpec.of(name, "k3d"), allocator);
            }
            assertThat(store.list(EnvironmentFilter.ALL)).hasSize(4);
        }
    }

    /**
     * busybox awk reads {@code inf}, {@code infinity}, {@code nan} and a number past a double's range ({@code 1e400})
     * as infinity or not-a-number, which it compares by subtraction, so equal to no name, their own included: the
     * scripts' lookups would find no row of such an environment, and {@code delete_env.sh} would keep its row while
     * deleting its cluster. In a file they read such a name is refused, the file unchanged; a wide file takes it.
     */
    @Test
    void aNameBusyboxAwkReadsAsInfinityOrNotANumberIsRefusedInAFileTheScriptsRead() {
        Path file = dir.resolve("envs.csv");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            store.create(EnvironmentSpec.of("info", "k3d"), allocator);
            byte[] before = Fixtures.read(file);

            for (String name : List.of("inf", "infinity", "nan", "1e400", "9e999")) {
                assertThatThrownBy(() -> store.create(EnvironmentSpec.of(name, "k3d"), allocator))
                        .hasMessage("environment name '" + name + "' is infinity or not a number to busybox awk, "
                                + "which the Kindler scripts that read " + file + " may run: it equals no name there, "
                                + "its own included, so their lookups would not find its row and delete_env.sh "
                                + "would keep it; choose another name")
                        .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
            }
            assertThat(Fixtures.read(file)).isEqualTo(before);
            // names that only begin like one are text to busybox too
            for (String name : List.of("nan-1", "infra", "1e30")) {
                store.create(EnvironmentSpec.of(name, "k3d"), allocator);
            }
        }
        Path wide = Fixtures.write(dir.resolve("wide.csv"), (Columns.WIDE_HEADER + "\n").getBytes(
                StandardCharsets.UTF_8));
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(wide)) {
            store.create(EnvironmentSpec.of("nan", "k3d"), allocator);
        }
    }

    @Test
    void aHeaderWithoutHashOnTheFirstLineAndTrailingCommasReadAsTheScriptsReadThem() {
        Path file = dir.resolve("environments.csv");
        String header = "env,provider,node_port,pf_port,register_portainer,haproxy_route,http_port,https_port,"
                + "cluster_subnet\n";
        Fixtures.write(file, (header + "a,k3d,30080,19001,true,true,18081,18401,10.220.9.0/24,\n"
                + "b,kind,30080,19002,true,true,18082,18402,,,\n").getBytes(StandardCharsets.UTF_8));

        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(e -> e.name() + " " + e.subnet() + " "
                    + e.ports().http()).containsExactly("a 10.220.9.0/24 18081", "b null 18082");
            store.create(EnvironmentSpec.of("c", "k3d"), allocator);
        }

        // the scripts skip the first line, whatever it holds: it stays the first line, as it was
        assertThat(Fixtures.readText(file)).startsWith(header + "a,k3d,30080,19001,true,true,18081,18401,"
                + "10.220.9.0/24,\nb,kind,30080,19002,true,true,18082,18402,,,\n");
        assertThat(dataLines(file)).last().asString().startsWith("c,k3d,");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("a", "b", "c");
        }
    }

    /**
     * A file saved with a UTF-8 byte order mark and no header (Windows Notepad): whatever envctl writes at the top of the
     * file (the first row's #envctl line above it, a change of that line, the first row or its stale line removed), the
     * mark stays the file's first bytes, as the docs promise, and the file reads as before.
     */
    @Test
    void aByteOrderMarkStaysFirstWhenEnvctlRewritesOrRemovesTheFirstRowOrItsEnvctlLine() {
        Path file = dir.resolve("envs.csv");
        String dev = "dev,kind,30080,19001,true,true,18090,18443,";
        String uat = "uat,kind,30080,19003,true,true,18092,18445,";
        Fixtures.write(file, ("\uFEFF" + dev + "\n" + uat + "\n").getBytes(StandardCharsets.UTF_8));

        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment stopped = store.get("dev");
            stopped = store.update(stopped.withDesiredState(DesiredState.STOPPED), stopped.version());
            assertThat(Fixtures.readText(file)).as("stop: an #envctl line above the first row")
                    .startsWith("\uFEFF#envctl dev ").contains("\n" + dev + "\n");
            store.update(stopped.withDesiredState(DesiredState.PRESENT), stopped.version());
            assertThat(Fixtures.readText(file)).as("start: that #envctl line rewritten")
                    .startsWith("\uFEFF#envctl dev ").contains("\n" + dev + "\n");
        }
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThat(store.get("dev").version()).isEqualTo(3);
            assertThat(store.delete("dev")).isTrue();
        }
        assertThat(Fixtures.readText(file)).as("delete: the row and its line removed").isEqualTo("\uFEFF" + uat + "\n");

        Fixtures.write(file, ("\uFEFF" + dev + "\n" + uat + "\n").getBytes(StandardCharsets.UTF_8));
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment e = store.get("dev");
            store.update(e.withActualState(ActualState.RUNNING, null), e.version());
        }
        // delete_env.sh removes the row and keeps the #envctl line, which envctl's next write drops
        oldDelete(file, "dev");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment e = store.get("uat");
            store.update(e.withActualState(ActualState.RUNNING, null), e.version());
        }
        assertThat(Fixtures.readText(file)).as("a stale #envctl line dropped").startsWith("\uFEFF#envctl uat ")
                .endsWith("\n" + uat + "\n").doesNotContain("#envctl dev ");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("uat");
        }
    }

    @Test
    void aRowPaddedWithEmptyFieldsToEighteenColumnsIsANineColumnRowAndLeavesAHeaderlessFileNineColumn() {
        // a spreadsheet saves every row as wide as its widest: nine fields and nine empty ones
        Path file = dir.resolve("padded.csv");
        String padded = "a,k3d,30080,19001,true,true,18081,18401,10.220.9.0/24" + ",".repeat(9) + "\n";
        Fixtures.write(file, padded.getBytes(StandardCharsets.UTF_8));

        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment a = store.get("a");
            assertThat(a.subnet()).hasToString("10.220.9.0/24");
            assertThat(a.ports().http()).isEqualTo(18081);
            assertThat(a.desiredState()).isEqualTo(DesiredState.PRESENT);
            store.create(EnvironmentSpec.of("b", "k3d"), allocator);
        }
        // the file stays the scripts' format: the new row has nine columns, its own fields on an #envctl line
        assertThat(Fixtures.readText(file)).startsWith(padded);
        assertThat(dataLines(file)).last().asString().startsWith("b,k3d,")
                .satisfies(row -> assertThat(row.split(",", -1)).hasSize(9));
    }

    @Test
    void everyRowOfANineColumnFileKeepsNineColumnsWhateverEnvctlWrites() {
        Path file = legacyFile();
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment e = store.create(EnvironmentSpec.of("web", "k3d").withLabels(Map.of("team", "a, b")),
                    allocator);
            store.update(e.withActualState(ActualState.FAILED, "k3d failed, exit 1"), e.version());
            Environment dev = store.get("dev");
            store.update(dev.withActualState(ActualState.RUNNING, null), dev.version());
        }
        for (String row : dataLines(file)) {
            assertThat(row.split(",", -1)).as(row).hasSize(9);
        }
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment web = store.get("web");
            assertThat(web.ports().api()).isEqualTo(26443);
            assertThat(web.labels()).isEqualTo(Map.of("team", "a, b", AutoPorts.LABEL,
                    "http:18080/https:18400/pf:19003/api:26443"));
            assertThat(web.lastError()).isEqualTo("k3d failed, exit 1");
            assertThat(web.version()).isEqualTo(2);
            assertThat(store.get("dev").actualState()).isEqualTo(ActualState.RUNNING);
        }
    }

    @Test
    void flagsAreWrittenTrueOrFalseNeverEmptyAndAnAbsentLabelIsTheOldDefaultYes() {
        Path file = legacyFile();
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment plain = store.create(EnvironmentSpec.of("plain", "k3d"), allocator);
            store.create(EnvironmentSpec.of("quiet", "kind").withLabels(Map.of("register_portainer", "false",
                    "haproxy_route", "false")), allocator);
            Map<String, String> onlyTheMark = Map.of(AutoPorts.LABEL, "http:18080/https:18400/pf:19003/api:26443");
            assertThat(plain.labels()).isEqualTo(onlyTheMark);
            assertThat(store.get("plain").labels()).as("the label stays absent for envctl").isEqualTo(onlyTheMark);
        }
        assertThat(row(file, "plain")).containsExactly("plain", "k3d", "30080", "19003", "true", "true", "18080",
                "18400", "");
        assertThat(row(file, "quiet")).containsExactly("quiet", "kind", "30080", "19004", "false", "false", "18081",
                "18401", "");
    }

    @Test
    void envctlFieldsSurviveAnOldScriptDeletingAndAddingOtherRows() {
        Path file = legacyFile();
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            store.create(EnvironmentSpec.of("web", "k3d").withLabels(Map.of("team", "x")), allocator);
        }
        oldDelete(file, "dev");
        oldAppend(file, "uat,kind,30080,19009,yes,no,18099,18499,");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name)
                    .containsExactly("dev-k3d", "devops", "uat", "web");
            assertThat(store.get("web").ports().api()).isEqualTo(26443);
            assertThat(store.get("web").labels()).isEqualTo(Map.of("team", "x", AutoPorts.LABEL,
                    "http:18080/https:18400/pf:19003/api:26443"));
            Environment uat = store.get("uat");
            assertThat(uat.version()).as("an added row is a legacy row").isEqualTo(1);
            assertThat(uat.labels()).isEqualTo(Map.of("register_portainer", "true", "haproxy_route", "false"));
        }
    }

    @Test
    void aRowAnOldScriptDeletedIsGoneAndARowAddedAgainUnderItsNameReadsAsLegacy() {
        Path file = legacyFile();
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment web = store.create(EnvironmentSpec.of("web", "k3d"), allocator);
            store.update(web.withActualState(ActualState.RUNNING, null), web.version());
        }
        oldDelete(file, "web");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThat(store.find("web")).isEmpty();
        }
        assertThat(Fixtures.readText(file)).as("the old script keeps comment lines").contains("#envctl web ");
        oldAppend(file, "web,k3d,30080,19010,false,false,18100,18500,");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment web = store.get("web");
            assertThat(web.actualState()).isEqualTo(ActualState.UNKNOWN);
            assertThat(web.ports()).isEqualTo(new HostPorts(18100, 18500, 19010, null));
            assertThat(web.version()).isEqualTo(1);
            store.create(EnvironmentSpec.of("next", "k3d"), allocator);
        }
        assertThat(Fixtures.readText(file)).as("a stale #envctl line is dropped at the next write")
                .doesNotContain("#envctl web ");
    }

    @Test
    void theSameRowAddedAgainAfterAnOldDeleteReadsAsLegacyNotAsTheOldEnvironment() {
        Path file = legacyFile();
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment web = store.create(EnvironmentSpec.of("web", "k3d").withLabels(Map.of("team", "x")), allocator);
            store.update(web.withDesiredState(DesiredState.STOPPED).withActualState(ActualState.STOPPED, null),
                    web.version());
            store.create(EnvironmentSpec.of("zz", "k3d"), allocator);
        }
        String rowText = Fixtures.readText(file).lines().filter(l -> l.startsWith("web,")).findFirst().orElseThrow();
        oldDelete(file, "web");
        // the same text added again at the end: the #envctl line the old script kept is not just above it
        oldAppend(file, rowText);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment web = store.get("web");
            assertThat(web.labels()).doesNotContainKey("team");
            assertThat(web.ports().api()).isNull();
            assertThat(web.desiredState()).isEqualTo(DesiredState.PRESENT);
            assertThat(web.actualState()).isEqualTo(ActualState.UNKNOWN);
            assertThat(web.version()).isEqualTo(1);
        }
    }

    @Test
    void aNameCreatedAgainAfterAnOldDeleteHasItsEnvctlLineJustAboveItsNewRow() {
        Path file = legacyFile();
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            store.create(EnvironmentSpec.of("web", "k3d").withLabels(Map.of("team", "x")), allocator);
        }
        oldDelete(file, "web");
        oldAppend(file, "other,k3d,30080,19011,false,false,18101,18501,");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            store.create(EnvironmentSpec.of("web", "kind").withLabels(Map.of("team", "y")), allocator);
        }
        List<String> lines = Fixtures.readText(file).lines().toList();
        int row = lines.indexOf(lines.stream().filter(l -> l.startsWith("web,")).findFirst().orElseThrow());
        assertThat(lines.get(row - 1)).startsWith("#envctl web ");
        assertThat(lines.stream().filter(l -> l.startsWith("#envctl web "))).hasSize(1);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment web = store.get("web");
            assertThat(web.labels()).containsEntry("team", "y");
            assertThat(web.provider()).isEqualTo("kind");
            assertThat(web.ports().api()).isNotNull();
        }
    }

    @Test
    void aRowEditedByHandReadsAsLegacyWithItsNewValues() {
        Path file = legacyFile();
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            store.create(EnvironmentSpec.of("web", "k3d"), allocator);
        }
        String text = Fixtures.readText(file);
        Fixtures.write(file, text.replace("web,k3d,30080,19003,true,true,18080,18400,",
                "web,k3d,30080,19003,true,true,18200,18400,").getBytes(StandardCharsets.UTF_8));
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment web = store.get("web");
            assertThat(web.ports()).isEqualTo(new HostPorts(18200, 18400, 19003, null));
            assertThat(web.labels()).isEqualTo(Map.of("register_portainer", "true", "haproxy_route", "true"));
        }
    }

    /**
     * Rows the scripts wrote may hold subnets inside one another: an explicit subnet inside the larger one is refused,
     * naming its holder, though a smaller subnet that it does not overlap starts nearer below it.
     */
    @Test
    void anExplicitSubnetInsideALargerSubnetOfAnOldRowIsRefused() {
        Path file = legacyFile();
        oldAppend(file, "uat-k3d,k3d,30080,19009,false,false,18099,18499,10.101.1.0/24");
        byte[] before = Fixtures.read(file);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThatThrownBy(() -> store.create(EnvironmentSpec.of("web", "k3d")
                    .withSubnet(SubnetRequest.of(Cidr.parse("10.101.5.0/24"))), allocator))
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT))
                    .hasMessage("subnet 10.101.5.0/24 overlaps 10.101.0.0/16 of environment 'dev-k3d'; choose "
                            + "another or ask for an automatic one");
        }
        assertThat(Fixtures.read(file)).isEqualTo(before);
    }

    /**
     * Rows the scripts wrote may hold subnets starting at one address: an automatic subnet is outside every one of
     * them, not only outside the first row's.
     */
    @Test
    void anAutomaticSubnetIsOutsideEveryOldRowsSubnetStartingAtOneAddress() {
        Path file = legacyFile();
        oldAppend(file, "small,k3d,30080,19009,false,false,18099,18499,10.100.0.0/24");
        oldAppend(file, "large,k3d,30080,19010,false,false,18100,18500,10.100.0.0/16");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment web = store.create(EnvironmentSpec.of("web", "k3d").withSubnet(SubnetRequest.AUTO),
                    allocator);
            assertThat(web.subnet()).as("past 10.100.0.0/16 of large and 10.101.0.0/16 of dev-k3d")
                    .isEqualTo(Cidr.parse("10.102.0.0/24"));
        }
    }

    @Test
    void sixAndEightColumnRowsAndBooleanWordsReadAndUntouchedRowsKeepTheirBytes() {
        Path file = Fixtures.copy("legacy-short.csv", dir);
        byte[] before = Fixtures.read(file);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment six = store.get("six");
            assertThat(six.ports()).isEqualTo(new HostPorts(null, null, 19005, null));
            assertThat(six.subnet()).isNull();
            assertThat(six.labels()).isEqualTo(Map.of("register_portainer", "true", "haproxy_route", "false"));
            assertThat(store.get("worded").labels()).isEqualTo(Map.of("register_portainer", "true",
                    "haproxy_route", "false"));
            assertThat(store.get("devops").ports()).isEqualTo(new HostPorts(23081, 23444, 19000, null));
            store.delete("not-there");
            assertThat(Fixtures.read(file)).isEqualTo(before);
            store.update(six.withActualState(ActualState.RUNNING, null), six.version());
            Environment worded = store.get("worded");
            store.update(worded.withPorts(worded.ports().with(PortRole.API, 26450)), worded.version());
        }
        // a change old readers cannot see (a state, the api port) keeps the row's bytes: create_env.sh reads a
        // six-column row's haproxy_route right, and a nine-column one's wrong (its sixth variable takes the rest)
        List<String> rows = dataLines(file);
        assertThat(rows).containsExactly("devops,k3d,30080,19000,true,true,23081,23444", "six,k3d,30080,19005,yes,off",
                "worded,kind,30080,19006,On,NO,18096,18449,", "debug-k3d,k3d,30080,19004,false,false,48091,48444");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment six = store.get("six");
            assertThat(six.actualState()).isEqualTo(ActualState.RUNNING);
            assertThat(six.version()).isEqualTo(2);
            assertThat(store.get("worded").ports().api()).isEqualTo(26450);
            // a change they see rewrites the row in the nine columns
            store.update(six.withPorts(new HostPorts(18095, 18450, 19005, null)), six.version());
        }
        assertThat(dataLines(file)).contains("six,k3d,30080,19005,true,false,18095,18450,");
    }

    @Test
    void aNineColumnFileAnEarlierEnvctlWidenedIsMadeNineColumnsRowByRowAsEnvctlChangesThem() {
        Path file = Fixtures.write(dir.resolve("envs.csv"), ("# env,provider,node_port,pf_port,register_portainer,"
                + "haproxy_route,http_port,https_port,cluster_subnet\n"
                + "web,k3d,30080,19001,true,,18081,18401,10.100.0.0/24,26444,,,present,running,,"
                + "2026-11-26T08:00:00Z,2026-11-26T08:00:00Z,3\n").getBytes(StandardCharsets.UTF_8));
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment web = store.get("web");
            assertThat(web.ports().api()).isEqualTo(26444);
            Environment next = store.update(web.withActualState(ActualState.FAILED, "gone"), web.version());
            assertThat(store.get("web")).isEqualTo(next);
            assertThat(next.ports().api()).isEqualTo(26444);
        }
        assertThat(dataLines(file)).containsExactly("web,k3d,30080,19001,true,true,18081,18401,10.100.0.0/24");
    }

    @Test
    void twoEnvctlLinesForOneNameAreAnErrorNamingBothLines() {
        Path file = legacyFile();
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            store.create(EnvironmentSpec.of("web", "k3d"), allocator);
        }
        String meta = Fixtures.readText(file).lines().filter(l -> l.startsWith("#envctl web ")).findFirst()
                .orElseThrow();
        oldAppend(file, meta);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThatThrownBy(() -> store.get("web")).isInstanceOf(EnvctlException.class)
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.STORE_CORRUPT))
                    .hasMessageContaining("line 7: the #envctl line of 'web' repeats the one on line 5; keep one");
        }
    }

    @Test
    void inAWideFileAnAbsentFlagIsWrittenTrue() {
        Path file = Fixtures.copy("mixed.csv", dir);
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment e = store.create(EnvironmentSpec.of("plain", "k3d"), allocator);
            assertThat(e.labels()).isEqualTo(Map.of("register_portainer", "true", "haproxy_route", "true",
                    AutoPorts.LABEL, "http:18083/https:18403/pf:19003/api:26445"));
        }
        assertThat(dataLines(file)).anySatisfy(l -> assertThat(l).startsWith("plain,k3d,30080,19003,true,true,"));
    }
}
