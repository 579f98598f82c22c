package dev.envctl.bench.internal.harness;

import java.util.Objects;

/**
 * One measured figure of a run. A figure that compares against a baseline carries the baseline's value and
 * the ratio {@code value / baseline} (or, for {@link #paired} figures, the median of per-round ratios); a figure
 * with a target says whether the ratio (or value) met it.
 *
 * @param id       stable key in benchmarks.json, such as {@code jdbc.create.1t.at10000}
 * @param group    the table section, such as {@code PostgreSQL store}
 * @param label    what was measured, for people
 * @param value    the measured value in {@code unit}
 * @param unit     such as {@code ms/create}, {@code creates/s}, {@code ratio}, {@code rows}
 * @param baseline id of the figure this one is compared with, or {@code null}
 * @param ratio    {@code value / baseline value} (or the median of per-round ratios), or {@code null}
 * @param target   the target as text, such as {@code <= 1.5}, or {@code null}
 * @param met      whether the target was met, or {@code null} without a target
 */
public record Figure(String id, String group, String label, double value, String unit, String baseline, Double ratio,
                     String target, Boolean met) {

    public Figure {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(unit, "unit");
        if ((target == null) != (met == null)) {
            throw new IllegalArgumentException("a target needs a verdict and a verdict a target: " + id);
        }
    }

    public static Figure plain(String id, String group, String label, double value, String unit) {
        return new Figure(id, group, label, value, unit, null, null, null, null);
    }

    /** A figure compared with {@code base}, measured in the same run. */
    public static Figure against(String id, String group, String label, double value, String unit, Figure base) {
        return new Figure(id, group, label, value, unit, base.id(), base.value() == 0 ? null : value / base.value(),
                null, null);
    }

    /**
     * A figure compared with {@code base} by {@code ratio}, worked out from rounds measured in turn with the
     * baseline's (the median of the rounds' own ratios) rather than from the two medians.
     */
    public static Figure paired(String id, String group, String label, double value, String unit, Figure base,
                                double ratio) {
        return new Figure(id, group, label, value, unit, base.id(), ratio, null, null);
    }

    /** This figure with a target on its ratio (or on its value when it has no baseline). */
    public Figure withTarget(Target t) {
        double subject = ratio != null ? ratio : value;
        return new Figure(id, group, label, value, unit, baseline, ratio, t.toString(), t.test(subject));
    }
}
