package dev.envctl.core.alloc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.HostRequest;
import dev.envctl.core.Remedy;

import java.util.Collection;
import java.util.Comparator;
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
 * When no host matches the selector, its refusal lists every host with its labels. Stateless.
 */
public final class Placement {
    private Placement() {
    }

    /**
     * @param hosts        every host of the store, {@link Host#LOCAL} included
     * @param environments how many environments each host has now (absent: none)
     * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} for an unknown host name,
     *                         {@link ErrorCode#POOL_EXHAUSTED} when no host matches and has room (with
     *                         {@link Remedy#MATCHING_HOST} when no host matches the selector at all; the message
     *                         lists each host with its labels)
     */
    public static Host choose(HostRequest request, List<Host> hosts, Map<String, Integer> environments,
                              AllocationPolicy policy) {
        int slots = policy.portPools().values().stream().mapToInt(PortRange::size).min().orElse(Integer.MAX_VALUE);
        if (!request.isAuto()) {
            Host named = hosts.stream().filter(h -> h.name().equals(request.hostName())).findFirst()
                    .orElseThrow(() -> Host.unknown(request.hostName(), hosts.stream().map(Host::name).sorted()
                            .toList()));
            if (named.capacity() != null && room(named, environments, slots) <= 0) {
                throw new EnvctlException(ErrorCode.POOL_EXHAUSTED, "host '" + named.name() + "' is full: "
                        + environments.getOrDefault(named.name(), 0) + " of its capacity " + named.capacity());
            }
            return named;
        }
        if (!request.selector().isEmpty() && hosts.stream().noneMatch(h -> h.matches(request.selector()))) {
            throw new EnvctlException(ErrorCode.POOL_EXHAUSTED, "no host matches the host selector "
                    + selector(request) + "; hosts: " + hosts.stream().sorted(Comparator.comparing(Host::name))
                    .map(h -> h.name() + " (" + (h.labels().isEmpty() ? "no labels" : pairs(h.labels())) + ")")
                    .collect(Collectors.joining(", ")) + "; add a host with those labels or give another selector",
                    null, Remedy.MATCHING_HOST);
        }
        Comparator<Host> order = Comparator.<Host>comparingLong(h -> -room(h, environments, slots))
                .thenComparingInt(h -> environments.getOrDefault(h.name(), 0))
                .thenComparing(Host::name);
        List<Host> matching = hosts.stream().filter(h -> h.matches(request.selector())
                && !request.excluded().contains(h.name())).toList();
        Optional<Host> best = matching.stream().filter(h -> room(h, environments, slots) > 0).min(order);
        return best.orElseThrow(() -> new EnvctlException(ErrorCode.POOL_EXHAUSTED, matching.isEmpty()
                ? "no host " + (request.selector().isEmpty() ? "is left" : "matches " + selector(request))
                + excluded(request) + "; hosts: " + names(hosts)
                : "no host " + (request.selector().isEmpty() ? "" : "matching " + selector(request) + " ")
                + "has room: " + matching.stream().map(h -> h.name() + " " + environments.getOrDefault(h.name(), 0)
                + "/" + Math.min(slots, h.capacity() == null ? slots : h.capacity()))
                .collect(Collectors.joining(", "))));
    }

    /** How many environments each host has, by host name, as {@link #choose} takes them. */
    public static Map<String, Integer> perHost(Collection<Environment> environments) {
        return environments.stream().collect(Collectors.groupingBy(Environment::host, Collectors.summingInt(e -> 1)));
    }

    /** How many more environments {@code host} takes. */
    public static long room(Host host, Map<String, Integer> environments, int slots) {
        long limit = host.capacity() == null ? slots : Math.min(slots, host.capacity());
        return limit - environments.getOrDefault(host.name(), 0);
    }

    private static String names(List<Host> hosts) {
        return hosts.stream().map(Host::name).sorted().collect(Collectors.joining(", "));
    }

    private static String excluded(HostRequest request) {
        return request.excluded().isEmpty() ? "" : " once " + String.join(", ", request.excluded()) + " excluded";
    }

    private static String selector(HostRequest request) {
        return pairs(request.selector());
    }

    private static String pairs(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }
}
