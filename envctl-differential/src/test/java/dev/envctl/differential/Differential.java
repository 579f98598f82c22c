package dev.envctl.differential;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Invariants;
import dev.envctl.core.lifecycle.DriftPolicy;
import dev.envctl.core.spi.ClusterStatus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs a sequence on the model (in-memory store) and on the CSV and PostgreSQL stores side by side and compares,
 * after every step, what the step returned (result or error code and message), every record but its timestamps,
 * the invariants and the providers' clusters. A failing sequence is shrunk by removing ever smaller runs of
 * steps while it still fails (delta debugging): steps carry all their random choices, so any subsequence
 * replays exactly.
 */
final class Differential {
    /** The first difference of a sequence: the step (0-based) and what differed. */
    record Mismatch(int step, String what) {
    }

    private final Path dir;
    private final DriftPolicy drift;
    private int replays;

    Differential(Path dir, DriftPolicy drift) {
        this.dir = dir;
        this.drift = drift;
    }

    int replays() {
        return replays;
    }

    Optional<Mismatch> run(List<Op> ops) {
        replays++;
        List<Sut> suts = new ArrayList<>();
        try {
            for (Sut.Kind k : Sut.Kind.values()) {
                suts.add(new Sut(k, dir, drift));
            }
            for (int i = 0; i < ops.size(); i++) {
                Optional<String> diff = step(ops.get(i), suts);
                if (diff.isPresent()) {
                    return Optional.of(new Mismatch(i, diff.get()));
                }
            }
            return Optional.empty();
        } finally {
            suts.forEach(Sut::close);
        }
    }

    private static Optional<String> step(Op op, List<Sut> suts) {
        Sut model = suts.get(0);
        String expected = outcome(op, model);
        String expectedState = state(model);
        if (!Invariants.violations(model.records()).isEmpty()) {
            return Optional.of("the model breaks invariants: " + Invariants.violations(model.records()));
        }
        for (Sut s : suts.subList(1, suts.size())) {
            String actual = outcome(op, s);
            if (!actual.equals(expected)) {
                return Optional.of(s.kind + " returned\n    " + actual + "\n  the model returned\n    " + expected);
            }
            String state = state(s);
            if (!state.equals(expectedState)) {
                return Optional.of(s.kind + " holds\n" + state + "\n  the model holds\n" + expectedState);
            }
            List<String> broken = Invariants.violations(s.records());
            if (!broken.isEmpty()) {
                return Optional.of(s.kind + " breaks invariants: " + broken);
            }
        }
        return Optional.empty();
    }

    private static String outcome(Op op, Sut s) {
        try {
            return op.run(s);
        } catch (EnvctlException e) {
            return Op.error(s, e);
        } catch (Exception | AssertionError e) {
            return "crash " + e;
        }
    }

    /** Records (no timestamps) and clusters of a system. */
    private static String state(Sut s) {
        try {
            return Op.records(s, s.store) + "\n  clusters k3d=" + names(s.k3d.list())
                    + " kind=" + names(s.kindProvider.list());
        } catch (EnvctlException e) {
            return "unreadable: " + Op.error(s, e);
        }
    }

    private static List<String> names(List<ClusterStatus> clusters) {
        return clusters.stream().map(c -> c.name() + (c.running() ? "" : "(stopped)")).toList();
    }

    /** The shortest subsequence found that still fails, by removing runs of steps (halves, quarters, ... ones). */
    List<Op> shrink(List<Op> failing, Mismatch first) {
        List<Op> current = new ArrayList<>(failing.subList(0, first.step() + 1));
        for (int chunk = Math.max(1, current.size() / 2); chunk >= 1; ) {
            boolean removed = false;
            for (int start = 0; start < current.size(); ) {
                List<Op> candidate = new ArrayList<>(current.subList(0, start));
                candidate.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
                Optional<Mismatch> m = candidate.isEmpty() ? Optional.empty() : run(candidate);
                if (m.isPresent()) {
                    current = new ArrayList<>(candidate.subList(0, m.get().step() + 1));
                    removed = true;
                } else {
                    start += chunk;
                }
            }
            if (!removed) {
                chunk /= 2;
            }
        }
        return current;
    }
}
