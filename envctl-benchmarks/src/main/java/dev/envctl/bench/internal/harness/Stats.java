package dev.envctl.bench.internal.harness;

import java.util.Arrays;
import java.util.List;

/** Order statistics of a sample of durations or rates. */
public final class Stats {
    private Stats() {
    }

    public static double median(List<? extends Number> sample) {
        return quantile(sample, 0.5);
    }

    /** The {@code q} quantile (0..1) by linear interpolation; NaN for an empty sample. */
    public static double quantile(List<? extends Number> sample, double q) {
        if (sample.isEmpty()) {
            return Double.NaN;
        }
        double[] v = sample.stream().mapToDouble(Number::doubleValue).toArray();
        Arrays.sort(v);
        double pos = q * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return v[lo] + (v[hi] - v[lo]) * (pos - lo);
    }

    public static double mean(List<? extends Number> sample) {
        return sample.stream().mapToDouble(Number::doubleValue).average().orElse(Double.NaN);
    }

    public static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
