package dev.envctl.core.hook;

import dev.envctl.core.Durations;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Validation;
import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.LifecycleHookFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The built-in exec hook (id {@code exec}): runs executables from {@code <dir>/post-create.d},
 * {@code pre-delete.d} and {@code post-delete.d}. Settings: {@code dir}, the folder holding the {@code .d}
 * folders (default {@code $XDG_CONFIG_HOME/envctl/hooks}, else {@code $HOME/.config/envctl/hooks}), and
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
        if (dir != null && !dir.isBlank() && !Path.of(dir.strip()).isAbsolute()) {
            // relative to whatever folder envctl happens to run in: a different set of scripts in each
            throw EnvctlException.invalid("dir '" + Validation.printable(dir.strip()) + "' is not an absolute path; "
                    + "give the hook folder as an absolute path");
        }
        return new ExecHook(dir == null || dir.isBlank() ? defaultDir() : Path.of(dir.strip()),
                timeout == null ? DEFAULT_TIMEOUT : Durations.parse("timeout", timeout));
    }

    static Path defaultDir() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        // $HOME, as a shell user means it; Java's user.home comes from the password database instead
        String home = System.getenv("HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".config");
        return base.resolve("envctl").resolve("hooks");
    }
}
