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
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot kept in step by adding and removing records answers as one built afresh from the records left: a
 * port or subnet several records hold (rows the Kindler scripts wrote) passes to the next of them. Subnets that nest
 * in one another or start together (rows the Kindler scripts wrote too) all count, as their definition says.
 */
class HeldSnapshotRemovalTest {
    private static final String HOST = "local";
    private static final Cidr POOL = Cidr.parse("10.64.0.0/20");
    /** The pool of the tests of subnets that overlap one another. */
    private static final Cidr NESTING = Cidr.parse("10.64.0.0/18");
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
            checkRandomChanges(new Random(seed), null, 150, HeldSnapshotRemovalTest::randomRecord,
                    (kept, left, prefix, where) -> assertSameAnswers(kept, HeldSnapshot.of(left, HOST), prefix, where));
        }
    }

    @Test
    void answersAsASnapshotOfTheRecordsLeftInTheOrderItIsGiven() {
        Comparator<String> byName = Comparator.naturalOrder();
        for (long seed = 1; seed <= 60; seed++) {
            checkRandomChanges(new Random(seed), byName, 150, HeldSnapshotRemovalTest::randomRecord,
                    (kept, left, prefix, where) -> assertSameAnswers(kept, HeldSnapshot.of(left, HOST), prefix, where));
        }
    }

    @Test
    void nestedSubnetsAndSubnetsStartingTogetherAllCountInTheOrderTheyWereAdded() {
        for (long seed = 1; seed <= 60; seed++) {
            checkRandomChanges(new Random(seed), null, 120, HeldSnapshotRemovalTest::nestingRecord,
                    HeldSnapshotRemovalTest::assertAnswersByDefinition);
        }
    }

    @Test
    void nestedSubnetsAndSubnetsStartingTogetherAllCountInTheOrderItIsGiven() {
        Comparator<String> byName = Comparator.naturalOrder();
        for (long seed = 1; seed <= 60; seed++) {
            checkRandomChanges(new Random(seed), byName, 120, HeldSnapshotRemovalTest::nestingRecord,
                    HeldSnapshotRemovalTest::assertAnswersByDefinition);
        }
    }

    /** Checks the answers of a snapshot kept in step with {@code left}, the records left in their order. */
    private interface Check {
        void check(HeldSnapshot kept, List<Environment> left, int prefix, String where);
    }

    /**
     * Random adds, removes and replacements (a record's next version under its name) of records {@code maker}
     * makes, each step's answers given to {@code check} with the records left; with {@code order}, the records left
     * are taken in that order, else in the order they were (last) added.
     */
    private static void checkRandomChanges(Random random, Comparator<String> order, int steps,
                                           BiFunction<Random, String, Environment> maker, Check check) {
        HeldSnapshot kept = order == null ? new HeldSnapshot() : new HeldSnapshot(order);
        List<Environment> left = new ArrayList<>();
        int prefix = 24;
        for (int step = 0; step < steps; step++) {
            int op = random.nextInt(10);
            if (op < 5 || left.isEmpty()) {
                Environment e = maker.apply(random, "e" + step);
                kept.add(e, HOST);
                left.add(e);
            } else {
                Environment gone = left.remove(random.nextInt(left.size()));
                kept.remove(gone, HOST);
                if (op >= 8) {
                    Environment next = maker.apply(random, gone.name());
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
            check.check(kept, fresh, prefix, "step " + step + " " + left);
        }
    }

    /**
     * The answers about subnets of a snapshot kept in step, of one built afresh, and of the default walk over the
     * kept one's overlap test are those of the definition over every subnet {@code left} holds.
     */
    private static void assertAnswersByDefinition(HeldSnapshot kept, List<Environment> left, int prefix,
                                                  String where) {
        HeldSnapshot fresh = HeldSnapshot.of(left, HOST);
        for (long address = NESTING.first() - 1024; address <= NESTING.last() + 1024; address += 256) {
            for (int p = 18; p <= 27; p += 3) {
                Cidr block = Cidr.enclosing(address, p);
                Optional<SubnetHolder> expected = overlappingByDefinition(left, block);
                assertThat(kept.overlapping(block)).as("overlapping %s at %s", block, where).isEqualTo(expected);
                assertThat(fresh.overlapping(block)).as("afresh, overlapping %s at %s", block, where)
                        .isEqualTo(expected);
            }
        }
        Optional<Cidr> lowest = lowestFreeByDefinition(left, NESTING, prefix);
        assertThat(kept.lowestFreeSubnet(NESTING, prefix)).as("lowest free /%d at %s", prefix, where)
                .isEqualTo(lowest);
        assertThat(fresh.lowestFreeSubnet(NESTING, prefix)).as("afresh, lowest free /%d at %s", prefix, where)
                .isEqualTo(lowest);
        assertThat(HeldSnapshotTest.walking(kept).lowestFreeSubnet(NESTING, prefix))
                .as("walked, lowest free /%d at %s", prefix, where).isEqualTo(lowest);
    }

    /**
     * The held subnet sharing an address with {@code block}, by definition: of those {@code records} hold, the one
     * that starts highest, and of several starting there the first record's.
     */
    private static Optional<SubnetHolder> overlappingByDefinition(List<Environment> records, Cidr block) {
        SubnetHolder found = null;
        for (Environment e : records) {
            if (e.subnet() != null && e.subnet().overlaps(block)
                    && (found == null || e.subnet().first() > found.subnet().first())) {
                found = new SubnetHolder(e.name(), e.subnet());
            }
        }
        return Optional.ofNullable(found);
    }

    /** The lowest block of {@code prefix} in {@code pool} sharing no address with a subnet {@code records} hold. */
    private static Optional<Cidr> lowestFreeByDefinition(List<Environment> records, Cidr pool, int prefix) {
        long size = 1L << (32 - prefix);
        for (long first = pool.first(); first + size - 1 <= pool.last(); first += size) {
            Cidr block = new Cidr(first, prefix);
            if (records.stream().noneMatch(e -> e.subnet() != null && e.subnet().overlaps(block))) {
                return Optional.of(block);
            }
        }
        return Optional.empty();
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

    /**
     * A record on one of two hosts with, three times in four, a subnet of /18 to /28 in or near {@link #NESTING},
     * most starting at one of 16 addresses: subnets that nest in one another and start together, as rows the
     * Kindler scripts wrote can.
     */
    private static Environment nestingRecord(Random random, String name) {
        long address = NESTING.first() + 1024L * random.nextInt(16)
                + (random.nextInt(4) == 0 ? random.nextInt(1024) : 0);
        int prefix = random.nextInt(6) == 0 ? 18 + random.nextInt(4) : 22 + random.nextInt(7);
        Cidr subnet = random.nextInt(4) == 0 ? null : Cidr.enclosing(address, prefix);
        return record(name, random.nextInt(4) == 0 ? "two" : HOST, HostPorts.NONE, subnet);
    }

    private static Environment record(String name, String host, HostPorts ports, Cidr subnet) {
        return new Environment(name, "k3d", subnet, ports, 30080, Map.of(), Map.of(), DesiredState.PRESENT,
                ActualState.RUNNING, null, T, T, 1, host);
    }
}
