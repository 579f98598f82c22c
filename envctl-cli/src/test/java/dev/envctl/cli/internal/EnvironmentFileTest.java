package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The YAML documents of an apply file: one list is read whole, a second document is never left out. */
class EnvironmentFileTest {
    @TempDir
    Path tmp;

    private Path write(String yaml) throws IOException {
        return Files.writeString(tmp.resolve("envs.yaml"), yaml);
    }

    @Test
    void refusesASecondDocumentInsteadOfLeavingItsEnvironmentsOut() throws IOException {
        Path file = write("- name: dev\n---\n- name: web\n");

        assertThatThrownBy(() -> EnvironmentFile.read(null, file, "k3d", false)).isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("apply file " + file + " holds 2 YAML documents (separated by '---'); envctl reads one: "
                        + "put every environment in one list");
    }

    @Test
    void refusesASecondJsonValueAfterTheList() throws IOException {
        Path file = Files.writeString(tmp.resolve("envs.json"), "[{\"name\": \"dev\"}]\n[{\"name\": \"web\"}]\n");

        assertThatThrownBy(() -> EnvironmentFile.read(null, file, "k3d", false)).isInstanceOf(EnvctlException.class)
                .hasMessageStartingWith("apply file " + file + " is not valid YAML or JSON: ");
    }

    @Test
    void refusesACsvFileWithNoContentWhenPruning() throws IOException {
        for (String text : List.of("", "\n  \n", "\uFEFF# dev, uat\n",
                "# env,provider,node_port,pf_port,register_portainer,haproxy_route,http_port,https_port,cluster_subnet\n")) {
            Path file = Files.writeString(tmp.resolve("envs.csv"), text);

            assertThatThrownBy(() -> EnvironmentFile.read(null, file, "k3d", true)).as(text)
                    .isInstanceOf(EnvctlException.class)
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessage("apply file " + file + " is empty (nothing but blank lines and comments), and --prune "
                            + "would delete every environment; to delete them all, apply a YAML or JSON file that "
                            + "says []");
        }
    }

    @Test
    void readsAnExplicitlyEmptyListWhenPruning() throws IOException {
        for (String text : List.of("[]\n", "# keep nothing\n[]\n", "environments: []\n")) {
            assertThat(EnvironmentFile.read(null, write(text), "k3d", true).environments()).as(text).isEmpty();
        }
        assertThat(EnvironmentFile.read(null, Files.writeString(tmp.resolve("none.json"), "[]"), "k3d", true)
                .environments())
                .isEmpty();
    }

    @Test
    void readsOneListBetweenEmptyDocuments() throws IOException {
        Path file = write("---\n- name: dev\n- name: web\n---\n");

        assertThat(EnvironmentFile.read(null, file, "k3d", false).environments()).extracting(EnvironmentSpec::name)
                .containsExactly("dev", "web");
    }

    @Test
    void refusesAYamlAliasInsteadOfReadingItsNameAsTheValue() throws IOException {
        Path file = write("- name: dev\n  labels: &team {owner: ops}\n- name: web\n  labels: *team\n");

        assertThatThrownBy(() -> EnvironmentFile.read(null, file, "k3d", false)).isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("apply file " + file + " line 4: YAML alias *team is not read; write its value out");
    }

    @Test
    void readsNamesLabelsAndOptionsAsWrittenNotAsYamlNumbersOrBooleans() throws IOException {
        Path file = write("- name: yes\n  labels: {k8s: 1.20, build: 0123, hex: 0x1f, answer: no, big: 1_000}\n"
                + "  options: {servers: 0x3}\n- name: 0123\n");

        List<EnvironmentSpec> specs = EnvironmentFile.read(null, file, "k3d", false).environments();

        assertThat(specs).extracting(EnvironmentSpec::name).containsExactly("yes", "0123");
        assertThat(specs.get(0).labels()).containsExactlyInAnyOrderEntriesOf(Map.of("k8s", "1.20", "build", "0123",
                "hex", "0x1f", "answer", "no", "big", "1_000"));
        assertThat(specs.get(0).options()).containsExactlyEntriesOf(Map.of("servers", "0x3"));
    }

