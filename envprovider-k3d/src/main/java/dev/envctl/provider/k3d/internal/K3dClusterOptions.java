package dev.envctl.provider.k3d.internal;

import dev.envctl.core.provider.SettingValues;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one cluster is made with: the provider settings, overridden by the environment's options
 * ({@code servers}, {@code agents}, {@code image}, {@code k3s-args}, {@code wait}, {@code timeout}).
 */
public record K3dClusterOptions(Integer servers, Integer agents, String image, List<String> k3sArgs, boolean waitReady,
                                Duration timeout) {

    /** The option keys an environment of this provider may carry. */
    public static final Set<String> KEYS = Set.of(K3dSettings.SERVERS, K3dSettings.AGENTS, K3dSettings.IMAGE,
            K3dSettings.K3S_ARGS, K3dSettings.WAIT, K3dSettings.TIMEOUT);

    public K3dClusterOptions {
        k3sArgs = List.copyOf(k3sArgs);
    }

    /** The options for {@code env}; an unknown option key or a bad value is INVALID_INPUT. */
    public static K3dClusterOptions of(K3dSettings settings, Environment env) {
        return of(settings, env.name(), env.options());
    }

    /** The options {@code o} of environment {@code name}; an unknown option key or a bad value is INVALID_INPUT. */
    public static K3dClusterOptions of(K3dSettings settings, String name, Map<String, String> o) {
        Set<String> unknown = new TreeSet<>(o.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw EnvctlException.invalid("environment " + name + " has option(s) " + unknown + " that k3d "
                    + "does not know; allowed: " + new TreeSet<>(KEYS));
        }
        String what = "option %s of environment " + name;
        return new K3dClusterOptions(
                o.containsKey(K3dSettings.SERVERS) ? (Integer) SettingValues.count(what.formatted(K3dSettings.SERVERS),
                        o.get(K3dSettings.SERVERS), 1) : settings.servers(),
                o.containsKey(K3dSettings.AGENTS) ? (Integer) SettingValues.count(what.formatted(K3dSettings.AGENTS),
                        o.get(K3dSettings.AGENTS), 0) : settings.agents(),
                o.containsKey(K3dSettings.IMAGE) ? K3dSettings.image(what.formatted(K3dSettings.IMAGE),
                        o.get(K3dSettings.IMAGE)) : settings.image(),
                o.containsKey(K3dSettings.K3S_ARGS) ? K3dSettings.k3sArgs(what.formatted(K3dSettings.K3S_ARGS),
                        o.get(K3dSettings.K3S_ARGS)) : settings.k3sArgs(),
                o.containsKey(K3dSettings.WAIT) ? SettingValues.bool(what.formatted(K3dSettings.WAIT),
                        o.get(K3dSettings.WAIT)) : settings.waitReady(),
                o.containsKey(K3dSettings.TIMEOUT) ? K3dSettings.timeout(what.formatted(K3dSettings.TIMEOUT),
                        o.get(K3dSettings.TIMEOUT)) : settings.timeout());
    }
}
