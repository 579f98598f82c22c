package dev.envctl.core.alloc;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class HostPortProbeTest {
    private final Set<Integer> held = new HashSet<>(Set.of(18080));
    private final long[] now = {0};
    private int waits;
    private boolean waitInterrupted;
    private final HostPortProbe probe = new HostPortProbe(port -> !held.contains(port), () -> {
        waits++;
        return !waitInterrupted;
    }, () -> now[0]);

    @Test
    void aPortThatFailedBothTriesIsWaitedForAgainOnlyAfterTenSeconds() {
        assertThat(probe.canBind(18080)).isFalse();
        now[0] += TimeUnit.SECONDS.toNanos(10) - 1;
        assertThat(probe.canBind(18080)).isFalse();
        assertThat(waits).isEqualTo(1);

        now[0] += 1;
        assertThat(probe.canBind(18080)).isFalse();
        assertThat(waits).as("ten seconds on, the port is tried after a moment again").isEqualTo(2);
    }

    @Test
    void aPortItsHolderLetGoBindsAtOnceAndIsWaitedForAgainWhenTakenAgain() {
        assertThat(probe.canBind(18080)).isFalse();
        held.clear();
        assertThat(probe.canBind(18080)).as("every call binds").isTrue();

        held.add(18080);
        assertThat(probe.canBind(18080)).isFalse();
        assertThat(waits).as("the port was let go meanwhile, so it is tried after a moment again").isEqualTo(2);
    }

    @Test
    void aWaitInterruptedBeforeTheSecondTryIsNotRemembered() {
        waitInterrupted = true;
        assertThat(probe.canBind(18080)).isFalse();
        waitInterrupted = false;
        assertThat(probe.canBind(18080)).isFalse();
        assertThat(waits).as("the first call never tried twice").isEqualTo(2);
    }
}
