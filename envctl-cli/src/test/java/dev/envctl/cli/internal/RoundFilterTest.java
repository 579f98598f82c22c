package dev.envctl.cli.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.lifecycle.Action;
import dev.envctl.core.lifecycle.Outcome;
import dev.envctl.core.lifecycle.ReconcileReport;
import dev.envctl.core.spi.ClusterStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

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
        assertThat(f.worthPrinting(report(Action.UNCHANGED))).as("the unmanaged cluster went").isTrue();
        assertThat(f.worthPrinting(new ReconcileReport(List.of(), List.of()))).isFalse();
    }
}
