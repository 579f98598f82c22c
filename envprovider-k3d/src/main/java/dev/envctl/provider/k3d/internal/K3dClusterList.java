package dev.envctl.provider.k3d.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.ClusterStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code k3d cluster list -o json}: an array of clusters with {@code name}, {@code nodes[]} (each with
 * {@code role} and {@code State.Running}) and the counts {@code serversRunning}, {@code serversCount},
 * {@code agentsRunning}, {@code agentsCount}. A cluster runs when every node runs (the load balancer too);
 * without a node list the counts decide.
 */
public final class K3dClusterList {
    private static final ObjectMapper JSON = new ObjectMapper();

    private K3dClusterList() {
    }

    /** @throws EnvctlException PROVIDER_FAILED when the text is not such an array */
    public static List<ClusterStatus> parse(String provider, String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw unparsable(json, e.getOriginalMessage());
        }
        if (root == null || !root.isArray()) {
            throw unparsable(json, "expected a JSON array");
        }
        List<ClusterStatus> clusters = new ArrayList<>();
        for (JsonNode c : root) {
            String name = c.path("name").asText("");
            if (name.isEmpty()) {
                throw unparsable(json, "a cluster has no name");
            }
            int serversRunning = c.path("serversRunning").asInt();
            int serversCount = c.path("serversCount").asInt();
            int agentsRunning = c.path("agentsRunning").asInt();
            int agentsCount = c.path("agentsCount").asInt();
            boolean running;
            if (c.path("nodes").isArray() && !c.path("nodes").isEmpty()) {
                running = true;
                for (JsonNode node : c.path("nodes")) {
                    running &= node.path("State").path("Running").asBoolean(false);
                }
            } else {
                running = serversCount > 0 && serversRunning == serversCount && agentsRunning == agentsCount;
            }
            clusters.add(new ClusterStatus(name, provider, running, "servers " + serversRunning + "/" + serversCount
                    + ", agents " + agentsRunning + "/" + agentsCount));
        }
        return clusters;
    }

    private static EnvctlException unparsable(String json, String why) {
        String start = json.strip();
        start = start.length() > 120 ? start.substring(0, 120) + "..." : start;
        return new EnvctlException(ErrorCode.PROVIDER_FAILED, "could not read the output of 'k3d cluster list -o "
                + "json' (" + why.replace('\n', ' ') + "); it began: " + start.replace('\n', ' ')
                + "; check that the k3d binary is k3d 5 or later");
    }
}
