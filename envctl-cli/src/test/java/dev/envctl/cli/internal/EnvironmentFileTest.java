package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

        assertThatThrownBy(() -> EnvironmentFile.read(null, file, "k3d")).isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("apply file " + file + " holds 2 YAML documents (separated by '---'); envctl reads one: "
                        + "put every environment in one list");
    }

    @Test
    void refusesASecondJsonValueAfterTheList() throws IOException {
        Path file = Files.writeString(tmp.resolve("envs.json"), "[{\"name\": \"dev\"}]\n[{\"name\": \"web\"}]\n");

        assertThatThrownBy(() -> EnvironmentFile.read(null, file, "k3d")).isInstanceOf(EnvctlException.class)
                .hasMessageStartingWith("apply file " + file + " is not valid YAML or JSON: ");
    }

    @Test
    void readsOneListBetweenEmptyDocuments() throws IOException {
        Path file = write("---\n- name: dev\n- name: web\n---\n");

        assertThat(EnvironmentFile.read(null, file, "k3d")).extracting(EnvironmentSpec::name)
                .containsExactly("dev", "web");
    }

    @Test
    void refusesAYamlAliasInsteadOfReadingItsNameAsTheValue() throws IOException {
        Path file = write("- name: dev\n  labels: &team {owner: ops}\n- name: web\n  labels: *team\n");

        assertThatThrownBy(() -> EnvironmentFile.read(null, file, "k3d")).isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("apply file " + file + " line 4: YAML alias *team is not read; write its value out");
    }
}
