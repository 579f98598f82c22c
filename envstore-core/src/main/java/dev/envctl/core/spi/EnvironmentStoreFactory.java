package dev.envctl.core.spi;

import java.util.Map;
import java.util.Set;

/**
 * Opens stores from a location string. Found with {@link java.util.ServiceLoader}; implementations have a
 * public no-argument constructor and are listed in
 * {@code META-INF/services/dev.envctl.core.spi.EnvironmentStoreFactory}.
 */
public interface EnvironmentStoreFactory {

    /** Stable id, such as {@code csv} or {@code jdbc}. */
    String id();

    /** The locations it opens, for messages: {@code csv:PATH or a path ending in .csv}. */
    String locationSyntax();

    /** Whether this factory opens {@code location}. */
    boolean accepts(String location);

    /** The setting keys {@link #open} understands; the registry rejects any other key. */
    default Set<String> settingKeys() {
        return Set.of();
    }

    /**
     * Opens the store. May check reachability eagerly; an unreachable store is a
     * {@code STORE_UNAVAILABLE} error naming the redacted location.
     */
    EnvironmentStore open(String location, Map<String, String> settings);
}
