package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.Host;
import dev.envctl.core.HostPorts;
import dev.envctl.core.PortRole;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The label that marks a record whose cluster is to be replaced. Apply writes the new spec and this label in one
 * store update (so the new allocation is held before anything is deleted); the label's value keeps what the
 * converger needs to delete the old cluster (its provider, subnet and host ports), so a crash between the two
 * leaves a record the next converge finishes: old cluster deleted, label removed, new cluster created.
 */
public final class Replacement {
    /**
     * {@code provider=k3d subnet=none http=18080 https=18400 pf=19000 api=26443}, and {@code host=NAME} when the
     * old cluster is on a host other than {@code local}.
     */
    public static final String LABEL = "envctl.replacing";

    private Replacement() {
    }

    /**
     * {@code next} marked for replacement of {@code current}'s cluster; a record already marked keeps its mark,
     * since its old cluster is the one that still exists.
     */
    public static Environment mark(Environment next, Environment current) {
        String old = current.labels().get(LABEL);
        Map<String, String> labels = new HashMap<>(next.labels());
        labels.put(LABEL, old != null ? old : describe(current));
        return next.withLabels(labels);
    }

    private static String describe(Environment e) {
        StringBuilder b = new StringBuilder("provider=").append(e.provider()).append(" subnet=")
                .append(e.subnet() == null ? "none" : e.subnet());
        for (PortRole role : PortRole.values()) {
            Integer port = e.ports().get(role);
            b.append(' ').append(role.key()).append('=').append(port == null ? "none" : port);
        }
        if (!e.host().equals(Host.LOCAL_NAME)) {
            b.append(" host=").append(e.host());
        }
        return b.toString();
    }

    /** The old cluster's provider id, from the label's value. */
    static String oldProvider(String mark) {
        return parse(mark).get("provider");
    }

    /** The old cluster's host, from the label's value ({@code local} when it names none). */
    static String oldHost(String mark) {
        return parse(mark).getOrDefault("host", Host.LOCAL_NAME);
    }

    /** {@code current} as its old cluster was: provider, subnet, host ports and host from the label's value. */
    static Environment old(Environment current, String mark) {
        Map<String, String> m = parse(mark);
        Map<PortRole, Integer> ports = new EnumMap<>(PortRole.class);
        for (PortRole role : PortRole.values()) {
            String p = m.getOrDefault(role.key(), "none");
            if (!p.equals("none")) {
                ports.put(role, Integer.parseInt(p));
            }
        }
        String subnet = m.getOrDefault("subnet", "none");
        return new Environment(current.name(), m.get("provider"), subnet.equals("none") ? null : Cidr.parse(subnet),
                HostPorts.of(ports), current.nodePort(), current.labels(), current.options(),
                current.desiredState(), current.actualState(), current.lastError(), current.createdAt(),
                current.updatedAt(), current.version(), m.getOrDefault("host", Host.LOCAL_NAME));
    }

    /** The record once its old cluster is gone: unmarked, {@code unknown} (to be created) or {@code stopped}. */
    static Environment done(Environment e) {
        Map<String, String> labels = new HashMap<>(e.labels());
        labels.remove(LABEL);
        return e.withLabels(labels).withActualState(e.desiredState() == DesiredState.STOPPED ? ActualState.STOPPED
                : ActualState.UNKNOWN, null);
    }

    private static Map<String, String> parse(String mark) {
        Map<String, String> m = new HashMap<>();
        for (String part : mark.strip().split(" +")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                m.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return m;
    }
}
