package dev.envctl.bench.internal.proc;

import dev.envctl.bench.internal.engine.DirProvider;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.lifecycle.EngineOptions;
import dev.envctl.core.lifecycle.LifecycleEngine;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.ProgressListener;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The fault runs' writer: creates (60%), deletes (30%) and label updates (10%) through the lifecycle
 * engine and a {@link DirProvider}, until killed. Before a delete or update it prints {@code BEGIN D|U NAME};
 * after each returned write {@code ACK C|D|U NAME [COUNTER]}; a refused write prints {@code NACK ...}.
 * Options: {@code worker.clusters} (the provider's folder), {@code worker.create-ms}, {@code worker.seed}.
 */
final class Churn {
    private final EnvironmentStore store;
    private final LifecycleEngine engine;
    private final String prefix;
    private final Random random;

    Churn(EnvironmentStore store, Allocator allocator, String prefix, Map<String, String> options) {
        this.store = store;
        DirProvider provider = new DirProvider(Path.of(options.get("worker.clusters")),
                Duration.ofMillis(Long.parseLong(options.getOrDefault("worker.create-ms", "5"))));
        this.engine = new LifecycleEngine(store, allocator, Map.of(DirProvider.ID, provider), List.of(),
                EngineOptions.defaults());
        this.prefix = prefix;
        this.random = new Random(Long.parseLong(options.getOrDefault("worker.seed", "1")));
    }

    void run() {
        List<String> mine = new ArrayList<>();
        Map<String, Integer> counters = new HashMap<>();
        int next = 0;
        Worker.say("READY");
        while (true) {
            double x = random.nextDouble();
            String name = null;
            try {
                if (x < 0.6 || mine.isEmpty()) {
                    name = prefix + "-" + next++;
                    EnvironmentSpec spec = EnvironmentSpec.of(name, DirProvider.ID).withSubnet(SubnetRequest.AUTO);
                    Environment e = engine.create(spec, ProgressListener.NONE);
                    mine.add(name);
                    Worker.say("ACK C " + name + " " + e.actualState().key());
                } else if (x < 0.9) {
                    name = mine.remove(random.nextInt(mine.size()));
                    Worker.say("BEGIN D " + name);
                    engine.delete(name, false, ProgressListener.NONE);
                    Worker.say("ACK D " + name);
                } else {
                    name = mine.get(random.nextInt(mine.size()));
                    int n = counters.merge(name, 1, Integer::sum);
                    Worker.say("BEGIN U " + name + " " + n);
                    Environment e = store.get(name);
                    Map<String, String> labels = new HashMap<>(e.labels());
                    labels.put("counter", Integer.toString(n));
                    store.update(e.withLabels(labels), e.version());
                    Worker.say("ACK U " + name + " " + n);
                }
            } catch (EnvctlException e) {
                Worker.say("NACK " + name + " " + e.code() + " " + e.getMessage().replace('\n', ' '));
            }
        }
    }
}
