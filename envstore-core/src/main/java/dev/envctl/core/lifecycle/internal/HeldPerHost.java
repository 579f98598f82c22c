package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.Environment;
import dev.envctl.core.alloc.HeldSnapshot;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What the records of a dry run hold, as a {@link HeldSnapshot} per host ({@link HeldSnapshot#of(Iterable, String)}),
 * each built on first use and kept in step as the dry run adds and replaces records, so a step does not read every
 * record again. Not thread-safe.
 */
final class HeldPerHost {
    private final Collection<Environment> world;
    private final Comparator<String> order;
    /** The place of each name in a list of records, or null for records by name. */
    private final Map<String, Integer> places;
    private final Map<String, HeldSnapshot> snapshots = new HashMap<>();
    private Environment aside;

    private HeldPerHost(Collection<Environment> world, Comparator<String> order, Map<String, Integer> places) {
        this.world = world;
        this.order = order;
        this.places = places;
    }

    /**
     * For {@code world}, a list the caller changes and then tells this of: a record replaced keeps its place, a new
     * one is added at the end. A port or subnet start several records hold is answered for by the first in the list,
     * as in a snapshot built from it.
     */
    static HeldPerHost inListOrder(List<Environment> world) {
        Map<String, Integer> places = new HashMap<>();
        world.forEach(e -> places.putIfAbsent(e.name(), places.size()));
        return new HeldPerHost(world, Comparator.comparing(places::get), places);
    }

    /**
     * For {@code world}, records by name that the caller changes and then tells this of. A port or subnet start
     * several records hold is answered for by the first by name, as in a snapshot built from its values.
     */
    static HeldPerHost byName(SortedMap<String, Environment> world) {
        return new HeldPerHost(world.values(), Comparator.naturalOrder(), null);
    }

    /** What the records hold against a create on {@code host}, but the one {@link #setAside} took out. */
    HeldSnapshot on(String host) {
        return snapshots.computeIfAbsent(host, h -> {
            HeldSnapshot s = new HeldSnapshot(order);
            for (Environment e : world) {
                if (aside == null || !e.name().equals(aside.name())) {
                    s.add(e, h);
                }
            }
            return s;
        });
    }

    /** Counts {@code e}, a record the world has now. */
    void added(Environment e) {
        if (places != null) {
            places.putIfAbsent(e.name(), places.size());
        }
        snapshots.forEach((host, s) -> s.add(e, host));
    }

    /** Leaves {@code e}, a record of the world, out of what {@link #on} answers until {@link #restore}. */
    void setAside(Environment e) {
        snapshots.forEach((host, s) -> s.remove(e, host));
        aside = e;
    }

    /** Counts again the record set aside, as {@code now}: itself, or what replaced it in the world. */
    void restore(Environment now) {
        aside = null;
        added(now);
    }
}
