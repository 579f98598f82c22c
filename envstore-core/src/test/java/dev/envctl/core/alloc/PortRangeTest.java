package dev.envctl.core.alloc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PortRangeTest {
    @Test
    void rangesOverlapWhenTheyShareAPortEvenAtTheirEnds() {
        PortRange pool = new PortRange(18080, 18399);
        assertThat(pool.overlaps(new PortRange(18399, 18500))).isTrue();
        assertThat(pool.overlaps(new PortRange(18000, 18080))).isTrue();
        assertThat(pool.overlaps(new PortRange(18100, 18200))).isTrue();
        assertThat(new PortRange(18100, 18200).overlaps(pool)).isTrue();
        assertThat(pool.overlaps(new PortRange(18400, 18799))).isFalse();
        assertThat(new PortRange(18400, 18799).overlaps(pool)).isFalse();
        assertThat(pool.overlaps(new PortRange(1, 18079))).isFalse();
    }
}
