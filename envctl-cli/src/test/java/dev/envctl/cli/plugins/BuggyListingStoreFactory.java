package dev.envctl.cli.plugins;

import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.EnvironmentStoreFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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

    private static final class BuggyListing extends ForwardingStore {
        private final Path flag;

        BuggyListing(EnvironmentStore store, Path flag) {
            super(store, SCHEME);
            this.flag = flag;
        }

        @Override
        public List<Environment> list(EnvironmentFilter filter) {
            if (Files.exists(flag)) {
                throw new IllegalStateException("the plugin's listing broke: " + flag + " exists");
            }
            return super.list(filter);
        }
    }
}
