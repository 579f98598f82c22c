package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.Environment;
import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A caller's progress listener that throws is the caller's bug: the environments it watches converge anyway. */
class ProgressListenerFailureTest {
    private final Fixture f = new Fixture();
    private final LifecycleEngine engine = f.engine();
    private final AtomicInteger calls = new AtomicInteger();
    private final ProgressListener broken = new ProgressListener() {
        @Override
        public void step(String environment, String message) {
            calls.incrementAndGet();
            throw new IllegalStateException("progress display bug");
        }

        @Override
        public void output(String environment, String line, boolean stderr) {
            calls.incrementAndGet();
            throw new IllegalStateException("progress display bug");
        }

        @Override
        public void finished(String environment, boolean reached) {
            calls.incrementAndGet();
            throw new IllegalStateException("progress display bug");
        }
    };

    @Test
    void createStopStartDeleteAndReconcileFinishWhateverTheListenerThrows() {
        Environment created = engine.create(Fixture.spec("dev"), broken);
        assertThat(created.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(created.lastError()).isNull();
        assertThat(f.hook.calls()).isNotEmpty();

        assertThat(engine.stop("dev", broken).actualState()).isEqualTo(ActualState.STOPPED);
        assertThat(engine.start("dev", broken).actualState()).isEqualTo(ActualState.RUNNING);
        f.k3d.removeCluster("dev");
        assertThat(engine.reconcile(List.of(), broken).outcomes()).singleElement()
                .satisfies(o -> assertThat(o.state()).isEqualTo(ActualState.RUNNING));
        assertThat(engine.delete("dev", false, broken)).isEmpty();
        assertThat(f.k3d.has("dev")).isFalse();
        assertThat(calls.get()).as("the listener was called, and threw").isPositive();
    }

    /**
     * A listener that throws an Error, not an exception (an {@code AssertionError} of a test harness's listener),
     * is as much the caller's bug: the create finishes and its record is not left {@code creating}.
     */
    @Test
    void aListenerThrowingAnErrorCannotFailTheWorkEither() {
        ProgressListener asserting = new ProgressListener() {
            @Override
            public void step(String environment, String message) {
                calls.incrementAndGet();
                throw new AssertionError("progress display assertion");
            }

            @Override
            public void finished(String environment, boolean reached) {
                calls.incrementAndGet();
                throw new AssertionError("progress display assertion");
            }
        };

        Environment created = engine.create(Fixture.spec("dev"), asserting);

        assertThat(created.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(f.k3d.has("dev")).isTrue();
        assertThat(engine.delete("dev", false, asserting)).isEmpty();
        assertThat(f.k3d.has("dev")).isFalse();
        assertThat(calls.get()).as("the listener was called, and threw").isPositive();
    }
}
