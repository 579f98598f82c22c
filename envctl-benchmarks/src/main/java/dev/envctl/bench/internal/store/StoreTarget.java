package dev.envctl.bench.internal.store;

import dev.envctl.core.spi.EnvironmentStore;

import java.util.Map;

/**
 * A store under measurement: how to open it in this JVM and in a worker process, and how to fill it with
 * seed environments quickly (outside the timed part).
 */
public interface StoreTarget {

    /** {@code csv} or {@code jdbc}. */
    String id();

    /** A new store object on the target, as a library user opens one. */
    EnvironmentStore open();

    /** The location a worker process or the CLI opens, such as {@code csv:/tmp/x/envs.csv}. */
    String location();

    /** Settings for {@code PluginRegistry.openStore} in a worker. */
    Map<String, String> settings();

    /** Environment variables a worker or the CLI needs (the password, for PostgreSQL). */
    Map<String, String> processEnvironment();

    /** Empties the store, then writes {@code count} seed environments ({@code WidePools} layout). */
    void reset(int count) throws Exception;
}
