// tag::file[]
package dev.envctl.example.haproxy;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.InvalidValueException;
import dev.envctl.core.Validation;
import dev.envctl.core.spi.InvalidSettingException;
import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.LifecycleHookFactory;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Creates the {@code haproxy} hook. Listed in
 * {@code META-INF/services/dev.envctl.core.spi.LifecycleHookFactory}, so envctl finds it when the jar is on
 * its class path. Settings: {@code file} (required), the backend file to keep, an absolute path; {@code host}
 * (default {@code 127.0.0.1}), where the host ports of environments on host {@code local} listen (those on another
 * host are routed to its address); {@code label} (default {@code haproxy_route}), the label that must be
 * {@code true} (or {@code 1}) for an environment to get a backend.
 */
public final class HaproxyHookFactory implements LifecycleHookFactory {

    @Override
    public String id() {
        return "haproxy";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of("file", "host", "label");
    }

    @Override
    public LifecycleHook create(Map<String, String> settings) {
        String file = settings.get("file");
        if (file == null || file.isBlank()) {
            throw EnvctlException.invalid("hook haproxy needs the setting 'file': the HAProxy backend file to keep, "
                    + "such as hook.haproxy.file=/etc/haproxy/envctl-backends.cfg");
        }
        return new HaproxyBackendHook(new BackendFile(InvalidSettingException.about("file", () -> path(file.strip()))),
                InvalidSettingException.about("host", () -> host(settings.getOrDefault("host", "127.0.0.1"))),
                InvalidSettingException.about("label", () -> label(settings.getOrDefault("label", "haproxy_route"))));
    }

    /** An absolute path: a relative one would name another file in each folder envctl runs in. */
    private static Path path(String file) {
        Path path = Path.of(file);
        if (!path.isAbsolute()) {
            throw InvalidValueException.of("file", "'" + file + "' is not an absolute path; allowed: an absolute path, "
                    + "such as /etc/haproxy/conf.d/envctl-backends.cfg");
        }
        return path;
    }

    /** One word: the address of a {@code server} line, which a blank or a space would break. */
    private static String host(String host) {
        if (host.isEmpty() || host.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw InvalidValueException.of("host", "'" + Validation.printable(host) + "' is not an address; allowed: "
                    + "an IP address or host name the clusters' ports are reached at, such as 127.0.0.1");
        }
        return host;
    }

    /** A key an environment's label can have: with any other, no environment would be routed. */
    private static String label(String label) {
        Validation.requireLabels(Map.of(label, "true"));
        return label;
    }
}
// end::file[]
