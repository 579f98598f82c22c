package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.PortRole;
import dev.envctl.core.alloc.PortRange;
import dev.envctl.core.lifecycle.DriftPolicy;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterProviderFactory;
import dev.envctl.core.spi.InvalidSettingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigResolverTest {
    @TempDir
    Path home;

    private EnvctlConfig resolve(GlobalOptions g, Map<String, String> env) {
        return ConfigResolver.resolve(g, env, dev.envctl.core.plugin.PluginRegistry.discover(getClass().getClassLoader()));
    }

    private Path write(String name, String text) throws IOException {
        Path p = home.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void aBadPluginValueFailsAtLoadNamingItsKeyWithThePluginsOwnRule() throws IOException {
        GlobalOptions g = new GlobalOptions();
        g.config = write("hook.properties", "hook.exec.timeout=60s  # per script\n").toString();

        assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString())))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("config key hook.exec.timeout in " + g.config + ": '60s  # per script' is not a "
                        + "positive duration; write it like 500ms, 60s, 5m or 1h");

        g.config = write("provider.properties", "provider.k3d.wait=maybe\n").toString();
        assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString())))
                .hasMessageStartingWith("config key provider.k3d.wait in " + g.config + ": ");

        g.config = write("unknown-hook.properties", "hooks.enabled=exec,haproxy\n").toString();
        assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString())))
                .hasMessage("config key hooks.enabled in " + g.config + " names the hook 'haproxy', which no plugin "
                        + "provides; hooks: exec");

        // an empty id between commas is refused, as migrate.skip refuses an empty name (a,,b), not skipped
        for (String value : List.of("exec,", ",exec", "exec, ,exec", " , ")) {
            g.config = write("empty-hook.properties", "hooks.enabled=" + value + "\n").toString();
            assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString()))).as(value)
                    .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code())
                            .isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessage("config key hooks.enabled in " + g.config + ": '" + value.strip() + "' names an "
                            + "empty hook id; allowed: hook ids separated by ',' (hooks: exec), or no value for none");
        }

        g.config = write("unknown-provider.properties", "provider.default=nosuch\n").toString();
        assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString())))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("config key provider.default in " + g.config + " names the provider 'nosuch', which no "
                        + "plugin provides; providers: k3d, kind");

        // an empty value names no provider: it is told so, with what is allowed
        g.config = write("empty-provider.properties", "provider.default= \n").toString();
        assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString())))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("config key provider.default in " + g.config + ": the value is empty; allowed: k3d, kind");

        g.config = write("good.properties", "hooks.enabled=exec\nhook.exec.timeout=PT1M\nhook.exec.dir=~/hooks\n"
                + "provider.k3d.timeout=10m\nprovider.default=kind\n").toString();
        assertThat(resolve(g, Map.of("HOME", home.toString())).hooksEnabled()).containsExactly("exec");
        assertThat(resolve(g, Map.of("HOME", home.toString())).defaultProvider()).isEqualTo("kind");

        // taken in any case, as --provider is
        g.config = write("upper.properties", "provider.default=KIND \n").toString();
        assertThat(resolve(g, Map.of("HOME", home.toString())).defaultProvider()).isEqualTo("kind");
    }

    /** hooks.enabled=exec, exec ran every script of each phase twice: a hook is named once. */
    @Test
    void aHookNamedTwiceInHooksEnabledIsRefused() throws IOException {
        GlobalOptions g = new GlobalOptions();
        g.config = write("twice.properties", "hooks.enabled=exec, exec\n").toString();

        assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString())))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("config key hooks.enabled in " + g.config + " names the hook 'exec' twice; name each hook "
                        + "once (it runs once in each phase)");
    }

    @Test
    void defaultsToTheCsvFileUnderHomeAndTheDocumentedPools() {
        EnvctlConfig c = resolve(new GlobalOptions(), Map.of("HOME", home.toString()));

        assertThat(c.store()).isEqualTo("csv:" + home.resolve(".envctl/environments.csv"));
        assertThat(c.source()).isNull();
        assertThat(c.defaultProvider()).isEqualTo("k3d");
        assertThat(c.policy().pool(PortRole.HTTP)).isEqualTo(new PortRange(18080, 18399));
        assertThat(c.policy().subnetPool().toString()).isEqualTo("10.100.0.0/14");
        assertThat(c.reconcileConcurrency()).isEqualTo(3);
        assertThat(c.reconcileInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.drift()).isEqualTo(DriftPolicy.RECREATE);
        assertThat(c.migrateSkip()).containsExactly("devops");
        assertThat(c.fallbackStore()).isEmpty();
        assertThat(c.hooksEnabled()).isEmpty();
    }

    @Test
    void aFileStartingWithAByteOrderMarkReadsItsFirstKey() throws IOException {
        GlobalOptions g = new GlobalOptions();
        g.config = write("bom.properties", "\uFEFFpool.http=20000-20099\n").toString();

        assertThat(resolve(g, Map.of("HOME", home.toString())).policy().portPools().get(dev.envctl.core.PortRole.HTTP))
                .hasToString("20000-20099");
    }

    @Test
    void aFileThatIsNotUtf8SaysSo() throws IOException {
        GlobalOptions g = new GlobalOptions();
        Path utf16 = home.resolve("utf16.properties");
        Files.writeString(utf16, "pool.http=20000-20099\n", java.nio.charset.StandardCharsets.UTF_16);
        g.config = utf16.toString();

        assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString())))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("cannot read config file " + utf16 + ": it is not UTF-8 text; save it as UTF-8 (plain "
                        + "ASCII is UTF-8)");
    }

    @Test
    void aWatchIntervalUnderASecondFailsOnlyTheWatch() throws IOException {
        GlobalOptions g = new GlobalOptions();
        g.config = write("fast.properties", "reconcile.interval=500ms\n").toString();

        EnvctlConfig c = resolve(g, Map.of("HOME", home.toString()));

        assertThat(c.reconcileInterval()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThatThrownBy(c::watchInterval).hasMessage("config key reconcile.interval in " + g.config
                + ": '500ms' is too short; at least 1s");
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws IOException {
        Path file = write("c.properties", "store=csv:/from/file.csv\npool.http=20000-20099\n");
        GlobalOptions flags = new GlobalOptions();
        flags.config = file.toString();

        assertThat(resolve(flags, Map.of("HOME", home.toString())).store()).isEqualTo("csv:/from/file.csv");
        assertThat(resolve(flags, Map.of("HOME", home.toString(), "ENVCTL_STORE", "csv:/from/env.csv")).store())
                .isEqualTo("csv:/from/env.csv");
        flags.store = "csv:/from/flag.csv";
        EnvctlConfig c = resolve(flags, Map.of("HOME", home.toString(), "ENVCTL_STORE", "csv:/from/env.csv"));
        assertThat(c.store()).isEqualTo("csv:/from/flag.csv");
        assertThat(c.policy().pool(PortRole.HTTP)).isEqualTo(new PortRange(20000, 20099));
        assertThat(c.policy().pool(PortRole.HTTPS)).isEqualTo(new PortRange(18400, 18799));
    }

    @Test
    void anEmptyFlagIsRefusedWhereAnEmptyVariableCountsAsUnset() throws IOException {
        Path file = write("c.properties", "reconcile.concurrency=7\n");
        Map<String, String> env = Map.of("HOME", home.toString(), "ENVCTL_STORE", "csv:/from/env.csv",
                "ENVCTL_CONFIG", file.toString());
        GlobalOptions emptyStore = new GlobalOptions();
        emptyStore.store = "";
        GlobalOptions blankConfig = new GlobalOptions();
        blankConfig.config = " ";

        assertThatThrownBy(() -> resolve(emptyStore, env)).hasMessageStartingWith("--store is empty; ")
                .extracting(e -> ((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThatThrownBy(() -> resolve(blankConfig, env)).hasMessageStartingWith("--config is empty; ")
                .extracting(e -> ((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        EnvctlConfig unset = resolve(new GlobalOptions(), Map.of("HOME", home.toString(), "ENVCTL_STORE", "",
                "ENVCTL_CONFIG", " "));
        assertThat(unset.store()).isEqualTo("csv:" + home.resolve(".envctl/environments.csv"));
        assertThat(unset.source()).isNull();
    }

    /** A folder given as the config file (--config ~/.envctl) was "does not exist", which it does. */
    @Test
    void aFolderGivenAsTheConfigFileIsRefusedSayingItIsAFolder() throws IOException {
        Path folder = Files.createDirectories(home.resolve(".envctl"));
        GlobalOptions g = new GlobalOptions();
        g.config = folder.toString();

        assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString())))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("config file " + folder + " is a folder, not a file; give the file in it, such as "
                        + folder.resolve("config.properties"));
        assertThatThrownBy(() -> resolve(new GlobalOptions(), Map.of("HOME", home.toString(), "ENVCTL_CONFIG",
                folder.toString()))).hasMessageContaining(" is a folder, not a file");
    }

    /**
     * A config file that is no regular file but can be read, such as a pipe ({@code --config <(printf ...)}, bash's
     * /dev/fd/63) or /dev/null, is read: it was refused as "does not exist", which it does.
     */
    @Test
    void aPipeOrDeviceGivenAsTheConfigFileIsRead() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/null")));
        GlobalOptions g = new GlobalOptions();
        g.config = "/dev/null";
        assertThat(resolve(g, Map.of("HOME", home.toString())).source()).isEqualTo("/dev/null");

        Path fifo = home.resolve("config.fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Thread writer = new Thread(() -> {
            try {
                Files.writeString(fifo, "reconcile.drift=sometimes\n");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        g.config = fifo.toString();
        assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString())))
                .hasMessage("config key reconcile.drift in " + fifo + ": 'sometimes' is invalid; allowed: recreate, "
                        + "mark-failed");
        writer.join(10_000);
    }

    @Test
    void readsTheConfigFileNamedByEnvctlConfigThenTheOneUnderHome() throws IOException {
        Files.createDirectories(home.resolve(".envctl"));
        Files.writeString(home.resolve(".envctl/config.properties"), "provider.default=kind\n");
        Path other = write("other.properties", "reconcile.concurrency=7\n");

        EnvctlConfig dflt = resolve(new GlobalOptions(), Map.of("HOME", home.toString()));
        EnvctlConfig viaEnv = resolve(new GlobalOptions(), Map.of("HOME", home.toString(),
                "ENVCTL_CONFIG", other.toString()));

        assertThat(dflt.defaultProvider()).isEqualTo("kind");
        assertThat(dflt.source()).isEqualTo(home.resolve(".envctl/config.properties").toString());
        assertThat(viaEnv.defaultProvider()).isEqualTo("k3d");
        assertThat(viaEnv.reconcileConcurrency()).isEqualTo(7);
    }

    @Test
    void keepsTheDatabasePasswordOutOfTheValues() {
        Map<String, String> env = Map.of("HOME", home.toString(), "ENVCTL_DB_PASSWORD", "s3cret");
        EnvctlConfig c = resolve(new GlobalOptions(), env);
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());

        assertThat(new Session(sink, sink, env, new GlobalOptions()).redact("auth s3cret failed"))
                .isEqualTo("auth *** failed");
        assertThat(c.values().values()).doesNotContain("s3cret");
    }

    @Test
    void keepsPgpasswordOutOfMessagesAsTheStoreUsesItToo() {
        Map<String, String> env = Map.of("HOME", home.toString(), "PGPASSWORD", "pgs3cret");
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());

        assertThat(new Session(sink, sink, env, new GlobalOptions()).redact("auth pgs3cret failed"))
                .isEqualTo("auth *** failed");
    }

    @Test
    void aKeyGivenTwiceTakesItsLastLineSoAnAppendedLineOverridesTheSample() throws IOException {
        GlobalOptions g = new GlobalOptions();
        g.config = write("twice.properties", "pool.http=18080-18099\nprovider.default=kind\npool.http=28080-28099\n")
                .toString();

        assertThat(resolve(g, Map.of("HOME", home.toString())).values()).containsEntry("pool.http", "28080-28099");
    }

    @Test
    void rejectsAnUnknownKeyListingTheValidOnes() throws IOException {
        GlobalOptions g = new GlobalOptions();
        g.config = write("bad.properties", "pool.htp=1-2\n").toString();

        assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString())))
                .isInstanceOf(EnvctlException.class)
                .hasMessageContaining("unknown config key 'pool.htp'")
                .hasMessageContaining("valid keys: ")
                .hasMessageContaining("pool.http")
                .hasMessageContaining("reconcile.drift")
                .extracting(e -> ((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
    }

    @Test
    void anUnknownKeyListsThePluginKeysOfEveryKindWhateverTheKeyLooksLike() throws IOException {
        for (String key : new String[] {"bogus.key", "provider.k3d.bogus", "store.bogus", "hook.exec.bogus"}) {
            GlobalOptions g = new GlobalOptions();
            g.config = write("bad.properties", key + "=1\n").toString();

            assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString()))).as(key)
                    .hasMessageContaining("unknown config key '" + key + "'")
                    .hasMessageContaining(", pool.http, ")
                    .hasMessageContaining(", provider.k3d.binary, ")
                    .hasMessageContaining(", provider.kind.image, ")
                    .hasMessageContaining(", store.csv.lock-timeout, ")
                    .hasMessageContaining(", store.jdbc.schema, ")
                    .hasMessageContaining(", hook.exec.timeout, ");
        }
    }

    @Test
    void rejectsBadValuesNamingTheirKey() throws IOException {
        Map<String, String> cases = Map.of(
                "reconcile.concurrency=0\n", "reconcile.concurrency in FILE: '0'",
                "reconcile.drift=ignore\n", "reconcile.drift in FILE: 'ignore'",
                "reconcile.interval=soon\n", "reconcile.interval in FILE: 'soon'",
                "fallback.mirror=yes\n", "fallback.mirror in FILE: 'yes'",
                "pool.http=18080\n", "pool.http in FILE: port pool '18080'",
                "migrate.skip=devops,BAD\n", "config key migrate.skip in ",
                "migrate.skip=devops,,mgmt\n", "migrate.skip in ",
                "provider.default=K3D!\n", "provider 'K3D!'");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            GlobalOptions g = new GlobalOptions();
            g.config = write("v.properties", c.getKey()).toString();
            assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString())))
                    .as(c.getKey()).hasMessageContaining(c.getValue().replace("FILE", g.config))
                    .extracting(e -> ((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        }
    }

    /**
     * A refused value is quoted as written, not as envctl read it (reconcile.drift and fallback.mirror are read in any
     * case): {@code Ignore} is told "'Ignore' is invalid", not "'ignore'", which the file does not hold.
     */
    @Test
    void aRefusedValueIsQuotedAsTheFileWritesIt() throws IOException {
        Map<String, String> cases = Map.of(
                "reconcile.drift=Ignore\n", "config key reconcile.drift in FILE: 'Ignore' is invalid; allowed: "
                        + "recreate, mark-failed",
                "fallback.mirror=Yes\n", "config key fallback.mirror in FILE: 'Yes' is not a boolean; allowed: true, "
                        + "false (any case), 1, 0");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            GlobalOptions g = new GlobalOptions();
            g.config = write("q.properties", c.getKey()).toString();
            assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString()))).as(c.getKey())
                    .hasMessage(c.getValue().replace("FILE", g.config));
        }
        // what is taken in any case still is
        GlobalOptions upper = new GlobalOptions();
        upper.config = write("u.properties", "reconcile.drift=Mark-Failed\nfallback.mirror=TRUE\n").toString();
        EnvctlConfig c = resolve(upper, Map.of("HOME", home.toString()));
        assertThat(c.drift()).isEqualTo(DriftPolicy.MARK_FAILED);
        assertThat(c.fallbackMirror()).isTrue();
    }

    /**
     * reconcile.concurrency is a whole number from 1 to 64 as --concurrency reads it: with leading zeros too
     * ({@code --concurrency 064} is 64), not refused with a message saying that a whole number to 64 is allowed.
     */
    @Test
    void theConcurrencyIsReadWithLeadingZerosAsTheFlagReadsIt() throws IOException {
        GlobalOptions g = new GlobalOptions();
        g.config = write("z.properties", "reconcile.concurrency=064\n").toString();
        assertThat(resolve(g, Map.of("HOME", home.toString())).reconcileConcurrency()).isEqualTo(64);
        g.config = write("z.properties", "reconcile.concurrency=065\n").toString();
        assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString())))
                .hasMessage("config key reconcile.concurrency in " + g.config + ": '065' is invalid; allowed: a whole "
                        + "number from 1 to 64");
        assertThat(EnvctlConfig.positiveInt("--concurrency", "007")).isEqualTo(7);
    }

    @Test
    void aBadValueOfAnyFixedKeyNamesTheFileItCameFrom() throws IOException {
        // the key is named once, by the label; what follows it says what is wrong with the value
        Map<String, String> cases = Map.ofEntries(
                Map.entry("reconcile.concurrency=0\n", "config key reconcile.concurrency in FILE: '0' is invalid; "
                        + "allowed: a whole number from 1 to 64"),
                Map.entry("reconcile.concurrency=+4\n", "config key reconcile.concurrency in FILE: '+4' is invalid; "
                        + "allowed: a whole number from 1 to 64"),
                Map.entry("reconcile.concurrency=\uFF14\n", "config key reconcile.concurrency in FILE: '\uFF14' is "
                        + "invalid; allowed: a whole number from 1 to 64"),
                Map.entry("pool.http=+18080-18399\n", "config key pool.http in FILE: port pool '+18080-18399' is "
                        + "invalid; write it low-high, such as 18080-18399"),
                Map.entry("pool.pf=19000-\uFF11\uFF19\uFF11\uFF10\uFF10\n", "config key pool.pf in FILE: port pool "
                        + "'19000-\uFF11\uFF19\uFF11\uFF10\uFF10' is invalid; write it low-high, such as 18080-18399"),
                Map.entry("reconcile.drift=ignore\n", "config key reconcile.drift in FILE: 'ignore' is invalid; "
                        + "allowed: recreate, mark-failed"),
                Map.entry("reconcile.interval=soon\n", "config key reconcile.interval in FILE: 'soon' is not a "
                        + "positive duration; write at least 1s, like 1s, 30s, 5m or 1h"),
                Map.entry("reconcile.interval=0.5s\n", "config key reconcile.interval in FILE: '0.5s' has a "
                        + "fraction; durations are whole numbers with a unit, so write at least 1s, like 1s, 30s, 5m or "
                        + "1h"),
                Map.entry("reconcile.interval=1.5m\n", "config key reconcile.interval in FILE: '1.5m' has a "
                        + "fraction; durations are whole numbers with a unit, so write 90s for 1.5m"),
                Map.entry("fallback.mirror=yes\n", "config key fallback.mirror in FILE: 'yes' is not a boolean; "
                        + "allowed: true, false (any case), 1, 0"),
                Map.entry("fallback.mirror=2\n", "config key fallback.mirror in FILE: '2' is not a boolean; "
                        + "allowed: true, false (any case), 1, 0"),
                Map.entry("pool.http=18080\n", "config key pool.http in FILE: port pool '18080' is invalid; write it "
                        + "low-high, such as 18080-18399"),
                Map.entry("pool.http=abc\n", "config key pool.http in FILE: port pool 'abc' is invalid; write it "
                        + "low-high, such as 18080-18399"),
                Map.entry("pool.https=1-99999\n", "config key pool.https in FILE: pool end 99999 is out of range; "
                        + "allowed: 1 to 65535"),
                Map.entry("pool.subnet=abc\n", "config key pool.subnet in FILE: subnet 'abc' has no prefix length; "
                        + "expected an IPv4 CIDR such as 10.101.0.0/16"),
                Map.entry("pool.subnet=127.0.0.0/8\n", "config key pool.subnet in FILE: 127.0.0.0/8 overlaps the "
                        + "loopback (127.0.0.0/8) range, which no Docker network can use; choose a private range such "
                        + "as 10.101.0.0/16"),
                Map.entry("pool.subnet=10.0.0.0/31\n", "config key pool.subnet in FILE: 10.0.0.0/31 has prefix /31; "
                        + "allowed: /8 to /30"),
                Map.entry("pool.subnet.prefix=abc\n", "config key pool.subnet.prefix in FILE: 'abc' is invalid; "
                        + "write a prefix length such as 24"),
                Map.entry("pool.subnet.prefix=40\n", "config key pool.subnet.prefix in FILE: subnet prefix /40 leaves "
                        + "no room for a Docker network's gateway and nodes; allowed: /14 to /30"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = write("v.properties", c.getKey());
            GlobalOptions g = new GlobalOptions();
            g.config = file.toString();
            Map<String, String> env = Map.of("HOME", home.toString());
            assertThatThrownBy(() -> resolve(g, env))
                    .as(c.getKey()).hasMessageStartingWith(c.getValue().replace("FILE", file.toString()))
                    .extracting(e -> ((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
            // the same file chosen by ENVCTL_CONFIG is named as well
            Map<String, String> viaEnv = Map.of("HOME", home.toString(), "ENVCTL_CONFIG", file.toString());
            assertThatThrownBy(() -> resolve(new GlobalOptions(), viaEnv)).as(c.getKey())
                    .hasMessageStartingWith(c.getValue().replace("FILE", file.toString()));
        }
    }

    @Test
    void aPoolSmallerThanTheDefaultPrefixIsNamedWithItsFileAndWhatToSet() throws IOException {
        Path file = write("small-pool.properties", "pool.subnet=10.0.0.0/26\n");
        String expected = "config key pool.subnet in " + file + ": pool 10.0.0.0/26 is smaller than the /24 blocks "
                + "envctl allocates (pool.subnet.prefix, default 24); set pool.subnet.prefix to 26 or more (at most "
                + "30), or a larger pool";
        GlobalOptions g = new GlobalOptions();
        g.config = file.toString();
        assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString()))).hasMessage(expected)
                .extracting(e -> ((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThatThrownBy(() -> resolve(new GlobalOptions(), Map.of("HOME", home.toString(), "ENVCTL_CONFIG",
                file.toString()))).hasMessage(expected);

        // both from the file: the prefix is named as the file gives it
        g.config = write("both.properties", "pool.subnet=10.0.0.0/26\npool.subnet.prefix=25\n").toString();
        assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString())))
                .hasMessage("config key pool.subnet in " + g.config + ": pool 10.0.0.0/26 is smaller than the /25 "
                        + "blocks envctl allocates (pool.subnet.prefix=25); set pool.subnet.prefix to 26 or more (at "
                        + "most 30), or a larger pool");

        // the prefix from the file, the pool the default
        g.config = write("big-blocks.properties", "pool.subnet.prefix=12\n").toString();
        assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString())))
                .hasMessage("config key pool.subnet.prefix in " + g.config + ": /12 blocks are larger than the pool "
                        + "they come from, 10.100.0.0/14 (the default pool.subnet); allowed: /14 to /30, or set a "
                        + "larger pool.subnet");
    }

    @Test
    void aPluginsBadValueIsNamedByTheKeyItsErrorIsAboutNotByItsText() throws IOException {
        // k3d's message does not quote the value after the key ('binary is empty'): the key comes from the error
        GlobalOptions g = new GlobalOptions();
        g.config = write("binary.properties", "provider.k3d.binary=\n").toString();
        assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString())))
                .hasMessage("config key provider.k3d.binary in " + g.config + ": the value is empty; give a command "
                        + "name such as k3d or a path to it");

        // one plugin's message quotes another of its keys; an older plugin's plain error names its settings as a whole
        PluginRegistry plugins = PluginRegistry.of(List.of(),
                List.of(new SettingsProvider("newprov", new InvalidSettingException("token", "region 'eu' has no "
                        + "token 'x'")), new SettingsProvider("oldprov", EnvctlException.invalid("token 'x' is "
                        + "invalid"))), List.of());
        g.config = write("plugins.properties", "provider.newprov.token=x\nprovider.newprov.region=eu\n").toString();
        assertThatThrownBy(() -> ConfigResolver.resolve(g, Map.of("HOME", home.toString()), plugins))
                .hasMessage("config key provider.newprov.token in " + g.config + ": region 'eu' has no token 'x'");
        g.config = write("old.properties", "provider.oldprov.token=x\n").toString();
        assertThatThrownBy(() -> ConfigResolver.resolve(g, Map.of("HOME", home.toString()), plugins))
                .hasMessage("config key provider.oldprov.* in " + g.config + ": token 'x' is invalid")
                .extracting(e -> ((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
    }

    @Test
    void everyBuiltInPluginsBadValueNamesItsKeyOnceThenWhatIsWrongWithTheValue() throws IOException {
        String ip = "is not an IP address; allowed: an IPv4 or IPv6 address such as 127.0.0.1 or 0.0.0.0 (the tools "
                + "take no host names)";
        String duration = "is not a positive duration; write it like 500ms, 60s, 5m or 1h";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("provider.k3d.binary=", "the value is empty; give a command name such as k3d or a path to it");
        cases.put("provider.k3d.docker-binary=", "the value is empty; give a command name such as docker or a path "
                + "to it");
        cases.put("provider.k3d.network=-bad", "'-bad' is not a Docker network name; allowed: letters, digits, '_', "
                + "'.', '-', starting with a letter or digit");
        cases.put("provider.k3d.listen-address=localhost", "'localhost' " + ip);
        cases.put("provider.k3d.api-listen-address=localhost", "'localhost' " + ip);
        cases.put("provider.k3d.timeout=soon", "'soon' " + duration);
        cases.put("provider.k3d.wait=maybe", "'maybe' is not a boolean; allowed: true, false (any case), 1, 0");
        cases.put("provider.k3d.wait=yes", "'yes' is not a boolean; allowed: true, false (any case), 1, 0");
        cases.put("provider.k3d.servers=0", "'0' is invalid; allowed: a whole number from 1 to 99");
        cases.put("provider.k3d.agents=x", "'x' is invalid; allowed: a whole number from 0 to 99");
        cases.put("provider.k3d.image=Bad", "'Bad' is invalid; allowed: an image reference "
                + "[REGISTRY[:PORT]/]REPOSITORY[:TAG][@DIGEST], the repository in lowercase letters and digits joined "
                + "by . _ or -, such as rancher/k3s:v1.31.5-k3s1");
        cases.put("provider.kind.binary=", "the value is empty; give a command name such as kind or a path to it");
        cases.put("provider.kind.listen-address=localhost", "'localhost' " + ip);
        cases.put("provider.kind.timeout=soon", "'soon' " + duration);
        cases.put("provider.kind.image=UPPER", "'UPPER' is invalid; allowed: an image reference "
                + "[REGISTRY[:PORT]/]REPOSITORY[:TAG][@DIGEST], the repository in lowercase letters and digits joined "
                + "by . _ or -, such as kindest/node:v1.32.2");
        cases.put("hook.exec.timeout=soon", "'soon' " + duration);
        cases.put("hook.exec.dir=rel/hooks", "'rel/hooks' is not an absolute path; allowed: an absolute path, such as "
                + "/srv/envctl/hooks, or one starting with ~/ (a folder under $HOME)");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            GlobalOptions g = new GlobalOptions();
            g.config = write("p.properties", c.getKey() + "\n").toString();
            String key = c.getKey().substring(0, c.getKey().indexOf('='));
            assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString()))).as(c.getKey())
                    .hasMessage("config key " + key + " in " + g.config + ": " + c.getValue());
        }

        // store settings, checked as the store opens
        PluginRegistry plugins = PluginRegistry.discover(getClass().getClassLoader());
        Map<String, String> stores = new LinkedHashMap<>();
        stores.put("csv:" + home.resolve("e.csv") + " csv.lock-timeout=abc", "'abc' " + duration);
        stores.put("jdbc:postgresql://127.0.0.1:1/x jdbc.connect-timeout=soon", "'soon' " + duration);
        stores.put("jdbc:postgresql://127.0.0.1:1/x jdbc.migrate=sometimes", "'sometimes' is invalid; allowed: auto, "
                + "validate, off, read");
        stores.put("jdbc:postgresql://127.0.0.1:1/x jdbc.schema=1bad", "'1bad' is invalid; allowed: a letter or '_', "
                + "then letters, digits or '_', at most 63 characters");
        for (Map.Entry<String, String> c : stores.entrySet()) {
            String[] locationAndSetting = c.getKey().split(" ");
            String[] keyAndValue = locationAndSetting[1].split("=");
            Map<String, String> settings = Map.of(keyAndValue[0], keyAndValue[1]);
            assertThatThrownBy(() -> ConfigResolver.openingStore(settings, "F", () -> plugins.openStore(
                    locationAndSetting[0], settings, Map.of("HOME", home.toString())))).as(c.getKey())
                    .hasMessage("config key store." + keyAndValue[0] + " in F: " + c.getValue());
        }
    }

    @Test
    void aStoresBadValueIsNamedByTheKeyItsErrorIsAbout() {
        Map<String, String> settings = Map.of("csv.lock-timeout", "abc");
        assertThatThrownBy(() -> ConfigResolver.openingStore(settings, "F", () -> {
            throw new InvalidSettingException("csv.lock-timeout", "lock timeout 'abc' is not a positive duration");
        })).hasMessage("config key store.csv.lock-timeout in F: lock timeout 'abc' is not a positive duration");
        // an error that says what is wrong apart from the setting's name is named once
        assertThatThrownBy(() -> ConfigResolver.openingStore(settings, "F", () -> {
            throw new InvalidSettingException("csv.lock-timeout", "lock timeout 'abc' is not a positive duration",
                    "'abc' is not a positive duration", null);
        })).hasMessage("config key store.csv.lock-timeout in F: 'abc' is not a positive duration");
        // an error about no setting of the config, or not about a setting, is the store's own
        EnvctlException other = EnvctlException.invalid("csv.lock-timeout 'abc' is not a positive duration");
        assertThatThrownBy(() -> ConfigResolver.openingStore(settings, "F", () -> {
            throw other;
        })).isSameAs(other);
        InvalidSettingException unset = new InvalidSettingException("csv.other", "csv.other is wrong");
        assertThatThrownBy(() -> ConfigResolver.openingStore(settings, "F", () -> {
            throw unset;
        })).isSameAs(unset);
    }

    /** A provider plugin whose factory refuses every set of settings with {@code error}. */
    private record SettingsProvider(String id, EnvctlException error) implements ClusterProviderFactory {
        @Override
        public Set<String> settingKeys() {
            return Set.of("token", "region");
        }

        @Override
        public ClusterProvider create(Map<String, String> settings) {
            throw error;
        }
    }

    @Test
    void aMissingExplicitConfigFileIsInvalidInput() {
        GlobalOptions g = new GlobalOptions();
        g.config = home.resolve("missing.properties").toString();

        assertThatThrownBy(() -> resolve(g, Map.of("HOME", home.toString())))
                .hasMessageContaining("missing.properties does not exist")
                .extracting(e -> ((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
    }

    @Test
    void documentedDefaultsCoverEveryFixedKey() {
        assertThat(Set.of("store", "provider.default", "hooks.enabled", "reconcile.concurrency", "reconcile.interval",
                "reconcile.drift", "migrate.skip", "fallback.store", "fallback.mirror", "pool.http", "pool.https",
                "pool.pf", "pool.api", "pool.subnet", "pool.subnet.prefix")).allMatch(ConfigKeys.FIXED::contains);
        assertThat(ConfigKeys.FIXED.contains("store.csv.lock-timeout")).isFalse();
        assertThat(ConfigKeys.FIXED.contains("pool.subnet.size")).isFalse();
    }
}
