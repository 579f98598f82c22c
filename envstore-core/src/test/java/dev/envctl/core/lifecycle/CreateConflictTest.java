package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Envctl;
import dev.envctl.core.Environment;
import dev.envctl.core.PortRole;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a create says when its name is taken: by a record of envctl's, or by a cluster no record owns; and that the
 * provider's listing, which decides it, comes before anything is written.
 */
class CreateConflictTest {
    private final Fixture f = new Fixture();

    @Test
    void aNameARecordHoldsSaysTheEnvironmentExistsAndNeverTellsToDeleteTheCluster() {
        LifecycleEngine engine = f.engine();
        engine.create(EnvironmentSpec.of("d1", "k3d"), ProgressListener.NONE);

        assertThatThrownBy(() -> engine.create(EnvironmentSpec.of("d1", "k3d"), ProgressListener.NONE))
                .isInstanceOf(EnvctlException.class)
                .hasMessageStartingWith("environment 'd1' already exists in ")
                .hasMessageNotContaining("no envctl record owns it")
                .hasMessageNotContaining("delete it with k3d")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(f.k3d.has("d1")).isTrue();
    }

    @Test
    void aProviderWhoseToolIsMissingRefusesTheCreateBeforeItListsOrRecords() {
        LifecycleEngine engine = f.engine();
        f.k3d.toolMissing("k3d not found: no executable 'k3d' on PATH");

        for (Runnable create : List.<Runnable>of(
                () -> engine.create(EnvironmentSpec.of("d1", "k3d"), ProgressListener.NONE),
                () -> engine.record(EnvironmentSpec.of("d1", "k3d")))) {
            assertThatThrownBy(create::run).isInstanceOfSatisfying(EnvctlException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED);
                assertThat(e.getMessage()).isEqualTo("environment 'd1' was not recorded: k3d not found: no "
                        + "executable 'k3d' on PATH");
            });
        }
        assertThat(f.store.find("d1")).isEmpty();
        assertThat(f.k3d.calls()).as("not even listed").isEmpty();
    }

    @Test
    void aRowWhoseClusterAnotherProgramMakesAfterTheListingIsUnknownAgainAndAdoptedWithItsPortsNextPass() {
        LifecycleEngine engine = f.engine();
        Environment row = f.leave("web", 1, DesiredState.PRESENT, ActualState.UNKNOWN);
        Map<PortRole, Integer> theirs = Map.of(PortRole.HTTP, row.ports().http(), PortRole.HTTPS, row.ports().https(),
                PortRole.API, 41879);
        f.k3d.madeElsewhereBeforeNextCreate("web", theirs);

        Outcome refused = engine.reconcile(List.of(), ProgressListener.NONE).outcomes().get(0);

        assertThat(refused.action()).isEqualTo(Action.FAILED);
        assertThat(refused.state()).isEqualTo(ActualState.UNKNOWN);
        assertThat(refused.error()).contains("a cluster of that name existed before, so envctl removed nothing");
        assertThat(f.store.get("web").actualState()).isEqualTo(ActualState.UNKNOWN);
        assertThat(f.hook.calls()).isEmpty();

        Outcome adopted = engine.reconcile(List.of(), ProgressListener.NONE).outcomes().get(0);

        assertThat(adopted.action()).isEqualTo(Action.UNCHANGED);
        Environment web = f.store.get("web");
        assertThat(web.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(web.lastError()).isNull();
        assertThat(web.ports().api()).as("the port the other program's cluster binds").isEqualTo(41879);
        assertThat(f.hook.calls()).as("adopted, not finished as envctl's own create").isEmpty();
        assertThat(f.k3d.count("delete web")).isZero();
    }

    @Test
    void aCreateWhoseClusterAnotherProgramMakesAfterTheListingIsRefusedAndLeavesNoRecord() {
        f.k3d.madeElsewhereBeforeNextCreate("web", Map.of(PortRole.HTTP, 18090, PortRole.HTTPS, 18410,
                PortRole.API, 41879));

        assertThatThrownBy(() -> f.engine().create(EnvironmentSpec.of("web", "k3d"), ProgressListener.NONE))
                .hasMessageStartingWith("a k3d cluster named 'web' was made by another program while envctl created "
                        + "it, and no envctl record owns it; the record envctl made was removed again")
                .hasMessageContaining("a cluster of that name existed before, so envctl removed nothing")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(f.store.find("web")).as("no record for a reconcile to take that cluster for its own").isEmpty();
        assertThat(f.k3d.has("web")).as("the other program's cluster").isTrue();
        assertThat(f.k3d.count("delete web")).isZero();
        assertThat(f.hook.calls()).isEmpty();
    }

    @Test
    void aNameOnlyAnUnmanagedClusterHoldsSaysSo() {
        f.k3d.putCluster("own", true);

        assertThatThrownBy(() -> f.engine().create(EnvironmentSpec.of("own", "k3d"), ProgressListener.NONE))
                .hasMessage("a k3d cluster named 'own' already exists and no envctl record owns it; delete it with "
                        + "k3d, pick another name, or adopt it with an apply that lists it with the ports and subnet "
                        + "it publishes")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(f.store.find("own")).isEmpty();
    }

    @Test
    void aProviderThatCannotListStopsTheCreateBeforeTheStoreIsWritten() {
        f.k3d.failNextList("docker unreachable");

        assertThatThrownBy(() -> f.engine().create(EnvironmentSpec.of("dev", "k3d"), ProgressListener.NONE))
                .hasMessageContaining("docker unreachable")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.PROVIDER_FAILED));
        assertThat(f.store.find("dev")).isEmpty();
        assertThat(f.k3d.count("create dev")).isZero();
    }

    @Test
    void recordingWithoutCreatingAndADryRunRefuseANameOnlyAnUnmanagedClusterHolds() {
        f.k3d.putCluster("own", true);
        Envctl envctl = Envctl.builder().store(f.store).provider("k3d", f.k3d).environment(Map.of()).build();

        // create --no-wait records only: a record there would make the next reconcile take the cluster for its own
        assertThatThrownBy(() -> envctl.record(EnvironmentSpec.of("own", "k3d")))
                .hasMessageStartingWith("a k3d cluster named 'own' already exists and no envctl record owns it")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        assertThatThrownBy(() -> envctl.record(EnvironmentSpec.of("own", "k3d").withHost(
                dev.envctl.core.HostRequest.AUTO)))
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(f.store.find("own")).isEmpty();

        // a dry run says what the create would say, not a plan that exits 0
        assertThatThrownBy(() -> envctl.dryRunCreate(List.of(EnvironmentSpec.of("own", "k3d"))))
                .hasMessageStartingWith("a k3d cluster named 'own' already exists and no envctl record owns it")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(envctl.dryRunCreate(List.of(EnvironmentSpec.of("free", "k3d")))).hasSize(1);
        // a dry run needs no tool: one that cannot list does not stop it
        f.k3d.failNextList("k3d not found");
        assertThat(envctl.dryRunCreate(List.of(EnvironmentSpec.of("free", "k3d")))).hasSize(1);
        assertThat(f.store.find("free")).isEmpty();
    }
}
