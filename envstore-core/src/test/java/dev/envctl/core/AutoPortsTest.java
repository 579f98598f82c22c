package dev.envctl.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AutoPortsTest {
    private static final Instant T = Instant.parse("2026-11-26T08:00:00Z");

    private static Environment created(HostPorts given, Map<String, String> labels) {
        EnvironmentSpec spec = EnvironmentSpec.of("dev", "k3d").withPorts(given).withLabels(labels);
        return Environment.created(spec, new HostPorts(18080, 18400, 19000, 26443), null, T);
    }

    @Test
    void aCreateMarksThePortsTheRequestLeftOut() {
        Environment e = created(new HostPorts(18080, null, null, null), Map.of("team", "a"));

        assertThat(e.labels()).containsEntry(AutoPorts.LABEL, "https:18400/pf:19000/api:26443")
                .containsEntry("team", "a");
        assertThat(AutoPorts.of(e)).containsExactly(PortRole.HTTPS, PortRole.PF, PortRole.API);
    }

    @Test
    void aRequestGivingEveryPortLeavesNoMark() {
        Environment e = created(new HostPorts(18080, 18400, 19000, 26443), Map.of());

        assertThat(e.labels()).doesNotContainKey(AutoPorts.LABEL);
        assertThat(AutoPorts.of(e)).isEmpty();
    }

    @Test
    void aPortARequestGivesIsTheRequestsEvenWithAMarkInItsLabels() {
        // a mark in a request's labels is not the request's to set: every port given is its own
        Environment e = created(new HostPorts(18080, 18400, 19000, 26443),
                Map.of(AutoPorts.LABEL, "http:18080/https:18499/api:26443"));

        assertThat(e.labels()).doesNotContainKey(AutoPorts.LABEL);
        assertThat(AutoPorts.of(e)).isEmpty();
    }

    @Test
    void aPortChangedByAnotherWriterIsNoLongerAutomatic() {
        Environment e = created(HostPorts.NONE, Map.of());

        // an old script's upsert, a hand edit: the labels stay, the port does not
        Environment edited = e.withPorts(e.ports().with(PortRole.HTTP, 18090));

        assertThat(AutoPorts.of(edited)).containsExactly(PortRole.HTTPS, PortRole.PF, PortRole.API);
    }

    @Test
    void aRecordWithoutTheMarkHasNoAutomaticPort() {
        Environment legacy = new Environment("old", "k3d", null, new HostPorts(18080, 18400, 19000, null), 30080,
                Map.of("haproxy_route", "true"), Map.of(), DesiredState.PRESENT, ActualState.RUNNING, null, T, T, 1);

        assertThat(AutoPorts.of(legacy)).isEmpty();
    }

    @Test
    void afterAMoveTheNewPortIsAutomaticAndTheOthersAsBefore() {
        Environment e = created(new HostPorts(null, 18400, null, null), Map.of());
        Environment moved = e.withPorts(e.ports().with(PortRole.HTTP, 18081));

        Environment after = AutoPorts.after(e, moved, EnumSet.of(PortRole.HTTP));

        assertThat(after.labels()).containsEntry(AutoPorts.LABEL, "http:18081/pf:19000/api:26443");
    }

    @Test
    void portsARequestGivesAreNoLongerAutomatic() {
        Environment e = created(HostPorts.NONE, Map.of());
        EnvironmentSpec giving = EnvironmentSpec.of("dev", "k3d").withPorts(new HostPorts(18080, 18400, null, null));

        Environment after = AutoPorts.given(e, giving);

        assertThat(after.labels()).containsEntry(AutoPorts.LABEL, "pf:19000/api:26443");
        assertThat(AutoPorts.given(after, giving)).isSameAs(after);
    }
}
