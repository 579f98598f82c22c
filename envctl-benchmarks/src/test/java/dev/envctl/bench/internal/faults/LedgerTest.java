package dev.envctl.bench.internal.faults;

import dev.envctl.bench.internal.harness.WidePools;
import dev.envctl.core.Environment;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The fault run's bookkeeping: what counts as a lost write and what does not. */
class LedgerTest {
    private final Instant now = Instant.now();

    private Environment env(String name, int i, Integer counter) {
        Environment e = WidePools.seed("x", i, "k3d", now);
        e = new Environment(name, e.provider(), e.subnet(), e.ports(), e.nodePort(), e.labels(), e.options(),
                e.desiredState(), e.actualState(), e.lastError(), e.createdAt(), e.updatedAt(), e.version());
        return counter == null ? e : e.withLabels(Map.of("counter", counter.toString()));
    }

    @Test
    void anAcknowledgedCreateThatIsMissingIsLost() {
        Ledger l = new Ledger();
        l.read("ACK C a-1 running");
        l.read("ACK C a-2 running");
        long[] checked = {0};
        assertThat(l.check(List.of(env("a-1", 1, null)), checked)).singleElement().asString().contains("a-2");
        assertThat(checked[0]).isEqualTo(2);
        assertThat(l.acknowledged()).isEqualTo(2);
    }

    @Test
    void aDeleteInFlightMayGoEitherWayButAnAcknowledgedOneMustStick() {
        Ledger l = new Ledger();
        l.read("ACK C a-1 running");
        l.read("BEGIN D a-1");
        l.read("ACK C a-2 running");
        l.read("BEGIN D a-2");
        l.read("ACK D a-2");
        assertThat(l.check(List.of(), new long[1])).isEmpty();
        assertThat(l.check(List.of(env("a-1", 1, null), env("a-2", 2, null)), new long[1]))
                .singleElement().asString().contains("delete of a-2 was undone");
    }

    @Test
    void anAcknowledgedUpdateMustNotGoBackButAnUnacknowledgedOneMayHaveLanded() {
        Ledger l = new Ledger();
        l.read("ACK C a-1 running");
        l.read("BEGIN U a-1 1");
        l.read("ACK U a-1 1");
        l.read("BEGIN U a-1 2");
        assertThat(l.check(List.of(env("a-1", 1, 2)), new long[1])).isEmpty();
        assertThat(l.check(List.of(env("a-1", 1, 1)), new long[1])).isEmpty();
        assertThat(l.check(List.of(env("a-1", 1, null)), new long[1])).singleElement().asString()
                .contains("update 1 of a-1");
    }
}
