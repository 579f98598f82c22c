package dev.envctl.cli.plugins;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.EnvironmentStoreFactory;

import java.util.Map;

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

    private static final class DownAfter extends ForwardingStore {
        private int inserts;

        DownAfter(EnvironmentStore store, int inserts) {
            super(store, SCHEME);
            this.inserts = inserts;
        }

        @Override
        public Environment insert(Environment environment) {
            if (inserts-- <= 0) {
                throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "store " + location() + " went down");
            }
            return super.insert(environment);
        }
    }
}
