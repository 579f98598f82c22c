package dev.envctl.cli.internal;

import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InterruptionTest {

    @Test
    void namesEveryEnvironmentItsProgressReportedOnceAndTheReconcileOfThemAll() {
        Interruption interruption = new Interruption(new PrintStream(new ByteArrayOutputStream()), () -> { });
        ProgressListener progress = interruption.tracking(ProgressListener.NONE);
        progress.step("web", "creating k3d cluster web");
        progress.step(null, "listing clusters");
        progress.step("db", "creating kind cluster db");
        progress.step("web", "running hook register (post-create)");

        assertThat(interruption.names()).containsExactly("web", "db");
        assertThat(Interruption.line("apply", interruption.names(), interruption.finished(), List.of(), "apply"))
                .isEqualTo("envctl: apply interrupted (SIGINT or "
                + "SIGTERM) while changing web, db: the tools and hooks in flight were ended, and their records keep "
                + "what was asked; 'envctl reconcile web db' finishes the change from where it stopped");
    }

    @Test
    void anEnvironmentTheEngineFinishedAsAskedIsNotNamedUntilItsProgressReportsAStepAgain() {
        Interruption interruption = new Interruption(new PrintStream(new ByteArrayOutputStream()), () -> { });
        ProgressListener progress = interruption.tracking(ProgressListener.NONE);
        progress.step("web", "starting k3d cluster web");
        progress.step("db", "starting kind cluster db");
        progress.step("cache", "starting k3d cluster cache");
        progress.finished("web", true);
        progress.finished("db", false); // failed or cut short: its record keeps the start for a reconcile
        progress.finished("other", true); // no step reported: never named

        assertThat(interruption.names()).containsExactly("db", "cache");
        assertThat(interruption.finished()).containsExactly("web");
        assertThat(Interruption.line("start", interruption.names(), interruption.finished(), List.of(), "start"))
                .isEqualTo("envctl: "
                + "start interrupted (SIGINT or SIGTERM) while changing db, cache: the tools and hooks in flight were "
                + "ended, and their records keep what was asked; 'envctl reconcile db cache' finishes the change from "
                + "where it stopped");

        progress.step("web", "deleting k3d cluster web");
        assertThat(interruption.names()).containsExactly("db", "cache", "web");
        assertThat(interruption.finished()).isEmpty();
    }

    @Test
    void aCommandInterruptedWithNothingInFlightNamesWhatItFinished() {
        Interruption interruption = new Interruption(new PrintStream(new ByteArrayOutputStream()), () -> { });
        ProgressListener progress = interruption.tracking(ProgressListener.NONE);
        progress.step("web", "starting k3d cluster web");
        progress.step("db", "starting kind cluster db");
        progress.finished("db", true);
        progress.finished("web", true);

        assertThat(interruption.names()).isEmpty();
        assertThat(Interruption.line("start", interruption.names(), interruption.finished(), List.of(), "start"))
                .isEqualTo("envctl: "
                + "start interrupted (SIGINT or SIGTERM) once it had finished db, web, with no other change of a "
                + "cluster in flight; run it again (a change it recorded already, 'envctl reconcile' carries out)");
    }

    @Test
    void beforeAnyClusterChangedSaysToRunItAgain() {
        assertThat(Interruption.line("delete", List.of(), List.of(), List.of(), "delete")).isEqualTo("envctl: delete "
                + "interrupted (SIGINT or SIGTERM) "
                + "before it changed any cluster; run it again (a change it recorded already, 'envctl reconcile' "
                + "carries out)");
    }

    @Test
    void aCommandThatReturnedReportsItsOwnError() {
        Interruption interruption = new Interruption(new PrintStream(new ByteArrayOutputStream()), () -> { });
        interruption.start("create");
        interruption.close();

        assertThat(interruption.reports()).isTrue();
        assertThat(interruption.stop()).isFalse();
    }

    @Test
    void aCommandThatRunsUntilStoppedKeepsNoNameHoweverManyEnvironmentsItsRoundsSee() {
        Interruption interruption = new Interruption(new PrintStream(new ByteArrayOutputStream()), () -> { });
        interruption.untilStopped();
        ProgressListener progress = interruption.tracking(ProgressListener.NONE);
        for (int i = 0; i < 10_000; i++) {
            // a watch over environments made and deleted under ever new names: some converge, some fail
            progress.step("env-" + i, "creating k3d cluster env-" + i);
            progress.finished("env-" + i, i % 2 == 0);
        }

        // a signal ends it without the line that would name them
        assertThat(interruption.names()).isEmpty();
        assertThat(interruption.finished()).isEmpty();
    }

    @Test
    void aCommandOfSeveralNamesTheOnesItHadNotBegunAndTheCommandThatChangesThem() {
        assertThat(Interruption.notBegunSuffix(List.of("web"), List.of("db"), "stop")).isEqualTo("; db was not "
                + "begun, and is as it was: 'envctl stop db' does it");
        assertThat(Interruption.notBegunSuffix(List.of("web"), List.of("db", "cache"), "delete --keep-record"))
                .isEqualTo("; db, cache were not begun, and are as they were: 'envctl delete --keep-record db "
                        + "cache' does it");
        // none left: nothing to add
        assertThat(Interruption.notBegunSuffix(List.of("web"), List.of(), "stop")).isEmpty();
    }

    /**
     * A stop that changed none: the names it had not begun were never recorded, so the line names the stop that does
     * them, not a reconcile, which would do nothing.
     */
    @Test
    void aCommandOfNamesThatBeganNoneNamesTheCommandThatChangesThemNotAReconcile() {
        assertThat(Interruption.line("stop", List.of(), List.of(), List.of("web"), "stop")).isEqualTo("envctl: stop "
                + "interrupted (SIGINT or SIGTERM) before it changed any cluster; web was not begun, and is as it was: "
                + "'envctl stop web' does it");
        assertThat(Interruption.line("stop", List.of(), List.of("web"), List.of("db"), "stop")).isEqualTo("envctl: "
                + "stop interrupted (SIGINT or SIGTERM) once it had finished web, with no other change of a cluster in "
                + "flight; db was not begun, and is as it was: 'envctl stop db' does it");
    }

    /** apply records every change before it converges: those not begun are recorded, and a reconcile does them. */
    @Test
    void anApplyNamesTheRecordedOnesItHadNotBegunAndTheReconcileThatDoesThem() {
        assertThat(Interruption.notBegunSuffix(List.of("web"), List.of("db"), null)).isEqualTo("; db was recorded "
                + "and not begun: 'envctl reconcile db' does it, as does the same apply run again");
        assertThat(Interruption.notBegunSuffix(List.of("web"), List.of("db", "cache"), null)).isEqualTo("; db, "
                + "cache were recorded and not begun: 'envctl reconcile db cache' does it, as does the same apply "
                + "run again");
        assertThat(Interruption.notBegunSuffix(List.of(), List.of("db"), null)).isEmpty();
    }

    /**
     * An apply stopped before it began any environment names them all, not begun, and the same apply that does them
     * (a reconcile too for what it recorded), as with those it had finished.
     */
    @Test
    void anApplyStoppedBeforeItBeganAnyNamesThemAndTheSameApplyThatDoesThem() {
        assertThat(Interruption.line("apply", List.of(), List.of(), List.of("cache", "db"), null)).isEqualTo(
                "envctl: apply interrupted (SIGINT or SIGTERM) before it changed any cluster; cache, db were not "
                        + "begun: the same apply run again does them (a change it recorded already, 'envctl reconcile "
                        + "cache db' carries out)");
        assertThat(Interruption.line("apply", List.of(), List.of("cache"), List.of("db"), null)).isEqualTo(
                "envctl: apply interrupted (SIGINT or SIGTERM) once it had finished cache, with no other change of a "
                        + "cluster in flight; db was not begun: the same apply run again does it (a change it recorded "
                        + "already, 'envctl reconcile db' carries out)");
    }
}
