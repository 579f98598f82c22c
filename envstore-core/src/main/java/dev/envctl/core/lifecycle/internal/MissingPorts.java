package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.Allocation;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.HeldSnapshot;
import dev.envctl.core.spi.EnvironmentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Gives a record the host ports it lacks before its cluster is made: rows of the Kindler scripts record no api
 * port (and their 6-column CSV rows no http or https), and a provider needs every one. Each missing port is the
 * lowest free one of its pool, chosen as for a create; the store's update checks it against every other
 * environment, and a concurrent writer that took it first makes this choose again. Thread-safe.
 */
final class MissingPorts {
    private static final Logger LOG = LoggerFactory.getLogger(MissingPorts.class);
    private static final int MAX_ATTEMPTS = 5;

    private final EnvironmentStore store;
    private final Allocator allocator;

    MissingPorts(EnvironmentStore store, Allocator allocator) {
        this.store = store;
        this.allocator = allocator;
    }

    /** The record with every host port; unchanged when it had them all. */
    Environment fill(Environment env) {
        Environment current = env;
        for (int attempt = 1; !current.ports().complete(); attempt++) {
            String name = current.name();
            List<Environment> others = store.list(EnvironmentFilter.ALL).stream()
                    .filter(e -> !e.name().equals(name)).toList();
            EnvironmentSpec keep = new EnvironmentSpec(name, current.provider(), current.ports(), SubnetRequest.NONE,
                    current.nodePort(), current.labels(), current.options());
            Allocation a = allocator.allocate(keep, HeldSnapshot.of(others));
            try {
                Environment filled = store.update(current.withPorts(a.ports()), current.version());
                LOG.info("{}: recorded the missing host ports, now {}", name, filled.ports());
                return filled;
            } catch (EnvctlException e) {
                boolean raced = e.code() == ErrorCode.CONFLICT || e.code() == ErrorCode.VERSION_CONFLICT;
                if (!raced || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                current = store.get(name);
            }
        }
        return current;
    }
}
