// tag::file[]
package dev.envctl.example.haproxy;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.LifecycleHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Keeps one HAProxy backend per routed environment: after create it adds (or replaces) the backend
 * {@code envctl_NAME} pointing at the environment's http host port, on the {@code host} setting for environments on
 * host {@code local} and at the address of any other host they are placed on; before delete it removes it, so
 * traffic stops before the cluster goes. Environments without the route label get no backend. Thread-safe.
 */
public final class HaproxyBackendHook implements LifecycleHook {
    private static final Logger LOG = LoggerFactory.getLogger(HaproxyBackendHook.class);

    private final BackendFile file;
    private final String host;
    private final String label;

    public HaproxyBackendHook(BackendFile file, String host, String label) {
        this.file = file;
        this.host = host;
        this.label = label;
    }

    @Override
    public String name() {
        return "haproxy";
    }

    /** Runs for {@code environment} on the host its record names, known by name only (no address). */
    @Override
    public void run(HookPhase phase, Environment environment) {
        run(phase, environment, environment.host().equals(Host.LOCAL_NAME) ? Host.LOCAL
                : new Host(environment.host(), null, null, Map.of(), null));
    }

    @Override
    public void run(HookPhase phase, Environment environment, Host on) {
        switch (phase) {
            case POST_CREATE -> {
                if (routed(environment) && environment.ports().http() != null) {
                    file.put(environment.name(), backend(environment, address(environment, on)));
                    LOG.info("{}: HAProxy backend written to {}", environment.name(), file.path());
                } else {
                    file.remove(environment.name());
                }
            }
            case PRE_DELETE -> {
                if (file.remove(environment.name())) {
                    LOG.info("{}: HAProxy backend removed from {}", environment.name(), file.path());
                }
            }
            default -> {
                // nothing to do after delete: the backend went before the cluster did
            }
        }
    }

    private boolean routed(Environment e) {
        String v = e.labels().get(label);
        return "true".equalsIgnoreCase(v) || "1".equals(v);
    }

    /**
     * Where {@code e}'s host ports are reached: the {@code host} setting on {@code local}, else the address of the
     * host it is on (its ports are published there, not here).
     */
    private String address(Environment e, Host on) {
        if (on.isLocal()) {
            return host;
        }
        if (on.address() == null) {
            throw new EnvctlException(ErrorCode.HOOK_FAILED, "environment '" + e.name() + "' is on host '"
                    + on.name() + "', which has no address, so its http port cannot be routed to; add the host "
                    + "again with --address, or set the label " + label + "=false");
        }
        return on.address();
    }

    private static String backend(Environment e, String address) {
        return "backend envctl_" + e.name() + "\n"
                + "    mode http\n"
                + "    server " + e.name() + " " + address + ":" + e.ports().http() + " check\n";
    }
}
// end::file[]
