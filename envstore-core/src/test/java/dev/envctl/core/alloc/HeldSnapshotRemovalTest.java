package dev.envctl.core.alloc;

import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.HostPorts;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot kept in step by adding and removing records answers as one built afresh from the records left: a
 * port or subnet several records hold (rows the Kindler scripts wrote) passes to the next of them.
 */
class HeldSnapshotRemovalTest {
    private static final String HOST = "local";
    private static final Cidr POOL = Cidr.parse("10.64.0.0/20");
    private static final Instant T = Instant.parse("2026-11-26T08:00:00Z");

    @Test
    void aRemovedFirstHolderPassesThePortToTheNextOne() {
        Environment a = record("a", HOST, new HostPorts(80, 443, null, null), null);
        Environment b = record("b", HOST, new HostPorts(80, null, null, null), null);
        HeldSnapshot s = HeldSnapshot.of(List.of(a, b), HOST);

        s.remove(a, HOST);

        assertThat(s.portHolder(80)).contains("b");
        assertThat(s.portHolder(443)).isEmpty();
        assertThat(s.lowestFreePort(443, 443)).hasValue(443);
        s.remove(b, HOST);
        assertThat(s.portHolder(80)).isEmpty();
        assertThat(s.lowestFreePort(80, 80)).hasValue(80);
    }

    @Test
    void aRemovedSubnetFreesItsBlocksButNotThoseAnotherStillOverlaps() {
        Environment wide = record("wide", "two", new HostPorts(80, null, null, null), Cidr.parse("10.64.0.0/23"));
        Environment narrow = record("narrow", HOST, new HostPorts(81, null, null, null),
                Cidr.parse("10.64.1.0/24"));
        HeldSnapshot s = HeldSnapshot.of(List.of(wide, narrow), HOST);
        assertThat(s.lowestFreeSubnet(POOL, 24)).contains(Cidr.parse("10.64.2.0/24"));

        s.remove(narrow, HOST);
        assertThat(s.lowestFreeSubnet(POOL, 24)).contains(Cidr.parse("10.64.2.0/24"));
        s.remove(wide, HOST);
        assertThat(s.lowestFreeSubnet(POOL, 24)).contains(Cidr.parse("10.64.0.0/24"));
        assertThat(s.portHolder(80)).isEmpty();
        assertThat(s.overlapping(Cidr.parse("10.64.0.0/20"))).isEmpty();
    }

    @Test
    void answersAsASnapshotOfTheRecordsLeftInTheOrderTheyWereAdded() {
        for (long seed = 1; seed <= 60; seed++) {
            checkRandomChanges(new Random(seed), null);
        }
    }

    @Test
    void answersAsASnapshotOfTheRecordsLeftInTheOrderItIsGiven() {
        Comparator<String> byName = Comparator.naturalOrder();
        for (long seed = 1; seed <= 60; seed++) {
            checkRandomChanges(new Random(seed), byName);
        }
    }

    /**
     * Random adds, removes and replacements (a record's next version under its name) of records that share ports
     * and subnets, each answer checked against a snapshot built afresh; with {@code order}, the records left are
     * taken in that order, else in the order they were (last) added.
     */
    private static void checkRandomChanges(Random random, Comparator<String> order) {
        HeldSnapshot kept = order == null ? new HeldSnapshot() : new HeldSnapshot(order);
        List<Environment> left = new ArrayList<>();
        int prefix = 24;
        for (int step = 0; step < 150; step++) {
            int op = random.nextInt(10);
            if (op < 5 || left.isEmpty()) {
                Environment e = randomRecord(random, "e" + step);
                kept.add(e, HOST);
                left.add(e);
            } else {
                Environment gone = left.remove(random.nextInt(left.size()));
                kept.remove(gone, HOST);
                if (op >= 8) {
                    Environment next = randomRecord(random, gone.name());
                    kept.add(next, HOST);
                    left.add(next);
                }
            }
            if (random.nextInt(8) == 0) {
                prefix = 22 + random.nextInt(5);
            }
            List<Environment> fresh = new ArrayList<>(left);
            if (order != null) {
                fresh.sort(Comparator.comparing(Environment::name, order));
            }
            assertSameAnswers(kept, HeldSnapshot.of(fresh, HOST), prefix, "step " + step + " " + left);
        }
    }

    private static void assertSameAnswers(HeldSnapshot kept, HeldSnapshot fresh, int prefix, String where) {
        for (int port = 7998; port <= 8018; port++) {
            assertThat(kept.portHolder(port)).as("holder of %d at %s", port, where).isEqualTo(fresh.portHolder(port));
            assertThat(kept.lowestFreePort(port, 8018)).as("free from %d at %s", port, where)
                    .isEqualTo(fresh.lowestFreePort(port, 8018));
        }
        for (long address = POOL.first() - 256; address <= POOL.last() + 256; address += 128) {
            for (int p = 20; p <= 28; p += 4) {
                Cidr block = Cidr.enclosing(address, p);
                assertThat(kept.overlapping(block)).as("overlapping %s at %s", block, where)
                        .isEqualTo(fresh.overlapping(block));
            }
        }
        assertThat(kept.lowestFreeSubnet(POOL, prefix)).as("lowest free /%d at %s", prefix, where)
                .isEqualTo(fresh.lowestFreeSubnet(POOL, prefix));
    }

    /** Up to four of 8000..8015 (many shared), a subnet in or near the pool half the time, on one of two hosts. */
    private static Environment randomRecord(Random random, String name) {
        Integer[] ports = new Integer[4];
        List<Integer> candidates = new ArrayList<>();
        for (int p = 8000; p <= 8015; p++) {
            candidates.add(p);
        }
        for (int i = 0; i < ports.length; i++) {
            if (random.nextInt(4) > 0) {
                ports[i] = candidates.remove(random.nextInt(candidates.size()));
            }
        }
        Cidr subnet = random.nextBoolean() ? null
                : Cidr.enclosing(POOL.first() - 512 + random.nextInt(5120), 20 + random.nextInt(9));
        return record(name, random.nextInt(4) == 0 ? "two" : HOST,
                new HostPorts(ports[0], ports[1], ports[2], ports[3]), subnet);
    }

    private static Environment record(String name, String host, HostPorts ports, Cidr subnet) {
        return new Environment(name, "k3d", subnet, ports, 30080, Map.of(), Map.of(), DesiredState.PRESENT,
                ActualState.RUNNING, null, T, T, 1, host);
    }
}
