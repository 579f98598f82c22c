package dev.envctl.cli.embedding;

import dev.envctl.core.Envctl;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** README.md's example: the shortest complete use of {@link Envctl}. */
final class EmbedInBrief {
    private EmbedInBrief() {
    }

    /** Creates, lists and deletes {@code dev} in {@code csvFile}; {@code environment} is what k3d and docker see. */
    static List<Environment> run(Path csvFile, Map<String, String> environment) {
        // tag::usage[]
        try (Envctl envctl = Envctl.builder().store("csv:" + csvFile).environment(environment).build()) {
            Environment dev = envctl.create(EnvironmentSpec.of("dev", "k3d"));   // recorded, allocated, created
            List<Environment> all = envctl.list();
            envctl.delete("dev");
            return all;
        }
        // end::usage[]
    }
}