    @Test
    void readsJsonNumbersAsWritten() throws IOException {
        Path file = Files.writeString(tmp.resolve("envs.json"), "[{\"name\": \"dev\", \"labels\": {\"v\": 1.10, "
                + "\"e\": 1E2}, \"ports\": {\"http\": 18090}}]");

        EnvironmentSpec dev = EnvironmentFile.read(null, file, "k3d", false).environments().get(0);

        assertThat(dev.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("v", "1.10", "e", "1E2"));
        assertThat(dev.ports().http()).isEqualTo(18090);
    }

    @Test
    void readsAPortAsDecimalDigitsAndRefusesYamlsOtherNumberForms() throws IOException {
        // YAML 1.1 reads 01443 as the octal 803 and 0x4650 as 18000
        Path leadingZero = write("- name: dev\n  ports: {https: 01443}\n");
        assertThat(EnvironmentFile.read(null, leadingZero, "k3d", false).environments().get(0).ports().https())
                .isEqualTo(1443);

        for (String port : List.of("0x4650", "1_8080", "+18080", "18080.0", "true")) {
            Path file = write("- name: dev\n  ports: {http: " + port + "}\n");
            assertThatThrownBy(() -> EnvironmentFile.read(null, file, "k3d", false)).isInstanceOf(EnvctlException.class)
                    .hasMessage("apply file " + file + ", item 1: http port '" + port + "' is not a whole number; "
                            + "allowed: 1 to 65535");
        }
    }

    /** {@code subnet: ""} is refused as {@code --subnet ''} is, not read as none; a subnet left out is none. */
    @Test
    void anEmptySubnetIsRefusedAsOnTheCommandLine() throws IOException {
        for (String empty : List.of("''", "\"  \"")) {
            Path file = write("- name: dev\n  subnet: " + empty + "\n");
            assertThatThrownBy(() -> EnvironmentFile.read(null, file, "k3d", false)).isInstanceOf(EnvctlException.class)
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessageStartingWith("apply file " + file + ", ")
                    .hasMessageEndingWith(": subnet is empty; give an IPv4 CIDR such as 10.101.0.0/16, auto or none");
        }
        assertThat(EnvironmentFile.read(null, write("- name: dev\n  subnet:\n"), "k3d", false).environments().get(0)
                .subnet()).isEqualTo(dev.envctl.core.SubnetRequest.NONE);
    }

    @Test
    void refusesAKeyBesideTheEnvironmentsListInsteadOfLeavingItUnread() throws IOException {
        Path file = write("environments:\n- name: dev\nprune: true\n");

        assertThatThrownBy(() -> EnvironmentFile.read(null, file, "k3d", false)).isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("apply file " + file + ": unknown top-level key 'prune'; allowed: environments");
    }

    @Test
    void standardInputIsToldApartByItsFirstLineThatIsNotAComment() {
        Path stdin = Path.of("-");

        assertThat(EnvironmentFile.isCsv(stdin, "# my environments\ndev,kind,30080,19001,true,true,18090,18443,\n"))
                .isTrue();
        assertThat(EnvironmentFile.isCsv(stdin, "# dev, uat and prod\n- name: dev\n")).isFalse();
        assertThat(EnvironmentFile.isCsv(stdin, "\uFEFF[{\"name\": \"dev\"}, {\"name\": \"web\"}]")).isFalse();
        assertThat(EnvironmentFile.isCsv(stdin, "#env,provider,node_port\n")).isTrue();
        assertThat(EnvironmentFile.isCsv(stdin, "#envctl-host h1 docker=tcp://h1:2375\n")).isTrue();
        assertThat(EnvironmentFile.isCsv(stdin, "environments:\n- name: dev\n")).isFalse();
    }

    @Test
    void aYamlMappingOnOneLineOnStandardInputIsYamlThoughItHasCommas() {
        Path stdin = Path.of("-");

        assertThat(EnvironmentFile.isCsv(stdin, "environments: [{name: dev, provider: kind}, {name: web}]\n"))
                .isFalse();
        assertThat(EnvironmentFile.isCsv(stdin, "environments : [{name: dev}, {name: web}]\n")).isFalse();
        assertThat(EnvironmentFile.isCsv(stdin, "dev,kind,30080,19001,true,true,18090,18443,10.101.0.0/16\n"))
                .isTrue();
    }
}
