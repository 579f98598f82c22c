package dev.envctl.core;

import java.nio.file.Path;
import java.util.Map;

/**
 * The home folder as a shell user means it, and paths written {@code ~/...} under it: one rule for the CLI's
 * store locations and {@code hook.*} values, the CSV store's location and the exec hook's folder.
 */
public final class HomeFolder {
    private HomeFolder() {
    }

    /** {@code HOME} of {@code environment} when set (tests and containers move it), else Java's {@code user.home}. */
    public static Path of(Map<String, String> environment) {
        String home = environment.get("HOME");
        return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
    }

    /** {@code path} with a leading {@code ~/} replaced by {@link #of the home folder}; any other path as it is. */
    public static String expand(String path, Map<String, String> environment) {
        return path.startsWith("~/") ? of(environment) + path.substring(1) : path;
    }
}
