package dev.envctl.core.testing;

import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.StoreHealth;

import java.util.List;
import java.util.Optional;

/** A store that passes every call to another; tests override the calls they make fail. */
public class DelegatingStore implements EnvironmentStore {
    private final EnvironmentStore delegate;

    public DelegatingStore(EnvironmentStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public String location() {
        return delegate.location();
    }

    @Override
    public Optional<Environment> find(String name) {
        return delegate.find(name);
    }

    @Override
    public List<Environment> list(EnvironmentFilter filter) {
        return delegate.list(filter);
    }

    @Override
    public Environment create(EnvironmentSpec spec, Allocator allocator) {
        return delegate.create(spec, allocator);
    }

    @Override
    public Environment insert(Environment environment) {
        return delegate.insert(environment);
    }

    @Override
    public void checkInsert(Environment environment) {
        delegate.checkInsert(environment);
    }

    @Override
    public Environment update(Environment next, long expectedVersion) {
        return delegate.update(next, expectedVersion);
    }

    @Override
    public boolean delete(String name) {
        return delegate.delete(name);
    }

    @Override
    public void delete(String name, long expectedVersion) {
        delegate.delete(name, expectedVersion);
    }

    @Override
    public Optional<EnvironmentLock> tryLock(String name) {
        return delegate.tryLock(name);
    }

    @Override
    public StoreHealth health() {
        return delegate.health();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
