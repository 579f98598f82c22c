package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Remedy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutcomeTest {
    @Test
    void aFailedOutcomeKeepsTheCodeAndRemedyOfItsError() {
        EnvctlException e = new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "timed out; raise the store's lock "
                + "timeout", null, Remedy.RAISE_LOCK_TIMEOUT);

        Outcome o = Outcome.failed("dev", ActualState.RUNNING, e.getMessage(), e);

        assertThat(o.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
        assertThat(o.remedy()).isEqualTo(Remedy.RAISE_LOCK_TIMEOUT);
        assertThat(Outcome.failed("dev", null, "boom", new IllegalStateException("boom")).remedy()).isNull();
    }
}
