package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Durations;
import dev.envctl.core.InvalidValueException;
import dev.envctl.core.Validation;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.lifecycle.DriftPolicy;
import dev.envctl.core.provider.SettingValues;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The resolved configuration: defaults, overridden by the config file, by environment variables, then by
 * flags. Values are checked when resolved ({@link #check}), so a bad value fails before any work starts.
 * Immutable.
 *
 * @param values      every key with its winning value (plugin settings included, with their prefixes)
 * @param source      the config file read, or {@code null} when none
 * @param storeOrigin what chose the store, as the message of a store that does not answer says it
 *                    ({@code store chosen by --store}, ..., or that it is the default store)
 */
record EnvctlConfig(Map<String, String> values, String source, String storeOrigin) {

    EnvctlConfig {
        values = Map.copyOf(values);
    }

    String get(String key) {
        return values.getOrDefault(key, ConfigKeys.DEFAULTS.get(key));
    }

    String store() {
        return get(ConfigKeys.STORE);
    }

    String defaultProvider() {
        return SpecOptions.providerId(get(ConfigKeys.PROVIDER_DEFAULT));
    }

    AllocationPolicy policy() {
        return AllocationPolicy.fromProperties(values, this::label);
    }

    int reconcileConcurrency() {
        return positiveInt(subject(ConfigKeys.RECONCILE_CONCURRENCY), get(ConfigKeys.RECONCILE_CONCURRENCY));
    }

    /**
     * {@code reconcile.interval} as every command checks it: any duration. One that is none is told what
     * {@code reconcile --watch}, its only user, allows ({@link #watchInterval()}), not a shorter duration that the
     * watch then refuses.
     */
    Duration reconcileInterval() {
        try {
            return Durations.parse(subject(ConfigKeys.RECONCILE_INTERVAL), get(ConfigKeys.RECONCILE_INTERVAL));
        } catch (InvalidValueException e) {
            watchInterval();
            throw e;
        }
    }

    /**
     * {@link #reconcileInterval()} for {@code reconcile --watch}, which needs at least
     * {@link ReconcileCommand#SHORTEST_INTERVAL}; checked there only, so an older config file with a shorter one
     * keeps every other command working.
     */
    Duration watchInterval() {
        return Durations.parseAtLeast(subject(ConfigKeys.RECONCILE_INTERVAL), get(ConfigKeys.RECONCILE_INTERVAL),
                ReconcileCommand.SHORTEST_INTERVAL);
    }

    /** {@code recreate} or {@code mark-failed}. */
    DriftPolicy drift() {
        String v = get(ConfigKeys.RECONCILE_DRIFT).strip();
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "recreate" -> DriftPolicy.RECREATE;
            case "mark-failed" -> DriftPolicy.MARK_FAILED;
            default -> throw EnvctlException.invalid(subject(ConfigKeys.RECONCILE_DRIFT) + " '"
                    + Validation.printable(v) + "' is invalid; allowed: recreate, mark-failed");
        };
    }

    /**
     * The names of {@code migrate.skip}, each a valid environment name as {@code --skip} requires (an empty name,
     * {@code a,,b}, included); an empty value is no name.
     */
    Set<String> migrateSkip() {
        String text = get(ConfigKeys.MIGRATE_SKIP);
        return requireNames(label(ConfigKeys.MIGRATE_SKIP),
                text.isBlank() ? List.of() : Stream.of(text.split(",", -1)).map(String::strip).toList());
    }

    /**
     * {@code names} in their order, each a valid environment name (the rule of {@code migrate.skip} and
     * {@code --skip}); else INVALID_INPUT starting with {@code what}.
     */
    static Set<String> requireNames(String what, List<String> names) {
        Set<String> valid = new LinkedHashSet<>();
        for (String name : names) {
            try {
                valid.add(Validation.requireName(name));
            } catch (EnvctlException e) {
                throw EnvctlException.invalid(what + ": " + e.getMessage());
            }
        }
        return valid;
    }

    String fallbackStore() {
        return get(ConfigKeys.FALLBACK_STORE).strip();
    }

    boolean fallbackMirror() {
        return SettingValues.bool(subject(ConfigKeys.FALLBACK_MIRROR), get(ConfigKeys.FALLBACK_MIRROR));
    }

    /** The ids of {@code hooks.enabled} in order; an empty one ({@code exec,}) is kept, to be refused on loading. */
    List<String> hooksEnabled() {
        String text = get(ConfigKeys.HOOKS_ENABLED);
        return text.isBlank() ? List.of() : Arrays.stream(text.split(",", -1)).map(String::strip).toList();
    }

    /**
     * The settings under {@code prefix} ({@code provider.ID.} or {@code hook.ID.}), keys without it; a value starting
     * {@code ~/} is a path under the home folder of {@code env} (a tool's {@code binary}).
     */
    Map<String, String> pluginSettings(String prefix, Map<String, String> env) {
        Map<String, String> settings = under(prefix);
        settings.replaceAll((key, value) -> value.startsWith("~/") ? Locations.expand(value, env) : value);
        return settings;
    }

    /**
     * A warning for each of {@code hookIds} that has {@code hook.ID.*} settings but that {@code hooks.enabled} does not
     * name: its settings are checked like any others, yet the hook never runs, which whoever wrote them did not mean.
     */
    List<String> settingsOfHooksNotEnabled(Collection<String> hookIds) {
        List<String> enabled = hooksEnabled();
        List<String> warnings = new ArrayList<>();
        for (String id : hookIds) {
            String prefix = ConfigKeys.HOOK_PREFIX + id + ".";
            List<String> keys = under(prefix).keySet().stream().map(k -> prefix + k).toList();
            if (keys.isEmpty() || enabled.contains(id)) {
                continue;
            }
            boolean one = keys.size() == 1;
            warnings.add("config key" + (one ? " " : "s ") + String.join(", ", keys) + " in " + source
                    + (one ? " is" : " are") + " set, but hooks.enabled does not name " + id + ", so the " + id
                    + " hook does not run; add " + id + " to hooks.enabled (hooks.enabled="
                    + String.join(",", Stream.concat(enabled.stream(), Stream.of(id)).toList()) + "), or remove "
                    + (one ? "that setting" : "those settings"));
        }
        return warnings;
    }

    /** The keys under {@code prefix}, with the prefix removed, in a new sorted map the caller may change. */
    Map<String, String> under(String prefix) {
        return values.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) && e.getKey().length() > prefix.length())
                .collect(Collectors.toMap(e -> e.getKey().substring(prefix.length()), Map.Entry::getValue,
                        (a, b) -> b, TreeMap::new));
    }

    /** Reads every fixed value once, so that a bad one fails now with a message naming its key. */
    void check() {
        defaultProvider();
        policy();
        reconcileConcurrency();
        reconcileInterval();
        drift();
        migrateSkip();
        fallbackMirror();
    }

    /**
     * {@code key} as a message about its bad value names it: {@code config key KEY in FILE} when the config file
     * gives it, as plugin settings are named; else the key alone. Such a message is {@code LABEL: } and what is
     * wrong with the value, which never names the key again.
     */
    private String label(String key) {
        return source == null || !values.containsKey(key) ? key : "config key " + key + " in " + source;
    }

    /** {@link #label} as the subject of a message the value follows: {@code LABEL:}, then {@code 'VALUE' is ...}. */
    private String subject(String key) {
        return label(key) + ":";
    }

    /** A whole number from 1 to 64 in ASCII digits, leading zeros allowed (as the {@code --concurrency} flag reads it). */
    static int positiveInt(String what, String text) {
        String digits = text.strip().replaceFirst("^0+(?=[0-9])", "");
        int n = Validation.isDigits(digits, 2) ? Integer.parseInt(digits) : 0;
        if (n >= 1 && n <= 64) {
            return n;
        }
        throw EnvctlException.invalid(what + " '" + Validation.printable(text) + "' is invalid; allowed: a whole "
                + "number from 1 to 64");
    }
}
