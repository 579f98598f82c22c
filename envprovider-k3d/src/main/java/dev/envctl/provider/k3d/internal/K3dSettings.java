package dev.envctl.provider.k3d.internal;

import dev.envctl.core.Durations;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.InvalidValueException;
import dev.envctl.core.Validation;
import dev.envctl.core.provider.SettingValues;
import dev.envctl.core.spi.InvalidSettingException;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static dev.envctl.core.spi.InvalidSettingException.about;

/**
 * The k3d provider's settings, validated. {@code servers}, {@code agents}, {@code image} and {@code k3sArgs}
 * are defaults that an environment's options override; {@code null} servers/agents/image leave k3d's own
 * default.
 *
 * @param listenAddress    the host address the http and https ports are published on
 * @param apiListenAddress the host address the API port is published on
 * @param timeout          the kill timeout of every k3d and docker call; create gets more, see
 *                         {@link #createKillTimeout}
 */
public record K3dSettings(String binary, String dockerBinary, String network, String listenAddress,
                          String apiListenAddress, Duration timeout, boolean waitReady, Integer servers,
                          Integer agents, String image, List<String> k3sArgs) {

    public static final String BINARY = "binary";
    public static final String DOCKER_BINARY = "docker-binary";
    public static final String NETWORK = "network";
    public static final String LISTEN_ADDRESS = "listen-address";
    public static final String API_LISTEN_ADDRESS = "api-listen-address";
    public static final String TIMEOUT = "timeout";
    public static final String WAIT = "wait";
    public static final String SERVERS = "servers";
    public static final String AGENTS = "agents";
    public static final String IMAGE = "image";
    public static final String K3S_ARGS = "k3s-args";

    /** Every key the factory accepts. */
    public static final Set<String> KEYS = Set.of(BINARY, DOCKER_BINARY, NETWORK, LISTEN_ADDRESS,
            API_LISTEN_ADDRESS, TIMEOUT, WAIT, SERVERS, AGENTS, IMAGE, K3S_ARGS);

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
    public static final String DEFAULT_NETWORK = "k3d-shared";
    /** Where http and https are published by default: every IPv4 address, as the Kindler scripts did. */
    public static final String DEFAULT_LISTEN_ADDRESS = "0.0.0.0";
    /** The API port stays on this host unless the user opens it up (k3d alone publishes it everywhere). */
    public static final String DEFAULT_API_LISTEN_ADDRESS = "127.0.0.1";

    private static final Pattern NETWORK_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
    private static final Duration MAX_GRACE = Duration.ofSeconds(30);
    /** The longest duration Go's {@code time.Duration} holds, about 292 years. */
    private static final Duration MAX_K3D_TIMEOUT = Duration.ofNanos(Long.MAX_VALUE);

    public K3dSettings {
        k3sArgs = List.copyOf(k3sArgs);
    }

    /** Reads settings; a missing key takes its default, an unknown key or a bad value is INVALID_INPUT. */
    public static K3dSettings parse(Map<String, String> settings) {
        Set<String> unknown = new TreeSet<>(settings.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw EnvctlException.invalid("unknown k3d provider setting(s) " + unknown + "; valid keys: "
                    + new TreeSet<>(KEYS));
        }
        String network = settings.getOrDefault(NETWORK, DEFAULT_NETWORK).strip();
        if (!NETWORK_NAME.matcher(network).matches()) {
            String problem = "'" + Validation.printable(network) + "' is not a Docker network name; allowed: letters, "
                    + "digits, '_', '.', '-', starting with a letter or digit";
            throw new InvalidSettingException(NETWORK, "k3d setting network " + problem, problem, null);
        }
        // each value is read about its key, so that a client names the setting its error is about
        return new K3dSettings(about(BINARY, () -> SettingValues.binary("k3d", settings, BINARY, "k3d")),
                about(DOCKER_BINARY, () -> SettingValues.binary("k3d", settings, DOCKER_BINARY, "docker")), network,
                about(LISTEN_ADDRESS, () -> SettingValues.address("k3d setting listen-address",
                        settings.getOrDefault(LISTEN_ADDRESS, DEFAULT_LISTEN_ADDRESS))),
                about(API_LISTEN_ADDRESS, () -> apiAddress(settings.getOrDefault(API_LISTEN_ADDRESS,
                        DEFAULT_API_LISTEN_ADDRESS))),
                settings.containsKey(TIMEOUT) ? about(TIMEOUT, () -> timeout("k3d setting timeout",
                        settings.get(TIMEOUT))) : DEFAULT_TIMEOUT,
                !settings.containsKey(WAIT) || about(WAIT, () -> SettingValues.bool("k3d setting wait",
                        settings.get(WAIT))),
                settings.containsKey(SERVERS) ? about(SERVERS, () -> SettingValues.count("k3d setting servers",
                        settings.get(SERVERS), 1)) : null,
                settings.containsKey(AGENTS) ? about(AGENTS, () -> SettingValues.count("k3d setting agents",
                        settings.get(AGENTS), 0)) : null,
                settings.containsKey(IMAGE) ? about(IMAGE, () -> image("k3d setting image", settings.get(IMAGE)))
                        : null,
                settings.containsKey(K3S_ARGS) ? about(K3S_ARGS, () -> k3sArgs("k3d setting k3s-args",
                        settings.get(K3S_ARGS))) : List.of());
    }

    /**
     * The API's host address: an IPv4 address, as k3d's {@code --api-port} takes no other (v5.7.4 looks an IPv6
     * address up as a host name and fails: "Failed to lookup IPv4 address for host '::1'").
     */
    private static String apiAddress(String text) {
        String what = "k3d setting api-listen-address";
        String address = SettingValues.address(what, text);
        if (address.contains(":")) {
            throw InvalidValueException.of(what, "'" + address + "' is an IPv6 address, which k3d's --api-port does "
                    + "not take; allowed: an IPv4 address such as 127.0.0.1 or 0.0.0.0");
        }
        return address;
    }

    /**
     * A timeout (setting or option {@code timeout}), which is also k3d's {@code --timeout}: at most what Go's
     * {@code time.ParseDuration} takes, a signed 64-bit count of nanoseconds (k3d v5.7.4 refuses
     * {@code --timeout 359999996400s} with "invalid duration").
     */
    static Duration timeout(String what, String text) {
        Duration timeout = Durations.parse(what, text);
        if (timeout.compareTo(MAX_K3D_TIMEOUT) > 0) {
            throw InvalidValueException.of(what, "'" + Validation.printable(text.strip()) + "' is longer than k3d's "
                    + "--timeout takes; at most " + MAX_K3D_TIMEOUT.toHours() + "h");
        }
        return timeout;
    }

    /** How long create may run before it is killed: the timeout plus the same again, at most 30 s more. */
    public static Duration createKillTimeout(Duration timeout) {
        return timeout.plus(timeout.compareTo(MAX_GRACE) < 0 ? timeout : MAX_GRACE);
    }

    /** An image reference for k3d's nodes (setting or option {@code image}). */
    static String image(String what, String text) {
        return SettingValues.image(what, text, "rancher/k3s:v1.31.5-k3s1");
    }

    /**
     * k3s arguments, separated by whitespace: each is one {@code --k3s-arg} value such as
     * {@code --disable=traefik@server:*}. Whitespace, not commas, because k3s values hold commas
     * ({@code --tls-san=a,b}). Each needs a node filter: k3d refuses one without whenever the cluster has more than
     * one node, and the load balancer envctl publishes its ports through is one.
     */
    static List<String> k3sArgs(String what, String text) {
        String t = text == null ? "" : text.strip();
        List<String> args = t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
        for (String arg : args) {
            int at = arg.lastIndexOf('@');
            if (at <= 0 || at == arg.length() - 1) {
                throw InvalidValueException.of(what, "'" + arg + "' has no node filter, which k3d needs (the load "
                        + "balancer is a node too); allowed: ARG@NODEFILTER such as --disable=traefik@server:*");
            }
        }
        return args;
    }
}
