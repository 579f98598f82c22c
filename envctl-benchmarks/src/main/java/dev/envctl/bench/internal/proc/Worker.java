package dev.envctl.bench.internal.proc;

import dev.envctl.bench.internal.harness.WidePools;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.EnvironmentStore;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A child JVM that writes to a store found by location through {@link PluginRegistry}, as a separate
 * process would. Arguments: {@code MODE LOCATION PREFIX COUNT [KEY=VALUE...]}; settings come after the count.
 * <ul>
 *   <li>{@code create}: opens the store, warms up (creates and deletes 30 environments of its own), prints
 *       {@code READY}, waits for a line on stdin, makes COUNT
 *       environments {@code PREFIX-I} (ports and a /24 auto-allocated), prints {@code DONE}.</li>
 *   <li>{@code churn}: see {@link Churn}; runs until killed, printing one {@code ACK} line per returned
 *       write.</li>
 * </ul>
 * Output lines are flushed one by one: a line printed is a write acknowledged.
 */
public final class Worker {
    /** Creates and deletes before {@code READY}, so the timed creates run on a warmed-up JVM. */
    private static final int WARM_UP = 30;

    private Worker() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String location = args[1];
        String prefix = args[2];
        int count = Integer.parseInt(args[3]);
        Map<String, String> settings = new HashMap<>();
        Map<String, String> options = new HashMap<>();
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            String key = args[i].substring(0, eq);
            (key.startsWith("worker.") ? options : settings).put(key, args[i].substring(eq + 1));
        }
        Allocator allocator = new Allocator(WidePools.policy());
        try (EnvironmentStore store = PluginRegistry.discover().openStore(location, settings)) {
            switch (mode) {
                case "create" -> create(store, allocator, prefix, count);
                case "churn" -> new Churn(store, allocator, prefix, options).run();
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
        } catch (EnvctlException e) {
            System.out.println("ERROR " + e.code() + " " + e.getMessage());
            System.out.flush();
            System.exit(e.exitCode());
        }
        System.exit(0);
    }

    private static void create(EnvironmentStore store, Allocator allocator, String prefix, int count)
            throws Exception {
        for (int i = 0; i < WARM_UP; i++) {
            store.create(EnvironmentSpec.of(prefix + "-w" + i, "k3d").withSubnet(SubnetRequest.AUTO), allocator);
            store.delete(prefix + "-w" + i);
        }
        say("READY");
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        for (int i = 0; i < count; i++) {
            Environment e = store.create(EnvironmentSpec.of(prefix + "-" + i, "k3d").withSubnet(SubnetRequest.AUTO),
                    allocator);
            if (e.version() != 1) {
                throw new IllegalStateException("unexpected version " + e.version());
            }
        }
        say("DONE " + count);
    }

    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
