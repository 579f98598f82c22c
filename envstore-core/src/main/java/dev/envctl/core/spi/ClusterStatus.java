package dev.envctl.core.spi;

import dev.envctl.core.Host;

/**
 * A cluster as a provider lists it.
 *
 * @param running whether all its nodes run
 * @param detail  a short human summary such as "servers 1/1, agents 0/0", or {@code null}
 * @param host    the name of the {@link Host} it runs on; {@code local} unless the engine listed another host
 */
public record ClusterStatus(String name, String provider, boolean running, String detail, String host) {
    public ClusterStatus {
        host = host == null ? Host.LOCAL_NAME : host;
    }

    /** A cluster on {@code local}, as providers list them. */
    public ClusterStatus(String name, String provider, boolean running, String detail) {
        this(name, provider, running, detail, Host.LOCAL_NAME);
    }

    /** The same cluster, on host {@code host}. */
    public ClusterStatus withHost(String host) {
        return new ClusterStatus(name, provider, running, detail, host);
    }
}
