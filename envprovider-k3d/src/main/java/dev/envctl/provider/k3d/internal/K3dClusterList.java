package dev.envctl.provider.k3d.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.ClusterStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code k3d cluster list -o json}: an array of clusters with {@code name}, {@code nodes[]} (each with
 * {@code State.Running}) and the counts {@code serversRunning}, {@code serversCount}, {@code agentsRunning},
 * {@code agentsCount}. A cluster runs when every node runs (the load balancer too); without a non-empty node
 * list the counts decide. {@code serversCount} and {@code agentsCount} are the nodes that exist, as k3d counts the
 * containers it finds: a server removed with {@code docker rm -f} leaves the cluster listed with 0/0 servers and
 * its load balancer running ({@link ClusterStatus#withNodes}). A load balancer removed so leaves the counts as they
 * were; a server node's label {@code k3d.server.loadbalancer} names the one the cluster was made with (empty for
 * one made with {@code --no-lb}), and a cluster whose nodes hold no node of role {@code loadbalancer} then lacks it
 * ({@link ClusterStatus#withLacking}).
 * <p>
 * The text is read with jackson-core's streaming parser, not as a jackson-databind tree, so that listing
 * clusters does not have to initialise databind. Every other field, nested objects and arrays included, is
 * skipped; nothing after the array's closing bracket is read. A field given twice counts with its last value.
 * Values are read as jackson-core reads them: a count that is not a number is 0, {@code Running} is true for
 * {@code true}, {@code "true"} and non-zero integers, a {@code name} that is null, an object or an array is no
 * name.
 */
public final class K3dClusterList {
    private static final JsonFactory JSON = new JsonFactory();

    private K3dClusterList() {
    }

    /** @throws EnvctlException PROVIDER_FAILED when the text is not such an array */
    public static List<ClusterStatus> parse(String provider, String json) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                // a syntax error in the value takes precedence over its type
                p.skipChildren();
                p.finishToken();
                throw unparsable(json, "expected a JSON array");
            }
            List<ClusterStatus> clusters = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                clusters.add(readCluster(p, provider));
            }
            // checked once the whole array is read, so that a syntax error anywhere in it is reported as such
            if (clusters.stream().anyMatch(c -> c.name().isEmpty())) {
                throw unparsable(json, "a cluster has no name");
            }
            return clusters;
        } catch (JsonProcessingException e) {
            throw unparsable(json, e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not thrown when reading a String
        }
    }

    /**
     * Reads a cluster; its name is empty when it has none. Each {@code read} method starts at the first token of
     * a value and leaves the parser on its last token.
     */
    private static ClusterStatus readCluster(JsonParser p, String provider) throws IOException {
        String name = "";
        int serversRunning = 0;
        int serversCount = 0;
        int agentsRunning = 0;
        int agentsCount = 0;
        Nodes nodes = Nodes.NONE;
        if (p.currentToken() == JsonToken.START_OBJECT) {
            String field;
            while ((field = p.nextFieldName()) != null) {
                p.nextToken();
                switch (field) {
                    case "name" -> name = p.getValueAsString("");
                    case "serversRunning" -> serversRunning = p.getValueAsInt(0);
                    case "serversCount" -> serversCount = p.getValueAsInt(0);
                    case "agentsRunning" -> agentsRunning = p.getValueAsInt(0);
                    case "agentsCount" -> agentsCount = p.getValueAsInt(0);
                    case "nodes" -> nodes = readNodes(p);
                    default -> {
                    }
                }
                p.skipChildren();
            }
        } else {
            p.skipChildren();
        }
        boolean running = nodes.allRunning() != null ? nodes.allRunning()
                : serversCount > 0 && serversRunning == serversCount && agentsRunning == agentsCount;
        return new ClusterStatus(name, provider, running, "servers " + serversRunning + "/" + serversCount
                + ", agents " + agentsRunning + "/" + agentsCount).withNodes(serversCount, agentsCount)
                .withLacking(nodes.lacking());
    }

    /**
     * What a node list says: whether every node runs ({@code null} when the value is not an array or is empty),
     * and what it lacks (the load balancer a server names when no node has its role; {@code null} for nothing).
     */
    private record Nodes(Boolean allRunning, String lacking) {
        static final Nodes NONE = new Nodes(null, null);
    }

    /** One node: whether it runs, its role, and the load balancer it names (a server's label), if any. */
    private record Node(boolean running, String role, String loadBalancer) {
    }

    private static Nodes readNodes(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return Nodes.NONE;
        }
        List<Node> nodes = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            nodes.add(readNode(p));
        }
        if (nodes.isEmpty()) {
            return Nodes.NONE;
        }
        String named = nodes.stream().map(Node::loadBalancer).filter(lb -> lb != null && !lb.isBlank()).findFirst()
                .orElse(null);
        boolean listed = nodes.stream().anyMatch(n -> "loadbalancer".equals(n.role()));
        return new Nodes(nodes.stream().allMatch(Node::running),
                named == null || listed ? null : "its load balancer " + named);
    }

    /** Reads a node: {@code State.Running}, {@code role} and the label {@code k3d.server.loadbalancer}. */
    private static Node readNode(JsonParser p) throws IOException {
        boolean running = false;
        String role = null;
        String loadBalancer = null;
        if (p.currentToken() == JsonToken.START_OBJECT) {
            String field;
            while ((field = p.nextFieldName()) != null) {
                p.nextToken();
                switch (field) {
                    case "State" -> running = JsonObjects.field(p, "Running", r -> r.getValueAsBoolean(false), false);
                    case "role" -> role = p.getValueAsString();
                    case "runtimeLabels" -> loadBalancer = JsonObjects.field(p, "k3d.server.loadbalancer",
                            JsonParser::getValueAsString, null);
                    default -> {
                    }
                }
                p.skipChildren();
            }
        } else {
            p.skipChildren();
        }
        return new Node(running, role, loadBalancer);
    }

    private static EnvctlException unparsable(String json, String why) {
        String start = json.strip();
        start = start.length() > 120 ? start.substring(0, 120) + "..." : start;
        return new EnvctlException(ErrorCode.PROVIDER_FAILED, "could not read the output of 'k3d cluster list -o "
                + "json' (" + why.replace('\n', ' ') + "); it began: " + start.replace('\n', ' ')
                + "; check that the k3d binary is k3d 5 or later");
    }
}
