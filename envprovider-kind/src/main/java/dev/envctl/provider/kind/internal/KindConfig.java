package dev.envctl.provider.kind.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.PortRole;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The kind cluster config ({@code kind.x-k8s.io/v1alpha4}) envctl passes on stdin: the API server on the
 * environment's api port ({@code networking.apiServerPort}) on {@code apiListenAddress}
 * ({@code networking.apiServerAddress}), {@code servers} control-plane nodes and
 * {@code agents} workers, each with the node image if one is chosen, and on the first node
 * {@code extraPortMappings} from container ports 80 and 443 to the http and https host ports.
 */
public final class KindConfig {
    public static final String API_VERSION = "kind.x-k8s.io/v1alpha4";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();

    private KindConfig() {
    }

    /** The YAML text for {@code env}; INVALID_INPUT when a host port is missing. */
    public static String render(Environment env, String listenAddress, String apiListenAddress, String image,
                                int servers, int agents) {
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Node("control-plane", image, List.of(
                new PortMapping(80, port(env, PortRole.HTTP), listenAddress, "TCP"),
                new PortMapping(443, port(env, PortRole.HTTPS), listenAddress, "TCP"))));
        for (int i = 1; i < servers; i++) {
            nodes.add(new Node("control-plane", image, null));
        }
        for (int i = 0; i < agents; i++) {
            nodes.add(new Node("worker", image, null));
        }
        Cluster cluster = new Cluster("Cluster", API_VERSION, new Networking(apiListenAddress, port(env, PortRole.API)), nodes);
        try {
            return YAML.writeValueAsString(cluster);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int port(Environment env, PortRole role) {
        Integer port = env.ports().get(role);
        if (port == null) {
            throw EnvctlException.invalid("environment " + env.name() + " has no " + role.key() + " port; kind "
                    + "needs the http, https and api host ports given explicitly (envctl never lets the tool pick "
                    + "one); record the port in the store and retry");
        }
        return port;
    }

    @JsonPropertyOrder({"kind", "apiVersion", "networking", "nodes"})
    record Cluster(String kind, String apiVersion, Networking networking, List<Node> nodes) {
    }

    @JsonPropertyOrder({"apiServerAddress", "apiServerPort"})
    record Networking(String apiServerAddress, int apiServerPort) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"role", "image", "extraPortMappings"})
    record Node(String role, String image, List<PortMapping> extraPortMappings) {
    }

    @JsonPropertyOrder({"containerPort", "hostPort", "listenAddress", "protocol"})
    record PortMapping(int containerPort, int hostPort, String listenAddress, String protocol) {
    }
}
