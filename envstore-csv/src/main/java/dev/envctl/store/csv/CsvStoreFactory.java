package dev.envctl.store.csv;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.Host;
import dev.envctl.core.HomeFolder;
import dev.envctl.core.Validation;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.EnvironmentStoreFactory;
import dev.envctl.core.spi.InvalidSettingException;
import dev.envctl.core.spi.StoreContent;
import dev.envctl.core.Durations;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Opens {@link CsvEnvironmentStore}s: id {@code csv}, locations {@code csv:PATH} or a path ending in
 * {@code .csv}. Setting {@value #LOCK_TIMEOUT}: how long a change waits for the file lock ({@code 10s} by
 * default; {@code 500ms}, {@code 30s}, {@code 2m} or ISO-8601 {@code PT30S}). Stateless and thread-safe.
 */
public final class CsvStoreFactory implements EnvironmentStoreFactory {
    /** The setting key of the lock timeout. */
    public static final String LOCK_TIMEOUT = "csv.lock-timeout";

    private static final String PREFIX = "csv:";

    @Override
    public String id() {
        return "csv";
    }

    @Override
    public String locationSyntax() {
        return "csv:PATH or a path ending in .csv";
    }

    @Override
    public boolean accepts(String location) {
        if (location == null || location.isBlank()) {
            return false;
        }
        String s = location.strip();
        if (s.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return s.length() > PREFIX.length();
        }
        return s.toLowerCase(Locale.ROOT).endsWith(".csv") && !s.contains("://") && !s.startsWith("jdbc:");
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of(LOCK_TIMEOUT);
    }

    @Override
    public boolean format(List<Host> hosts, List<Environment> environments, OutputStream out) throws IOException {
        CsvEnvironmentStore.format(hosts, environments, out);
        return true;
    }

    @Override
    public Optional<StoreContent> parse(byte[] bytes) {
        return Optional.of(CsvEnvironmentStore.parse(bytes));
    }

    @Override
    public EnvironmentStore open(String location, Map<String, String> settings) {
        return open(location, settings, System.getenv());
    }

    /** Opens the store; a leading {@code ~/} in the path is the {@link HomeFolder} of {@code environment}. */
    @Override
    public EnvironmentStore open(String location, Map<String, String> settings, Map<String, String> environment) {
        if (!accepts(location)) {
            throw EnvctlException.invalid("'" + location + "' is not a CSV store location; use "
                    + locationSyntax());
        }
        PluginRegistry.requireKnownKeys("store csv", settings, settingKeys());
        String value = settings.get(LOCK_TIMEOUT);
        Duration timeout = value == null ? CsvEnvironmentStore.DEFAULT_LOCK_TIMEOUT
                : InvalidSettingException.about(LOCK_TIMEOUT, () -> Durations.parse(LOCK_TIMEOUT, value));
        return CsvEnvironmentStore.open(path(location, environment), timeout);
    }

    /** The file a location names; a leading {@code ~/} is the home folder ({@link HomeFolder}). */
    static Path path(String location, Map<String, String> environment) {
        String s = location.strip();
        if (s.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            s = s.substring(PREFIX.length());
        }
        try {
            return Path.of(HomeFolder.expand(s, environment));
        } catch (InvalidPathException e) {
            throw EnvctlException.invalid("CSV store path '" + Validation.printable(s) + "' is invalid: "
                    + e.getReason());
        }
    }
}
