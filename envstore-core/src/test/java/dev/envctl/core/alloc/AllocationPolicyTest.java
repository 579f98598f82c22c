package dev.envctl.core.alloc;

import dev.envctl.core.Cidr;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.PortRole;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AllocationPolicyTest {

    @Test
    void defaultsHoldAtLeastAHundredEnvironmentsInEveryPool() {
        AllocationPolicy d = AllocationPolicy.defaults();
        for (PortRole role : PortRole.values()) {
            assertThat(d.pool(role).size()).as(role.key()).isGreaterThanOrEqualTo(100);
        }
        long blocks = d.subnetPool().size() >> (32 - d.subnetPrefix());
        assertThat(blocks).isGreaterThanOrEqualTo(100);
    }

    @Test
    void defaultPoolsDoNotOverlapEachOther() {
        AllocationPolicy d = AllocationPolicy.defaults();
        for (PortRole a : PortRole.values()) {
            for (PortRole b : PortRole.values()) {
                if (a != b) {
                    assertThat(d.pool(a).to() < d.pool(b).from() || d.pool(b).to() < d.pool(a).from())
                            .as(a + " vs " + b).isTrue();
                }
            }
        }
    }

    @Test
    void propertiesOverrideTheDefaultsAndRoundTrip() {
        AllocationPolicy p = AllocationPolicy.fromProperties(Map.of("pool.http", "20000-20999",
                "pool.subnet", "172.30.0.0/16", "pool.subnet.prefix", "/26"));
        assertThat(p.pool(PortRole.HTTP)).isEqualTo(new PortRange(20000, 20999));
        assertThat(p.pool(PortRole.PF)).isEqualTo(AllocationPolicy.defaults().pool(PortRole.PF));
        assertThat(p.subnetPool()).isEqualTo(Cidr.parse("172.30.0.0/16"));
        assertThat(p.subnetPrefix()).isEqualTo(26);
        assertThat(AllocationPolicy.fromProperties(p.toProperties())).isEqualTo(p);
        assertThat(p.toProperties().keySet()).containsExactlyInAnyOrderElementsOf(AllocationPolicy.KEYS);
    }

    @Test
    void badValuesSayWhatIsAllowed() {
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.http", "20999-20000")))
                .isInstanceOf(EnvctlException.class).hasMessageContaining("low-high");
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.http", "abc")))
                .hasMessageContaining("18080-18399");
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.api", "0-10")))
                .hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.subnet.prefix", "12")))
                .hasMessageContaining("/14 to /30");
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.subnet.prefix", "33")))
                .hasMessage("pool.subnet.prefix: subnet prefix /33 leaves no room for a Docker network's gateway and "
                        + "nodes; allowed: /14 to /30");
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.subnet", "127.0.0.0/8")))
                .hasMessageStartingWith("pool.subnet: 127.0.0.0/8 overlaps the loopback");
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.subnet.prefix", "x")))
                .hasMessageContaining("prefix length");
    }

    @Test
    void aBadPoolValueNamesItsKey() {
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(
                        Map.of("pool.https", "18400")))
                .hasMessage("pool.https: port pool '18400' is invalid; write it low-high, such as 18080-18399");
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(
                        Map.of("pool.subnet", "10.100.0.1/14")))
                .hasMessageStartingWith("pool.subnet: subnet '10.100.0.1/14' has host bits set");
    }

    @Test
    void aBadValueNamesItsKeyAsTheCallerLabelsIt() {
        UnaryOperator<String> label = key -> "setting " + key + " of site.conf";
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.https", "18400"), label))
                .hasMessage("setting pool.https of site.conf: port pool '18400' is invalid; write it low-high, such as "
                        + "18080-18399");
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.subnet", "127.0.0.0/8"), label))
                .hasMessageStartingWith("setting pool.subnet of site.conf: 127.0.0.0/8 overlaps the loopback");
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.subnet.prefix", "x"), label))
                .hasMessage("setting pool.subnet.prefix of site.conf: 'x' is invalid; write a prefix length such as "
                        + "24");
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.subnet.prefix", "33"), label))
                .hasMessageStartingWith("setting pool.subnet.prefix of site.conf: subnet prefix /33 leaves no room");
    }

    @Test
    void aPoolSmallerThanTheBlocksNamesTheKeyGivenAndWhereThePrefixCameFrom() {
        UnaryOperator<String> label = key -> "setting " + key + " of site.conf";
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.subnet", "10.0.0.0/26"), label))
                .hasMessage("setting pool.subnet of site.conf: pool 10.0.0.0/26 is smaller than the /24 blocks envctl "
                        + "allocates (pool.subnet.prefix, default 24); set pool.subnet.prefix to 26 or more (at most "
                        + "30), or a larger pool");
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.subnet", "10.0.0.0/26",
                        "pool.subnet.prefix", "25"), label))
                .hasMessage("setting pool.subnet of site.conf: pool 10.0.0.0/26 is smaller than the /25 blocks envctl "
                        + "allocates (pool.subnet.prefix=25); set pool.subnet.prefix to 26 or more (at most 30), or a "
                        + "larger pool");
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.subnet", "10.0.0.0/30"), label))
                .hasMessage("setting pool.subnet of site.conf: pool 10.0.0.0/30 is smaller than the /24 blocks envctl "
                        + "allocates (pool.subnet.prefix, default 24); set pool.subnet.prefix to 30, or a larger pool");
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.subnet", "10.0.0.0/8",
                        "pool.subnet.prefix", "4"), label))
                .as("no pool is larger than /8: the prefix is at fault")
                .hasMessage("setting pool.subnet.prefix of site.conf: /4 blocks are larger than the pool they come "
                        + "from, 10.0.0.0/8; allowed: /8 to /30");
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.subnet.prefix", "12"), label))
                .hasMessage("setting pool.subnet.prefix of site.conf: /12 blocks are larger than the pool they come "
                        + "from, 10.100.0.0/14 (the default pool.subnet); allowed: /14 to /30, or set a larger "
                        + "pool.subnet");
    }

    @Test
    void aPolicyWithoutAPoolForARoleSaysWhichInLibraryTerms() {
        AllocationPolicy d = AllocationPolicy.defaults();
        Map<PortRole, PortRange> noHttps = new java.util.EnumMap<>(d.portPools());
        noHttps.remove(PortRole.HTTPS);

        assertThatThrownBy(() -> new AllocationPolicy(noHttps, d.subnetPool(), d.subnetPrefix()))
                .isInstanceOf(EnvctlException.class)
                .hasMessage("no port pool for role https; give a pool for each of http, https, pf and api");
    }

    @Test
    void aRefusedSubnetPrefixIsQuotedWithoutControlCharacters() {
        assertThatThrownBy(() -> AllocationPolicy.fromProperties(Map.of("pool.subnet.prefix", "2\u001b4")))
                .hasMessage("pool.subnet.prefix: '2?4' is invalid; write a prefix length such as 24");
    }
}
