package dev.envctl.provider.k3d.internal;

import dev.envctl.core.Durations;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.PortRole;
import dev.envctl.core.provider.CreatedMark;

import java.util.ArrayList;
import java.util.List;

/** The argv of every k3d command the provider runs. Pure functions; {@code k3d} is the executable to use. */
public final class K3dCommands {
    private K3dCommands() {
    }

    /**
     * The Docker network envctl makes for an environment with its own subnet: {@code k3d-NAME}, the name the
     * Kindler scripts gave it and their HAProxy and devops scripts look up.
     */
    public static String dedicatedNetwork(String environment) {
        return "k3d-" + environment;
    }

    /**
     * The file envctl leaves in the first server node once k3d's create has returned success: in k3s's data
     * folder, a volume of the node container, so it stays through stop and start.
     */
    public static final CreatedMark CREATED_MARK = new CreatedMark("/var/lib/rancher/k3s/envctl-created");

    /** The first server node's container, {@code k3d-NAME-server-0}, which every k3d cluster has. */
    public static String firstServer(String environment) {
        return "k3d-" + environment + "-server-0";
    }

    /** The volume k3d makes for a cluster's image imports, which its own rollback can leave behind. */
    public static String imageVolume(String environment) {
        return "k3d-" + environment + "-images";
    }

    /**
     * {@code k3d cluster create NAME --api-port APIADDR:API -p ADDR:HTTP:80@loadbalancer
     * -p ADDR:HTTPS:443@loadbalancer --network NET [--servers N] [--agents N] [--image IMG] [--k3s-arg ARG]...
     * --wait|--wait=false --timeout T}.
     */
    public static List<String> create(String k3d, Environment env, String network, String listenAddress,
                                      String apiListenAddress, K3dClusterOptions o) {
        List<String> argv = new ArrayList<>(List.of(k3d, "cluster", "create", env.name(),
                "--api-port", host(apiListenAddress) + ":" + port(env, PortRole.API),
                "-p", host(listenAddress) + ":" + port(env, PortRole.HTTP) + ":80@loadbalancer",
                "-p", host(listenAddress) + ":" + port(env, PortRole.HTTPS) + ":443@loadbalancer",
                "--network", network));
        if (o.servers() != null) {
            argv.addAll(List.of("--servers", o.servers().toString()));
        }
        if (o.agents() != null) {
            argv.addAll(List.of("--agents", o.agents().toString()));
        }
        if (o.image() != null) {
            argv.addAll(List.of("--image", o.image()));
        }
        for (String arg : o.k3sArgs()) {
            argv.addAll(List.of("--k3s-arg", arg));
        }
        argv.add(o.waitReady() ? "--wait" : "--wait=false");
        argv.addAll(List.of("--timeout", Durations.format(o.timeout())));
        return argv;
    }

    public static List<String> delete(String k3d, String name) {
        return List.of(k3d, "cluster", "delete", name);
    }

    /** {@code k3d cluster stop NAME}: stops the nodes, keeping containers, volumes and published ports. */
    public static List<String> stop(String k3d, String name) {
        return List.of(k3d, "cluster", "stop", name);
    }

    /** {@code k3d cluster start NAME --wait --timeout T}. */
    public static List<String> start(String k3d, String name, java.time.Duration timeout) {
        return List.of(k3d, "cluster", "start", name, "--wait", "--timeout", Durations.format(timeout));
    }

    /** The container of the tools node k3d runs during a create or start, {@code k3d-NAME-tools}. */
    public static String toolsNode(String environment) {
        return "k3d-" + environment + "-tools";
    }

    /** k3d's label naming the cluster a container belongs to. */
    public static final String CLUSTER_LABEL = "k3d.cluster";

    /** {@code docker container inspect --format {{index .Config.Labels "k3d.cluster"}} CONTAINER}: its cluster. */
    public static List<String> clusterOf(String docker, String container) {
        return List.of(docker, "container", "inspect", "--format", "{{index .Config.Labels \"" + CLUSTER_LABEL
                + "\"}}", container);
    }

    /** {@code docker container inspect --format {{.Created}} CONTAINER}: when it was made, by the daemon's clock. */
    public static List<String> createdAt(String docker, String container) {
        return List.of(docker, "container", "inspect", "--format", "{{.Created}}", container);
    }

    /** {@code docker info --format {{.SystemTime}}}: the daemon's clock now. */
    public static List<String> daemonTime(String docker) {
        return List.of(docker, "info", "--format", "{{.SystemTime}}");
    }

    /** {@code docker rm CONTAINER}, which refuses a running container. */
    public static List<String> removeContainer(String docker, String container) {
        return List.of(docker, "rm", container);
    }

    /** {@code docker volume rm -f VOLUME}, which succeeds when there is no such volume. */
    public static List<String> removeVolume(String docker, String volume) {
        return List.of(docker, "volume", "rm", "-f", volume);
    }

    public static List<String> list(String k3d) {
        return List.of(k3d, "cluster", "list", "-o", "json");
    }

    /** {@code k3d version -o json}, which recent k3d 5 releases understand; older ones reject {@code -o}. */
    public static List<String> versionJson(String k3d) {
        return List.of(k3d, "version", "-o", "json");
    }

    public static List<String> version(String k3d) {
        return List.of(k3d, "version");
    }

    /** An address as k3d's port specs take it: IPv6 in brackets. */
    private static String host(String address) {
        return address.contains(":") ? "[" + address + "]" : address;
    }

    private static int port(Environment env, PortRole role) {
        Integer port = env.ports().get(role);
        if (port == null) {
            throw EnvctlException.invalid("environment " + env.name() + " has no " + role.key() + " port; k3d "
                    + "needs the http, https and api host ports given explicitly (envctl never lets the tool pick "
                    + "one); record the port in the store and retry");
        }
        return port;
    }
}
