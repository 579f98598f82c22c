package dev.envctl.core.alloc;

import dev.envctl.core.Cidr;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the other environments hold, as the {@link Allocator} asks about it. A store answers from a snapshot
 * it read inside its atomic step ({@link HeldSnapshot}) or with indexed queries inside its transaction; in
 * both cases the answers must not change until the allocation has been written.
 */
public interface HeldResources {

    /** The environment holding this host port, in any role. */
    Optional<String> portHolder(int port);

    /** The lowest port in {@code from..to} (inclusive) that no environment holds. */
    OptionalInt lowestFreePort(int from, int to);

    /**
     * The held subnet that shares an address with {@code block}, and its holder; of several, the one that starts
     * highest, so that every store names the same one in a conflict's message (of several starting there, which
     * only rows another writer left can give, the store's first holder).
     */
    Optional<SubnetHolder> overlapping(Cidr block);

    /**
     * The lowest block of {@code prefix} inside {@code pool} that overlaps no held subnet. The default walks
     * the pool, jumping past each held subnet it meets with {@link #overlapping}.
     */
    default Optional<Cidr> lowestFreeSubnet(Cidr pool, int prefix) {
        long size = 1L << (32 - prefix);
        long candidate = pool.first();
        while (candidate + size - 1 <= pool.last()) {
            Cidr block = new Cidr(candidate, prefix);
            Optional<SubnetHolder> hit = overlapping(block);
            if (hit.isEmpty()) {
                return Optional.of(block);
            }
            long afterHit = hit.get().subnet().last() + 1;
            long aligned = (afterHit + size - 1) / size * size;
            candidate = Math.max(aligned, candidate + size);
        }
        return Optional.empty();
    }
}
