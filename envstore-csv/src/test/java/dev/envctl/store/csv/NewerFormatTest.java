package dev.envctl.store.csv;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.StoreHealth;
import dev.envctl.store.csv.internal.Columns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A file a newer envctl marked with an {@code #envctl-KIND} line this envctl does not know is refused, read and
 * write, rather than read without what that line means and rewritten without it.
 */
class NewerFormatTest {
    @TempDir
    Path dir;

    private Path fileWith(String marker) {
        return Fixtures.write(dir.resolve("envs.csv"), (Columns.LEGACY_HEADER + "\n" + marker + "\n"
                + "dev,kind,30080,19001,true,true,18090,18443,\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"#envctl-format 3", "#envctl-zone b region=eu", "#envctl-format"})
    void aLineKindFromANewerEnvctlIsRefusedAndTheFileKeptAsItWas(String marker) throws Exception {
        Path file = fileWith(marker);
        byte[] before = Files.readAllBytes(file);
        String kind = marker.split(" ")[0];

        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            for (Runnable op : new Runnable[] {
                    () -> store.list(EnvironmentFilter.ALL),
                    () -> store.create(EnvironmentSpec.of("new", "k3d"), new Allocator(AllocationPolicy.defaults())),
                    () -> store.delete("dev")}) {
                assertThatThrownBy(op::run)
                        .hasMessageContaining("line 2: '" + kind + "'")
                        .hasMessageContaining("a newer envctl wrote this file")
                        .hasMessageContaining("upgrade envctl")
                        .hasMessageNotContaining("remove that line")
                        .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.FAILURE));
            }
            StoreHealth health = store.health();
            // the file is there and answers: a problem to fix by upgrading, not an outage to wait out
            assertThat(health.available()).isTrue();
            assertThat(health.problem()).contains("a newer envctl wrote this file").contains("upgrade envctl");
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"#envctl-host", "#envctl- note", "# envctl-format 3", "#envctlish comment"})
    void otherCommentsStayComments(String comment) {
        Path file = fileWith(comment);

        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(e -> e.name()).containsExactly("dev");
        }
    }
}
