package dev.envctl.core.hook;

import dev.envctl.core.Durations;
import dev.envctl.core.HomeFolder;
import dev.envctl.core.InvalidValueException;
import dev.envctl.core.Validation;
import dev.envctl.core.spi.InvalidSettingException;
import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.LifecycleHookFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The built-in exec hook (id {@code exec}): runs executables from {@code <dir>/post-create.d},
 * {@code pre-delete.d} and {@code post-delete.d}. Settings: {@code dir}, the folder holding the {@code .d}
 * folders, an absolute path or one starting {@code ~/} ({@link HomeFolder}; default
 * {@code $XDG_CONFIG_HOME/envctl/hooks}, else {@code $HOME/.config/envctl/hooks}), and
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
        String timeout = settings.get("timeout");
        return new ExecHook(InvalidSettingException.about("dir", () -> dir(settings.get("dir"))),
                timeout == null ? DEFAULT_TIMEOUT
                        : InvalidSettingException.about("timeout", () -> Durations.parse(ExecHook.SETTING + "timeout",
                        timeout)));
    }

    /**
     * The folder {@code dir} names: an absolute path, or one starting {@code ~/} under {@code $HOME} (as the
     * envctl CLI reads every {@code hook.*} value, so the rule is the same for embedders); none means
     * {@link #defaultDir}.
     */
    private static Path dir(String dir) {
        String d = dir == null ? "" : dir.strip();
        if (d.isEmpty()) {
            return defaultDir(System.getenv());
        }
        d = HomeFolder.expand(d, System.getenv());
        if (!Path.of(d).isAbsolute()) {
            // relative to whatever folder envctl happens to run in: a different set of scripts in each
            throw InvalidValueException.of(ExecHook.SETTING + "dir", "'" + Validation.printable(d) + "' is not an "
                    + "absolute path; allowed: an absolute path, such as /srv/envctl/hooks, or one starting with ~/ "
                    + "(a folder under $HOME)");
        }
        return Path.of(d);
    }

    /**
     * {@code envctl/hooks} under {@code XDG_CONFIG_HOME} of {@code env}, else under {@code ~/.config}; a relative
     * {@code XDG_CONFIG_HOME} is ignored, as the XDG spec says (it would name other scripts in each folder).
     */
    static Path defaultDir(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : HomeFolder.of(env).resolve(".config");
        return base.resolve("envctl").resolve("hooks");
    }
}
