package dev.envctl.cli.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.lifecycle.Action;
import dev.envctl.core.lifecycle.Outcome;
import dev.envctl.core.lifecycle.ReconcileReport;
import dev.envctl.core.spi.ClusterStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RoundFilterTest {
    private static ReconcileReport report(Action action, ClusterStatus... unmanaged) {
        return new ReconcileReport(List.of(new Outcome("dev", action, ActualState.RUNNING, null)),
                List.of(unmanaged));
    }

    @Test
    void watchPrintsTheFirstRoundThenOnlyRoundsThatActedFailedOrSawOtherUnmanagedClusters() {
        ReconcileCommand.RoundFilter f = new ReconcileCommand.RoundFilter();
        ClusterStatus stray = new ClusterStatus("stray", "k3d", true, "servers 1/1, agents 0/0");

        assertThat(f.worthPrinting(report(Action.UNCHANGED))).as("first round").isTrue();
        assertThat(f.worthPrinting(report(Action.UNCHANGED))).isFalse();
        assertThat(f.worthPrinting(report(Action.SKIPPED_LOCKED))).isFalse();
        assertThat(f.worthPrinting(report(Action.RECREATED))).isTrue();
        assertThat(f.worthPrinting(report(Action.UNCHANGED, stray))).as("a new unmanaged cluster").isTrue();
        assertThat(f.worthPrinting(report(Action.UNCHANGED, stray))).isFalse();
        assertThat(f.worthPrinting(report(Action.FAILED, stray))).isTrue();
        assertThat(f.worthPrinting(report(Action.UNCHANGED, stray))).as("dev converged again").isTrue();
        assertThat(f.worthPrinting(report(Action.UNCHANGED))).as("the unmanaged cluster went").isTrue();
        assertThat(f.worthPrinting(new ReconcileReport(List.of(), List.of()))).isFalse();
    }

    @Test
    void aFailureRepeatedEveryRoundIsPrintedWhenItStartsChangesAndEnds() {
        ReconcileCommand.RoundFilter f = new ReconcileCommand.RoundFilter();
        Outcome down = failed("dev", "could not list k3d clusters: Cannot connect to the Docker daemon");

        assertThat(f.worthPrinting(report(Action.UNCHANGED))).as("first round").isTrue();
        assertThat(f.worthPrinting(rounds(down))).as("Docker stopped answering").isTrue();
        assertThat(f.worthPrinting(rounds(down))).as("the same failure again").isFalse();
        assertThat(f.worthPrinting(rounds())).as("dev sits out a round after its failure").isFalse();
        assertThat(f.worthPrinting(rounds(down))).as("and fails alike").isFalse();
        assertThat(f.worthPrinting(report(Action.SKIPPED_LOCKED))).as("another process converges it").isFalse();
        assertThat(f.worthPrinting(rounds(down))).as("which fails alike").isFalse();
        assertThat(f.worthPrinting(rounds(down, failed("qa", "could not list kind clusters: kind not found"))))
                .as("another environment failing").isTrue();
        assertThat(f.worthPrinting(rounds(failed("dev", "k3d cluster create failed with exit code 1"))))
                .as("a different error").isTrue();
        assertThat(f.worthPrinting(rounds(failed("dev", "k3d cluster create failed with exit code 1"),
                new Outcome("qa", Action.CREATED, ActualState.RUNNING, null)))).as("acted").isTrue();
        assertThat(f.worthPrinting(report(Action.UNCHANGED))).as("no failure any more").isTrue();
        assertThat(f.worthPrinting(report(Action.UNCHANGED))).isFalse();
    }

    /**
     * Another envctl process deletes a failing environment and records it again; the new record fails as the old one
     * did: that is news (a new record, failing), printed once.
     */
    @Test
    void aRecordMadeAgainUnderAFailedOnesNameIsPrintedWhenItFailsAlike() {
        ReconcileCommand.RoundFilter f = new ReconcileCommand.RoundFilter();
        Instant old = Instant.parse("2026-12-07T01:00:00Z");
        Instant again = old.plusSeconds(600);
        Outcome pullFailed = failed("web", "could not create k3d cluster 'web': image pull failed");

        assertThat(f.worthPrinting(round(Map.of("web", old), pullFailed))).as("first round").isTrue();
        assertThat(f.worthPrinting(round(Map.of("web", old), pullFailed))).as("the same failure again").isFalse();
        assertThat(f.worthPrinting(round(Map.of("web", old)))).as("web sits out a round").isFalse();
        assertThat(f.worthPrinting(round(Map.of("web", again), pullFailed))).as("a new record failing").isTrue();
        assertThat(f.worthPrinting(round(Map.of("web", again), pullFailed))).isFalse();
        assertThat(f.worthPrinting(round(Map.of()))).as("web deleted: nothing done").isFalse();
        assertThat(f.worthPrinting(round(Map.of("web", again.plusSeconds(60)), pullFailed)))
                .as("recorded again after a round without it").isTrue();
    }

    private static ReconcileReport round(Map<String, Instant> records, Outcome... outcomes) {
        return new ReconcileReport(List.of(outcomes), List.of(), records);
    }

    private static Outcome failed(String name, String error) {
        return new Outcome(name, Action.FAILED, ActualState.RUNNING, error);
    }

    private static ReconcileReport rounds(Outcome... outcomes) {
        return new ReconcileReport(List.of(outcomes), List.of());
    }
}
