package dev.envctl.core.lifecycle;

import dev.envctl.core.Environment;
import dev.envctl.core.Envctl;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.LifecycleHookFactory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Hooks given to the builder run in the order given, registry hooks and instances alike, each one that was given. */
class EnvctlHookOrderTest {
    private final Fixture f = new Fixture();
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @Test
    void hooksRunInTheOrderGivenAndAnIdGivenTwiceIsTwoHooks() {
        LifecycleHookFactory tagging = new LifecycleHookFactory() {
            @Override
            public String id() {
                return "tag";
            }

            @Override
            public Set<String> settingKeys() {
                return Set.of("tag");
            }

            @Override
            public LifecycleHook create(Map<String, String> settings) {
                return hook(settings.get("tag"));
            }
        };
        Envctl envctl = Envctl.builder().store(f.store).provider("k3d", f.k3d).environment(Map.of())
                .plugins(PluginRegistry.of(List.of(), List.of(), List.of(tagging)))
                .hook("tag", Map.of("tag", "a")).hook(hook("first-instance"))
                .hook("tag", Map.of("tag", "b")).hook(hook("last-instance"))
                .build();

        envctl.create(EnvironmentSpec.of("dev", "k3d"));

        assertThat(ran).containsExactly("a", "first-instance", "b", "last-instance");
    }

    private LifecycleHook hook(String tag) {
        return new LifecycleHook() {
            @Override
            public String name() {
                return tag;
            }

            @Override
            public void run(HookPhase phase, Environment environment) {
                if (phase == HookPhase.POST_CREATE) {
                    ran.add(tag);
                }
            }
        };
    }
}
