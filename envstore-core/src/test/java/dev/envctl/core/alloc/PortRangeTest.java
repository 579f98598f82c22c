package dev.envctl.core.alloc;

import dev.envctl.core.EnvctlException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void parsesLowHighOfAsciiDigitsOnly() {
        assertThat(PortRange.parse(" 18080 - 18399 ")).isEqualTo(new PortRange(18080, 18399));
        for (String text : List.of("+18080-18399", "18080-+18399", "\uFF11\uFF18\uFF10\uFF18\uFF10-18399", "18080",
                "-18399", "18080-", "0x46a0-18399", "1_8080-18399")) {
            assertThatThrownBy(() -> PortRange.parse(text)).as(text).isInstanceOf(EnvctlException.class)
                    .hasMessageStartingWith("port pool '");
        }
    }
}
