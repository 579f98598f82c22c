package dev.envctl.cli.internal;

import dev.envctl.core.alloc.AllocationPolicy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** Fixed keys and their defaults; {@code store} defaults to the CSV file under the home folder. */
    static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(STORE, "");
        d.put(PROVIDER_DEFAULT, "k3d");
        d.put(HOOKS_ENABLED, "");
        d.put(RECONCILE_CONCURRENCY, "3");
        d.put(RECONCILE_INTERVAL, "30s");
        d.put(RECONCILE_DRIFT, "recreate");
        d.put(MIGRATE_SKIP, "devops");
        d.put(FALLBACK_STORE, "");
        d.put(FALLBACK_MIRROR, "false");
        d.putAll(AllocationPolicy.defaults().toProperties());
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    private ConfigKeys() {
    }
}
