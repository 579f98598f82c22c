package dev.envctl.cli.plugins;

import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.Host;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.StoreHealth;

import java.util.List;
import java.util.Optional;

/**
 * A store that passes every call to another, for the test store plugins to override the calls they break;
 * {@link PluginJar} puts it in the jar of a plugin whose classes build on it.
 */
public class ForwardingStore implements EnvironmentStore {
    private final EnvironmentStore store;
    private final String scheme;

    /** Forwards to {@code store}; its location is {@code scheme} before the store's. */
    protected ForwardingStore(EnvironmentStore store, String scheme) {
        this.store = store;
        this.scheme = scheme;
    }

    @Override
    public Environment insert(Environment environment) {
        return store.insert(environment);
    }

    @Override
    public String location() {
        return scheme + store.location();
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
