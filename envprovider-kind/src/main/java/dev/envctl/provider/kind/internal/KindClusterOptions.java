package dev.envctl.provider.kind.internal;

import dev.envctl.core.provider.SettingValues;

import dev.envctl.core.Durations;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one cluster is made with: the provider settings, overridden by the environment's options {@code image} and
 * {@code timeout}; the options {@code servers} (control-plane nodes, default 1) and {@code agents} (worker nodes,
 * default 0) shape the node list.
 */
public record KindClusterOptions(String image, Duration timeout, int servers, int agents) {

    public static final String SERVERS = "servers";
    public static final String AGENTS = "agents";

    /** The option keys an environment of this provider may carry. */
    public static final Set<String> KEYS = Set.of(KindSettings.IMAGE, KindSettings.TIMEOUT, SERVERS, AGENTS);

    /** The options for {@code env}; an unknown option key or a bad value is INVALID_INPUT. */
    public static KindClusterOptions of(KindSettings settings, Environment env) {
        return of(settings, env.name(), env.options());
    }

    /** The options {@code o} of environment {@code name}; an unknown option key or a bad value is INVALID_INPUT. */
    public static KindClusterOptions of(KindSettings settings, String name, Map<String, String> o) {
        Set<String> unknown = new TreeSet<>(o.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw EnvctlException.invalid("environment " + name + " has option(s) " + unknown + " that kind "
                    + "does not know; allowed: " + new TreeSet<>(KEYS));
        }
        String what = "option %s of environment " + name;
        return new KindClusterOptions(
                o.containsKey(KindSettings.IMAGE) ? KindSettings.image(what.formatted(KindSettings.IMAGE),
                        o.get(KindSettings.IMAGE)) : settings.image(),
                o.containsKey(KindSettings.TIMEOUT) ? Durations.parse(what.formatted(KindSettings.TIMEOUT),
                        o.get(KindSettings.TIMEOUT)) : settings.timeout(),
                o.containsKey(SERVERS) ? SettingValues.count(what.formatted(SERVERS), o.get(SERVERS), 1) : 1,
                o.containsKey(AGENTS) ? SettingValues.count(what.formatted(AGENTS), o.get(AGENTS), 0) : 0);
    }
}
