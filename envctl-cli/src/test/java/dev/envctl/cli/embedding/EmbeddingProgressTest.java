package dev.envctl.cli.embedding;

import dev.envctl.core.Envctl;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.testing.RecordingProgress;
import dev.envctl.core.testing.StandInTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an embedder's {@code ProgressListener} hears, with the real k3d provider (stand-in tools on PATH): each
 * step once, as docs/embedding.md says, though the engine and the provider both announce a cluster's create,
 * stop and start.
 */
class EmbeddingProgressTest {
    @TempDir
    Path tmp;

    @Test
    void aListenerHearsEachStepOnceThoughTheEngineAndTheProviderBothAnnounceIt() throws IOException {
        Path bin = StandInTools.install(tmp.resolve("bin"), "k3d", "kind", "docker");
        Map<String, String> environment = Map.of("PATH", bin + ":/usr/bin:/bin", "HOME", tmp.toString(),
                "ENVCTL_STUB_STATE", Files.createDirectories(tmp.resolve("state")).toString());
        RecordingProgress progress = new RecordingProgress();

        try (Envctl envctl = Envctl.builder().store("csv:" + tmp.resolve("environments.csv"))
                .environment(environment).build()) {
            envctl.create(EnvironmentSpec.of("dev", "k3d"), progress);
            envctl.stop("dev", progress);
            envctl.start("dev", progress);
            envctl.delete("dev", false, progress);
        }

        List<String> steps = progress.steps();
        for (String step : List.of("creating k3d cluster dev", "stopping k3d cluster dev", "starting k3d cluster dev",
                "deleting k3d cluster dev")) {
            assertThat(steps).as(steps.toString()).containsOnlyOnce(step);
        }
    }
}
