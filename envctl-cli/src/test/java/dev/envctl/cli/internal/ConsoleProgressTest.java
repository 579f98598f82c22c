package dev.envctl.cli.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private List<String> shown() {
        return bytes.toString(StandardCharsets.UTF_8).lines().map(l -> l.replaceFirst("^\\[ *[0-9.]+s] ", ""))
                .toList();
    }

    @Test
    void aStepRepeatedForItsEnvironmentIsShownOnceEvenWhenAnotherEnvironmentsStepCameBetween() {
        try (ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false,
                false, false, false)) {
            // two environments applied in parallel: the engine, then the provider, say the same of each
            p.step("d1", "creating k3d cluster d1");
            p.step("d2", "creating kind cluster d2");
            p.step("d1", "creating k3d cluster d1");
            p.step("d2", "creating kind cluster d2");
            p.step("d1", "create failed; removing what it made");
            p.step("d1", "creating k3d cluster d1");
        }

        assertThat(shown()).containsExactly("creating k3d cluster d1", "creating kind cluster d2",
                "d1: create failed; removing what it made", "creating k3d cluster d1");
    }

    @Test
    void aStepIsShownAgainOnceTheEngineIsDoneWithItsEnvironmentAndTheEnvironmentIsForgotten() {
        try (ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false,
                false, false, false)) {
            // a watch: the create failed in one round and is tried again in a later one
            p.step("d1", "creating k3d cluster d1");
            p.finished("d1", false);
            p.step("d1", "creating k3d cluster d1");
            p.finished("d1", true);
        }

        assertThat(shown()).containsExactly("creating k3d cluster d1", "creating k3d cluster d1");
    }

    @Test
    void aStepThatRepeatsOnlyTheBeginningOfTheLastOneOfItsEnvironmentIsShownOnceInTheLongerWording() {
        try (ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false,
                false, false, false)) {
            // the engine says more of the step than the provider, which says it after the engine
            p.step("c1", "stopping k3d cluster c1, whose create did not finish");
            p.step("c2", "creating k3d cluster c2");
            p.step("c1", "stopping k3d cluster c1");
            p.step("c1", "starting k3d cluster c1 to ask whether its create finished");
            p.step("c1", "starting k3d cluster c1");
            // the beginning of a word is another step
            p.step("d1", "deleting cluster d1-old");
            p.step("d1", "deleting cluster d1");
        }

        assertThat(shown()).containsExactly("stopping k3d cluster c1, whose create did not finish",
                "creating k3d cluster c2", "starting k3d cluster c1 to ask whether its create finished",
                "d1: deleting cluster d1-old", "deleting cluster d1");
    }

    @Test
    void aStepIsPrefixedWithItsEnvironmentUnlessItNamesItAsAWord() {
        try (ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false,
                false, false, false)) {
            // "t" and "80" occur inside the messages' words, not as the name
            p.step("t", "http port 28080 is taken on the host; creating with 28081 instead");
            p.step("80", "http port 28080 is taken on the host; creating with 28081 instead");
            p.step("dev", "creating k3d cluster dev");
            p.step("dev", "deleting cluster 'dev'");
            p.step("dev", "writing kubeconfig context k3d-dev");
        }

        assertThat(shown()).containsExactly("t: http port 28080 is taken on the host; creating with 28081 instead",
                "80: http port 28080 is taken on the host; creating with 28081 instead", "creating k3d cluster dev",
                "deleting cluster 'dev'", "dev: writing kubeconfig context k3d-dev");
    }
}
