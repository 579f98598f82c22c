package dev.envctl.cli.internal;

import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * config/envctl.properties and docs/configuration.md document every key: each fixed key with its default, each
 * setting of every plugin on the class path; and the file as shipped is a valid config.
 */
class ConfigDocsTest {
    private static final Path CONFIG = Path.of("../config/envctl.properties");
    private static final Path DOC = Path.of("../docs/configuration.md");

    private static List<String> pluginKeys() {
        PluginRegistry r = PluginRegistry.discover();
        List<String> keys = new ArrayList<>();
        r.storeFactories()
                .forEach(f -> f.settingKeys().forEach(k -> keys.add("store." + k)));
        for (String id : r.providerIds()) {
            r.providerFactory(id).settingKeys().forEach(k -> keys.add("provider." + id + "." + k));
        }
        for (String id : r.hookIds()) {
            r.hookFactory(id).settingKeys().forEach(k -> keys.add("hook." + id + "." + k));
        }
        return keys;
    }

    @Test
    void theDefaultConfigSetsEveryFixedKeyToItsDefault() throws IOException {
        String text = Files.readString(CONFIG);
        Map<String, String> defaults = new java.util.TreeMap<>(ConfigKeys.DEFAULTS);
        defaults.putAll(AllocationPolicy.defaults().toProperties());
        for (Map.Entry<String, String> e : defaults.entrySet()) {
            assertThat(text).as(e.getKey()).containsPattern("(?m)^" + java.util.regex.Pattern.quote(e.getKey()
                    + "=" + e.getValue()) + "$");
        }
    }

    @Test
    void theDefaultConfigAndTheDocNameEveryPluginSetting() throws IOException {
        String config = Files.readString(CONFIG);
        String doc = Files.readString(DOC);
        List<String> keys = pluginKeys();
        assertThat(keys).contains("store.csv.lock-timeout", "provider.k3d.binary", "provider.kind.binary",
                "hook.exec.dir");
        for (String key : new TreeSet<>(keys)) {
            assertThat(config).as(key).containsPattern("(?m)^#?" + java.util.regex.Pattern.quote(key) + "=");
            assertThat(doc).as(key).contains("`" + key + "`");
        }
        for (String key : ConfigKeys.FIXED) {
            assertThat(doc).as(key).contains("`" + key + "`");
        }
    }

    /**
     * Where the shipped file shows a provider or hook setting commented out with an empty value and says what empty
     * means ({@code # ...; empty = k3d's default}), that empty value is taken: a reader who uncomments the line as
     * shown is not refused.
     */
    @Test
    void aCommentedSettingTheShippedConfigSaysMayBeEmptyIsTakenEmpty(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(?m)^#[^\\n]*\\bempty = [^\\n]*\\n#((?:provider|hook)\\.[a-z0-9.-]+)=$").matcher(Files.readString(CONFIG));
        while (m.find()) {
            GlobalOptions g = new GlobalOptions();
            g.config = Files.writeString(tmp.resolve("empty.properties"), m.group(1) + "=\n").toString();
            assertThatCode(() -> ConfigResolver.resolve(g, Map.of("HOME", "/home/ada"), PluginRegistry.discover(
                    getClass().getClassLoader()))).as(m.group(1) + "= (its comment says empty is fine)")
                    .doesNotThrowAnyException();
        }
    }

    /**
     * A refusal a key's row of docs/configuration.md quotes for a value ({@code `'0.5s' has a fraction; ...`}, or
     * {@code `config key K in FILE: 'V' ...`}) is the one a config file giving the key that value gets, word for
     * word. Store settings, checked when the store opens, are left to the store pages.
     */
    @Test
    void everyRefusalAKeysRowQuotesIsTheOneThatValueGets(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        java.util.regex.Matcher row = java.util.regex.Pattern.compile("(?m)^\\| `([a-z0-9.-]+)` \\|.*$")
                .matcher(Files.readString(DOC));
        List<String> checked = new ArrayList<>();
        while (row.find()) {
            String key = row.group(1);
            if (key.startsWith("store")) {
                continue;
            }
            java.util.regex.Matcher quote = java.util.regex.Pattern.compile("`(?:config key "
                    + java.util.regex.Pattern.quote(key) + " in FILE: )?('([^'`]*)' [^`]+)`").matcher(row.group());
            while (quote.find()) {
                Path file = Files.writeString(tmp.resolve("quoted.properties"), key + "=" + quote.group(2) + "\n");
                GlobalOptions g = new GlobalOptions();
                g.config = file.toString();
                assertThatCode(() -> ConfigResolver.resolve(g, Map.of("HOME", "/home/ada"),
                        PluginRegistry.discover(getClass().getClassLoader())))
                        .as(key + "=" + quote.group(2) + " (docs/configuration.md quotes its refusal)")
                        .hasMessage("config key " + key + " in " + file + ": " + quote.group(1));
                checked.add(key + "=" + quote.group(2));
            }
        }
        assertThat(checked).contains("reconcile.interval=1m30s", "fallback.mirror=yes", "hook.exec.dir=rel/hooks");
    }

    @Test
    void theShippedConfigResolvesWithoutError() {
        GlobalOptions g = new GlobalOptions();
        g.config = CONFIG.toString();

        EnvctlConfig c = ConfigResolver.resolve(g, Map.of("HOME", "/home/ada"), dev.envctl.core.plugin.PluginRegistry.discover(getClass().getClassLoader()));

        assertThat(c.store()).isEqualTo("csv:/home/ada/.envctl/environments.csv");
        assertThat(c.policy()).isEqualTo(dev.envctl.core.alloc.AllocationPolicy.defaults());
    }
}
