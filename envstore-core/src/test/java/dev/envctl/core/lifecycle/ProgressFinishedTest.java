package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine tells a progress listener when it is done with each environment, and whether it is as its record
 * asks: the CLI names in an interrupted command's line only those it was still changing.
 */
class ProgressFinishedTest {
    private final Fixture f = new Fixture();
    private final LifecycleEngine engine = f.engine();
    private final List<String> finished = Collections.synchronizedList(new ArrayList<>());
    private final ProgressListener progress = new ProgressListener() {
        @Override
        public void finished(String environment, boolean reached) {
            finished.add(environment + (reached ? " reached" : " not reached"));
        }
    };

    @Test
    void eachCommandTellsOnceForEachEnvironmentItConvergedWhetherItGotThere() {
        engine.create(Fixture.spec("web"), progress);
        f.k3d.failNextCreate("no room");
        assertThat(engine.create(Fixture.spec("db"), progress).actualState()).isEqualTo(ActualState.FAILED);
        assertThat(finished).containsExactly("web reached", "db not reached");

        finished.clear();
        f.k3d.failNextStop("daemon gone");
        engine.stop("web", progress);
        assertThat(finished).containsExactly("web not reached");

        finished.clear();
        assertThat(engine.reconcile(List.of(), progress).outcomes()).extracting(Outcome::action)
                .containsExactly(Action.CREATED, Action.STOPPED);
        assertThat(finished).containsExactlyInAnyOrder("db reached", "web reached");

        finished.clear();
        engine.start(List.of("db", "web"), progress); // db runs: nothing to converge, nothing told
        engine.delete("db", false, progress);
        assertThat(finished).containsExactly("web reached", "db reached");
    }
}
