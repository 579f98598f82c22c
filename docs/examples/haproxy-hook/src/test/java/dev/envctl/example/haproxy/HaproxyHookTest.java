package dev.envctl.example.haproxy;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.Host;
import dev.envctl.core.HostPorts;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.lifecycle.EngineOptions;
import dev.envctl.core.lifecycle.LifecycleEngine;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.InvalidSettingException;
import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import dev.envctl.core.testing.ScriptedClusterProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HaproxyHookTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("haproxy/envctl-backends.cfg");
    }

    private LifecycleHook discovered() {
        return PluginRegistry.discover().createHook("haproxy", Map.of("file", file().toString()));
    }

    private static Environment env(String name, int http, boolean routed) {
        Instant t = Instant.parse("2026-11-26T08:00:00Z");
        return new Environment(name, "k3d", null, new HostPorts(http, http + 400, http + 1000, http + 8000), 30080,
                Map.of("haproxy_route", Boolean.toString(routed)), Map.of(), DesiredState.PRESENT,
                ActualState.CREATING, null, t, t, 1);
    }

    @Test
    void serviceLoaderFindsTheHookBesideTheBuiltInOne() {
        PluginRegistry registry = PluginRegistry.discover();

        assertThat(registry.hookIds()).contains("haproxy", "exec");
        assertThat(registry.describe()).anySatisfy(p -> {
            assertThat(p.kind()).isEqualTo("hook");
            assertThat(p.id()).isEqualTo("haproxy");
            assertThat(p.className()).isEqualTo(HaproxyHookFactory.class.getName());
        });
        assertThat(discovered()).isInstanceOf(HaproxyBackendHook.class);
        assertThatThrownBy(() -> registry.createHook("haproxy", Map.of()))
                .hasMessageContaining("hook haproxy needs the setting 'file'");
    }

    @Test
    void aRelativeFileIsRefusedNamingTheSetting() {
        // relative to whatever folder envctl runs in: a delete run elsewhere would leave the backend behind
        assertThatThrownBy(() -> PluginRegistry.discover().createHook("haproxy", Map.of("file", "backends.cfg")))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                    assertThat(e.key()).isEqualTo("file");
                    assertThat(e.problem()).hasValue("'backends.cfg' is not an absolute path; allowed: an absolute "
                            + "path, such as /etc/haproxy/conf.d/envctl-backends.cfg");
                });
    }

    @Test
    void aHostOrLabelThatWouldWriteABadServerLineOrMatchNothingIsRefused() {
        PluginRegistry registry = PluginRegistry.discover();
        String file = file().toString();

        // 'server dev :18091 check', 'server dev 10.0.0.1 backup:18091 check', a label no environment can carry
        for (String host : List.of("", " ", "10.0.0.1 backup", "10.0.0.1\nbackend x")) {
            assertThatThrownBy(() -> registry.createHook("haproxy", Map.of("file", file, "host", host)))
                    .as(host).isInstanceOfSatisfying(InvalidSettingException.class,
                            e -> assertThat(e.key()).isEqualTo("host"));
        }
        for (String label : List.of("", "haproxy route")) {
            assertThatThrownBy(() -> registry.createHook("haproxy", Map.of("file", file, "label", label)))
                    .as(label).isInstanceOfSatisfying(InvalidSettingException.class,
                            e -> assertThat(e.key()).isEqualTo("label"));
        }
        assertThat(Files.exists(file())).isFalse();
    }

    @Test
    void theSettingsDocsPluginsMdGivesCreateTheHook() throws IOException {
        Matcher m = Pattern.compile("```properties\n(hooks\\.enabled=haproxy\n.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("../../plugins.md")));
        assertThat(m.find()).as("docs/plugins.md's haproxy settings").isTrue();
        Properties p = new Properties();
        p.load(new StringReader(m.group(1)));
        Map<String, String> settings = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("hook.haproxy.")) {
                settings.put(key.substring("hook.haproxy.".length()), p.getProperty(key));
            }
        }

        assertThat(settings).containsOnlyKeys("file");
        assertThat(PluginRegistry.discover().createHook("haproxy", settings)).isInstanceOf(HaproxyBackendHook.class);
    }

    @Test
    void writesOneBackendPerRoutedEnvironmentSortedByNameAndRemovesItBeforeDelete() throws IOException {
        // tag::discovered[]
        LifecycleHook hook = PluginRegistry.discover().createHook("haproxy", Map.of("file", file().toString()));
        hook.run(HookPhase.POST_CREATE, env("qa", 18092, true));
        hook.run(HookPhase.POST_CREATE, env("dev", 18091, true));
        hook.run(HookPhase.POST_CREATE, env("ops", 18093, false));   // not routed: no backend

        assertThat(Files.readString(file())).isEqualTo(BackendFile.HEADER
                + "\n"
                + "backend envctl_dev\n"
                + "    mode http\n"
                + "    server dev 127.0.0.1:18091 check\n"
                + "\n"
                + "backend envctl_qa\n"
                + "    mode http\n"
                + "    server qa 127.0.0.1:18092 check\n");
        // end::discovered[]

        hook.run(HookPhase.PRE_DELETE, env("dev", 18091, true));
        assertThat(Files.readString(file())).isEqualTo(BackendFile.HEADER
                + "\n"
                + "backend envctl_qa\n"
                + "    mode http\n"
                + "    server qa 127.0.0.1:18092 check\n");
    }

    @Test
    void anEnvironmentOnAnotherHostIsRoutedToThatHostsAddress() throws IOException {
        LifecycleHook hook = discovered();
        Host two = new Host("two", "tcp://192.168.1.20:2376", "192.168.1.20", Map.of(), null);

        hook.run(HookPhase.POST_CREATE, env("web", 18091, true).withHost("two"), two);

        assertThat(new BackendFile(file()).read().get("web")).contains("server web 192.168.1.20:18091 check");
    }

    @Test
    void anEnvironmentOnAHostWithoutAnAddressFailsTheHookAndGetsNoBackend() {
        LifecycleHook hook = discovered();
        Host two = new Host("two", "ssh://me@two", null, Map.of(), null);

        assertThatThrownBy(() -> hook.run(HookPhase.POST_CREATE, env("web", 18091, true).withHost("two"), two))
                .hasMessageContaining("environment 'web' is on host 'two', which has no address");
        assertThat(new BackendFile(file()).read()).doesNotContainKey("web");
    }

    /**
     * The file's folder may be writable by others (/tmp, a shared conf.d): a link put at the name of its temporary
     * copy or of its lock file must not make the hook write, or create, the file it points to.
     */
    @Test
    void linksPutBesideTheFileAreNotFollowed() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "keep me\n");
        Files.createDirectories(file().getParent());
        Files.createSymbolicLink(file().resolveSibling("envctl-backends.cfg.tmp"), victim);
        Files.createSymbolicLink(file().resolveSibling("envctl-backends.cfg.lock"), dir.resolve("made"));
        LifecycleHook hook = discovered();

        try {
            hook.run(HookPhase.POST_CREATE, env("dev", 18091, true));
        } catch (RuntimeException refused) {
            // refusing is fine; following is not
        }

        assertThat(Files.readString(victim)).isEqualTo("keep me\n");
        assertThat(dir.resolve("made")).doesNotExist();
        assertThat(file()).satisfiesAnyOf(f -> assertThat(f).doesNotExist(),
                f -> assertThat(Files.isSymbolicLink(f)).as("the file is no link to another").isFalse());
    }

    @Test
    void aFileTheHookDidNotWriteIsLeftAsItIs() throws IOException {
        // hook.haproxy.file pointed at HAProxy's own config by mistake
        String own = "global\n    daemon\n\nfrontend web\n    bind :80\n    default_backend envctl_dev\n";
        Files.createDirectories(file().getParent());
        Files.writeString(file(), own);
        LifecycleHook hook = discovered();

        assertThatThrownBy(() -> hook.run(HookPhase.POST_CREATE, env("dev", 18091, true)))
                .hasMessageContaining("was not written by this hook");
        assertThatThrownBy(() -> hook.run(HookPhase.PRE_DELETE, env("dev", 18091, true)))
                .hasMessageContaining("was not written by this hook");
        assertThat(Files.readString(file())).isEqualTo(own);
    }

    @Test
    void staysInStepWithTheEnvironmentsThroughTheEngine() {
        InMemoryEnvironmentStore store = new InMemoryEnvironmentStore();
        LifecycleEngine engine = new LifecycleEngine(store, new Allocator(AllocationPolicy.defaults()),
                Map.<String, ClusterProvider>of("k3d", new ScriptedClusterProvider("k3d")), List.of(discovered()),
                EngineOptions.defaults());
        EnvironmentSpec routed = EnvironmentSpec.of("dev", "k3d").withLabels(Map.of("haproxy_route", "true"));

        Environment dev = engine.create(routed, ProgressListener.NONE);
        Environment qa = engine.create(EnvironmentSpec.of("qa", "k3d").withLabels(Map.of("haproxy_route", "1")),
                ProgressListener.NONE);
        engine.create(EnvironmentSpec.of("ops", "k3d"), ProgressListener.NONE);

        Map<String, String> backends = new BackendFile(file()).read();
        assertThat(backends).containsOnlyKeys("dev", "qa");
        assertThat(backends.get("dev")).contains("server dev 127.0.0.1:" + dev.ports().http() + " check");
        assertThat(backends.get("qa")).contains("server qa 127.0.0.1:" + qa.ports().http() + " check");

        engine.delete("dev", false, ProgressListener.NONE);
        assertThat(new BackendFile(file()).read()).containsOnlyKeys("qa");
    }

    @Test
    void concurrentHooksLoseNoBackend() {
        LifecycleHook hook = discovered();
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Environment e = env("env-" + i, 18100 + i, true);
            writers.add(CompletableFuture.runAsync(() -> hook.run(HookPhase.POST_CREATE, e)));
        }
        writers.forEach(CompletableFuture::join);

        assertThat(new BackendFile(file()).read()).hasSize(16);
    }
}
