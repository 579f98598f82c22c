package dev.envctl.core.migration;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.StoreHealth;

import java.util.List;
import java.util.Optional;

/**
 * A store that answers reads from a fixed list of rows (which need not keep the invariants, as a damaged
 * legacy file would not) and refuses every write as unreachable.
 */
final class DownAfterListing implements EnvironmentStore {
    private final List<Environment> rows;

    DownAfterListing(List<Environment> rows) {
        this.rows = List.copyOf(rows);
    }

    private static EnvctlException down() {
        return new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "store test: is unavailable");
    }

    @Override
    public String location() {
        return "test:";
    }

    @Override
    public Optional<Environment> find(String name) {
        return rows.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    @Override
    public List<Environment> list(EnvironmentFilter filter) {
        return rows.stream().filter(filter::matches).toList();
    }

    @Override
    public Environment create(EnvironmentSpec spec, Allocator allocator) {
        throw down();
    }

    @Override
    public Environment insert(Environment environment) {
        throw down();
    }

    @Override
    public Environment update(Environment next, long expectedVersion) {
        throw down();
    }

    @Override
    public boolean delete(String name) {
        throw down();
    }

    @Override
    public void delete(String name, long expectedVersion) {
        throw down();
    }

    @Override
    public Optional<EnvironmentLock> tryLock(String name) {
        throw down();
    }

    @Override
    public StoreHealth health() {
        return StoreHealth.down("test");
    }

    @Override
    public void close() {
    }
}
