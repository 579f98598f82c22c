package dev.envctl.core.spi;

import dev.envctl.core.Host;

/**
 * A cluster as a provider lists it.
 *
 * @param running whether all its nodes run
 * @param detail  a short human summary such as "servers 1/1, agents 0/0", or {@code null}
 * @param host    the name of the {@link Host} it runs on; {@code local} unless the engine listed another host
 * @param servers its server (control-plane) nodes that exist, running or not; {@link #UNCOUNTED} when the provider
 *                does not count them
 * @param agents  its agent (worker) nodes that exist, running or not; {@link #UNCOUNTED} likewise
 * @param lacking what the cluster was made with that the provider no longer lists, whatever the record asks for
 *                (k3d's load balancer, "its load balancer k3d-dev-serverlb"), or {@code null}: nothing, or the
 *                provider cannot tell
 */
public record ClusterStatus(String name, String provider, boolean running, String detail, String host, int servers,
                            int agents, String lacking) {
    /** A node count the provider does not know. */
    public static final int UNCOUNTED = -1;

    public ClusterStatus {
        host = host == null ? Host.LOCAL_NAME : host;
        servers = Math.max(servers, UNCOUNTED);
        agents = Math.max(agents, UNCOUNTED);
    }

    /** A cluster on {@code host} with {@code servers} and {@code agents} nodes, lacking nothing. */
    public ClusterStatus(String name, String provider, boolean running, String detail, String host, int servers,
                         int agents) {
        this(name, provider, running, detail, host, servers, agents, null);
    }

    /** A cluster on {@code host}, its nodes not counted. */
    public ClusterStatus(String name, String provider, boolean running, String detail, String host) {
        this(name, provider, running, detail, host, UNCOUNTED, UNCOUNTED);
    }

    /** A cluster on {@code local}, its nodes not counted, as providers list them. */
    public ClusterStatus(String name, String provider, boolean running, String detail) {
        this(name, provider, running, detail, Host.LOCAL_NAME);
    }

    /** The same cluster, on host {@code host}. */
    public ClusterStatus withHost(String host) {
        return new ClusterStatus(name, provider, running, detail, host, servers, agents, lacking);
    }

    /**
     * The same cluster with {@code servers} server and {@code agents} agent nodes: what the provider counted, so
     * that {@link ClusterProvider#missingNodes} can tell a cluster whose node containers were removed.
     */
    public ClusterStatus withNodes(int servers, int agents) {
        return new ClusterStatus(name, provider, running, detail, host, servers, agents, lacking);
    }

    /**
     * The same cluster lacking {@code what} (null: nothing), which its provider's
     * {@link ClusterProvider#missingNodes} reports whatever the record asks for.
     */
    public ClusterStatus withLacking(String what) {
        return new ClusterStatus(name, provider, running, detail, host, servers, agents, what);
    }
}
