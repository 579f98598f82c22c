package dev.envctl.cli.internal;

import dev.envctl.core.alloc.AllocationPolicy;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The config keys envctl itself reads, with their defaults (documented in {@code config/envctl.properties}
 * and docs/configuration.md). Plugin settings come under three prefixes, checked against the keys each
 * plugin declares: {@code store.KEY}, {@code provider.ID.KEY} and {@code hook.ID.KEY}.
 */
final class ConfigKeys {
    static final String STORE = "store";
    static final String PROVIDER_DEFAULT = "provider.default";
    static final String HOOKS_ENABLED = "hooks.enabled";
    static final String RECONCILE_CONCURRENCY = "reconcile.concurrency";
    static final String RECONCILE_INTERVAL = "reconcile.interval";
    static final String RECONCILE_DRIFT = "reconcile.drift";
    static final String MIGRATE_SKIP = "migrate.skip";
    static final String FALLBACK_STORE = "fallback.store";
    static final String FALLBACK_MIRROR = "fallback.mirror";

    static final String STORE_PREFIX = "store.";
    static final String PROVIDER_PREFIX = "provider.";
    static final String HOOK_PREFIX = "hook.";

    /**
     * envctl's own keys and their defaults; {@code store} defaults to the CSV file under the home folder. The
     * allocation policy's keys ({@link AllocationPolicy#KEYS}) are fixed keys too, with the policy's defaults.
     */
    static final Map<String, String> DEFAULTS = Map.of(STORE, "", PROVIDER_DEFAULT, "k3d", HOOKS_ENABLED, "",
            RECONCILE_CONCURRENCY, "3", RECONCILE_INTERVAL, "30s", RECONCILE_DRIFT, "recreate", MIGRATE_SKIP, "devops",
            FALLBACK_STORE, "", FALLBACK_MIRROR, "false");

    /** Every key envctl itself reads (not a plugin setting): those of {@link #DEFAULTS} and the policy's. */
    static final Set<String> FIXED = Stream.concat(DEFAULTS.keySet().stream(), AllocationPolicy.KEYS.stream())
            .collect(Collectors.toUnmodifiableSet());

    private ConfigKeys() {
    }
}
