package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine passes each step on once: the engine and the provider it calls both announce a cluster's create. */
class GuardedProgressTest {
    private final List<String> heard = new ArrayList<>();
    private final ProgressListener progress = GuardedProgress.of(new ProgressListener() {
        @Override
        public void step(String environment, String message) {
            heard.add(environment + ": " + message);
        }
    });

    @Test
    void aStepRepeatedForItsEnvironmentIsPassedOnOnceEvenWhenAnotherEnvironmentsStepCameBetween() {
        // two environments applied in parallel: the engine, then the provider, say the same of each
        progress.step("d1", "creating k3d cluster d1");
        progress.step("d2", "creating kind cluster d2");
        progress.step("d1", "creating k3d cluster d1");
        progress.step("d2", "creating kind cluster d2");
        progress.step("d1", "create failed; removing what it made");
        progress.step("d1", "creating k3d cluster d1");

        assertThat(heard).containsExactly("d1: creating k3d cluster d1", "d2: creating kind cluster d2",
                "d1: create failed; removing what it made", "d1: creating k3d cluster d1");
    }

    @Test
    void aStepIsPassedOnAgainOnceTheEngineIsDoneWithItsEnvironment() {
        // a watch: the create failed in one round and is tried again in a later one
        progress.step("d1", "creating k3d cluster d1");
        progress.finished("d1", false);
        progress.step("d1", "creating k3d cluster d1");
        progress.finished("d1", true);

        assertThat(heard).containsExactly("d1: creating k3d cluster d1", "d1: creating k3d cluster d1");
    }

    @Test
    void aStepThatRepeatsOnlyTheBeginningOfTheLastOneOfItsEnvironmentIsPassedOnOnceInTheLongerWording() {
        // the engine says more of the step than the provider, which says it after the engine
        progress.step("c1", "stopping k3d cluster c1, whose create did not finish");
        progress.step("c2", "creating k3d cluster c2");
        progress.step("c1", "stopping k3d cluster c1");
        progress.step("c1", "starting k3d cluster c1 to ask whether its create finished");
        progress.step("c1", "starting k3d cluster c1");
        // the beginning of a word is another step
        progress.step("d1", "deleting cluster d1-old");
        progress.step("d1", "deleting cluster d1");

        assertThat(heard).containsExactly("c1: stopping k3d cluster c1, whose create did not finish",
                "c2: creating k3d cluster c2", "c1: starting k3d cluster c1 to ask whether its create finished",
                "d1: deleting cluster d1-old", "d1: deleting cluster d1");
    }
}
