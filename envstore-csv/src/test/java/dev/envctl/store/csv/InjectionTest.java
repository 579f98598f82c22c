package dev.envctl.store.csv;

import dev.envctl.core.ActualState;
import dev.envctl.core.AutoPorts;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.store.csv.internal.Columns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Values that look like CSV structure, shell or SQL are stored as data and come back unchanged. */
class InjectionTest {
    @TempDir
    Path dir;

    private static final Map<String, String> NASTY = Map.of(
            "quotes", "a \"quoted\" 'value'",
            "commas", "x,y,,z",
            "semicolons", "a=1;b=2",
            "shell", "$(rm -rf /) `id` ; echo pwned",
            "sql", "'); DROP TABLE clusters; --",
            "percent", "100% %41 %zz",
            "hash", "# not a comment",
            "unicode", "caf\u00e9 \u2014 \u6771\u4eac",
            "spaces", "  padded  ",
            "empty", "");

    @Test
    void injectionLookingLabelsOptionsAndErrorsRoundTripInert() {
        Path file = dir.resolve("envs.csv");
        Environment stored;
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment e = store.create(EnvironmentSpec.of("dev", "k3d").withLabels(NASTY).withOptions(NASTY),
                    new Allocator(AllocationPolicy.defaults()));
            stored = store.update(e.withActualState(ActualState.FAILED, "line one\nline two\r\n\ttab, \"q\"; $(x)"),
                    e.version());
        }
        try (CsvEnvironmentStore reopened = CsvEnvironmentStore.open(file)) {
            Environment back = reopened.get("dev");
            assertThat(back).isEqualTo(stored);
            Map<String, String> marked = new TreeMap<>(NASTY);
            marked.put(AutoPorts.LABEL, "http:18080/https:18400/pf:19000/api:26443");
            assertThat(back.labels()).isEqualTo(marked);
            assertThat(back.options()).isEqualTo(NASTY);
            assertThat(back.lastError()).isEqualTo("line one\nline two\r\n\ttab, \"q\"; $(x)");
        }
        List<String> lines = Fixtures.readText(file).lines().toList();
        assertThat(lines).hasSize(4);
        String meta = lines.get(2);
        String row = lines.get(3);
        assertThat(row.split(",", -1)).as("a naive comma split sees exactly the columns").hasSize(Columns.LEGACY_COUNT);
        assertThat(meta).startsWith("#envctl dev ");
        assertThat(meta.split(" ")).as("one space between fields, none inside").hasSize(12);
        assertThat(meta).doesNotContain("\"").doesNotContain("\t").doesNotContain(",");
        assertThat(meta).contains("shell=$(rm%20-rf%20/)%20`id`%20%3B%20echo%20pwned");
    }
}
