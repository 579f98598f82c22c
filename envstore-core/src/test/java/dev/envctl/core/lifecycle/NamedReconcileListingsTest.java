package dev.envctl.core.lifecycle;

import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.ScriptedClusterProvider;
import dev.envctl.core.testing.Stderr;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A reconcile of named environments lists only their providers, and reports only those providers' unmanaged clusters. */
class NamedReconcileListingsTest {
    private final Fixture f = new Fixture();
    private final ScriptedClusterProvider kind = new ScriptedClusterProvider("kind");
    private final LifecycleEngine engine = new LifecycleEngine(f.store, f.allocator,
            Map.<String, ClusterProvider>of("k3d", f.k3d, "kind", kind), List.of(f.hook), EngineOptions.defaults());

    @Test
    void aReconcileOfNamedEnvironmentsListsOnlyTheirProvidersAndReportsTheirUnmanagedClusters() {
        engine.create(Fixture.spec("web"), ProgressListener.NONE);
        engine.create(EnvironmentSpec.of("dev", "kind"), ProgressListener.NONE);
        f.k3d.putCluster("stray", true);
        kind.putCluster("loose", true);
        long k3d = f.k3d.count("list");
        long kinds = kind.count("list");

        ReconcileReport named = engine.reconcile(List.of("dev"), ProgressListener.NONE);

        assertThat(f.k3d.count("list") - k3d).as("k3d not listed for a kind environment").isZero();
        assertThat(kind.count("list") - kinds).isEqualTo(1);
        assertThat(named.unmanaged()).extracting(ClusterStatus::name).containsExactly("loose");
        assertThat(engine.reconcile(List.of("web", "dev"), ProgressListener.NONE).unmanaged())
                .extracting(ClusterStatus::name).containsExactlyInAnyOrder("loose", "stray");
        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).unmanaged()).extracting(ClusterStatus::name)
                .containsExactlyInAnyOrder("loose", "stray");
    }

    /**
     * What the engine last said of a provider's listing stays as it was through rounds that did not make that listing
     * (it failed, or a named reconcile did not try it): the next reconcile of all does not warn again of what it
     * warned of before (the log is slf4j-simple's, on System.err).
     */
    @Test
    void aNamedReconcileKeepsWhatTheEngineLastSaidOfTheProvidersItDidNotList() {
        engine.create(Fixture.spec("web"), ProgressListener.NONE);
        engine.create(EnvironmentSpec.of("dev", "kind"), ProgressListener.NONE);
        f.k3d.putCluster("stray", true);
        assertThat(Stderr.of(() -> engine.reconcile(List.of(), ProgressListener.NONE)))
                .contains("cluster stray (k3d) has no record");
        f.k3d.failNextList("docker unreachable");
        assertThat(Stderr.of(() -> engine.reconcile(List.of(), ProgressListener.NONE)))
                .contains("could not list k3d clusters");
        f.k3d.failNextList("docker unreachable");

        Stderr.of(() -> engine.reconcile(List.of("dev"), ProgressListener.NONE));
        String again = Stderr.of(() -> engine.reconcile(List.of(), ProgressListener.NONE));

        assertThat(again).as("the same failure, said before the named reconcile").doesNotContain("could not list");
        String back = Stderr.of(() -> engine.reconcile(List.of(), ProgressListener.NONE));
        assertThat(back).as("k3d lists again; stray was warned of before").doesNotContain("stray");
    }

}
