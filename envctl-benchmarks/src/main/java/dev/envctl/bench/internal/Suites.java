package dev.envctl.bench.internal;

import dev.envctl.bench.internal.alloc.AllocatorSuite;
import dev.envctl.bench.internal.harness.Suite;

import java.util.List;

/** The suites in the order they run. */
public final class Suites {
    private Suites() {
    }

    public static List<Suite> benchmarks() {
        return List.of(new AllocatorSuite());
    }

    public static List<Suite> faults() {
        return List.of();
    }
}
