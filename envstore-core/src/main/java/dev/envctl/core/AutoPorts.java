package dev.envctl.core;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which host ports of a record envctl allocated itself, as opposed to ports a request gave: the label
 * {@value #LABEL}, such as {@code http:18080/https:18400/pf:19000/api:26443} (no character the CSV store has to
 * encode), names each such role with the port it was given. A role counts as automatic only while the record still
 * has exactly that port, so a port changed by anyone else (an old script's upsert, a hand edit, an adopted
 * cluster's published port) is not automatic any more without anyone editing the label. A record without the
 * label (made before envctl kept it, a row of the Kindler scripts, a request that gave every port) has no
 * automatic port: nothing tells. The label is written with the ports, in the same store update, so the CSV file
 * keeps it on its {@code #envctl} line and PostgreSQL in {@code labels}; neither needs a column for it.
 */
public final class AutoPorts {
    /** The label; its key starts with {@link Validation#OWN_LABEL_PREFIX}, so apply never sets or compares it. */
    public static final String LABEL = Validation.OWN_LABEL_PREFIX + "auto-ports";

    private AutoPorts() {
    }

    /** The roles of {@code e} whose port envctl allocated and that still hold that port. */
    public static Set<PortRole> of(Environment e) {
        Set<PortRole> roles = EnumSet.noneOf(PortRole.class);
        String value = e.labels().get(LABEL);
        if (value == null) {
            return roles;
        }
        for (String part : value.strip().split("/")) {
            for (PortRole role : PortRole.values()) {
                Integer port = e.ports().get(role);
                if (port != null && part.equals(role.key() + ":" + port)) {
                    roles.add(role);
                }
            }
        }
        return roles;
    }

    /**
     * The roles whose port a request leaves to envctl: those it gives no port. A port a request gives is the
     * request's, also one a list printed from another store names (apply leaves envctl's labels out of a
     * request, so the mark is not copied; a migration copies records whole, mark included).
     */
    public static Set<PortRole> leftToEnvctl(EnvironmentSpec spec) {
        Set<PortRole> roles = EnumSet.noneOf(PortRole.class);
        for (PortRole role : PortRole.values()) {
            if (spec.ports().get(role) == null) {
                roles.add(role);
            }
        }
        return roles;
    }

    /**
     * {@code labels} with {@value #LABEL} naming exactly the ports of {@code roles} in {@code ports} (removed when
     * there is none).
     */
    public static Map<String, String> labels(Map<String, String> labels, HostPorts ports, Set<PortRole> roles) {
        StringBuilder b = new StringBuilder();
        for (PortRole role : PortRole.values()) {
            Integer port = ports.get(role);
            if (roles.contains(role) && port != null) {
                b.append(b.length() == 0 ? "" : "/").append(role.key()).append(':').append(port);
            }
        }
        Map<String, String> out = new TreeMap<>(labels);
        if (b.length() == 0) {
            out.remove(LABEL);
        } else {
            out.put(LABEL, b.toString());
        }
        return out;
    }

    /**
     * {@code next} (the record after a change of its ports, with the labels of {@code before}) marking as automatic
     * the roles {@code allocated} and those that were automatic in {@code before} and kept their port; a role
     * whose port changed otherwise is not.
     */
    public static Environment after(Environment before, Environment next, Set<PortRole> allocated) {
        Set<PortRole> roles = EnumSet.noneOf(PortRole.class);
        roles.addAll(allocated);
        for (PortRole role : of(before)) {
            if (before.ports().get(role).equals(next.ports().get(role))) {
                roles.add(role);
            }
        }
        return next.withLabels(labels(next.labels(), next.ports(), roles));
    }

    /**
     * {@code e} without, among its automatic roles, those whose port {@code request} gives as its own (not
     * {@link #leftToEnvctl}).
     */
    public static Environment given(Environment e, EnvironmentSpec request) {
        Set<PortRole> roles = of(e);
        Set<PortRole> given = EnumSet.allOf(PortRole.class);
        given.removeAll(leftToEnvctl(request));
        if (!roles.removeAll(given)) {
            return e;
        }
        return e.withLabels(labels(e.labels(), e.ports(), roles));
    }
}
