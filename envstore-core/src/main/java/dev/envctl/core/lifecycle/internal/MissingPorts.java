package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.ActualState;
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

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Allocates host ports for an existing record, as a create does: the ports it lacks before its cluster is made
 * (rows of the Kindler scripts record no api port, their 6-column CSV rows no http or https), or one the tool
 * found taken on the host. Each is the lowest free port of its pool, marked as allocated by envctl
 * ({@link AutoPorts}); the store's update checks it against every other environment, and a concurrent writer
 * that took it first makes this choose again. Thread-safe.
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
    Environment fill(Environment env) {
        if (env.ports().complete()) {
            return env;
        }
        Environment filled = allocate(env, allocator, r -> r.ports(), r -> r);
        LOG.info("{}: recorded the missing host ports, now {}", env.name(), filled.ports());
        return filled;
    }

    /**
     * Records the next free port of {@code role}'s pool in place of {@code taken}, which a tool found held on the
     * host, and sets the record back to {@code unknown} so the next converge creates its cluster anew.
     */
    public Environment replace(Environment env, PortRole role, int taken) {
        return allocate(env, allocator.excluding(taken), r -> r.ports().with(role, null),
                r -> r.withActualState(ActualState.UNKNOWN, null));
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

    private Environment allocate(Environment env, Allocator with, Function<Environment, HostPorts> keep,
                                 UnaryOperator<Environment> also) {
        return new RecordWriter(store).reallocate(env.name(),
                (current, others) -> also.apply(withPorts(current, keep.apply(current), with, others)));
    }

    /**
     * {@code current} with {@code keep} and, for every other role, the lowest free port of its pool, marked
     * automatic ({@link AutoPorts}). The kept ports are not checked again, as the store's update does not check
     * them: rows of the scripts may share one.
     */
    private static Environment withPorts(Environment current, HostPorts keep, Allocator with, HeldResources others) {
        EnvironmentSpec spec = new EnvironmentSpec(current.name(), current.provider(), keep, SubnetRequest.NONE,
                current.nodePort(), current.labels(), current.options());
        Set<PortRole> allocated = EnumSet.allOf(PortRole.class);
        allocated.removeAll(keep.asMap().keySet());
        return AutoPorts.after(current, current.withPorts(with.allocate(spec, new Kept(others, keep.values()))
                .ports()), allocated);
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
