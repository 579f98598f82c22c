package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HomeFolder;
import dev.envctl.core.Validation;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.ClusterProviderFactory;
import dev.envctl.core.spi.InvalidSettingException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Resolves the configuration with the precedence flags &gt; environment ({@code ENVCTL_STORE},
 * {@code ENVCTL_CONFIG}) &gt; config file &gt; defaults; the password stays in the environment. The config file is
 * {@code --config}, else {@code ENVCTL_CONFIG}, else {@code ~/.envctl/config.properties} when it exists;
 * an empty {@code --store} or {@code --config} is refused, an empty variable counts as unset. Every
 * key is checked: an unknown one is an error listing the valid keys; plugin settings are checked against the
 * keys their plugin declares (loading only the kinds of plugin the file mentions).
 */
final class ConfigResolver {
    private ConfigResolver() {
    }

    static EnvctlConfig resolve(GlobalOptions global, Map<String, String> env, PluginRegistry plugins) {
        // an empty flag is refused, not read as absent: it would quietly pick ENVCTL_* or the default
        notBlank("--store", global.store, "a store location (csv:PATH, a PATH ending in .csv or "
                + "jdbc:postgresql://HOST:PORT/DB), or leave --store out for ENVCTL_STORE, the config's store or the "
                + "default");
        notBlank("--config", global.config, "a config file, or leave --config out for ENVCTL_CONFIG or "
                + "~/.envctl/config.properties");
        Path file = configFile(global, env);
        Map<String, String> values = file == null ? new LinkedHashMap<>() : read(file);
        // the store: the first of these that is set, and what set it (a store that does not answer says so)
        Map<String, String> stores = new LinkedHashMap<>();
        stores.put("store chosen by --store", global.store);
        stores.put("store chosen by ENVCTL_STORE", env.get("ENVCTL_STORE"));
        stores.put("store chosen by 'store' in the config", values.get(ConfigKeys.STORE));
        Map.Entry<String, String> store = stores.entrySet().stream()
                .filter(e -> e.getValue() != null && !e.getValue().isBlank()).findFirst().orElse(null);
        values.put(ConfigKeys.STORE, store == null ? defaultStore(env) : store.getValue().strip());
        EnvctlConfig config = new EnvctlConfig(values, file == null ? null : file.toString(), store == null
                ? "the default store; choose another with --store, ENVCTL_STORE or 'store' in the config"
                : store.getKey());
        if (file != null) {
            checkKeys(values.keySet(), file, plugins);
            checkPluginValues(config, file, plugins, env);
        }
        config.check();
        return config;
    }

    static String defaultStore(Map<String, String> env) {
        return "csv:" + HomeFolder.of(env).resolve(".envctl").resolve("environments.csv");
    }

    private static Path configFile(GlobalOptions global, Map<String, String> env) {
        String explicit = Stream.of(global.config, env.get("ENVCTL_CONFIG")).filter(s -> s != null && !s.isBlank())
                .findFirst().orElse(null);
        if (explicit != null) {
            Path p = Path.of(explicit);
            if (Files.isDirectory(p)) {
                throw EnvctlException.invalid("config file " + explicit + " is a folder, not a file; give the file "
                        + "in it, such as " + p.resolve("config.properties"));
            }
            // a pipe (--config <(printf ...)) or /dev/null is read as a file is
            if (!Files.exists(p)) {
                throw EnvctlException.invalid("config file " + explicit + " does not exist; "
                        + "copy config/envctl.properties there or drop --config / ENVCTL_CONFIG");
            }
            return p;
        }
        Path dflt = HomeFolder.of(env).resolve(".envctl").resolve("config.properties");
        return Files.isRegularFile(dflt) ? dflt : null;
    }

