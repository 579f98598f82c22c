package dev.envctl.core.exec;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.provider.CreateFailure;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A create the signal ended in the tool first, whose cleanup then could not start because envctl is stopping. */
class CreateFailureWhileStoppingTest {
    private static final List<String> CREATE = List.of("kind", "create", "cluster", "--name", "dev");

    @Test
    void aCleanupStepNotStartedBecauseEnvctlStopsIsNoLeftoverToRemoveByHand() {
        CommandFailedException ended = new CommandFailedException(ErrorCode.PROVIDER_FAILED,
                "kind create cluster failed with exit code 143", CREATE, 143, "", false, null);
        CreateFailure f = new CreateFailure("could not create kind cluster 'dev'", ended);
        f.attempt(() -> {
            throw CommandFailedException.stopped(List.of("kind", "delete", "cluster", "--name", "dev"), false, "");
        }, "kind delete cluster --name dev");

        EnvctlException e = f.toException();

        assertThat(e.getMessage()).isEqualTo("could not create kind cluster 'dev': kind create cluster failed with "
                + "exit code 143; envctl is stopping, so it removed nothing; the next reconcile finishes this create");
        assertThat(CreateFailure.leftBehind(e)).isFalse();
    }

    @Test
    void aCleanupStepThatFailsOtherwiseStillNamesTheLeftoverAndHowToRemoveIt() {
        CommandFailedException failed = new CommandFailedException(ErrorCode.PROVIDER_FAILED,
                "kind create cluster failed with exit code 1", CREATE, 1, "", false, null);
        CreateFailure f = new CreateFailure("could not create kind cluster 'dev'", failed);
        f.attempt(() -> {
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "kind delete cluster failed with exit code 1");
        }, "kind delete cluster --name dev");

        EnvctlException e = f.toException();

        assertThat(e.getMessage()).endsWith("; cleanup failed too: kind delete cluster failed with exit code 1; "
                + "remove the leftovers by hand: kind delete cluster --name dev");
        assertThat(CreateFailure.leftBehind(e)).isTrue();
    }
}
