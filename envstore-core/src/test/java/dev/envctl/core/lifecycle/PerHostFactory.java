package dev.envctl.core.lifecycle;

import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterProviderFactory;
import dev.envctl.core.testing.ScriptedClusterProvider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@code k3d} factory that records the settings and variables of every provider it creates and hands out one
 * scripted provider per Docker endpoint ({@code DOCKER_HOST}, or {@code context:NAME}; empty for the caller's own),
 * so a test can see which host each call went to.
 */
final class PerHostFactory implements ClusterProviderFactory {
    private final Map<String, ScriptedClusterProvider> byEndpoint = new ConcurrentHashMap<>();
    final List<Map<String, String>> settings = Collections.synchronizedList(new ArrayList<>());
    final List<Map<String, String>> environments = Collections.synchronizedList(new ArrayList<>());

    @Override
    public String id() {
        return "k3d";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of(HostProviders.API_LISTEN_ADDRESS, "timeout");
    }

    @Override
    public ClusterProvider create(Map<String, String> s) {
        return create(s, Map.of());
    }

    @Override
    public ClusterProvider create(Map<String, String> s, Map<String, String> environment) {
        settings.add(Map.copyOf(s));
        environments.add(Map.copyOf(environment));
        return on(endpoint(environment));
    }

    /** The provider of {@code endpoint}: {@code ""} for the caller's daemon, a DOCKER_HOST, or context:NAME. */
    ScriptedClusterProvider on(String endpoint) {
        return byEndpoint.computeIfAbsent(endpoint, e -> new ScriptedClusterProvider("k3d"));
    }

    private static String endpoint(Map<String, String> environment) {
        String host = environment.getOrDefault("DOCKER_HOST", "");
        String context = environment.getOrDefault("DOCKER_CONTEXT", "");
        return host.isEmpty() && !context.isEmpty() ? "context:" + context : host;
    }
}
