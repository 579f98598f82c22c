package dev.envctl.cli.plugins;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.EnvironmentStoreFactory;
import dev.envctl.core.spi.StoreHealth;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A store plugin for tests that goes down part-way, as a PostgreSQL server stopped during a migration: {@code
 * down-after:N:LOCATION} is the store at LOCATION (opened as envctl opens it) until N records were inserted through
 * it; every later insert is {@link ErrorCode#STORE_UNAVAILABLE}.
 */
public final class DownAfterStoreFactory implements EnvironmentStoreFactory {
    private static final String SCHEME = "down-after:";

    @Override
    public String id() {
        return "down-after";
    }

    @Override
    public String locationSyntax() {
        return SCHEME + "N:LOCATION";
    }

    @Override
    public boolean accepts(String location) {
        return location.startsWith(SCHEME);
    }

    @Override
    public EnvironmentStore open(String location, Map<String, String> settings) {
        String[] parts = location.substring(SCHEME.length()).split(":", 2);
        return new DownAfter(PluginRegistry.discover().openStore(parts[1], Map.of()), Integer.parseInt(parts[0]));
    }

    private static final class DownAfter implements EnvironmentStore {
        private final EnvironmentStore store;
        private int inserts;

        DownAfter(EnvironmentStore store, int inserts) {
            this.store = store;
            this.inserts = inserts;
        }

        @Override
        public Environment insert(Environment environment) {
            if (inserts-- <= 0) {
                throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "store " + location() + " went down");
            }
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
