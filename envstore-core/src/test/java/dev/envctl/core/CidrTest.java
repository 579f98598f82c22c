package dev.envctl.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

    @Test
    void parsesAndPrintsTheSameBlock() {
        Cidr c = Cidr.parse("10.101.0.0/16");
        assertThat(c.toString()).isEqualTo("10.101.0.0/16");
        assertThat(c.first()).isEqualTo(0x0A650000L);
        assertThat(c.last()).isEqualTo(0x0A65FFFFL);
        assertThat(c.size()).isEqualTo(65536);
    }

    @Test
    void acceptsTheExtremePrefixes() {
        assertThat(Cidr.parse("0.0.0.0/0").size()).isEqualTo(1L << 32);
        assertThat(Cidr.parse("255.255.255.255/32").size()).isEqualTo(1);
        assertThat(Cidr.parse(" 192.168.1.0/24 ").toString()).isEqualTo("192.168.1.0/24");
    }

    @Test
    void rejectsHostBitsAndSuggestsTheBlock() {
        assertThatThrownBy(() -> Cidr.parse("10.101.0.1/16"))
                .isInstanceOf(EnvctlException.class)
                .hasMessageContaining("host bits")
                .hasMessageContaining("10.101.0.0/16")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.101.0.0", "10.101.0/16", "10.101.0.0.0/16", "256.0.0.0/8", "10.0.0.0/33",
            "10.0.0.0/-1", "a.b.c.d/8", "10.01.0.0/16", "10.0.0.0/", "/16", "10.0.0.0/16/1", "::1/128",
            "10.0.0.0 /16", "10.0.0.0/1a"})
    void rejectsMalformedValuesWithAOneLineMessage(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(EnvctlException.class)
                .satisfies(e -> {
                    assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).doesNotContain("\n");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/99", "10.0.0.0/-1", "10.0.0.0/x"})
    void aPrefixThatIsNoPrefixLengthSaysWhatAUsableSubnetHas(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(EnvctlException.class)
                .hasMessage("subnet '" + text + "' has an invalid prefix length '" + text.substring(8) + "'; allowed: "
                        + "/8 to /30 (a Docker network needs room for its gateway), such as 10.101.0.0/16");
    }

    @Test
    void overlapMeansSharingAnyAddress() {
        Cidr wide = Cidr.parse("10.101.0.0/16");
        assertThat(wide.overlaps(Cidr.parse("10.101.5.0/24"))).isTrue();
        assertThat(Cidr.parse("10.101.5.0/24").overlaps(wide)).isTrue();
        assertThat(wide.overlaps(wide)).isTrue();
        assertThat(wide.overlaps(Cidr.parse("10.102.0.0/16"))).isFalse();
        assertThat(wide.overlaps(Cidr.parse("10.100.255.0/24"))).isFalse();
        assertThat(wide.overlaps(Cidr.parse("10.0.0.0/8"))).isTrue();
    }

    @Test
    void containsBlocksAndAddresses() {
        Cidr wide = Cidr.parse("10.101.0.0/16");
        assertThat(wide.contains(Cidr.parse("10.101.255.0/24"))).isTrue();
        assertThat(wide.contains(Cidr.parse("10.0.0.0/8"))).isFalse();
        assertThat(wide.contains(0x0A65FFFFL)).isTrue();
        assertThat(wide.contains(0x0A660000L)).isFalse();
    }

    @Test
    void walksTheBlocksOfAPool() {
        List<String> blocks = new ArrayList<>();
        Cidr.parse("10.100.0.0/22").blocks(24).forEach(b -> blocks.add(b.toString()));
        assertThat(blocks).containsExactly("10.100.0.0/24", "10.100.1.0/24", "10.100.2.0/24", "10.100.3.0/24");
        List<Cidr> top = new ArrayList<>();
        Cidr.parse("255.255.255.252/30").blocks(32).forEach(top::add);
        assertThat(top).hasSize(4).last().hasToString("255.255.255.255/32");
    }

    @Test
    void refusesToSplitIntoWiderBlocks() {
        assertThatThrownBy(() -> Cidr.parse("10.100.0.0/24").blocks(16)).isInstanceOf(EnvctlException.class)
                .hasMessageContaining("/24");
    }

    @Test
    void ordersByFirstAddressThenPrefix() {
        List<Cidr> list = new ArrayList<>(List.of(Cidr.parse("10.1.0.0/16"), Cidr.parse("10.0.0.0/8"),
                Cidr.parse("10.0.0.0/16")));
        list.sort(null);
        assertThat(list).extracting(Cidr::toString).containsExactly("10.0.0.0/8", "10.0.0.0/16", "10.1.0.0/16");
    }

    @Test
    void enclosingBlockOfAnAddress() {
        assertThat(Cidr.enclosing(0x0A650501L, 24)).hasToString("10.101.5.0/24");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.101.0.0/16", "10.0.0.0/8", "172.16.0.0/12", "192.168.10.0/24", "10.200.0.4/30",
            "100.64.0.0/10", "11.0.0.0/8"})
    void aDockerNetworkMayUseAPrivateOrPublicBlockFromSlash8ToSlash30(String text) {
        Cidr c = Cidr.parse(text);
        assertThat(c.requireNetworkUsable("subnet")).isSameAs(c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0/0", "10.0.0.0/7", "8.0.0.0/7", "10.0.0.0/31", "10.0.0.0/32"})
    void aPrefixOutsideSlash8ToSlash30IsInvalidWithWhatIsAllowed(String text) {
        assertThatThrownBy(() -> Cidr.parse(text).requireNetworkUsable("subnet"))
                .isInstanceOf(EnvctlException.class)
                .hasMessageStartingWith("subnet " + text + " has prefix /")
                .hasMessageContaining("allowed: /8 to /30")
                .satisfies(e -> {
                    assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).doesNotContain("\n");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0/8|'this network'", "127.0.0.0/8|loopback", "127.1.0.0/16|loopback",
            "169.254.0.0/16|link-local", "169.254.3.0/24|link-local", "224.0.0.0/8|multicast",
            "239.1.0.0/16|multicast", "240.0.0.0/8|reserved", "255.255.255.0/24|reserved"})
    void aBlockInAReservedRangeIsInvalidNamingTheRange(String caseText) {
        String[] parts = caseText.split("\\|");
        assertThatThrownBy(() -> Cidr.parse(parts[0]).requireNetworkUsable("pool.subnet"))
                .isInstanceOf(EnvctlException.class)
                .hasMessageStartingWith("pool.subnet " + parts[0] + " overlaps the " + parts[1])
                .hasMessageContaining("such as 10.101.0.0/16")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
    }

    @Test
    void aBlockBesideAReservedRangeIsUsable() {
        assertThat(Cidr.parse("126.0.0.0/8").requireNetworkUsable("subnet")).isNotNull();
        assertThat(Cidr.parse("128.0.0.0/8").requireNetworkUsable("subnet")).isNotNull();
        assertThat(Cidr.parse("169.253.0.0/16").requireNetworkUsable("subnet")).isNotNull();
        assertThat(Cidr.parse("223.255.255.0/24").requireNetworkUsable("subnet")).isNotNull();
    }

    @Test
    void theGatewayIsTheFirstHostAddress() {
        assertThat(Cidr.parse("10.101.0.0/16").gateway()).isEqualTo("10.101.0.1");
        assertThat(Cidr.parse("10.0.0.0/8").gateway()).isEqualTo("10.0.0.1");
        assertThat(Cidr.parse("192.168.7.0/24").gateway()).isEqualTo("192.168.7.1");
        assertThat(Cidr.parse("10.200.0.4/30").gateway()).isEqualTo("10.200.0.5");
        assertThat(Cidr.parse("10.255.255.0/24").gateway()).isEqualTo("10.255.255.1");
    }

    /** A refused subnet is quoted with its control characters as '?', so none reaches a terminal or an embedder. */
    @Test
    void aRefusedSubnetIsQuotedWithoutControlCharacters() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0\u001b[2J")).hasMessage("subnet '10.0.0.0?[2J' has no prefix "
                + "length; expected an IPv4 CIDR such as 10.101.0.0/16");
        assertThatThrownBy(() -> Cidr.parse("10.0\u0007.0.0/16")).hasMessage("subnet '10.0?.0.0/16' has an invalid "
                + "address part '0?'; each part is 0 to 255 without leading zeros");
        assertThatThrownBy(() -> Cidr.parse("10\n.0.0/16")).hasMessage("subnet '10?.0.0/16' is not an IPv4 CIDR; "
                + "expected a.b.c.d/n, such as 10.101.0.0/16");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/1\t6")).hasMessageStartingWith("subnet '10.0.0.0/1?6' has an "
                + "invalid prefix length '/1?6'; ");
    }
}
