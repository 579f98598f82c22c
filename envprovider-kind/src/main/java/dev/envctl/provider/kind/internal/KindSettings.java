package dev.envctl.provider.kind.internal;

import dev.envctl.core.Durations;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.provider.SettingValues;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.envctl.core.spi.InvalidSettingException.about;

/**
 * The kind provider's settings, validated. {@code image} and {@code timeout} are defaults that an environment's
 * options override; a {@code null} image leaves kind's own default node image.
 *
 * @param listenAddress    the host address the http and https port mappings listen on
 * @param apiListenAddress the host address the API server port listens on ({@code networking.apiServerAddress})
 * @param timeout          the kill timeout of every kind and docker call
 */
public record KindSettings(String binary, String dockerBinary, String listenAddress, String apiListenAddress,
                           String image, Duration timeout) {

    public static final String BINARY = "binary";
    public static final String DOCKER_BINARY = "docker-binary";
    public static final String LISTEN_ADDRESS = "listen-address";
    public static final String API_LISTEN_ADDRESS = "api-listen-address";
    public static final String IMAGE = "image";
    public static final String TIMEOUT = "timeout";

    /** Every key the factory accepts. */
    public static final Set<String> KEYS = Set.of(BINARY, DOCKER_BINARY, LISTEN_ADDRESS, API_LISTEN_ADDRESS, IMAGE,
            TIMEOUT);

    /** kind's own default for extra port mappings, kept so ports behave as with k3d and the Kindler scripts. */
    public static final String DEFAULT_LISTEN_ADDRESS = "0.0.0.0";
    /** The API server stays on this host unless the user opens it up, as kind itself and k3d here do. */
    public static final String DEFAULT_API_LISTEN_ADDRESS = "127.0.0.1";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);


    /** Reads settings; a missing key takes its default, an unknown key or a bad value is INVALID_INPUT. */
    public static KindSettings parse(Map<String, String> settings) {
        Set<String> unknown = new TreeSet<>(settings.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw EnvctlException.invalid("unknown kind provider setting(s) " + unknown + "; valid keys: "
                    + new TreeSet<>(KEYS));
        }
        // each value is read about its key, so that a client names the setting its error is about
        return new KindSettings(about(BINARY, () -> SettingValues.binary("kind", settings, BINARY, "kind")),
                about(DOCKER_BINARY, () -> SettingValues.binary("kind", settings, DOCKER_BINARY, "docker")),
                about(LISTEN_ADDRESS, () -> SettingValues.address("kind setting listen-address",
                        settings.getOrDefault(LISTEN_ADDRESS, DEFAULT_LISTEN_ADDRESS))),
                about(API_LISTEN_ADDRESS, () -> SettingValues.address("kind setting api-listen-address",
                        settings.getOrDefault(API_LISTEN_ADDRESS, DEFAULT_API_LISTEN_ADDRESS))),
                settings.containsKey(IMAGE) ? about(IMAGE, () -> image("kind setting image", settings.get(IMAGE)))
                        : null,
                settings.containsKey(TIMEOUT) ? about(TIMEOUT, () -> Durations.parse("kind setting timeout",
                        settings.get(TIMEOUT))) : DEFAULT_TIMEOUT);
    }

    /** An image reference for kind's nodes (setting or option {@code image}). */
    static String image(String what, String text) {
        return SettingValues.image(what, text, "kindest/node:v1.32.2");
    }
}
