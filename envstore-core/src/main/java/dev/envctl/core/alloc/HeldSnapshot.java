package dev.envctl.core.alloc;

import dev.envctl.core.Cidr;
import dev.envctl.core.Environment;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * An in-memory view of what a set of environments holds: host ports in a bit set of 65,536 bits (lowest
 * free port by {@link BitSet#nextClearBit}) and subnets in a tree ordered by first address (overlap test in
 * O(log n), since held subnets never overlap each other). The lowest free block of a subnet pool comes from
 * a bit set of the pool's blocks, built on first use for that pool and kept in step by later additions, so
 * it does not walk the held subnets one by one. Not thread-safe; build one per atomic step.
 */
public final class HeldSnapshot implements HeldResources {
    private final BitSet ports = new BitSet(65536);
    private final Map<Integer, String> portHolders = new HashMap<>();
    private final NavigableMap<Long, SubnetHolder> subnets = new TreeMap<>();
    /** Pools with more blocks than this are walked by the default method instead of a bit set. */
    private static final long MAX_BLOCKS = 1L << 22;
    private Cidr blockPool;
    private int blockPrefix;
    private BitSet usedBlocks;

    /** Everything the given environments hold. */
    public static HeldSnapshot of(Iterable<Environment> environments) {
        HeldSnapshot s = new HeldSnapshot();
        for (Environment e : environments) {
            s.add(e);
        }
        return s;
    }

    /**
     * What counts against a create on {@code host}: the ports of the environments on that host, and the
     * subnets of all of them (subnets are unique across the whole store).
     */
    public static HeldSnapshot of(Iterable<Environment> environments, String host) {
        HeldSnapshot s = new HeldSnapshot();
        for (Environment e : environments) {
            if (e.host().equals(host)) {
                s.add(e);
            } else if (e.subnet() != null) {
                s.addSubnet(e.subnet(), e.name());
            }
        }
        return s;
    }

    /** Adds what {@code e} holds; later holders of a port or block do not replace earlier ones. */
    public HeldSnapshot add(Environment e) {
        for (Integer port : e.ports().values()) {
            addPort(port, e.name());
        }
        if (e.subnet() != null) {
            addSubnet(e.subnet(), e.name());
        }
        return this;
    }

    public void addPort(int port, String holder) {
        ports.set(port);
        portHolders.putIfAbsent(port, holder);
    }

    public void addSubnet(Cidr subnet, String holder) {
        subnets.putIfAbsent(subnet.first(), new SubnetHolder(holder, subnet));
        if (usedBlocks != null) {
            markBlocks(subnet);
        }
    }

    @Override
    public Optional<String> portHolder(int port) {
        return ports.get(port) ? Optional.of(portHolders.get(port)) : Optional.empty();
    }

    @Override
    public OptionalInt lowestFreePort(int from, int to) {
        int free = ports.nextClearBit(from);
        return free <= to ? OptionalInt.of(free) : OptionalInt.empty();
    }

    @Override
    public Optional<SubnetHolder> overlapping(Cidr block) {
        Map.Entry<Long, SubnetHolder> below = subnets.floorEntry(block.last());
        if (below != null && below.getValue().subnet().overlaps(block)) {
            return Optional.of(below.getValue());
        }
        return Optional.empty();
    }

    @Override
    public Optional<Cidr> lowestFreeSubnet(Cidr pool, int prefix) {
        long blocks = pool.size() >> (32 - prefix);
        if (blocks > MAX_BLOCKS) {
            return HeldResources.super.lowestFreeSubnet(pool, prefix);
        }
        if (!pool.equals(blockPool) || prefix != blockPrefix) {
            blockPool = pool;
            blockPrefix = prefix;
            usedBlocks = new BitSet((int) blocks);
            for (SubnetHolder h : subnets.values()) {
                markBlocks(h.subnet());
            }
        }
        int free = usedBlocks.nextClearBit(0);
        return free < blocks ? Optional.of(new Cidr(pool.first() + ((long) free << (32 - prefix)), prefix))
                : Optional.empty();
    }

    /** Marks the blocks of the current pool that {@code held} shares an address with. */
    private void markBlocks(Cidr held) {
        if (!held.overlaps(blockPool)) {
            return;
        }
        long from = Math.max(held.first(), blockPool.first()) - blockPool.first();
        long to = Math.min(held.last(), blockPool.last()) - blockPool.first();
        int shift = 32 - blockPrefix;
        usedBlocks.set((int) (from >> shift), (int) (to >> shift) + 1);
    }
}
