package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReconcileReportTest {
    private static final Outcome DONE = new Outcome("a", Action.CREATED, ActualState.RUNNING, null);
    private static final Outcome REFUSED = Outcome.failed("b", ActualState.UNKNOWN, "refused",
            new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "refused"));
    private static final Outcome TOOL_FAILED = new Outcome("c", Action.MARKED_FAILED, ActualState.FAILED, "exit 1");

    private static ReconcileReport of(Outcome... outcomes) {
        return new ReconcileReport(List.of(outcomes), List.of());
    }

    @Test
    void aReportIsAStoreFailureOnlyWhenEveryFailedOutcomeIsTheStoresRefusal() {
        assertThat(of(DONE).failure()).isEmpty();
        assertThat(of(DONE, REFUSED).failure()).contains(ErrorCode.STORE_UNAVAILABLE);
        assertThat(of(REFUSED, TOOL_FAILED).failure()).contains(ErrorCode.FAILURE);
        assertThat(of(DONE, TOOL_FAILED).failure()).contains(ErrorCode.FAILURE);
    }

    @Test
    void aReportIsAConflictOnlyWhenEveryFailedOutcomeWasSupersededByAnotherWritersDesiredState() {
        Outcome superseded = new Outcome("d", Action.SUPERSEDED, null, "deleted while it was being applied",
                ErrorCode.CONFLICT);

        assertThat(superseded.failed()).isTrue();
        assertThat(of(DONE, superseded).failure()).contains(ErrorCode.CONFLICT);
        assertThat(of(superseded, TOOL_FAILED).failure()).contains(ErrorCode.FAILURE);
        assertThat(of(superseded, REFUSED).failure()).contains(ErrorCode.FAILURE);
        assertThat(of(DONE, new Outcome("e", Action.PENDING, ActualState.RUNNING, null)).failure()).isEmpty();
    }

    @Test
    void aReportIsAProviderFailureOnlyWhenEveryFailedOutcomeIsAProviderThatCouldNotBeAsked() {
        Outcome unlisted = new Outcome("u", Action.FAILED, ActualState.RUNNING, "could not list k3d clusters: down",
                ErrorCode.PROVIDER_FAILED);

        assertThat(of(DONE, unlisted).failure()).contains(ErrorCode.PROVIDER_FAILED);
        assertThat(of(unlisted, TOOL_FAILED).failure()).contains(ErrorCode.FAILURE);
        assertThat(of(unlisted, REFUSED).failure()).contains(ErrorCode.FAILURE);
    }

    @Test
    void anOutcomeKeepsTheCodeOfAnEnvctlErrorOnly() {
        assertThat(REFUSED.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
        assertThat(REFUSED.action()).isEqualTo(Action.FAILED);
        assertThat(Outcome.failed("d", null, "boom", new IllegalStateException("boom")).code()).isNull();
        assertThat(DONE.code()).isNull();
    }
}
