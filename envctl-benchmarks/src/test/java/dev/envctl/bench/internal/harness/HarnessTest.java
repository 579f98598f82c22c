package dev.envctl.bench.internal.harness;

import dev.envctl.core.Invariants;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.envctl.core.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The harness's own logic: ratios, verdicts, the table and JSON, options, seeds and the invariant check. */
class HarnessTest {

    @Test
    void aFigureAgainstABaselineCarriesTheRatioAndItsVerdict() {
        Figure base = Figure.plain("a", "g", "base", 20, "ms");
        Figure slow = Figure.against("b", "g", "slow", 50, "ms", base).withTarget(Target.atMost(1.5));
        Figure fast = Figure.against("c", "g", "fast", 25, "ms", base).withTarget(Target.atMost(1.5));
        assertThat(slow.ratio()).isEqualTo(2.5);
        assertThat(slow.met()).isFalse();
        assertThat(fast.met()).isTrue();
        assertThat(Figure.plain("d", "g", "zero", 0, "rows").withTarget(Target.atMost(0)).met()).isTrue();
        assertThat(Figure.plain("e", "g", "one", 1, "rows").withTarget(Target.atMost(0)).met()).isFalse();
    }

    @Test
    void theTableShowsMissedTargetsAndTheJsonHoldsEveryFigure(@TempDir Path dir) throws Exception {
        Results r = new Results("quick", Map.of("summary", "test machine"));
        Figure base = r.add(Figure.plain("x.base", "Group", "baseline", 10, "ms"));
        r.add(Figure.against("x.slow", "Group", "slow one", 40, "ms", base).withTarget(Target.atMost(1.5)));
        r.note("a note");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Group", "slow one", "4x", "<= 1.50", "MISSED",
                "a note");
        Path json = dir.resolve("b.json");
        r.writeJson(json);
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertThat(doc.get("mode").asText()).isEqualTo("quick");
        assertThat(doc.get("figures")).hasSize(2);
        assertThat(doc.get("figures").get(1).get("baseline").asText()).isEqualTo("x.base");
        assertThat(doc.get("figures").get(1).get("met").asBoolean()).isFalse();
    }

    @Test
    void optionsParseAndRejectUnknownFlags() {
        Options o = Options.parse(new String[] {"--quick", "--only", "jdbc,csv"}, Path.of("t"));
        assertThat(o.quick()).isTrue();
        assertThat(o.selected("csv")).isTrue();
        assertThat(o.selected("cli")).isFalse();
        assertThat(o.out()).isEqualTo(Path.of("t", "benchmarks.json"));
        assertThat(Options.parse(new String[] {"--faults"}, Path.of("t")).out()).isEqualTo(Path.of("t", "faults.json"));
        assertThatThrownBy(() -> Options.parse(new String[] {"--fast"}, Path.of("t")))
                .hasMessageContaining("--fast");
    }

    @Test
    void anUnknownSuiteIdIsAUsageErrorAndHelpPrintsTheUsage() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Path json = Path.of("target", "harness-test-unknown.json");

        int exit = dev.envctl.bench.Main.run(new String[] {"--only", "bogus,cli", "--out", json.toString()},
                new java.io.PrintStream(out), new java.io.PrintStream(err));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("unknown suite id bogus for --only; allowed: ", "fleet", "usage:");
        assertThat(out.toString()).isEmpty();
        assertThat(json).doesNotExist();
        assertThat(dev.envctl.bench.Main.run(new String[] {"--help"}, new java.io.PrintStream(out),
                new java.io.PrintStream(err))).isZero();
        assertThat(out.toString()).contains("usage:", "--only IDS", "alloc,replaced,jdbc,fleet,csv,engine,cli");
    }

    @Test
    void seedsHoldDistinctPortsAndSubnetsAndTheCheckFindsAClash() {
        List<Environment> seeds = new ArrayList<>(WidePools.seeds("s", 2_000, "k3d"));
        assertThat(Invariants.violations(seeds)).isEmpty();
        seeds.add(WidePools.seed("t", 7, "k3d", seeds.get(0).createdAt()));
        assertThat(Invariants.violations(seeds)).anySatisfy(v -> assertThat(v).contains("port 10007"))
                .anySatisfy(v -> assertThat(v).contains("overlaps"));
    }

    @Test
    void statsInterpolate() {
        assertThat(Stats.median(List.of(3, 1, 2, 10))).isEqualTo(2.5);
        assertThat(Stats.quantile(List.of(1, 2, 3, 4, 5), 0.9)).isEqualTo(4.6, org.assertj.core.data.Offset.offset(1e-9));
    }
}
