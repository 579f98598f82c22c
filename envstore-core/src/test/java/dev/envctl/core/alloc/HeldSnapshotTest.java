package dev.envctl.core.alloc;

import dev.envctl.core.Cidr;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HeldSnapshotTest {

    @Test
    void answersPortQueriesAtTheEdgesOfTheRange() {
        HeldSnapshot s = new HeldSnapshot();
        s.addPort(1, "a");
        s.addPort(65535, "b");
        assertThat(s.portHolder(1)).contains("a");
        assertThat(s.portHolder(65535)).contains("b");
        assertThat(s.portHolder(2)).isEmpty();
        assertThat(s.lowestFreePort(1, 1)).isEmpty();
        assertThat(s.lowestFreePort(1, 2)).hasValue(2);
        assertThat(s.lowestFreePort(65535, 65535)).isEmpty();
    }

    @Test
    void firstHolderOfAPortIsKept() {
        HeldSnapshot s = new HeldSnapshot();
        s.addPort(80, "first");
        s.addPort(80, "second");
        assertThat(s.portHolder(80)).contains("first");
    }

    @Test
    void findsOverlapsOnBothSidesOfABlock() {
        HeldSnapshot s = new HeldSnapshot();
        s.addSubnet(Cidr.parse("10.1.0.0/16"), "a");
        s.addSubnet(Cidr.parse("10.3.4.0/24"), "b");
        assertThat(s.overlapping(Cidr.parse("10.1.200.0/24"))).hasValueSatisfying(h -> assertThat(h.name()).isEqualTo("a"));
        assertThat(s.overlapping(Cidr.parse("10.0.0.0/8"))).isPresent();
        assertThat(s.overlapping(Cidr.parse("10.3.0.0/16"))).hasValueSatisfying(h -> assertThat(h.name()).isEqualTo("b"));
        assertThat(s.overlapping(Cidr.parse("10.2.0.0/16"))).isEmpty();
        assertThat(s.overlapping(Cidr.parse("10.3.5.0/24"))).isEmpty();
    }

    /**
     * Subnets the Kindler scripts wrote may overlap: a block inside a larger subnet overlaps it although a smaller
     * subnet, which it does not overlap, starts nearer below it.
     */
    @Test
    void aBlockInsideALargerSubnetOverlapsItPastANearerSmallerOne() {
        HeldSnapshot s = new HeldSnapshot();
        s.addSubnet(Cidr.parse("10.0.0.0/16"), "a");
        s.addSubnet(Cidr.parse("10.0.1.0/24"), "b");

        assertThat(s.overlapping(Cidr.parse("10.0.5.0/24"))).contains(new SubnetHolder("a", Cidr.parse("10.0.0.0/16")));
        assertThat(s.overlapping(Cidr.parse("10.0.1.0/24"))).as("the one that starts highest")
                .contains(new SubnetHolder("b", Cidr.parse("10.0.1.0/24")));
        assertThat(s.overlapping(Cidr.parse("10.1.0.0/24"))).isEmpty();
        assertThat(s.lowestFreeSubnet(Cidr.parse("10.0.0.0/8"), 24)).contains(Cidr.parse("10.1.0.0/24"));
    }

    /**
     * Of subnets starting at one address, each counts, not only the first holder: a larger one added after a smaller
     * one holds its blocks, whether the pool's blocks were counted before or after it came.
     */
    @Test
    void aLaterHolderOfASubnetStartHoldsItsAddresses() {
        Cidr pool = Cidr.parse("10.0.0.0/8");
        for (boolean countedBefore : new boolean[] {false, true}) {
            HeldSnapshot s = new HeldSnapshot();
            s.addSubnet(Cidr.parse("10.0.0.0/24"), "a");
            if (countedBefore) {
                assertThat(s.lowestFreeSubnet(pool, 24)).contains(Cidr.parse("10.0.1.0/24"));
            }
            s.addSubnet(Cidr.parse("10.0.0.0/16"), "b");

            assertThat(s.overlapping(Cidr.parse("10.0.5.0/24"))).as("counted before: %s", countedBefore)
                    .contains(new SubnetHolder("b", Cidr.parse("10.0.0.0/16")));
            assertThat(s.overlapping(Cidr.parse("10.0.0.0/24"))).as("the first holder of the start")
                    .contains(new SubnetHolder("a", Cidr.parse("10.0.0.0/24")));
            assertThat(s.lowestFreeSubnet(pool, 24)).as("counted before: %s", countedBefore)
                    .contains(Cidr.parse("10.1.0.0/24"));

            s.removeSubnet(Cidr.parse("10.0.0.0/24"), "a");
            assertThat(s.overlapping(Cidr.parse("10.0.0.0/24")))
                    .contains(new SubnetHolder("b", Cidr.parse("10.0.0.0/16")));
            assertThat(s.lowestFreeSubnet(pool, 24)).contains(Cidr.parse("10.1.0.0/24"));
            s.addSubnet(Cidr.parse("10.0.0.0/24"), "a");
            s.removeSubnet(Cidr.parse("10.0.0.0/16"), "b");
            assertThat(s.overlapping(Cidr.parse("10.0.5.0/24"))).isEmpty();
            assertThat(s.lowestFreeSubnet(pool, 24)).contains(Cidr.parse("10.0.1.0/24"));
        }
    }

    @Test
    void lowestFreeSubnetAlignsToTheBlockSize() {
        HeldSnapshot s = new HeldSnapshot();
        s.addSubnet(Cidr.parse("10.0.0.0/26"), "a");
        assertThat(s.lowestFreeSubnet(Cidr.parse("10.0.0.0/16"), 24)).contains(Cidr.parse("10.0.1.0/24"));
        assertThat(s.lowestFreeSubnet(Cidr.parse("10.0.0.0/16"), 26)).contains(Cidr.parse("10.0.0.64/26"));
        assertThat(s.lowestFreeSubnet(Cidr.parse("10.0.0.0/26"), 26)).isEmpty();
    }

    /** The bit set of blocks answers exactly as the default walk over held subnets does. */
    @Test
    void lowestFreeSubnetAgreesWithTheDefaultWalkAsSubnetsAreAdded() {
        java.util.Random random = new java.util.Random(20261126);
        Cidr pool = Cidr.parse("10.64.0.0/16");
        HeldSnapshot fast = new HeldSnapshot();
        HeldResources walk = walking(fast);
        for (int i = 0; i < 300; i++) {
            int prefix = 20 + (i / 10) % 9; // ten rounds per prefix: the bit set is built, then kept in step
            assertThat(fast.lowestFreeSubnet(pool, prefix)).as("round %d, /%d", i, prefix)
                    .isEqualTo(walk.lowestFreeSubnet(pool, prefix));
            Cidr candidate = Cidr.enclosing(0x0A400000L + random.nextInt(1 << 16), 22 + random.nextInt(9));
            if (fast.overlapping(candidate).isEmpty()) {
                fast.addSubnet(candidate, "e" + i);
            }
            if (i == 5) {
                fast.addSubnet(Cidr.parse("192.168.0.0/16"), "outside-the-pool");
            }
        }
        assertThat(fast.lowestFreeSubnet(Cidr.parse("0.0.0.0/0"), 30)).isPresent();
    }

    /** The answers of {@code s}, but the lowest free subnet, which the default method walks with its overlap test. */
    static HeldResources walking(HeldSnapshot s) {
        return new HeldResources() {
            @Override
            public java.util.Optional<String> portHolder(int port) {
                return s.portHolder(port);
            }

            @Override
            public java.util.OptionalInt lowestFreePort(int from, int to) {
                return s.lowestFreePort(from, to);
            }

            @Override
            public java.util.Optional<SubnetHolder> overlapping(Cidr block) {
                return s.overlapping(block);
            }
        };
    }
}
