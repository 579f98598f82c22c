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
