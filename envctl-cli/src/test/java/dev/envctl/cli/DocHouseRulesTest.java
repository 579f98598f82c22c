package dev.envctl.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README.md and docs/ state contracts, not history: no page but docs/benchmarks.md gives how long something took
 * ({@code about 30 s}), which depends on the machine and goes stale, and no page carries a date of a run or a
 * session ({@code 2026-11-26}; timestamps of example records, {@code 2026-11-26T08:00:00Z}, are output, not history).
 */
class DocHouseRulesTest {
    private static final Pattern TIMING = Pattern.compile(
            "\\b(?:about|around|roughly|took|takes|taking) \\d[\\d.,]* ?(?:ms|s|sec|seconds|min|minutes)\\b");
    private static final Pattern DATE = Pattern.compile("\\b20\\d{2}-[01]\\d-[0-3]\\d\\b(?!T)");

    @Test
    void noPageButTheBenchmarksGivesATimingOrADate() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path page : DocExamplesIT.pages(Path.of(".."))) {
            if (page.endsWith(Path.of("docs", "benchmarks.md"))) {
                continue;
            }
            String[] lines = Files.readString(page, StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                for (Pattern p : List.of(TIMING, DATE)) {
                    Matcher m = p.matcher(lines[i]);
                    while (m.find()) {
                        found.add(page + ":" + (i + 1) + ": " + m.group());
                    }
                }
            }
        }
        assertThat(found).as("timings belong in docs/benchmarks.md, history in git").isEmpty();
    }
}
