package dev.envctl.core.spi;

import dev.envctl.core.Environment;
import dev.envctl.core.Host;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Opens stores from a location string. Found with {@link java.util.ServiceLoader}; implementations have a
 * public no-argument constructor and are listed in
 * {@code META-INF/services/dev.envctl.core.spi.EnvironmentStoreFactory}. Keep heavy imports (drivers,
 * query builders) out of the factory class itself, so that {@link #accepts} loads nothing heavy: every factory
 * found is instantiated to ask it.
 */
public interface EnvironmentStoreFactory {

    /**
     * Stable id, such as {@code csv} or {@code jdbc}. Lowercase letters, digits and
     * {@code -}, starting with a letter, at most 32 characters
     * ({@link dev.envctl.core.Validation#isPluginId}); discovery skips a factory with any other id.
     */
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

    /**
     * Opens the store with the caller's environment variables instead of this process's: secrets such as
     * {@code ENVCTL_DB_PASSWORD} are read from {@code environment}. The default ignores {@code environment}.
     */
    default EnvironmentStore open(String location, Map<String, String> settings, Map<String, String> environment) {
        return open(location, settings);
    }

    /**
     * Opens the store for work that changes nothing (a dry run, a diff, a health check): opening it changes
     * nothing either, not even a schema, which a store may otherwise create or migrate on opening. Writes to
     * the store it returns may be refused. The default is {@link #open(String, Map, Map)}.
     */
    default EnvironmentStore openToRead(String location, Map<String, String> settings,
                                        Map<String, String> environment) {
        return open(location, settings, environment);
    }

    /**
     * Writes to {@code out} the bytes of a store of this kind holding exactly {@code hosts} (those other than
     * {@code local}) and {@code environments}, as a file of this kind of store holds them, for output such as
     * {@code -o csv}: each environment's as it comes, so that the output of many is never held whole (the caller
     * buffers and flushes {@code out}). Returns false, writing nothing, when this kind of store keeps no file (the
     * default). Nothing is checked: environments another store holds are written as they are (rows the Kindler
     * scripts gave one port twice included).
     *
     * @throws IOException what {@code out} threw
     */
    default boolean format(List<Host> hosts, List<Environment> environments, OutputStream out) throws IOException {
        return false;
    }

    /**
     * The hosts and environments of {@code bytes} in the format of a file of this kind of store, read (and ordered) as
     * the store lists its own file's, for input such as {@code apply -f}; empty (the default) when this kind of store
     * keeps no file. The hosts are those the file defines (not {@code local}), with the Docker endpoint and address
     * the file gives, so that a reader can tell whether a host of the same name elsewhere is the same Docker daemon
     * ({@link Host#anotherDaemon}). The input is not a store: a row that cannot be read is an
     * {@link dev.envctl.core.ErrorCode#INVALID_INPUT} error saying which line and what is wrong with it, nothing about
     * a store.
     */
    default Optional<StoreContent> parse(byte[] bytes) {
        return Optional.empty();
    }

    /**
     * The schema administration of the store at {@code location}, opened without checking or changing its
     * schema; empty (the default) when this kind of store has no schema. The caller closes it.
     */
    default Optional<SchemaAdmin> openSchemaAdmin(String location, Map<String, String> settings,
                                                  Map<String, String> environment) {
        return Optional.empty();
    }
}
