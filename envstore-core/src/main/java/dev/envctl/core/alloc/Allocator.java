package dev.envctl.core.alloc;

import dev.envctl.core.Cidr;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.PortRole;
import dev.envctl.core.SubnetRequest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Chooses ports and a subnet for a request: explicit values are checked against what is held, missing
 * ones take the lowest free value of their pool. Pure: it reads {@link HeldResources} and changes nothing,
 * so a store makes it atomic by calling it inside its lock or transaction and writing the result there.
 * Immutable and thread-safe.
 */
public final class Allocator {
    private final AllocationPolicy policy;
    private final PortProbe probe;
    private final SubnetProbe subnetProbe;

    /** An allocator that looks only at what the store holds ({@link PortProbe#NONE}, {@link SubnetProbe#NONE}). */
    public Allocator(AllocationPolicy policy) {
        this(policy, PortProbe.NONE);
    }

    /**
     * An allocator whose automatic ports also skip the ports {@code probe} says cannot be bound now (ports other
     * programs on the Docker host hold). Explicit ports are not probed: a port the user names stays theirs to
     * choose, and the tool's own error names it if it is taken.
     */
    public Allocator(AllocationPolicy policy, PortProbe probe) {
        this(policy, probe, SubnetProbe.NONE);
    }

    /**
     * An allocator whose automatic ports skip what {@code probe} says is bound, and whose automatic subnet skips
     * the blocks {@code subnetProbe} says the Docker host's networks use. Explicit values are not probed.
     */
    public Allocator(AllocationPolicy policy, PortProbe probe, SubnetProbe subnetProbe) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.subnetProbe = Objects.requireNonNull(subnetProbe, "subnetProbe");
    }

    public AllocationPolicy policy() {
        return policy;
    }

    /**
     * Whether this allocator could choose {@code port} automatically as far as the host goes: its probe says the port
     * can be bound now (always true without a probe). What the store holds is not asked.
     */
    public boolean bindable(int port) {
        return probe.canBind(port);
    }

    /** This allocator, but never choosing {@code port} automatically (a port a tool just found taken). */
    public Allocator excluding(int port) {
        PortProbe inner = probe;
        return new Allocator(policy, p -> p != port && inner.canBind(p), subnetProbe);
    }

    /**
     * This allocator, but never choosing automatically a port or a subnet one of {@code specs} asks for by value:
     * the explicit requests of one apply are kept for them, whatever the order its environments are allocated in.
     * Explicit values are not affected (each spec's own stay its own).
     */
    public Allocator reserving(Collection<EnvironmentSpec> specs) {
        Set<Integer> ports = new HashSet<>();
        List<Cidr> subnets = new ArrayList<>();
        for (EnvironmentSpec s : specs) {
            ports.addAll(s.ports().asMap().values());
            if (s.subnet().mode() == SubnetRequest.Mode.EXPLICIT) {
                subnets.add(s.subnet().cidr());
            }
        }
        if (ports.isEmpty() && subnets.isEmpty()) {
            return this;
        }
        PortProbe inner = probe;
        SubnetProbe innerSubnets = subnetProbe;
        return new Allocator(policy, p -> !ports.contains(p) && inner.canBind(p),
                block -> subnets.stream().noneMatch(block::overlaps) && innerSubnets.isFree(block));
    }

    /**
     * Resolves {@code spec} against {@code held}.
     *
     * @throws EnvctlException {@link ErrorCode#CONFLICT} when an explicit port or subnet is held,
     *                         {@link ErrorCode#POOL_EXHAUSTED} when a pool has nothing free
     */
    public Allocation allocate(EnvironmentSpec spec, HeldResources held) {
        Map<PortRole, Integer> chosen = new EnumMap<>(PortRole.class);
        Set<Integer> taken = new HashSet<>();
        requirePortsFree(spec.name(), spec.ports(), held);
        for (Map.Entry<PortRole, Integer> e : spec.ports().asMap().entrySet()) {
            chosen.put(e.getKey(), e.getValue());
            taken.add(e.getValue());
        }
        for (PortRole role : PortRole.values()) {
            if (!chosen.containsKey(role)) {
                int port = lowestFree(role, held, taken);
                chosen.put(role, port);
                taken.add(port);
            }
        }
        return new Allocation(HostPorts.of(chosen), subnet(spec, held));
    }

    private int lowestFree(PortRole role, HeldResources held, Set<Integer> taken) {
        PortRange pool = policy.pool(role);
        int from = pool.from();
        while (from <= pool.to()) {
            OptionalInt free = held.lowestFreePort(from, pool.to());
            if (free.isEmpty()) {
                break;
            }
            if (!taken.contains(free.getAsInt()) && probe.canBind(free.getAsInt())) {
                return free.getAsInt();
            }
            from = free.getAsInt() + 1;
        }
        throw new EnvctlException(ErrorCode.POOL_EXHAUSTED, "no free " + role.key() + " port left in pool " + pool
                + " (held by environments" + (probe == PortProbe.NONE ? "" : " or by other programs on this host")
                + "); delete an environment or widen the " + role.key() + " port pool");
    }

    private Cidr subnet(EnvironmentSpec spec, HeldResources held) {
        SubnetRequest request = spec.subnet();
        switch (request.mode()) {
            case NONE:
                return null;
            case EXPLICIT:
                requireSubnetFree(spec.name(), request.cidr(), held);
                return request.cidr();
            default:
                return lowestFreeSubnet(held);
        }
    }

    /**
     * The store's lowest free block; when {@link #subnetProbe} finds it in use on the host, the first of the
     * aligned blocks after it that the probe finds free and the store does not hold.
     */
    private Cidr lowestFreeSubnet(HeldResources held) {
        Cidr pool = policy.subnetPool();
        int prefix = policy.subnetPrefix();
        Optional<Cidr> lowest = held.lowestFreeSubnet(pool, prefix);
        if (lowest.isPresent() && subnetProbe.isFree(lowest.get())) {
            return lowest.get();
        }
        long size = 1L << (32 - prefix);
        for (long next = lowest.map(b -> b.last() + 1).orElse(pool.last() + 1); next + size - 1 <= pool.last();
             next += size) {
            Cidr candidate = new Cidr(next, prefix);
            if (subnetProbe.isFree(candidate) && held.overlapping(candidate).isEmpty()) {
                return candidate;
            }
        }
        throw new EnvctlException(ErrorCode.POOL_EXHAUSTED, "no free /" + prefix + " subnet left in pool " + pool
                + " (held by environments" + (subnetProbe == SubnetProbe.NONE ? "" : " or used by networks of this "
                + "host") + "); delete an environment or widen the subnet pool");
    }

    /**
     * Checks that a resolved record can be written beside what {@code held} holds: each of its ports and its
     * subnet are free. Stores call this for inserts, and the overload with the previous record for updates, with
     * {@code held} built from the other environments only (without the record's own previous version).
     *
     * @throws EnvctlException {@link ErrorCode#CONFLICT} naming the resource and its holder
     */
    public static void requireFree(Environment environment, HeldResources held) {
        requirePortsFree(environment.name(), environment.ports(), held);
        if (environment.subnet() != null) {
            requireSubnetFree(environment.name(), environment.subnet(), held);
        }
    }

    /**
     * Checks what an update of {@code previous} to {@code next} newly takes beside what {@code held} holds (the
     * other environments only): the ports {@code next} has that {@code previous} did not hold on the same host, and
     * its subnet when it differs. What the record already held is not checked again, so a record that shares a port
     * with another (a file the Kindler scripts wrote twice to, racing) can still change its state, or be deleted;
     * an update that moves a port onto another environment's is refused as ever.
     *
     * @throws EnvctlException {@link ErrorCode#CONFLICT} naming the resource and its holder
     */
    public static void requireFree(Environment next, Environment previous, HeldResources held) {
        boolean sameHost = next.host().equals(previous.host());
        Map<PortRole, Integer> taken = new EnumMap<>(PortRole.class);
        next.ports().asMap().forEach((role, port) -> {
            if (!sameHost || !previous.ports().values().contains(port)) {
                taken.put(role, port);
            }
        });
        requirePortsFree(next.name(), HostPorts.of(taken), held);
        if (next.subnet() != null && !next.subnet().equals(previous.subnet())) {
            requireSubnetFree(next.name(), next.subnet(), held);
        }
    }

    private static void requirePortsFree(String name, HostPorts ports, HeldResources held) {
        for (Map.Entry<PortRole, Integer> e : ports.asMap().entrySet()) {
            Optional<String> holder = held.portHolder(e.getValue());
            if (holder.isPresent() && !holder.get().equals(name)) {
                throw new EnvctlException(ErrorCode.CONFLICT, e.getKey().key() + " port " + e.getValue()
                        + " is already held by environment '" + holder.get() + "'; choose another or leave it out "
                        + "to allocate one");
            }
        }
    }

    private static void requireSubnetFree(String name, Cidr subnet, HeldResources held) {
        Optional<SubnetHolder> hit = held.overlapping(subnet);
        if (hit.isPresent() && !hit.get().name().equals(name)) {
            throw new EnvctlException(ErrorCode.CONFLICT, "subnet " + subnet + " overlaps " + hit.get().subnet()
                    + " of environment '" + hit.get().name() + "'; choose another or ask for an automatic one");
        }
    }
}
