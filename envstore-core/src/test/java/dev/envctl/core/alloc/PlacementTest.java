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
import static org.assertj.core.api.Assertions.entry;

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
    void whenNoMatchingHostHasRoomEachIsNamedWithHowFullItIs() {
        assertThatThrownBy(() -> Placement.choose(ZONE_B, HOSTS, Map.of("two", 3, "small", 1), DEFAULTS))
                .isInstanceOfSatisfying(HostsFullException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POOL_EXHAUSTED);
                    assertThat(e.getMessage()).isEqualTo("no host matching zone=b has room: host 'small' is full: "
                            + "1 of its capacity 1; host 'two' is full: 3 of its capacity 3");
                    assertThat(e.full()).containsExactly(entry("small", "host 'small' is full: 1 of its capacity 1"),
                            entry("two", "host 'two' is full: 3 of its capacity 3"));
                });
    }

    @Test
    void excludedHostsAreNotCandidatesAndTheFullOnesLeftAreNamed() {
        assertThatThrownBy(() -> Placement.choose(ZONE_B.excluding("two"), HOSTS, Map.of("small", 1), DEFAULTS))
                .isInstanceOfSatisfying(HostsFullException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("no host matching zone=b has room once two excluded: "
                            + "host 'small' is full: 1 of its capacity 1");
                    assertThat(e.full()).containsOnlyKeys("small");
                });
        assertThatThrownBy(() -> Placement.choose(ZONE_B.excluding("two").excluding("small"), HOSTS, Map.of(),
                DEFAULTS))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e).isNotInstanceOf(HostsFullException.class);
                    assertThat(e.code()).isEqualTo(ErrorCode.POOL_EXHAUSTED);
                    assertThat(e.getMessage()).startsWith("no host matching zone=b is left once small, two excluded");
                    assertThat(e.remedy()).isEmpty();
                });
    }

    @Test
    void aHostWithoutCapacityIsFullWhenItHoldsAsManyAsTheSmallestPortPool() {
        AllocationPolicy tiny = AllocationPolicy.fromProperties(Map.of("pool.http", "18080-18081"));

        assertThatThrownBy(() -> Placement.choose(HostRequest.AUTO, List.of(Host.LOCAL), Map.of("local", 2), tiny))
                .isInstanceOfSatisfying(HostsFullException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("no host has room: host 'local' is full: 2 environments, as many as the smallest "
                                + "port pool holds (2)"));
    }

    @Test
    void aSelectorNoHostMatchesListsEachHostWithItsLabelsAndNamesNoPool() {
        assertThatThrownBy(() -> Placement.choose(HostRequest.auto(Map.of("gpu", "true")), HOSTS, Map.of(),
                DEFAULTS))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e).isNotInstanceOf(HostsFullException.class);
                    assertThat(e.code()).isEqualTo(ErrorCode.POOL_EXHAUSTED);
                    assertThat(e.remedy()).contains(Remedy.MATCHING_HOST);
                    assertThat(e.getMessage()).isEqualTo("no host matches the host selector gpu=true; hosts: local "
                            + "(no labels), small (gpu=false,zone=b), two (zone=b); add a host with those labels or "
                            + "give another selector");
                });
    }

    /** A label value with a ',' is quoted in the message, as host list shows it: one label, not two. */
    @Test
    void aSelectorOrLabelValueWithACommaIsQuotedInTheMessage() {
        Host split = new Host("split", "tcp://h:2376", null, Map.of("team", "a", "b", "c"), null);
        assertThatThrownBy(() -> Placement.choose(HostRequest.auto(Map.of("team", "a,b=c")), List.of(split), Map.of(),
                DEFAULTS))
                .hasMessage("no host matches the host selector team=\"a,b=c\"; hosts: split (b=c,team=a); add a host "
                        + "with those labels or give another selector");
    }

    @Test
    void aSelectorMatchingOnlyExcludedHostsSaysNoneIsLeftRatherThanThatNoneMatches() {
        assertThatThrownBy(() -> Placement.choose(HostRequest.auto(Map.of("gpu", "false")).excluding("small"),
                HOSTS, Map.of(), DEFAULTS))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.getMessage()).startsWith("no host matching gpu=false is left once small excluded");
                    assertThat(e.remedy()).isEmpty();
                });
    }

    @Test
    void aNamedHostAtItsCapacityIsFull() {
        assertThatThrownBy(() -> Placement.choose(HostRequest.of("small"), HOSTS, Map.of("small", 1), DEFAULTS))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POOL_EXHAUSTED);
                    assertThat(e.getMessage()).isEqualTo("host 'small' is full: 1 of its capacity 1");
                });
    }
}
