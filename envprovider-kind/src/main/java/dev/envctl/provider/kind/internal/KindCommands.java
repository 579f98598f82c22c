package dev.envctl.provider.kind.internal;

import dev.envctl.core.provider.CreatedMark;

import java.util.List;

/** The argv of every kind command the provider runs, and the docker query of node states. Pure functions. */
public final class KindCommands {
    /** The label kind puts on every node container, with the cluster name as its value. */
    public static final String CLUSTER_LABEL = "io.x-k8s.kind.cluster";
    /** The variable that makes kind use a pre-created Docker network instead of its shared network "kind". */
    public static final String NETWORK_VARIABLE = "KIND_EXPERIMENTAL_DOCKER_NETWORK";

    private KindCommands() {
    }

    /** The Docker network envctl makes for an environment with its own subnet. */
    public static String dedicatedNetwork(String environment) {
        return "kind-" + environment + "-net";
    }

    /** {@code kind create cluster --name NAME --config -}: the config comes on stdin. */
    public static List<String> create(String kind, String name) {
        return List.of(kind, "create", "cluster", "--name", name, "--config", "-");
    }

    public static List<String> delete(String kind, String name) {
        return List.of(kind, "delete", "cluster", "--name", name);
    }

    public static List<String> version(String kind) {
        return List.of(kind, "version");
    }

    /** The ids of the node containers of cluster {@code name}, running or not. */
    public static List<String> nodeIds(String docker, String name) {
        return List.of(docker, "ps", "-aq", "--filter", "label=" + CLUSTER_LABEL + "=" + name);
    }

    /** {@code docker stop ID...} or {@code docker start ID...}: kind has no stop command of its own. */
    public static List<String> containers(String docker, String verb, List<String> ids) {
        List<String> argv = new java.util.ArrayList<>(List.of(docker, verb));
        argv.addAll(ids);
        return List.copyOf(argv);
    }

    /** The file envctl leaves in the first control-plane node once kind's create has returned success. */
    public static final CreatedMark CREATED_MARK = new CreatedMark("/kind/envctl-created");

    /** The first control-plane node's container, {@code NAME-control-plane}, which holds {@link #CREATED_MARK}. */
    public static String firstControlPlane(String name) {
        return name + "-control-plane";
    }

    /** The label kind gives each node container its role with: control-plane, worker, external-load-balancer. */
    public static final String ROLE_LABEL = "io.x-k8s.kind.role";

    /**
     * Every kind node container with its cluster, state and role, one "CLUSTER STATE ROLE" line each: the query
     * {@code kind get clusters} runs (v0.24.0), with the state and the role added.
     */
    public static List<String> nodeStates(String docker) {
        return List.of(docker, "ps", "-a", "--filter", "label=" + CLUSTER_LABEL, "--format",
                "{{.Label \"" + CLUSTER_LABEL + "\"}} {{.State}} {{.Label \"" + ROLE_LABEL + "\"}}");
    }
}
