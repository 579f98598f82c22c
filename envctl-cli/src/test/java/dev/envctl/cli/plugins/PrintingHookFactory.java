package dev.envctl.cli.plugins;

import dev.envctl.core.Environment;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.LifecycleHookFactory;

import java.util.Map;

/** A hook plugin for tests that breaks the rule of docs/plugins.md: it prints 100,000 lines to System.out. */
public final class PrintingHookFactory implements LifecycleHookFactory {
    @Override
    public String id() {
        return "printing";
    }

    @Override
    public LifecycleHook create(Map<String, String> settings) {
        return new LifecycleHook() {
            @Override
            public String name() {
                return "printing";
            }

            @Override
            public void run(HookPhase phase, Environment environment) {
                for (int i = 0; i < 100_000; i++) {
                    System.out.println("printing hook: " + phase + " " + environment.name() + " line " + i);
                }
            }
        };
    }
}
