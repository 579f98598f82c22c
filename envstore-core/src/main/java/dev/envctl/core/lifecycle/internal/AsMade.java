package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.Environment;
import dev.envctl.core.PortRole;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a cluster was made with and a record must keep while the cluster runs: provider, host, subnet, host ports
 * and node port. Another writer (an old script's upsert) can change them in the record while the provider
 * creates the cluster; the cluster still binds what it was given, so the record is put back to that, keeping
 * the writer's other changes (labels, desired state).
 */
final class AsMade {
    private AsMade() {
    }

    /** {@code current} with {@code made}'s provider, host, subnet, host ports and node port. */
    static Environment restore(Environment current, Environment made) {
        return new Environment(current.name(), made.provider(), made.subnet(), made.ports(), made.nodePort(),
                current.labels(), current.options(), current.desiredState(), current.actualState(),
                current.lastError(), current.createdAt(), current.updatedAt(), current.version(), made.host());
    }

    /** The fields {@code current} has other than {@code made}, as {@code field X (made with Y)}; empty if none. */
    static List<String> differences(Environment current, Environment made) {
        List<String> out = new ArrayList<>();
        differ(out, "provider", current.provider(), made.provider());
        differ(out, "host", current.host(), made.host());
        differ(out, "subnet", current.subnet(), made.subnet());
        for (PortRole role : PortRole.values()) {
            differ(out, role.key() + " port", current.ports().get(role), made.ports().get(role));
        }
        differ(out, "node port", current.nodePort(), made.nodePort());
        return out;
    }

    private static void differ(List<String> out, String field, Object now, Object made) {
        if (!Objects.equals(now, made)) {
            out.add(field + " " + (now == null ? "none" : now) + " (made with " + (made == null ? "none" : made)
                    + ")");
        }
    }
}
