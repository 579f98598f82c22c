package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.Host;
import dev.envctl.core.spi.EnvironmentStore;


/** Finds an environment's {@link Host}: {@code local} without asking the store, any other in the store. */
public final class Hosts {
    private Hosts() {
    }

    /**
     * The host {@code name}.
     *
     * @throws EnvctlException {@code INVALID_INPUT} naming the hosts there are, when the store has no such host
     */
    public static Host find(EnvironmentStore store, String name) {
        if (name.equals(Host.LOCAL_NAME)) {
            return Host.LOCAL;
        }
        return store.findHost(name).orElseThrow(() -> Host.unknown(name, store.hosts().stream().map(Host::name).toList()));
    }

    /** {@code " on host 'NAME'"} for a host other than {@code local}, else empty: for messages. */
    static String on(Host host) {
        return host.isLocal() ? "" : " on host '" + host.name() + "'";
    }
}
