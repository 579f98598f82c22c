package dev.envctl.store.csv;

import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads of a file that did not change reuse what the last read built (a reconcile reads once per environment and
 * step); a change by another writer is seen by the next read, also one that keeps the file's size.
 */
class RereadTest {
    @TempDir
    Path dir;

    private final Allocator allocator = new Allocator(AllocationPolicy.defaults());

    @Test
    void readsOfUnchangedBytesReuseTheEnvironmentsBuiltBefore() {
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(dir.resolve("environments.csv"))) {
            store.create(EnvironmentSpec.of("dev", "k3d").withLabels(java.util.Map.of("team", "a")), allocator);
            store.create(EnvironmentSpec.of("qa", "kind"), allocator);

            List<Environment> first = store.list(EnvironmentFilter.ALL);
            List<Environment> second = store.list(EnvironmentFilter.ALL);

            assertThat(second).hasSize(2);
            for (int i = 0; i < first.size(); i++) {
                assertThat(second.get(i)).isSameAs(first.get(i));
            }
            assertThat(store.find("dev")).containsSame(first.get(0));
        }
    }

    @Test
    void aChangeByAnotherWriterIsSeenEvenWhenTheFileKeepsItsSize() throws Exception {
        Path file = dir.resolve("environments.csv");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            Environment dev = store.create(EnvironmentSpec.of("dev", "k3d"), allocator);
            store.find("dev");
            String http = String.valueOf(dev.ports().http());
            String other = String.valueOf(dev.ports().http() + 1);
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            assertThat(text).contains("," + http + ",");

            // as a script rewriting the row in place: same length, same second
            Files.writeString(file, text.replace("," + http + ",", "," + other + ","), StandardCharsets.ISO_8859_1);

            assertThat(Files.size(file)).isEqualTo(text.length());
            assertThat(store.get("dev").ports().http()).isEqualTo(dev.ports().http() + 1);
        }
    }
}
