package dev.envctl.core.hook;

import dev.envctl.core.Environment;
import dev.envctl.core.Host;
import dev.envctl.core.Validation;
import dev.envctl.core.spi.HookPhase;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment variables the exec hook gives each script: {@code ENVCTL_NAME}, {@code ENVCTL_PROVIDER},
 * {@code ENVCTL_SUBNET} (empty for the shared network), {@code ENVCTL_HTTP_PORT}, {@code ENVCTL_HTTPS_PORT},
 * {@code ENVCTL_PF_PORT}, {@code ENVCTL_API_PORT} (empty when not recorded), {@code ENVCTL_NODE_PORT},
 * {@code ENVCTL_KUBE_CONTEXT}, {@code ENVCTL_HOST_NAME} (the host's name, {@code local} unless placed elsewhere),
 * {@code ENVCTL_HOST_DOCKER} (its Docker endpoint as given to {@code host add}; empty for {@code local}),
 * {@code ENVCTL_HOST_ADDRESS} (the address its ports are reached at; empty when it has none),
 * {@code ENVCTL_PHASE}, and one {@code ENVCTL_LABEL_<KEY>} per label, where
 * KEY is the label key upper-cased with every character other than A-Z and 0-9 turned into '_'
 * ({@code haproxy_route} gives {@code ENVCTL_LABEL_HAPROXY_ROUTE}, {@code team.owner} gives
 * {@code ENVCTL_LABEL_TEAM_OWNER}). When two keys map to one variable, envctl's own label ({@code envctl.*}) wins,
 * else the key first in sort order.
 * Values are passed verbatim: no shell ever reads them.
 */
public final class HookVariables {
    public static final String LABEL_PREFIX = "ENVCTL_LABEL_";

    private HookVariables() {
    }

    /** The variables for {@code e} on the host its record names, known by name only. */
    public static Map<String, String> of(Environment e, HookPhase phase) {
        return of(e, hostOf(e), phase);
    }

    /** The host {@code e}'s record names, by name only: no endpoint, no address. */
    static Host hostOf(Environment e) {
        return e.host().equals(Host.LOCAL_NAME) ? Host.LOCAL : new Host(e.host(), null, null, Map.of(), null);
    }

    /** The variables for {@code e} on {@code host}. */
    public static Map<String, String> of(Environment e, Host host, HookPhase phase) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("ENVCTL_NAME", e.name());
        v.put("ENVCTL_PROVIDER", e.provider());
        v.put("ENVCTL_SUBNET", e.subnet() == null ? "" : e.subnet().toString());
        v.put("ENVCTL_HTTP_PORT", text(e.ports().http()));
        v.put("ENVCTL_HTTPS_PORT", text(e.ports().https()));
        v.put("ENVCTL_PF_PORT", text(e.ports().pf()));
        v.put("ENVCTL_API_PORT", text(e.ports().api()));
        v.put("ENVCTL_NODE_PORT", Integer.toString(e.nodePort()));
        v.put("ENVCTL_KUBE_CONTEXT", e.kubeContext());
        v.put("ENVCTL_HOST_NAME", host.name());
        v.put("ENVCTL_HOST_DOCKER", host.docker() == null ? "" : host.docker());
        v.put("ENVCTL_HOST_ADDRESS", host.address() == null ? "" : host.address());
        v.put("ENVCTL_PHASE", phase.key());
        // envctl's own labels first: a user's key mapping to the same variable (ENVCTL_KEEP-RECORD) never takes it
        for (boolean own : new boolean[] {true, false}) {
            for (Map.Entry<String, String> label : new TreeMap<>(e.labels()).entrySet()) {
                if (Validation.isOwnLabel(label.getKey()) == own) {
                    v.putIfAbsent(labelVariable(label.getKey()), label.getValue());
                }
            }
        }
        return v;
    }

    /** {@code ENVCTL_LABEL_} and the key upper-cased, non-alphanumerics turned into '_'. */
    public static String labelVariable(String key) {
        StringBuilder b = new StringBuilder(LABEL_PREFIX);
        for (char c : key.toUpperCase(Locale.ROOT).toCharArray()) {
            b.append((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
        }
        return b.toString();
    }

    private static String text(Integer port) {
        return port == null ? "" : port.toString();
    }
}
