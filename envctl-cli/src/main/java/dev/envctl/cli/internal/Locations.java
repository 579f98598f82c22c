package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.HomeFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Store locations as users type them: a leading {@code ~/} (also after {@code csv:}) means the home folder. */
final class Locations {
    private Locations() {
    }

    /**
     * Fails with invalid input when {@code location} names a CSV file that does not exist: opening a CSV store
     * creates its file, which is right for a store to write, wrong for one only read from.
     */
    static void requireExistingCsv(String location, String what) {
        String s = location.strip();
        boolean prefixed = s.regionMatches(true, 0, "csv:", 0, 4);
        if (!prefixed && (!s.toLowerCase(Locale.ROOT).endsWith(".csv") || s.contains("://"))) {
            return;
        }
        Path p = Path.of(prefixed ? s.substring(4) : s);
        if (!Files.isRegularFile(p)) {
            throw EnvctlException.invalid(what + " " + p + " does not exist; check the path");
        }
    }

    static String expand(String location, Map<String, String> env) {
        String s = location.strip();
        if (s.regionMatches(true, 0, "csv:~/", 0, 6)) {
            return s.substring(0, 4) + HomeFolder.expand(s.substring(4), env);
        }
        return HomeFolder.expand(s, env);
    }
}
