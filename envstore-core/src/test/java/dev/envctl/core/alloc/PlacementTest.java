package dev.envctl.core.alloc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.HostRequest;
import dev.envctl.core.Remedy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Placement's choice, and what its refusals say about each host. */
class PlacementTest {
    private static final AllocationPolicy DEFAULTS = AllocationPolicy.defaults();
    private static final Host TWO = new Host("two", "tcp://192.0.2.2:2376", null, Map.of("zone", "b"), 3);
    private static final Host SMALL = new Host("small", "tcp://192.0.2.3:2376", null, Map.of("zone", "b",
            "gpu", "false"), 1);
    private static final List<Host> HOSTS = List.of(Host.LOCAL, TWO, SMALL);

    private static final HostRequest ZONE_B = HostRequest.auto(Map.of("zone", "b"));

    @Test
    void autoTakesTheMatchingHostWithTheMostRoom() {
        assertThat(Placement.choose(ZONE_B, HOSTS, Map.of("two", 1), DEFAULTS)).isEqualTo(TWO);
        assertThat(Placement.choose(ZONE_B, HOSTS, Map.of("two", 3), DEFAULTS)).isEqualTo(SMALL);
    }

    @Test
    void aSelectorNoHostMatchesListsEachHostWithItsLabelsAndNamesNoPool() {
        assertThatThrownBy(() -> Placement.choose(HostRequest.auto(Map.of("gpu", "true")), HOSTS, Map.of(),
                DEFAULTS))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POOL_EXHAUSTED);
                    assertThat(e.remedy()).contains(Remedy.MATCHING_HOST);
                    assertThat(e.getMessage()).isEqualTo("no host matches the host selector gpu=true; hosts: local "
                            + "(no labels), small (gpu=false,zone=b), two (zone=b); add a host with those labels or "
                            + "give another selector");
                });
    }

    @Test
    void aSelectorMatchingOnlyExcludedHostsSaysNoneIsLeftRatherThanThatNoneMatches() {
        assertThatThrownBy(() -> Placement.choose(HostRequest.auto(Map.of("gpu", "false")).excluding("small"),
                HOSTS, Map.of(), DEFAULTS))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.getMessage()).contains("once small excluded").doesNotContain("host selector");
                    assertThat(e.remedy()).isEmpty();
                });
    }
}
