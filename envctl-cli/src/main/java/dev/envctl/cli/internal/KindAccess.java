package dev.envctl.cli.internal;

import dev.envctl.core.Environment;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.provider.kind.KindProvider;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a dry run shows beyond argv for kind: the config {@code kind create cluster --config -} reads on stdin,
 * and the variables it is run with. Loaded only for a kind environment's plan.
 */
final class KindAccess {
    private KindAccess() {
    }

    static boolean isKind(ClusterProvider provider) {
        return provider.getClass().getName().equals("dev.envctl.provider.kind.KindProvider");
    }

    static String stdin(ClusterProvider provider, Environment e) {
        return ((KindProvider) provider).renderConfig(e);
    }

    /** The variables set for the create, without empty ones. */
    static Map<String, String> environment(ClusterProvider provider, Environment e) {
        Map<String, String> m = new TreeMap<>();
        ((KindProvider) provider).createEnvironment(e).forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                m.put(k, v);
            }
        });
        return m;
    }
}
