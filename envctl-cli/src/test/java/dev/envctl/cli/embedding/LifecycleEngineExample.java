package dev.envctl.cli.embedding;

import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.lifecycle.EngineOptions;
import dev.envctl.core.lifecycle.LifecycleEngine;
import dev.envctl.core.lifecycle.ReconcileReport;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.ProgressListener;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** docs/lifecycle.md's example: the engine with explicit store, providers and hooks. */
final class LifecycleEngineExample {
    final List<String> seen = new ArrayList<>();
    final List<ReconcileReport> shown = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    void run(Path csvFile, Map<String, String> environment) {
        PluginRegistry plugins = PluginRegistry.discover();
        ClusterProvider k3dProvider = plugins.providerFactory("k3d").create(Map.of(), environment);
        ClusterProvider kindProvider = plugins.providerFactory("kind").create(Map.of(), environment);
        List<LifecycleHook> hooks = List.of();
        ProgressListener progress = ProgressListener.NONE;
        try (EnvironmentStore store = plugins.openStore("csv:" + csvFile, Map.of())) {
            // tag::usage[]
            LifecycleEngine engine = new LifecycleEngine(store, new Allocator(AllocationPolicy.defaults()),
                    Map.of("k3d", k3dProvider, "kind", kindProvider), hooks, EngineOptions.defaults());

            Environment dev = engine.create(EnvironmentSpec.of("dev", "k3d").withSubnet(SubnetRequest.AUTO), progress);
            // dev.actualState() is RUNNING, or FAILED with dev.lastError()
            engine.stop("dev", progress);                       // cluster stopped; record desired and actual stopped
            engine.start("dev", progress);                      // cluster started again; no post-create hooks
            engine.delete("dev", false, progress);              // hooks, provider delete, record removed
            ReconcileReport r = engine.reconcile(List.of(), progress);   // converge every environment once
            engine.watch(Duration.ofSeconds(30), stop, progress, report -> show(report));   // until stop is set
            // end::usage[]
            seen.add(dev.name() + " " + dev.actualState() + " " + dev.subnet());
            shown.add(r);
        }
    }

    /** Shows a round's report; here the first ends the watch. */
    private void show(ReconcileReport report) {
        shown.add(report);
        stop.set(true);
    }
}
