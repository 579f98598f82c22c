package dev.envctl.store.csv;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.HostPorts;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.lifecycle.Action;
import dev.envctl.core.lifecycle.EngineOptions;
import dev.envctl.core.lifecycle.LifecycleEngine;
import dev.envctl.core.lifecycle.Outcome;
import dev.envctl.core.lifecycle.ReconcileReport;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.ScriptedClusterProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code apply} of in-place changes on a CSV store: the file replaced once, however many rows they change. */
class CsvInPlaceApplyTest {
    @TempDir
    Path dir;

    @Test
    void anApplyOfManyInPlaceChangesReplacesTheFileOnce() throws Exception {
        assertThat(replacementsToUpdateInPlace(1)).isEqualTo(1);
        assertThat(replacementsToUpdateInPlace(20)).isEqualTo(1);
    }

    /** How many times the file is replaced by an apply that changes a label of each of {@code n} environments. */
    private int replacementsToUpdateInPlace(int n) throws Exception {
        Path file = dir.resolve(n + ".csv");
        ScriptedClusterProvider k3d = new ScriptedClusterProvider("k3d");
        Instant t = Instant.parse("2026-11-26T08:00:00Z");
        List<Environment> records = new ArrayList<>();
        List<EnvironmentSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HostPorts ports = new HostPorts(20000 + i, 21000 + i, 22000 + i, 23000 + i);
            records.add(new Environment("e" + i, "k3d", null, ports, 30080, Map.of("team", "a"), Map.of(),
                    DesiredState.PRESENT, ActualState.RUNNING, null, t, t, 1));
            specs.add(EnvironmentSpec.of("e" + i, "k3d").withPorts(ports).withLabels(Map.of("team", "b")));
            k3d.putCluster("e" + i, true);
        }
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file);
             WatchService watch = FileSystems.getDefault().newWatchService()) {
            store.insertAll(records);
            LifecycleEngine engine = new LifecycleEngine(store, new Allocator(AllocationPolicy.defaults()),
                    Map.<String, ClusterProvider>of("k3d", k3d), List.of(), EngineOptions.defaults());
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);

            ReconcileReport r = engine.apply(specs, false, ProgressListener.NONE);

            assertThat(r.outcomes()).hasSize(n).extracting(Outcome::action).containsOnly(Action.UPDATED);
            assertThat(CsvEnvironmentStore.open(file).list(dev.envctl.core.EnvironmentFilter.ALL))
                    .allSatisfy(e -> assertThat(e.labels()).containsEntry("team", "b"));
            return replacements(watch, file);
        }
    }

    /** The renames onto {@code file} {@code watch} saw (each replacement of the file is one). */
    private static int replacements(WatchService watch, Path file) throws InterruptedException {
        int count = 0;
        for (WatchKey key = watch.poll(1, TimeUnit.SECONDS); key != null;
                key = watch.poll(300, TimeUnit.MILLISECONDS)) {
            for (WatchEvent<?> event : key.pollEvents()) {
                assertThat(event.kind()).isNotEqualTo(StandardWatchEventKinds.OVERFLOW);
                if (file.getFileName().equals(event.context())) {
                    count++;
                }
            }
            key.reset();
        }
        return count;
    }
}
