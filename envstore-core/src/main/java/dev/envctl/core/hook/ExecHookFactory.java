package dev.envctl.core.hook;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.LifecycleHookFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The built-in exec hook (id {@code exec}): runs executables from {@code <dir>/post-create.d},
 * {@code pre-delete.d} and {@code post-delete.d}. Settings: {@code dir}, the folder holding the {@code .d}
 * folders (default {@code $XDG_CONFIG_HOME/envctl/hooks}, else {@code ~/.config/envctl/hooks}), and
 * {@code timeout} per script, such as {@code 60s}, {@code 500ms}, {@code 5m} or {@code PT1M} (default 60s).
 */
public final class ExecHookFactory implements LifecycleHookFactory {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    @Override
    public String id() {
        return "exec";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of("dir", "timeout");
    }

    @Override
    public LifecycleHook create(Map<String, String> settings) {
        String dir = settings.get("dir");
        String timeout = settings.get("timeout");
        return new ExecHook(dir == null || dir.isBlank() ? defaultDir() : Path.of(dir.strip()),
                timeout == null ? DEFAULT_TIMEOUT : parseDuration("timeout", timeout));
    }

    static Path defaultDir() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("envctl").resolve("hooks");
    }

    /** Parses {@code 500ms}, {@code 60s}, {@code 5m}, {@code 1h}, a bare number of seconds, or ISO-8601. */
    public static Duration parseDuration(String what, String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (s.startsWith("pt")) {
                d = Duration.parse(s.toUpperCase(Locale.ROOT));
            } else if (s.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            } else if (s.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            } else if (s.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            } else if (s.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
            } else {
                d = Duration.ofSeconds(Long.parseLong(s));
            }
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw EnvctlException.invalid(what + " '" + text.strip() + "' is not a positive duration; write it "
                + "like 500ms, 60s, 5m or 1h");
    }
}
