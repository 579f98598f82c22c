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
}
