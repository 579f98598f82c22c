package dev.envctl.cli.embedding;

// tag::imports[]
import dev.envctl.core.ActualState;
import dev.envctl.core.Envctl;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.alloc.AllocationPolicy;
// end::imports[]

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The first snippet of docs/embedding.md: an {@link Envctl} over a store location, providers discovered. */
public final class EmbedWithAStoreLocation {
    private EmbedWithAStoreLocation() {
    }

    /** Creates, lists, stops, starts and deletes {@code dev}; returns what {@code list()} saw after the create. */
    public static List<Environment> run(Path csvFile, Map<String, String> environment) {
        // tag::usage[]
        try (Envctl envctl = Envctl.builder()
                .store("csv:" + csvFile)               // or "jdbc:postgresql://HOST/DB", or an EnvironmentStore
                .environment(environment)              // what k3d, kind and the stores see (PATH, ENVCTL_DB_PASSWORD)
                .policy(AllocationPolicy.defaults())   // the port and subnet pools, set once
                .build()) {
            Environment dev = envctl.create(EnvironmentSpec.of("dev", "k3d"));
            if (dev.actualState() != ActualState.RUNNING) {
                throw new IllegalStateException("dev is " + dev.actualState() + ": " + dev.lastError());
            }
            List<Environment> all = envctl.list();
            envctl.stop("dev");
            envctl.start("dev");
            envctl.delete("dev");
            return all;
        }
        // end::usage[]
    }
}
