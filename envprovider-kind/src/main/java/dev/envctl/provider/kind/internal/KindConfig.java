package dev.envctl.provider.kind.internal;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.PortRole;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The kind cluster config ({@code kind.x-k8s.io/v1alpha4}) envctl passes on stdin: the API server on the
 * environment's api port ({@code networking.apiServerPort}) on {@code apiListenAddress}
 * ({@code networking.apiServerAddress}), {@code servers} control-plane nodes and
 * {@code agents} workers, each with the node image if one is chosen, and on the first node
 * {@code extraPortMappings} from container ports 80 and 443 to the http and https host ports.
 * Written with jackson-dataformat-yaml's streaming generator, which needs none of jackson-databind's
 * initialisation; a {@code null} address is written as YAML null.
 */
public final class KindConfig {
    public static final String API_VERSION = "kind.x-k8s.io/v1alpha4";

    private static final YAMLFactory YAML = YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();

    private KindConfig() {
    }

    /** The YAML text for {@code env}; INVALID_INPUT when a host port is missing. */
    public static String render(Environment env, String listenAddress, String apiListenAddress, String image,
                                int servers, int agents) {
        int http = port(env, PortRole.HTTP);
        int https = port(env, PortRole.HTTPS);
        int api = port(env, PortRole.API);
        StringWriter out = new StringWriter();
        try (YAMLGenerator g = YAML.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("kind", "Cluster");
            g.writeStringField("apiVersion", API_VERSION);
            g.writeObjectFieldStart("networking");
            g.writeStringField("apiServerAddress", apiListenAddress);
            g.writeNumberField("apiServerPort", api);
            g.writeEndObject();
            g.writeArrayFieldStart("nodes");
            startNode(g, "control-plane", image);
            g.writeArrayFieldStart("extraPortMappings");
            portMapping(g, 80, http, listenAddress);
            portMapping(g, 443, https, listenAddress);
            g.writeEndArray();
            g.writeEndObject();
            for (int i = 1; i < servers; i++) {
                startNode(g, "control-plane", image);
                g.writeEndObject();
            }
            for (int i = 0; i < agents; i++) {
                startNode(g, "worker", image);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Opens a node object with its role and, when not {@code null}, its image. */
    private static void startNode(YAMLGenerator g, String role, String image) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", role);
        if (image != null) {
            g.writeStringField("image", image);
        }
    }

    private static void portMapping(YAMLGenerator g, int containerPort, int hostPort, String listenAddress)
            throws IOException {
        g.writeStartObject();
        g.writeNumberField("containerPort", containerPort);
        g.writeNumberField("hostPort", hostPort);
        g.writeStringField("listenAddress", listenAddress);
        g.writeStringField("protocol", "TCP");
        g.writeEndObject();
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
}
