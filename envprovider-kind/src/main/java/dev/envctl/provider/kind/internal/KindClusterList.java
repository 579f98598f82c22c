package dev.envctl.provider.kind.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.ClusterStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@code kind get clusters} (one name a line on stdout; "No kind clusters found." on stderr when there are
 * none) and the node states from {@code docker ps} ("CLUSTER STATE ROLE" lines). A cluster runs when it has nodes
 * and every one is {@code running}. Its {@code control-plane} and {@code worker} nodes are counted
 * ({@link ClusterStatus#withNodes}): kind lists a cluster as long as one of its node containers exists, so one
 * whose other nodes were removed with {@code docker rm -f} still lists, each node left running.
 */
public final class KindClusterList {
    /** What kind prints (on stderr) when there are no clusters. */
    public static final String NONE_FOUND = "No kind clusters found.";

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");

    private KindClusterList() {
    }

    /** The cluster names; PROVIDER_FAILED on a line that is no cluster name. */
    public static List<String> names(List<String> stdout) {
        List<String> names = new ArrayList<>();
        for (String line : stdout) {
            String name = line.strip();
            if (name.isEmpty() || name.equals(NONE_FOUND)) {
                continue;
            }
            if (!NAME.matcher(name).matches()) {
                throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "could not read the output of 'kind get "
                        + "clusters': line '" + abbreviate(name) + "' is not a cluster name; check that the kind "
                        + "binary is kind");
            }
            names.add(name);
        }
        return names;
    }

    /**
     * The clusters with their state from the {@code docker ps} lines; a line without a role (a container with
     * kind's cluster label but not its role label) counts as a node of no role.
     */
    public static List<ClusterStatus> statuses(String provider, List<String> names, List<String> nodeLines) {
        Map<String, int[]> nodes = new LinkedHashMap<>();
        for (String line : nodeLines) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.strip().split(" ");
            if (parts.length != 2 && parts.length != 3) {
                throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "could not read the node states from docker "
                        + "ps: line '" + abbreviate(line) + "' is not 'CLUSTER STATE ROLE'");
            }
            String role = parts.length == 3 ? parts[2] : "";
            int[] counts = nodes.computeIfAbsent(parts[0], k -> new int[4]);
            counts[0] += parts[1].equals("running") ? 1 : 0;
            counts[1]++;
            counts[2] += role.equals("control-plane") ? 1 : 0;
            counts[3] += role.equals("worker") ? 1 : 0;
        }
        List<ClusterStatus> clusters = new ArrayList<>();
        for (String name : names) {
            int[] counts = nodes.getOrDefault(name, new int[4]);
            clusters.add(new ClusterStatus(name, provider, counts[1] > 0 && counts[0] == counts[1],
                    "nodes " + counts[0] + "/" + counts[1] + " running").withNodes(counts[2], counts[3]));
        }
        return clusters;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
