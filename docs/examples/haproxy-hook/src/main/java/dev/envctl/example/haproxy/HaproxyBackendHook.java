// tag::file[]
package dev.envctl.example.haproxy;

import dev.envctl.core.Environment;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.LifecycleHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one HAProxy backend per routed environment: after create it adds (or replaces) the backend
 * {@code envctl_NAME} pointing at the environment's http host port; before delete it removes it, so traffic
 * stops before the cluster goes. Environments without the route label get no backend. Thread-safe.
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

    @Override
    public void run(HookPhase phase, Environment environment) {
        switch (phase) {
            case POST_CREATE -> {
                if (routed(environment) && environment.ports().http() != null) {
                    file.put(environment.name(), backend(environment));
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

    private String backend(Environment e) {
        return "backend envctl_" + e.name() + "\n"
                + "    mode http\n"
                + "    server " + e.name() + " " + host + ":" + e.ports().http() + " check\n";
    }
}
// end::file[]
