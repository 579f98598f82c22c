package dev.envctl.differential;

import dev.envctl.core.lifecycle.DriftPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.fail;

/**
 * The stores agree: seeded random sequences of operations give the same results, records and clusters on the
 * CSV and PostgreSQL stores as on the in-memory model. {@code -Denvctl.differential.sequences=N} sets how many
 * sequences run (15 in {@code mvn verify}), {@code -Denvctl.differential.seed=S} the first seed (sequence i uses
 * seed S + i), {@code -Denvctl.differential.length=L} the steps per sequence (25). docs/reliability.md has the
 * long-run command. A failure prints the seed and the shrunk sequence.
 */
class StoresAgreeTest {
    @TempDir
    Path dir;

    @Test
    void seededSequencesAgreeAcrossTheModelTheCsvAndThePostgresqlStores() {
        int sequences = Integer.getInteger("envctl.differential.sequences", 15);
        long firstSeed = Long.getLong("envctl.differential.seed", 19L);
        int length = Integer.getInteger("envctl.differential.length", 25);
        long started = System.nanoTime();
        int operations = 0;
        for (int i = 0; i < sequences; i++) {
            long seed = firstSeed + i;
            DriftPolicy drift = seed % 2 == 0 ? DriftPolicy.RECREATE : DriftPolicy.MARK_FAILED;
            Differential differential = new Differential(dir, drift);
            List<Op> ops = new Generator(seed).sequence(length);
            Optional<Differential.Mismatch> m = differential.run(ops);
            operations += ops.size();
            if (m.isPresent()) {
                List<Op> minimal = differential.shrink(ops, m.get());
                Differential.Mismatch last = differential.run(minimal).orElse(m.get());
                StringBuilder b = new StringBuilder("stores disagree; seed " + seed + " (drift " + drift
                        + "), shrunk from " + (m.get().step() + 1) + " to " + minimal.size() + " steps in "
                        + differential.replays() + " replays; replay with -Denvctl.differential.seed=" + seed
                        + " -Denvctl.differential.sequences=1\n");
                for (int s = 0; s < minimal.size(); s++) {
                    b.append("  ").append(s + 1).append(". ").append(minimal.get(s)).append('\n');
                }
                b.append("at step ").append(last.step() + 1).append(": ").append(last.what());
                fail(b.toString());
            }
        }
        System.out.printf("stores agree: %d sequences, %d operations, seeds %d..%d, %.1f s%n", sequences, operations,
                firstSeed, firstSeed + sequences - 1, (System.nanoTime() - started) / 1e9);
    }
}
