package dev.envctl.core.lifecycle;

import dev.envctl.core.Environment;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.LifecycleHook;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** A hook that records each call as "phase name state" and can be told to fail or crash in a phase. */
final class RecordingHook implements LifecycleHook {
    private final String name;
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final Map<HookPhase, Consumer<Environment>> actions = new ConcurrentHashMap<>();

    RecordingHook(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    /** Runs {@code action} (which may throw) on every later call in {@code phase}. */
    void on(HookPhase phase, Consumer<Environment> action) {
        actions.put(phase, action);
    }

    void clear(HookPhase phase) {
        actions.remove(phase);
    }

    List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    @Override
    public void run(HookPhase phase, Environment environment) {
        calls.add(phase.key() + " " + environment.name() + " " + environment.actualState().key());
        Consumer<Environment> action = actions.get(phase);
        if (action != null) {
            action.accept(environment);
        }
    }
}