    private static Map<String, String> read(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            // a byte order mark (editors on Windows write one) is not part of the first key
            r.mark(1);
            if (r.read() != '\uFEFF') {
                r.reset();
            }
            p.load(r);
        } catch (IOException e) {
            throw Errors.unreadable("config file", file, e);
        } catch (IllegalArgumentException e) {
            throw EnvctlException.invalid("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> m = new LinkedHashMap<>();
        new TreeSet<>(p.stringPropertyNames()).forEach(k -> m.put(k.strip(), p.getProperty(k).strip()));
        return m;
    }

    private static void checkKeys(Set<String> keys, Path file, PluginRegistry plugins) {
        List<String> pluginKeys = keys.stream().filter(k -> !ConfigKeys.FIXED.contains(k)).sorted().toList();
        // only the kinds of plugin the file mentions are loaded to check; the message lists every kind's keys
        Set<String> valid = pluginKeys.isEmpty() ? Set.of()
                : validKeys(prefix -> pluginKeys.stream().anyMatch(k -> k.startsWith(prefix)), plugins);
        for (String key : pluginKeys) {
            if (!valid.contains(key)) {
                throw EnvctlException.invalid("unknown config key '" + Validation.printable(key) + "' in " + file
                        + "; valid keys: " + String.join(", ", validKeys(prefix -> true, plugins)));
            }
        }
    }

    /**
     * Builds each provider and hook the file has settings for, and each hook of {@code hooks.enabled}, as
     * {@link Session#envctl()} will, so that a bad value fails every command with the plugin's own rule, naming its
     * key; a {@code provider.default} or hook no plugin provides is refused. Store settings are checked on opening.
     */
    private static void checkPluginValues(EnvctlConfig c, Path file, PluginRegistry plugins, Map<String, String> env) {
        String provider = c.values().get(ConfigKeys.PROVIDER_DEFAULT);
        if (provider != null && provider.isBlank()) {
            throw EnvctlException.invalid("config key provider.default in " + file + ": the value is empty; allowed: "
                    + String.join(", ", plugins.providerIds()));
        }
        if (provider != null && !plugins.providerIds().contains(provider.strip().toLowerCase(Locale.ROOT))) {
            throw EnvctlException.invalid("config key provider.default in " + file + " names the provider '"
                    + Validation.printable(provider) + "', which no plugin provides; providers: "
                    + String.join(", ", plugins.providerIds()));
        }
        for (String id : plugins.providerIds()) {
            String prefix = ConfigKeys.PROVIDER_PREFIX + id + ".";
            Map<String, String> settings = c.pluginSettings(prefix, env);
            if (!settings.isEmpty()) {
                ClusterProviderFactory f = plugins.providerFactory(id);
                check(prefix, settings, file, () -> PluginRegistry.created("provider", id, f, ErrorCode.INVALID_INPUT,
                        () -> f.create(settings, env)));
            }
        }
        Set<String> hooks = new LinkedHashSet<>();
        for (String id : c.hooksEnabled()) {
            if (id.isEmpty()) {
                throw EnvctlException.invalid("config key hooks.enabled in " + file + ": '"
                        + Validation.printable(c.get(ConfigKeys.HOOKS_ENABLED).strip()) + "' names an empty "
                        + "hook id; allowed: hook ids separated by ',' (hooks: " + String.join(", ", plugins.hookIds())
                        + "), or no value for none");
            }
            if (!hooks.add(id)) {
                // the same hook with the same settings: every script of each phase would run twice
                throw EnvctlException.invalid("config key hooks.enabled in " + file + " names the hook '"
                        + Validation.printable(id) + "' twice; name each hook once (it runs once in each phase)");
            }
        }
        plugins.hookIds().stream().filter(id -> !c.under(ConfigKeys.HOOK_PREFIX + id + ".").isEmpty())
                .forEach(hooks::add);
        for (String id : hooks) {
            if (!plugins.hookIds().contains(id)) {
                throw EnvctlException.invalid("config key hooks.enabled in " + file + " names the hook '"
                        + Validation.printable(id) + "', which no plugin provides; hooks: "
                        + String.join(", ", plugins.hookIds()));
            }
            String prefix = ConfigKeys.HOOK_PREFIX + id + ".";
            Map<String, String> settings = c.pluginSettings(prefix, env);
            check(prefix, settings, file, () -> plugins.createHook(id, settings));
        }
    }

    /**
     * Runs {@code build}; its error is given the config key of the setting it is about
     * ({@link InvalidSettingException#key()}), then what is wrong with the value ({@link #problem}), else the
     * plugin's prefix ({@code provider.ID.*}) and the whole message.
     */
    private static void check(String prefix, Map<String, String> settings, Path file, Runnable build) {
        try {
            build.run();
        } catch (EnvctlException e) {
            String key = settingKey(e, settings);
            throw new EnvctlException(e.code(), "config key " + prefix + (key == null ? "*" : key) + " in " + file
                    + ": " + Errors.oneLine(key == null ? e.getMessage() : problem(e)));
        }
    }

    /**
     * Runs {@code open}; an error about one of the {@code store.*} {@code settings}
     * ({@link InvalidSettingException#key()}) is given that setting's config key and file.
     */
    static <T> T openingStore(Map<String, String> settings, String file, Supplier<T> open) {
        try {
            return open.get();
        } catch (EnvctlException e) {
            String key = settingKey(e, settings);
            if (key == null) {
                throw e;
            }
            throw new EnvctlException(e.code(), "config key " + ConfigKeys.STORE_PREFIX + key
                    + (file == null ? "" : " in " + file) + ": " + Errors.oneLine(problem(e)), e);
        }
    }

    /**
     * What {@code e}, an error about a setting the config names, says is wrong with its value without naming it
     * ({@link InvalidSettingException#problem()}); the whole message when the plugin does not say it apart.
     */
    private static String problem(EnvctlException e) {
        return e instanceof InvalidSettingException s ? s.problem().orElse(e.getMessage()) : e.getMessage();
    }

    /** The key of {@code settings} that {@code e} says it is about, or null when it names none of them. */
    private static String settingKey(EnvctlException e, Map<String, String> settings) {
        return e instanceof InvalidSettingException s && settings.containsKey(s.key()) ? s.key() : null;
    }

    /** Every fixed key, plus the plugin settings of the kinds ({@code store.}, ...) {@code wanted} accepts. */
    private static Set<String> validKeys(Predicate<String> wanted, PluginRegistry plugins) {
        Set<String> valid = new TreeSet<>(ConfigKeys.FIXED);
        if (wanted.test(ConfigKeys.STORE_PREFIX)) {
            plugins.storeFactories().forEach(f -> f.settingKeys().forEach(k -> valid.add(ConfigKeys.STORE_PREFIX + k)));
        }
        if (wanted.test(ConfigKeys.PROVIDER_PREFIX)) {
            plugins.providerIds().forEach(id -> plugins.providerFactory(id).settingKeys()
                    .forEach(k -> valid.add(ConfigKeys.PROVIDER_PREFIX + id + "." + k)));
        }
        if (wanted.test(ConfigKeys.HOOK_PREFIX)) {
            plugins.hookIds().forEach(id -> plugins.hookFactory(id).settingKeys()
                    .forEach(k -> valid.add(ConfigKeys.HOOK_PREFIX + id + "." + k)));
        }
        return valid;
    }

    private static void notBlank(String flag, String value, String allowed) {
        if (value != null && value.isBlank()) {
            throw EnvctlException.invalid(flag + " is empty; give " + allowed);
        }
    }
}
