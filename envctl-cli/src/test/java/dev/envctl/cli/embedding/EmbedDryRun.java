package dev.envctl.cli.embedding;

import dev.envctl.core.Envctl;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.lifecycle.ApplyPlan;
import dev.envctl.core.lifecycle.PlannedStep;
import dev.envctl.core.spi.PlannedCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The dry-run snippet of docs/embedding.md: what a create and an apply would do, nothing changed. */
public final class EmbedDryRun {
    private EmbedDryRun() {
    }

    /** Previews a create of {@code dev}, then an apply of {@code dev} and {@code web}; returns the lines printed. */
    public static List<String> run(Path csvFile, Map<String, String> environment) {
        List<String> printed = new ArrayList<>();
        try (Envctl envctl = Envctl.builder().store("csv:" + csvFile).environment(environment).build()) {
            // tag::usage[]
            PlannedStep dev = envctl.dryRunCreate(List.of(EnvironmentSpec.of("dev", "k3d"))).get(0);
            printed.add("dev would get http port " + dev.environment().ports().http());
            for (PlannedCommand command : dev.commands()) {
                printed.add(String.join(" ", command.argv()));    // what the k3d provider would run
            }
            ApplyPlan plan = envctl.plan(List.of(EnvironmentSpec.of("dev", "k3d"), EnvironmentSpec.of("web", "k3d")),
                    false);
            for (PlannedStep step : envctl.dryRun(plan)) {
                printed.add(step.kind() + " " + step.environment().name()
                        + (step.error() == null ? "" : ": would fail: " + step.error().getMessage()));
            }
            // end::usage[]
        }
        return printed;
    }
}
