package dev.envctl.bench.internal.alloc;

import dev.envctl.bench.internal.harness.WidePools;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.Allocation;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.HeldSnapshot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The allocator with 10, 1,000 and 10,000 environments held: every port and a /24 subnet auto-allocated.
 * {@code allocate} asks a ready snapshot (what a store with indexed lookups pays); {@code snapshotAndAllocate}
 * builds the snapshot from the rows first (what the CSV store pays inside its file lock on every create);
 * {@code allocatePortsOnly} leaves the subnet out.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AllocatorBenchmark {

    @Param({"10", "1000", "10000"})
    public int held;

    private List<Environment> rows;
    private HeldSnapshot snapshot;
    private Allocator allocator;
    private EnvironmentSpec spec;
    private EnvironmentSpec portsOnly;

    @Setup(Level.Trial)
    public void setUp() {
        rows = WidePools.seeds("held", held, "k3d");
        snapshot = HeldSnapshot.of(rows);
        allocator = new Allocator(WidePools.policy());
        spec = EnvironmentSpec.of("new-env", "k3d").withSubnet(SubnetRequest.AUTO);
        portsOnly = EnvironmentSpec.of("new-env", "k3d");
    }

    @Benchmark
    public Allocation allocate() {
        return allocator.allocate(spec, snapshot);
    }

    /** The same without a subnet: separates the port search from the subnet search. */
    @Benchmark
    public Allocation allocatePortsOnly() {
        return allocator.allocate(portsOnly, snapshot);
    }

    @Benchmark
    public Allocation snapshotAndAllocate() {
        return allocator.allocate(spec, HeldSnapshot.of(rows));
    }
}
