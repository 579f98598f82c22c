package dev.envctl.store.csv;

import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.HostPorts;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.fallback.FallbackStore;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A CSV file as the mirrored fallback of a primary: a change it missed (the file was locked, or the primary was
 * written without it) leaves a row holding ports the primary then gives to a new environment; the file refuses that
 * copy, and its stale row is brought in step rather than the file left without the new environment.
 */
class CsvFallbackMirrorTest {
    @TempDir
    Path dir;

    @Test
    void aMissedChangeDoesNotKeepTheNextHolderOfItsPortsOutOfTheFile() {
        InMemoryEnvironmentStore primary = new InMemoryEnvironmentStore();
        Allocator allocator = new Allocator(AllocationPolicy.defaults());
        try (CsvEnvironmentStore csv = CsvEnvironmentStore.open(dir.resolve("environments.csv"))) {
            FallbackStore store = new FallbackStore(primary, csv, true);
            Environment old = store.create(EnvironmentSpec.of("old", "k3d").withSubnet(SubnetRequest.parse(
                    "10.101.0.0/24")), allocator);
            store.create(EnvironmentSpec.of("kept", "kind"), allocator);
            Environment moved = primary.update(old.withPorts(new HostPorts(18500, 18600, 19500, 26500)),
                    old.version()); // written without the fallback

            Environment next = store.create(EnvironmentSpec.of("next", "k3d").withPorts(old.ports()), allocator);

            assertThat(csv.list(EnvironmentFilter.ALL)).extracting(Environment::name)
                    .containsExactlyInAnyOrder("kept", "next", "old");
            assertThat(csv.get("next").ports()).isEqualTo(next.ports());
            assertThat(csv.get("old").ports()).isEqualTo(moved.ports());
            assertThat(csv.get("old").subnet()).isEqualTo(old.subnet());
        }
    }
}
