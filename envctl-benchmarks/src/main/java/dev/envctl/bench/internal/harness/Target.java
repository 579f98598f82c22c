package dev.envctl.bench.internal.harness;

/** A bound a figure must keep: at most or at least a number. */
public record Target(boolean atMost, double bound) {

    public static Target atMost(double bound) {
        return new Target(true, bound);
    }

    public static Target atLeast(double bound) {
        return new Target(false, bound);
    }

    public boolean test(double value) {
        return atMost ? value <= bound : value >= bound;
    }

    @Override
    public String toString() {
        return (atMost ? "<= " : ">= ") + Results.format(bound);
    }
}
