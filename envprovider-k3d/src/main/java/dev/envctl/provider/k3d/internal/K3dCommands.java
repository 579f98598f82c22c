package dev.envctl.provider.k3d.internal;

import dev.envctl.core.Durations;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.PortRole;

import java.util.ArrayList;
import java.util.List;

/** The argv of every k3d command the provider runs. Pure functions; {@code k3d} is the executable to use. */
public final class K3dCommands {
    private K3dCommands() {
    }

    /** The Docker network envctl makes for an environment with its own subnet. */
    public static String dedicatedNetwork(String environment) {
        return "k3d-" + environment + "-net";
    }

    /**
     * {@code k3d cluster create NAME --api-port API -p HTTP:80@loadbalancer -p HTTPS:443@loadbalancer
     * --network NET [--servers N] [--agents N] [--image IMG] [--k3s-arg ARG]... --wait|--wait=false
     * --timeout T}.
     */
    public static List<String> create(String k3d, Environment env, String network, K3dClusterOptions o) {
        List<String> argv = new ArrayList<>(List.of(k3d, "cluster", "create", env.name(),
                "--api-port", String.valueOf(port(env, PortRole.API)),
                "-p", port(env, PortRole.HTTP) + ":80@loadbalancer",
                "-p", port(env, PortRole.HTTPS) + ":443@loadbalancer",
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
