package dev.envctl.core.provider;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.spi.ClusterStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compares the nodes a provider counted in a listed cluster with the nodes its record asks for: the options
 * {@code servers} (default 1) and {@code agents} (default 0), which k3d and kind both take. Only the record's own
 * options count, not a provider setting's default: a setting changed after a cluster was made must not make
 * every cluster made before look broken. Stateless.
 */
public final class RecordedNodes {
    public static final String SERVERS = "servers";
    public static final String AGENTS = "agents";

    private RecordedNodes() {
    }

    /**
     * What {@code listed} lacks of the nodes {@code env} asks for, such as "k3d lists 0 of the 1 server nodes its
     * record asks for"; empty when it has them all, when the provider did not count them, or when an option is
     * not a node count (the provider refuses that record elsewhere).
     *
     * @param serverWord how the provider calls a server node ("server", "control-plane")
     * @param agentWord  how it calls an agent node ("agent", "worker")
     */
    public static Optional<String> missing(Environment env, ClusterStatus listed, String serverWord,
                                           String agentWord) {
        List<String> lacking = new ArrayList<>();
        try {
            lacking(listed.provider(), listed.servers(), asked(env, SERVERS, 1), serverWord).ifPresent(lacking::add);
            lacking(listed.provider(), listed.agents(), asked(env, AGENTS, 0), agentWord).ifPresent(lacking::add);
        } catch (EnvctlException invalid) {
            return Optional.empty();
        }
        return lacking.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", lacking));
    }

    private static int asked(Environment env, String option, int dflt) {
        String value = env.options().get(option);
        return value == null ? dflt : SettingValues.count("option " + option, value, 0);
    }

    private static Optional<String> lacking(String provider, int counted, int asked, String word) {
        if (counted == ClusterStatus.UNCOUNTED || counted >= asked) {
            return Optional.empty();
        }
        return Optional.of(provider + " lists " + counted + " of the " + asked + " " + word + " nodes its record "
                + "asks for");
    }
}
