package dev.envctl.cli.plugins;

import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.Host;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.EnvironmentStoreFactory;
import dev.envctl.core.spi.StoreHealth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A store plugin for tests with a bug of its own: {@code buggy-listing:FLAG:LOCATION} is the store at LOCATION (opened
 * as envctl opens it), whose listings throw an {@link IllegalStateException}, no EnvctlException, while the file FLAG
 * exists.
 */
public final class BuggyListingStoreFactory implements EnvironmentStoreFactory {
    private static final String SCHEME = "buggy-listing:";

    @Override
    public String id() {
        return "buggy-listing";
    }

    @Override
    public String locationSyntax() {
        return SCHEME + "FLAG:LOCATION";
    }

    @Override
    public boolean accepts(String location) {
        return location.startsWith(SCHEME);
    }

    @Override
    public EnvironmentStore open(String location, Map<String, String> settings) {
        String[] parts = location.substring(SCHEME.length()).split(":", 2);
        return new BuggyListing(PluginRegistry.discover().openStore(parts[1], Map.of()), Path.of(parts[0]));
    }

    private static final class BuggyListing implements EnvironmentStore {
        private final EnvironmentStore store;
        private final Path flag;

        BuggyListing(EnvironmentStore store, Path flag) {
            this.store = store;
            this.flag = flag;
        }

        @Override
        public Environment insert(Environment environment) {
            return store.insert(environment);
        }

        @Override
        public String location() {
            return SCHEME + store.location();
        }

        @Override
        public Optional<Environment> find(String name) {
            return store.find(name);
        }

        @Override
        public List<Environment> list(EnvironmentFilter filter) {
            if (Files.exists(flag)) {
                throw new IllegalStateException("the plugin's listing broke: " + flag + " exists");
            }
            return store.list(filter);
        }

        @Override
        public Environment create(EnvironmentSpec spec, Allocator allocator) {
            return store.create(spec, allocator);
        }

        @Override
        public Environment update(Environment next, long expectedVersion) {
            return store.update(next, expectedVersion);
        }

        @Override
        public boolean delete(String name) {
            return store.delete(name);
        }

        @Override
        public void delete(String name, long expectedVersion) {
            store.delete(name, expectedVersion);
        }

        @Override
        public Optional<EnvironmentLock> tryLock(String name) {
            return store.tryLock(name);
        }

        @Override
        public List<Host> hosts() {
            return store.hosts();
        }

        @Override
        public StoreHealth health() {
            return store.health();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
