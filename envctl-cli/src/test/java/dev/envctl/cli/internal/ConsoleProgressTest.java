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
}
