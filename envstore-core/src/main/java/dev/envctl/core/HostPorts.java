package dev.envctl.core;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Host ports by role. A {@code null} port is one not yet chosen (in a request) or not recorded (rows
 * adopted from the Kindler scripts have no API port). Every port given is in 1..65535 and no two roles
 * share one.
 */
public record HostPorts(Integer http, Integer https, Integer pf, Integer api) {

    public static final HostPorts NONE = new HostPorts(null, null, null, null);

    public HostPorts {
        // plain loops, no map: every row a store reads comes through here
        PortRole[] roles = PortRole.values();
        for (int i = 0; i < roles.length; i++) {
            Integer port = pick(roles[i], http, https, pf, api);
            if (port == null) {
                continue;
            }
            Validation.requirePort(roles[i].key() + " port", port);
            for (int j = 0; j < i; j++) {
                if (port.equals(pick(roles[j], http, https, pf, api))) {
                    throw EnvctlException.invalid("port " + port + " is given for both " + roles[j].key() + " and "
                            + roles[i].key() + "; each host port must be different");
                }
            }
        }
    }

    private static Integer pick(PortRole role, Integer http, Integer https, Integer pf, Integer api) {
        return switch (role) {
            case HTTP -> http;
            case HTTPS -> https;
            case PF -> pf;
            case API -> api;
        };
    }

    public Integer get(PortRole role) {
        return pick(role, http, https, pf, api);
    }

    public HostPorts with(PortRole role, Integer port) {
        Map<PortRole, Integer> m = asMap();
        m.put(role, port);
        return of(m);
    }

    /** The ports given, by role, in role order; absent roles are left out. */
    public Map<PortRole, Integer> asMap() {
        Map<PortRole, Integer> m = new EnumMap<>(PortRole.class);
        for (PortRole role : PortRole.values()) {
            if (get(role) != null) {
                m.put(role, get(role));
            }
        }
        return m;
    }

    /** The ports given, in role order. */
    public List<Integer> values() {
        return new ArrayList<>(asMap().values());
    }

    public boolean complete() {
        return http != null && https != null && pf != null && api != null;
    }

    public static HostPorts of(Map<PortRole, Integer> ports) {
        return new HostPorts(ports.get(PortRole.HTTP), ports.get(PortRole.HTTPS), ports.get(PortRole.PF),
                ports.get(PortRole.API));
    }
}
