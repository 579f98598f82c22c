package dev.envctl.core.alloc;

import dev.envctl.core.Cidr;
import dev.envctl.core.Environment;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * An in-memory view of what a set of environments holds: host ports in a bit set of 65,536 bits (lowest
 * free port by {@link BitSet#nextClearBit}) and subnets in a tree ordered by first address. Held subnets may
 * overlap each other (rows the Kindler scripts wrote): the overlap test walks down the tree from the block's
 * last address through the subnets that start less than the largest held subnet's size below the block, so
 * when the held subnets are of one size and do not overlap, it looks at one (O(log n)). The lowest free block
 * of a subnet pool comes from a bit set of the pool's blocks, built on first use for that pool and kept in
 * step by later additions, so it does not walk the held subnets one by one.
 *
 * <p>Where several environments hold one port, or subnets starting at one address (rows the Kindler scripts
 * wrote), the first holder answers; the others wait behind it, so that {@link #remove} leaves the snapshot a
 * snapshot of the environments left would be. The subnets of those waiting count all the same: of the held
 * subnets a block overlaps, {@link #overlapping} answers the one that starts highest, of several starting there
 * the first holder's that overlaps it, and no free block overlaps any. Not thread-safe; build one per atomic
 * step, or keep one in step with a set of records that changes.
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
    /** The order of holders by name; null: the order they were added in. */
    private final Comparator<String> order;
    /** The holders of a port after the first, in order; null until a port has a second holder. */
    private Map<Integer, List<String>> laterPortHolders;
    /** The holders of subnets starting at an address after the first, in order; null until there is one. */
    private Map<Long, List<SubnetHolder>> laterSubnetHolders;
    /** The size of the largest subnet added, which bounds how far before an address a subnet covering it starts. */
    private long largestSubnet;

    /** An empty snapshot whose holders of one port or subnet start answer in the order they were added. */
    public HeldSnapshot() {
        this(null);
    }

    /**
     * An empty snapshot whose holders of one port, or of subnets starting at one address, rank by {@code order} of
     * their names, whatever order they were added in: the snapshot answers as one built from its environments in
     * that order, also after some were removed and added again.
     */
    public HeldSnapshot(Comparator<String> order) {
        this.order = order;
    }

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

    /** Adds what {@code e} holds against a create on {@code host}, as {@link #of(Iterable, String)} counts it. */
    public HeldSnapshot add(Environment e, String host) {
        if (e.host().equals(host)) {
            add(e);
        } else if (e.subnet() != null) {
            addSubnet(e.subnet(), e.name());
        }
        return this;
    }

    public void addPort(int port, String holder) {
        ports.set(port);
        String first = portHolders.putIfAbsent(port, holder);
        if (first != null) {
            if (laterPortHolders == null) {
                laterPortHolders = new HashMap<>();
            }
            portHolders.put(port, share(laterPortHolders, port, first, holder, order));
        }
    }

    public void addSubnet(Cidr subnet, String holder) {
        SubnetHolder added = new SubnetHolder(holder, subnet);
        SubnetHolder first = subnets.putIfAbsent(subnet.first(), added);
        largestSubnet = Math.max(largestSubnet, subnet.size());
        if (usedBlocks != null) {
            markBlocks(subnet);
        }
        if (first == null) {
            return;
        }
        if (laterSubnetHolders == null) {
            laterSubnetHolders = new HashMap<>();
        }
        SubnetHolder holds = share(laterSubnetHolders, subnet.first(), first, added,
                order == null ? null : Comparator.comparing(SubnetHolder::name, order));
        if (holds != first) {
            subnets.put(subnet.first(), holds);
        }
    }

    /**
     * Removes what {@code e} holds, as {@link #add(Environment)} added it: a port or subnet start that others hold
     * too passes to the first of them.
     */
    public HeldSnapshot remove(Environment e) {
        for (Integer port : e.ports().values()) {
            removePort(port, e.name());
        }
        if (e.subnet() != null) {
            removeSubnet(e.subnet(), e.name());
        }
        return this;
    }

    /** Removes what {@code e} holds against a create on {@code host}, as {@link #add(Environment, String)} added it. */
    public HeldSnapshot remove(Environment e, String host) {
        if (e.host().equals(host)) {
            remove(e);
        } else if (e.subnet() != null) {
            removeSubnet(e.subnet(), e.name());
        }
        return this;
    }

    public void removePort(int port, String holder) {
        if (!holder.equals(portHolders.get(port))) {
            withdraw(laterPortHolders, port, holder);
            return;
        }
        String next = next(laterPortHolders, port);
        if (next == null) {
            portHolders.remove(port);
            ports.clear(port);
        } else {
            portHolders.put(port, next);
        }
    }

    public void removeSubnet(Cidr subnet, String holder) {
        SubnetHolder removed = new SubnetHolder(holder, subnet);
        if (!removed.equals(subnets.get(subnet.first()))) {
            withdraw(laterSubnetHolders, subnet.first(), removed);
        } else {
            SubnetHolder next = next(laterSubnetHolders, subnet.first());
            if (next == null) {
                subnets.remove(subnet.first());
            } else {
                subnets.put(subnet.first(), next);
            }
        }
        unmarkBlocks(subnet);
    }

    /**
     * Of {@code first}, which holds {@code key}, and {@code other}, which holds it too: the one that holds it now
     * ({@code other} only when {@code order} ranks it before); the other waits in {@code later}, in order.
     */
    private static <K, V> V share(Map<K, List<V>> later, K key, V first, V other, Comparator<? super V> order) {
        boolean before = order != null && order.compare(other, first) < 0;
        V waiting = before ? first : other;
        List<V> queue = later.computeIfAbsent(key, k -> new ArrayList<>());
        int at = queue.size();
        while (order != null && at > 0 && order.compare(queue.get(at - 1), waiting) > 0) {
            at--;
        }
        queue.add(at, waiting);
        return before ? other : first;
    }

    /** The next holder of {@code key}, taken from {@code later}; null when none waits. */
    private static <K, V> V next(Map<K, List<V>> later, K key) {
        List<V> queue = later == null ? null : later.get(key);
        if (queue == null) {
            return null;
        }
        V next = queue.remove(0);
        if (queue.isEmpty()) {
            later.remove(key);
        }
        return next;
    }

    /** Takes {@code holder} out of the holders waiting for {@code key}, if it is one. */
    private static <K, V> void withdraw(Map<K, List<V>> later, K key, V holder) {
        List<V> queue = later == null ? null : later.get(key);
        if (queue != null && queue.remove(holder) && queue.isEmpty()) {
            later.remove(key);
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

    /**
     * Walks down from the held subnet that starts nearest at or below the block's last address through those that
     * start less than {@link #largestSubnet} below its first address (those starting further down end before it),
     * so the first one that overlaps it starts highest.
     */
    @Override
    public Optional<SubnetHolder> overlapping(Cidr block) {
        for (Map.Entry<Long, SubnetHolder> e = subnets.floorEntry(block.last());
             e != null && e.getKey() > block.first() - largestSubnet; e = subnets.lowerEntry(e.getKey())) {
            for (SubnetHolder h : holders(e)) {
                if (h.subnet().overlaps(block)) {
                    return Optional.of(h);
                }
            }
        }
        return Optional.empty();
    }

    /** The holders of subnets starting at the address of {@code e}: its own holder first, then those waiting. */
    private List<SubnetHolder> holders(Map.Entry<Long, SubnetHolder> e) {
        List<SubnetHolder> waiting = laterSubnetHolders == null ? null : laterSubnetHolders.get(e.getKey());
        if (waiting == null) {
            return List.of(e.getValue());
        }
        List<SubnetHolder> all = new ArrayList<>(waiting.size() + 1);
        all.add(e.getValue());
        all.addAll(waiting);
        return all;
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
            if (laterSubnetHolders != null) {
                laterSubnetHolders.values().forEach(waiting -> waiting.forEach(h -> markBlocks(h.subnet())));
            }
        }
        int free = usedBlocks.nextClearBit(0);
        return free < blocks ? Optional.of(new Cidr(pool.first() + ((long) free << (32 - prefix)), prefix))
                : Optional.empty();
    }

    /**
     * Clears the blocks of the current pool that {@code gone}, no longer held, shares an address with, then marks
     * again those of them that a held subnet shares an address with.
     */
    private void unmarkBlocks(Cidr gone) {
        if (usedBlocks == null || !gone.overlaps(blockPool)) {
            return;
        }
        int shift = 32 - blockPrefix;
        long from = (Math.max(gone.first(), blockPool.first()) - blockPool.first()) >> shift;
        long to = (Math.min(gone.last(), blockPool.last()) - blockPool.first()) >> shift;
        usedBlocks.clear((int) from, (int) to + 1);
        long first = blockPool.first() + (from << shift);
        long last = blockPool.first() + ((to + 1) << shift) - 1;
        for (Map.Entry<Long, SubnetHolder> e : subnets.subMap(first - largestSubnet + 1, true, last, true).entrySet()) {
            for (SubnetHolder h : holders(e)) {
                if (h.subnet().last() >= first) {
                    markBlocks(h.subnet());
                }
            }
        }
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
