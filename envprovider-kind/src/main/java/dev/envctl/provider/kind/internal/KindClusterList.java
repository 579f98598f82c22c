package dev.envctl.provider.kind.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.ClusterStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads the node containers {@code docker ps} lists with kind's cluster label ("CLUSTER STATE ROLE" lines): the
 * query {@code kind get clusters} itself makes, with each node's state and role added. A cluster is listed while
 * any of its node containers exists, as kind lists it; it runs when every node is {@code running}. Its
 * {@code control-plane} and {@code worker} nodes are counted ({@link ClusterStatus#withNodes}), so one whose other
 * nodes were removed with {@code docker rm -f} still lists, each node left running.
 */
public final class KindClusterList {
    /** kind's own rule for cluster names (v0.24.0), wider than envctl's: {@code test-} is one. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9.-]+");

    private KindClusterList() {
    }

    /**
     * The clusters, by name, with their state from the {@code docker ps} lines; a line without a role (a container
     * with kind's cluster label but not its role label) counts as a node of no role, and one with an empty cluster
     * label is no cluster, as kind's own listing skips it. PROVIDER_FAILED on a line of another shape or whose
     * cluster is no kind cluster name.
     */
    public static List<ClusterStatus> statuses(String provider, List<String> nodeLines) {
        Map<String, int[]> nodes = new TreeMap<>();
        for (String line : nodeLines) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.stripTrailing().split(" ", -1);
            if (parts.length != 2 && parts.length != 3) {
                throw unreadable(line, "is not 'CLUSTER STATE ROLE'");
            }
            if (parts[0].isEmpty()) {
                continue;
            }
            if (!NAME.matcher(parts[0]).matches()) {
                throw unreadable(line, "does not start with a kind cluster name");
            }
            String role = parts.length == 3 ? parts[2] : "";
            int[] counts = nodes.computeIfAbsent(parts[0], k -> new int[4]);
            counts[0] += parts[1].equals("running") ? 1 : 0;
            counts[1]++;
            counts[2] += role.equals("control-plane") ? 1 : 0;
            counts[3] += role.equals("worker") ? 1 : 0;
        }
        List<ClusterStatus> clusters = new ArrayList<>();
        nodes.forEach((name, counts) -> clusters.add(new ClusterStatus(name, provider, counts[0] == counts[1],
                "nodes " + counts[0] + "/" + counts[1] + " running").withNodes(counts[2], counts[3])));
        return clusters;
    }

    private static EnvctlException unreadable(String line, String why) {
        String shown = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return new EnvctlException(ErrorCode.PROVIDER_FAILED, "could not read the node states from docker ps: line '"
                + shown + "' " + why);
    }
}
