package dev.envctl.core.alloc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.HostRequest;
import dev.envctl.core.Remedy;
import dev.envctl.core.Validation;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Chooses the host of a create. A named host must be one the store knows and below its capacity. {@code auto}
 * takes, among the hosts whose labels match the selector and that have room, the one with the most room: the
 * environments it can still take, the smaller of its capacity (when set) and the size of the smallest port pool,
 * less the environments it has; ties go to the fewer environments, then the name; never one the request excludes.
 * Stores call it inside the atomic step of the create, so concurrent creates see each other's choices and spread.
 * Its refusals speak of each host: the labels of every host when none matches the selector, how full each
 * matching host is when none has room ({@link HostsFullException}). Stateless.
 */
public final class Placement {
    private Placement() {
    }

    /**
     * @param hosts        every host of the store, {@link Host#LOCAL} included
     * @param environments how many environments each host has now (absent: none)
     * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} for an unknown host name;
     *                         {@link HostsFullException} for a named host at its capacity;
     *                         {@link ErrorCode#POOL_EXHAUSTED} when no host matches the selector (with
     *                         {@link Remedy#MATCHING_HOST}; the message lists each host with its labels) or none
     *                         but excluded ones does;
     *                         {@link HostsFullException} when hosts match but none has room
     */
    public static Host choose(HostRequest request, List<Host> hosts, Map<String, Integer> environments,
                              AllocationPolicy policy) {
        int slots = policy.portPools().values().stream().mapToInt(PortRange::size).min().orElse(Integer.MAX_VALUE);
        if (!request.isAuto()) {
            Host named = hosts.stream().filter(h -> h.name().equals(request.hostName())).findFirst()
                    .orElseThrow(() -> Host.unknown(request.hostName(), hosts.stream().map(Host::name).sorted()
                            .toList()));
            if (named.capacity() != null && room(named, environments, slots) <= 0) {
                String full = full(named, environments, slots);
                throw new HostsFullException(full, Map.of(named.name(), full));
            }
            return named;
        }
        List<Host> matching = hosts.stream().filter(h -> h.matches(request.selector())).toList();
        if (matching.isEmpty() && !request.selector().isEmpty()) {
            throw new EnvctlException(ErrorCode.POOL_EXHAUSTED, "no host matches the host selector "
                    + selector(request) + "; hosts: " + hosts.stream().sorted(Comparator.comparing(Host::name))
                    .map(h -> h.name() + " ("
                            + (h.labels().isEmpty() ? "no labels" : Validation.pairs(h.labels())) + ")")
                    .collect(Collectors.joining(", ")) + "; add a host with those labels or give another selector",
                    null, Remedy.MATCHING_HOST);
        }
        Comparator<Host> order = Comparator.<Host>comparingLong(h -> -room(h, environments, slots))
                .thenComparingInt(h -> environments.getOrDefault(h.name(), 0))
                .thenComparing(Host::name);
        List<Host> candidates = matching.stream().filter(h -> !request.excluded().contains(h.name()))
                .sorted(Comparator.comparing(Host::name)).toList();
        Optional<Host> best = candidates.stream().filter(h -> room(h, environments, slots) > 0).min(order);
        if (best.isPresent()) {
            return best.get();
        }
        String which = request.selector().isEmpty() ? "" : "matching " + selector(request) + " ";
        if (candidates.isEmpty()) {
            throw new EnvctlException(ErrorCode.POOL_EXHAUSTED, "no host " + which + "is left" + excluded(request)
                    + "; hosts: " + names(hosts));
        }
        Map<String, String> full = new LinkedHashMap<>();
        candidates.forEach(h -> full.put(h.name(), full(h, environments, slots)));
        throw new HostsFullException("no host " + which + "has room" + excluded(request) + ": "
                + String.join("; ", full.values()), full);
    }

    /** How many environments each host has, by host name, as {@link #choose} takes them. */
    public static Map<String, Integer> perHost(Collection<Environment> environments) {
        return environments.stream().collect(Collectors.groupingBy(Environment::host, Collectors.summingInt(e -> 1)));
    }

    /**
     * The check a store makes when an update moves an environment onto {@code host} from another host: the host is
     * below its capacity, when it has one, with the {@code environments} it has now (the moving one not counted).
     *
     * @throws HostsFullException for a host at its capacity, in the words of a create on that host
     */
    public static void requireRoomToMove(Host host, int environments) {
        if (host.capacity() != null && environments >= host.capacity()) {
            String full = full(host, Map.of(host.name(), environments), Integer.MAX_VALUE);
            throw new HostsFullException(full, Map.of(host.name(), full));
        }
    }

    /** How many more environments {@code host} takes. */
    public static long room(Host host, Map<String, Integer> environments, int slots) {
        long limit = host.capacity() == null ? slots : Math.min(slots, host.capacity());
        return limit - environments.getOrDefault(host.name(), 0);
    }

    /** Why {@code host}, which has no room, is full: at its capacity, or holding as many as a port pool has. */
    private static String full(Host host, Map<String, Integer> environments, int slots) {
        int has = environments.getOrDefault(host.name(), 0);
        return "host '" + host.name() + "' is full: " + (host.capacity() != null && host.capacity() <= slots
                ? has + " of its capacity " + host.capacity()
                : has + " environments, as many as the smallest port pool holds (" + slots + ")");
    }

    private static String names(List<Host> hosts) {
        return hosts.stream().map(Host::name).sorted().collect(Collectors.joining(", "));
    }

    private static String excluded(HostRequest request) {
        return request.excluded().isEmpty() ? "" : " once " + String.join(", ", request.excluded()) + " excluded";
    }

    private static String selector(HostRequest request) {
        return Validation.pairs(request.selector());
    }
}
