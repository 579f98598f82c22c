package dev.envctl.core.lifecycle;

import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.ScriptedClusterProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Apply lists each provider once where it converges nothing: the plan's listing (which looks for clusters stopped
 * outside envctl) also gives the report's unmanaged clusters there. Where it converges something, the provider is
 * listed anew after the records are written, as a converge's hint needs.
 */
class ApplyListingsTest {
    private final Fixture f = new Fixture();
    private final ScriptedClusterProvider kind = new ScriptedClusterProvider("kind");
    private final LifecycleEngine engine = new LifecycleEngine(f.store, f.allocator,
            Map.<String, ClusterProvider>of("k3d", f.k3d, "kind", kind), List.of(f.hook), EngineOptions.defaults());
    private final List<EnvironmentSpec> file = List.of(Fixture.spec("web"), EnvironmentSpec.of("dev", "kind"));

    @BeforeEach
    void twoRunning() {
        engine.apply(file, false, ProgressListener.NONE);
        f.k3d.putCluster("stray", true);
        kind.putCluster("loose", true);
    }

    @Test
    void anUnchangedApplyListsEachProviderOnceAndStillReportsTheUnmanagedClusters() {
        long k3d = f.k3d.count("list");
        long kinds = kind.count("list");

        ReconcileReport report = engine.apply(file, false, ProgressListener.NONE);

        assertThat(report.outcomes()).extracting(Outcome::action).containsOnly(Action.UNCHANGED);
        assertThat(f.k3d.count("list") - k3d).isEqualTo(1);
        assertThat(kind.count("list") - kinds).isEqualTo(1);
        assertThat(report.unmanaged()).extracting(ClusterStatus::name).containsExactlyInAnyOrder("loose", "stray");
    }

    @Test
    void aProviderWithSomethingToConvergeIsListedAgainAfterThePlan() {
        List<EnvironmentSpec> more = List.of(Fixture.spec("web"), Fixture.spec("api"), EnvironmentSpec.of("dev",
                "kind"));
        ApplyPlan plan = engine.plan(more, false);
        // made between the plan and the apply: k3d, which converges api, is listed again and sees it; kind is not
        f.k3d.putCluster("later-k3d", true);
        kind.putCluster("later-kind", true);
        long kinds = kind.count("list");

        ReconcileReport report = engine.apply(plan, false, ProgressListener.NONE);

        assertThat(report.outcomes()).extracting(o -> o.name() + " " + o.action())
                .containsExactly("api CREATED", "dev UNCHANGED", "web UNCHANGED");
        assertThat(kind.count("list") - kinds).isZero();
        assertThat(report.unmanaged()).extracting(ClusterStatus::name)
                .containsExactlyInAnyOrder("loose", "stray", "later-k3d");
    }

    @Test
    void aPlanThatIsNotTheEnginesLastIsListedAnew() {
        ApplyPlan first = engine.plan(file, false);
        engine.plan(List.of(Fixture.spec("web")), false);
        kind.putCluster("later-kind", true);
        long k3d = f.k3d.count("list");
        long kinds = kind.count("list");

        ReconcileReport report = engine.apply(first, false, ProgressListener.NONE);

        assertThat(f.k3d.count("list") - k3d).isEqualTo(1);
        assertThat(kind.count("list") - kinds).isEqualTo(1);
        assertThat(report.unmanaged()).extracting(ClusterStatus::name)
                .containsExactlyInAnyOrder("loose", "stray", "later-kind");
    }
}
