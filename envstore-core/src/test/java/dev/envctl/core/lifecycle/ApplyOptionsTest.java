package dev.envctl.core.lifecycle;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Apply asks the provider what a changed option means ({@code ClusterProvider.optionChange}): one that only changes
 * how envctl drives the tool (the stand-in's {@code timeout}) is written in place, with no new cluster; one that
 * shapes the cluster needs a replacement.
 */
class ApplyOptionsTest {
    private final Fixture f = new Fixture();
    private final LifecycleEngine engine = f.engine();

    private static EnvironmentSpec dev(Map<String, String> options) {
        return Fixture.spec("dev").withOptions(options);
    }

    @Test
    void anOptionTheProviderChangesInPlaceIsWrittenWithoutANewCluster() {
        Environment created = engine.create(dev(Map.of("timeout", "300s", "image", "a")), ProgressListener.NONE);
        List<EnvironmentSpec> file = List.of(dev(Map.of("timeout", "600s", "image", "a")));

        ApplyPlan plan = engine.plan(file, false);
        assertThat(plan.toUpdate()).singleElement().satisfies(u -> {
            assertThat(u.replace()).isFalse();
            assertThat(u.changes()).containsExactly(new FieldChange("option", "timeout", "300s", "600s", false));
        });
        ReconcileReport r = engine.apply(file, false, ProgressListener.NONE);

        assertThat(r.outcomes()).extracting(Outcome::action).containsExactly(Action.UPDATED);
        Environment after = f.store.get("dev");
        assertThat(after.options()).containsExactly(Map.entry("image", "a"), Map.entry("timeout", "600s"));
        assertThat(after.ports()).isEqualTo(created.ports());
        assertThat(f.k3d.count("create dev")).isEqualTo(1);
        assertThat(f.k3d.count("delete dev")).isZero();
        assertThat(engine.plan(file, false).empty()).isTrue();
    }

    @Test
    void anOptionThatShapesTheClusterNeedsAReplacement() {
        engine.create(dev(Map.of("timeout", "300s", "image", "a")), ProgressListener.NONE);
        List<EnvironmentSpec> file = List.of(dev(Map.of("timeout", "600s", "image", "b")));

        assertThat(engine.plan(file, false).toUpdate()).singleElement().satisfies(u -> {
            assertThat(u.replace()).isTrue();
            assertThat(u.describe(false)).isEqualTo("option image: a -> b, option timeout: 300s -> 600s");
        });
        assertThatThrownBy(() -> engine.apply(file, false, ProgressListener.NONE))
                .isInstanceOf(EnvctlException.class).hasMessageContaining("needs a new cluster")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(f.store.get("dev").options()).containsEntry("timeout", "300s");
    }
}
