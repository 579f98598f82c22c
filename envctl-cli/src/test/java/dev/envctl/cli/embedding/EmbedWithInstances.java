package dev.envctl.cli.embedding;

import dev.envctl.core.Envctl;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.HostPorts;
import dev.envctl.core.lifecycle.EngineOptions;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.EnvironmentStore;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The second snippet of docs/embedding.md: a store instance the caller owns, hooks and options given. */
public final class EmbedWithInstances {
    private EmbedWithInstances() {
    }

    /** Records {@code web} without creating its cluster, then reconciles it; returns the record after that. */
    public static Environment run(Path csvFile, Map<String, String> environment) {
        // tag::usage[]
        PluginRegistry plugins = PluginRegistry.discover();
        try (EnvironmentStore store = plugins.openStore("csv:" + csvFile, Map.of(), environment)) {
            Envctl envctl = Envctl.builder()
                    .store(store)                                // yours: Envctl does not close it
                    .plugins(plugins)
                    .environment(environment)
                    .providerSettings("k3d", Map.of("timeout", "5m"))
                    .options(EngineOptions.defaults().withConcurrency(2))
                    .build();
            envctl.record(EnvironmentSpec.of("web", "k3d").withPorts(new HostPorts(18500, null, null, null)));
            envctl.reconcile(List.of("web"));                    // creates the cluster the record asks for
            return envctl.get("web");
        }
        // end::usage[]
    }
}
