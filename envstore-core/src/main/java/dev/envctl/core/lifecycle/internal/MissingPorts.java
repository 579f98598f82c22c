package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.AutoPorts;
import dev.envctl.core.Cidr;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.HostPorts;
import dev.envctl.core.PortRole;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.HeldResources;
import dev.envctl.core.alloc.SubnetHolder;
import dev.envctl.core.spi.EnvironmentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * Allocates host ports for an existing record, as a create does: the ports it lacks before its cluster is made
 * (rows of the Kindler scripts record no api port, their 6-column CSV rows no http or https), or, in place of a
 * port envctl allocated itself ({@link AutoPorts}), one that can be bound when the host cannot bind the recorded
 * one any more. Each is the lowest free port of its pool; the store's update checks it against every other
 * environment, and a concurrent writer that took it first makes this choose again. Every port allocated here is
 * marked automatic. Thread-safe.
 */
public final class MissingPorts {
    private static final Logger LOG = LoggerFactory.getLogger(MissingPorts.class);

    private final EnvironmentStore store;
    private final Allocator allocator;

    public MissingPorts(EnvironmentStore store, Allocator allocator) {
        this.store = store;
        this.allocator = allocator;
    }

    /** The record with every host port; unchanged when it had them all. */
    public Environment fill(Environment env) {
        if (env.ports().complete()) {
            return env;
        }
        Environment filled = allocate(env, allocator, r -> r.ports());
        LOG.info("{}: recorded the missing host ports, now {}", env.name(), filled.ports());
        return filled;
    }

    /**
     * Records the next free port of {@code role}'s pool in place of {@code taken}, which a tool found held on the
     * host; the record's states are kept.
     *
     * @throws dev.envctl.core.EnvctlException {@code POOL_EXHAUSTED} when the pool has no other port, or the
     *                                         store's error
     */
    Move replace(Environment env, PortRole role, int taken) {
        Environment moved = allocate(env, allocator.excluding(taken), r -> r.ports().with(role, null));
        return new Move(role, taken, moved.ports().get(role));
    }

    /**
     * Records, in place of each port of {@code env} that envctl allocated itself ({@link AutoPorts}) and that the
     * allocator's probe says cannot be bound now (another program on the host took it), the lowest free port of its
     * pool that can, as a create allocates; the ports a request gave, and those of a record that does not say which
     * it allocated, are kept (the tool's error names them if they are taken). Empty, nothing written, when no port
     * moves. Only for a record whose cluster does not exist: its own cluster binds its ports.
     *
     * @throws dev.envctl.core.EnvctlException {@code POOL_EXHAUSTED} when a pool has no port left that can be
     *                                         bound, or the store's error
     */
    List<Move> rebind(Environment env) {
        if (unbindable(env).isEmpty()) {
            return List.of();
        }
        List<Move> moves = new ArrayList<>();
        new RecordWriter(store).reallocate(env.name(), (current, others) -> {
            moves.clear();
            Set<PortRole> stuck = unbindable(current);
            Map<PortRole, Integer> keep = current.ports().asMap();
            stuck.forEach(keep::remove);
            Environment next = withPorts(current, HostPorts.of(keep), allocator, others);
            stuck.forEach(role -> moves.add(new Move(role, current.ports().get(role), next.ports().get(role))));
            return next;
        });
        return List.copyOf(moves);
    }

    /** The automatic ports of {@code env} the allocator could not choose now, as the host goes. */
    private Set<PortRole> unbindable(Environment env) {
        Set<PortRole> stuck = EnumSet.noneOf(PortRole.class);
        for (PortRole role : AutoPorts.of(env)) {
            if (!allocator.bindable(env.ports().get(role))) {
                stuck.add(role);
            }
        }
        return stuck;
    }

    /** A port recorded in place of another, of the same role. */
    record Move(PortRole role, int from, int to) {
    }

    /**
     * {@code env} with the host ports it lacks as {@link #fill} would record them, chosen against {@code others}
     * (what the other environments hold on its host) and written nowhere: what a dry run shows. Unchanged when it
     * has them all.
     *
     * @throws dev.envctl.core.EnvctlException as {@link Allocator#allocate} throws
     */
    public static Environment filled(Environment env, Allocator allocator, HeldResources others) {
        return env.ports().complete() ? env : withPorts(env, env.ports(), allocator, others);
    }

    private Environment allocate(Environment env, Allocator with, Function<Environment, HostPorts> keep) {
        return new RecordWriter(store).reallocate(env.name(),
                (current, others) -> withPorts(current, keep.apply(current), with, others));
    }

    /**
     * {@code current} with {@code keep} and, for every other role, the lowest free port of its pool, marked
     * automatic ({@link AutoPorts}). The kept ports are not checked again, as the store's update does not check
     * them: rows of the scripts may share one.
     */
    private static Environment withPorts(Environment current, HostPorts keep, Allocator with, HeldResources others) {
        EnvironmentSpec spec = new EnvironmentSpec(current.name(), current.provider(), keep, SubnetRequest.NONE,
                current.nodePort(), current.labels(), current.options());
        return AutoPorts.after(current, current.withPorts(with.allocate(spec, new Kept(others, keep.values()))
                .ports()), AutoPorts.leftToEnvctl(spec));
    }

    /** {@code others}, but with no holder for the ports the record keeps (never chosen again all the same). */
    private record Kept(HeldResources others, List<Integer> ports) implements HeldResources {
        @Override
        public Optional<String> portHolder(int port) {
            return ports.contains(port) ? Optional.empty() : others.portHolder(port);
        }

        @Override
        public OptionalInt lowestFreePort(int from, int to) {
            return others.lowestFreePort(from, to);
        }

        @Override
        public Optional<SubnetHolder> overlapping(Cidr block) {
            return others.overlapping(block);
        }

        @Override
        public Optional<Cidr> lowestFreeSubnet(Cidr pool, int prefix) {
            return others.lowestFreeSubnet(pool, prefix);
        }
    }
}
