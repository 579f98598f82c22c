package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster the tool still lists after node containers of it were removed outside envctl ({@code docker rm -f}):
 * neither reconcile nor start takes it for running; a stopped cluster with all its nodes keeps its behaviour.
 */
class MissingNodesTest {
    private final Fixture f = new Fixture();
    private final LifecycleEngine engine = f.engine();

    private List<String> actions() {
        return f.k3d.calls().stream().filter(c -> !c.equals("list")).toList();
    }

    private ReconcileReport reconcile(LifecycleEngine e) {
        return e.reconcile(List.of(), ProgressListener.NONE);
    }

    @Test
    void reconcileRecreatesARunningEnvironmentWhoseServerNodeWasRemovedWithItsOwnPorts() {
        Environment before = engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.removeNodes("dev", 0, 0);

        ReconcileReport r = reconcile(engine);

        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.RECREATED, ActualState.RUNNING, null));
        assertThat(actions()).containsExactly("create dev", "delete dev", "create dev");
        assertThat(f.store.get("dev").ports()).isEqualTo(before.ports());
        assertThat(f.hook.calls()).containsExactly("post-create dev creating", "post-create dev creating");
        assertThat(reconcile(engine).outcomes())
                .containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.RUNNING, null));
    }

    @Test
    void underMarkFailedAClusterLackingNodesMarksTheRecordFailedAndIsLeftAsItIs() {
        LifecycleEngine markFailed = f.engine(EngineOptions.defaults().withDriftPolicy(DriftPolicy.MARK_FAILED));
        markFailed.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.removeNodes("dev", 0, 0);

        assertThat(reconcile(markFailed).outcomes()).singleElement().satisfies(o -> {
            assertThat(o.action()).isEqualTo(Action.MARKED_FAILED);
            assertThat(o.error()).isEqualTo("its k3d cluster lacks nodes (k3d lists 0 of the 1 server nodes its "
                    + "record asks for); the mark-failed drift policy leaves it failed: start the environment to "
                    + "delete what is left and create the cluster again with the record's ports and subnet, or "
                    + "delete it");
        });
        assertThat(f.store.get("dev").actualState()).isEqualTo(ActualState.FAILED);
        assertThat(reconcile(markFailed).outcomes()).singleElement()
                .satisfies(o -> assertThat(o.action()).isEqualTo(Action.UNCHANGED));
        assertThat(actions()).containsExactly("create dev");

        // what the message says to do does it
        Environment started = markFailed.start("dev", ProgressListener.NONE);
        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(started.lastError()).isNull();
        assertThat(actions()).containsExactly("create dev", "delete dev", "create dev");
    }

    @Test
    void anAgentNodeTheRecordAsksForIsMissedAsMuchAsAServer() {
        engine.create(Fixture.spec("dev").withOptions(Map.of("agents", "2")), ProgressListener.NONE);
        f.k3d.removeNodes("dev", 1, 1);

        assertThat(reconcile(engine).outcomes())
                .containsExactly(new Outcome("dev", Action.RECREATED, ActualState.RUNNING, null));
        assertThat(actions()).containsExactly("create dev", "delete dev", "create dev");
    }

    @Test
    void aClusterWithAtLeastTheNodesItsRecordAsksForIsLeftAlone() {
        engine.create(Fixture.spec("dev").withOptions(Map.of("servers", "1", "agents", "1")), ProgressListener.NONE);
        f.k3d.removeNodes("dev", 3, 1);

        assertThat(reconcile(engine).outcomes())
                .containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.RUNNING, null));
        assertThat(engine.start("dev", ProgressListener.NONE).actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(actions()).containsExactly("create dev");
    }

    @Test
    void startOfARunningRecordWhoseClusterLacksNodesCreatesItAgainInsteadOfCallingItStarted() {
        Environment before = engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.removeNodes("dev", 0, 0);

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(actions()).containsExactly("create dev", "delete dev", "create dev");
        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(started.ports()).isEqualTo(before.ports());
        assertThat(f.hook.calls()).containsExactly("post-create dev creating", "post-create dev creating");
    }

    @Test
    void startOfAStoppedEnvironmentWhoseClusterLacksNodesCreatesItAgainRatherThanStartingWhatIsLeft() {
        engine.create(Fixture.spec("dev").withOptions(Map.of("agents", "1")), ProgressListener.NONE);
        engine.stop("dev", ProgressListener.NONE);
        f.k3d.removeNodes("dev", 1, 0);

        Environment started = engine.start("dev", ProgressListener.NONE);

        assertThat(actions()).containsExactly("create dev", "stop dev", "delete dev", "create dev");
        assertThat(started.desiredState()).isEqualTo(DesiredState.PRESENT);
        assertThat(started.actualState()).isEqualTo(ActualState.RUNNING);
    }

    @Test
    void stopOfAClusterLackingNodesStopsWhatIsLeftAndAStartThenCreatesItAgain() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.removeNodes("dev", 0, 0);

        Environment stopped = engine.stop("dev", ProgressListener.NONE);

        assertThat(stopped.actualState()).isEqualTo(ActualState.STOPPED);
        assertThat(f.k3d.running("dev")).isFalse();
        assertThat(engine.start("dev", ProgressListener.NONE).actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(actions()).containsExactly("create dev", "stop dev", "delete dev", "create dev");
    }

    /** A failed record's cluster is made again, not finished; one never converged is not adopted. */
    @ParameterizedTest
    @EnumSource(value = ActualState.class, names = {"FAILED", "UNKNOWN"})
    void aRecordWhoseClusterLacksNodesIsMadeAgainNotFinishedOrAdopted(ActualState state) {
        f.leave("dev", 1, DesiredState.PRESENT, state);
        f.k3d.putCluster("dev", true);
        f.k3d.removeNodes("dev", 0, 0);

        assertThat(reconcile(engine).outcomes())
                .containsExactly(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null));
        assertThat(actions()).containsExactly("delete dev", "create dev");
    }

    @Test
    void aStoppedClusterWithAllItsNodesIsStartedByReconcileNotMadeAgain() {
        engine.create(Fixture.spec("dev"), ProgressListener.NONE);
        f.k3d.putCluster("dev", false);
        f.k3d.removeNodes("dev", 1, 0);

        assertThat(reconcile(engine).outcomes())
                .containsExactly(new Outcome("dev", Action.STARTED, ActualState.RUNNING, null));
        assertThat(engine.start("dev", ProgressListener.NONE).actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(actions()).containsExactly("create dev", "start dev");
    }
}
