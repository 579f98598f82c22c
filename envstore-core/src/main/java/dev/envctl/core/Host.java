package dev.envctl.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Docker host environments are placed on. Host ports are unique per host; subnets across the whole
 * inventory. Every store has the implicit host {@link #LOCAL}: the Docker daemon of the machine envctl runs on
 * (as {@code DOCKER_HOST} or the current docker context says), where every environment lives unless placed
 * elsewhere, and where every row of the Kindler scripts is.
 *
 * @param name     a lowercase name of 1 to 32 characters a-z, 0-9 and '-' ({@code auto} is reserved)
 * @param docker   the Docker endpoint, anything {@code DOCKER_HOST} accepts ({@code unix://}, {@code tcp://},
 *                 {@code ssh://[user@]host}), or {@code null} for the caller's own (the local host)
 * @param address  the address clients use to reach the host's published ports and API, or {@code null} for
 *                 the local default ({@code 127.0.0.1} for the API)
 * @param labels   labels that placement selectors match, such as {@code gpu=true}
 * @param capacity the most environments the host takes, or {@code null} for no limit but its port pools
 */
public record Host(String name, String docker, String address, Map<String, String> labels, Integer capacity) {
    /** The name of the implicit host. */
    public static final String LOCAL_NAME = "local";
    /** The implicit host: the caller's Docker daemon, no address, no labels, no capacity. */
    public static final Host LOCAL = new Host(LOCAL_NAME, null, null, Map.of(), null);

    public Host {
        Validation.requireHostName(name);
        docker = blankToNull(docker);
        address = blankToNull(address);
        if (docker != null) {
            Validation.requireEndpoint(docker);
        }
        if (address != null) {
            Validation.requireAddress(address);
        }
        labels = Validation.sortedCopy(Validation.requireLabels(labels == null ? Map.of() : labels));
        if (capacity != null && capacity < 1) {
            throw EnvctlException.invalid("capacity " + capacity + " of host '" + name + "' is invalid; allowed: 1 "
                    + "or more, or none for no limit");
        }
        if (name.equals(LOCAL_NAME) && (docker != null || address != null)) {
            throw EnvctlException.invalid("host 'local' is the Docker daemon envctl runs against; it takes no "
                    + "endpoint or address (add the daemon under another name)");
        }
    }

    /**
     * This host, checked for being added: its address, when it has one, must be an IP address, as k3d and kind
     * bind the Kubernetes API to it and take no host names, and one clients reach that machine at; its endpoint has no query or fragment, and a
     * {@code tcp://} one no path (Docker refuses or drops them); no label key starts with {@code envctl.}, as
     * those are envctl's own. Reading a store does not check it, so a host added before the check still reads
     * (and its environments fail at the provider, naming the address).
     *
     * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} for an address that is not an IP address or is one no
     *                         client reaches a machine at ({@link Validation#unreachableAddress}: the unspecified
     *                         one, a multicast one, the broadcast address), such an endpoint or label
     */
    public Host requireAddable() {
        if (docker != null && !Validation.isPlainEndpoint(docker)) {
            throw Validation.invalidEndpoint(docker, " of host '" + name + "'");
        }
        Validation.requireNoOwnLabels(labels, " of host '" + name + "'");
        if (address != null && !Validation.isIpAddress(address)) {
            throw EnvctlException.invalid("address '" + Validation.printable(address) + "' of host '" + name
                    + "' is not an IP address; allowed: an IPv4 or IPv6 address of that machine, such as "
                    + "192.168.1.20 (k3d and kind bind the Kubernetes API to it and take no host names)");
        }
        if (address != null) {
            Validation.unreachableAddress(address).ifPresent(why -> {
                throw EnvctlException.invalid("address '" + address + "' of host '" + name + "' " + why + "; allowed: "
                        + "an IPv4 or IPv6 address of that machine, such as 192.168.1.20");
            });
        }
        return this;
    }

    /** Whether this is the implicit host {@code local}. */
    public boolean isLocal() {
        return name.equals(LOCAL_NAME);
    }

    /**
     * Why environments on {@code source}, a host of another store or of a file, cannot land on {@code target}, the
     * host of the same name in {@code targetIn}: the two are another Docker daemon (their Docker endpoints or
     * addresses differ), so the environments would be made on another daemon, or reached at another address, than
     * where {@code sourceIn} puts them. Empty when the two agree (labels and capacity may differ). The text names the
     * host and both endpoints (passwords hidden) and addresses; the caller adds what to do.
     */
    public static Optional<String> anotherDaemon(Host target, String targetIn, Host source, String sourceIn) {
        if (sameDaemon(target, source)) {
            return Optional.empty();
        }
        return Optional.of("host '" + target.name + "' is another Docker daemon in " + targetIn + " ("
                + target.describe() + ") than in " + sourceIn + " (" + source.describe() + ")");
    }

    /** Whether {@code a} and {@code b} are one Docker daemon: the same endpoint and address (labels may differ). */
    public static boolean sameDaemon(Host a, Host b) {
        return Objects.equals(a.docker, b.docker) && Objects.equals(a.address, b.address);
    }

    /** The endpoint (password hidden) and address, as {@link #anotherDaemon} names them. */
    private String describe() {
        return (docker == null ? "no Docker endpoint" : Redaction.redactLocation(docker))
                + (address == null ? "" : ", address " + address);
    }

    /** Whether every entry of {@code selector} is one of this host's labels. */
    public boolean matches(Map<String, String> selector) {
        return selector.entrySet().stream().allMatch(s -> Objects.equals(labels.get(s.getKey()), s.getValue()));
    }

    /**
     * The check every store makes before removing host {@code name}: never {@code local}, and not while
     * environments live there or a replacement still has a cluster to delete there ({@code used}: those
     * {@link #usedBy} says so of; {@link ErrorCode#CONFLICT}, naming up to five of each). The remedy differs: those
     * living there are deleted, those moved off it reconciled (which deletes their old clusters).
     */
    public static void requireRemovable(String name, List<Environment> used) {
        if (name.equals(LOCAL_NAME)) {
            throw EnvctlException.conflict("host 'local' is built in and cannot be removed");
        }
        String there = counted(used.stream().filter(e -> e.host().equals(name)).toList());
        List<Environment> movedOff = used.stream().filter(e -> !e.host().equals(name)).toList();
        String moved = counted(movedOff) + " moved off it";
        boolean one = movedOff.size() == 1;
        if (!there.isEmpty()) {
            throw EnvctlException.conflict("host '" + name + "' has " + there + "; delete them first" + (movedOff
                    .isEmpty() ? "" : ", and reconcile the " + moved + ", which deletes " + (one ? "its old cluster"
                    : "their old clusters") + " there"));
        }
        if (!movedOff.isEmpty()) {
            throw EnvctlException.conflict("host '" + name + "' still has the old cluster" + (one ? "" : "s")
                    + " of " + moved + ", which " + (one ? "its replacement has" : "their replacements have")
                    + " yet to delete; reconcile " + (one ? "it, which deletes that cluster" : "them, which deletes "
                    + "those clusters") + ", then remove the host");
        }
    }

    /** {@code 2 environments (a, b)}, up to five names in order; empty for none. */
    private static String counted(List<Environment> environments) {
        List<String> sorted = environments.stream().map(Environment::name).sorted().toList();
        return sorted.isEmpty() ? "" : sorted.size() + " environment" + (sorted.size() == 1 ? "" : "s") + " ("
                + String.join(", ", sorted.subList(0, Math.min(5, sorted.size()))) + (sorted.size() > 5 ? ", ..." : "")
                + ")";
    }

    /**
     * Whether environment {@code e} has a cluster on host {@code name}: it lives there, or it was moved off it by a
     * replacement that has still to delete its old cluster there (its {@code envctl.replacing} label names the host).
     * Stores list such environments to {@link #requireRemovable}: without the host, the replacement could never
     * delete that cluster.
     */
    public static boolean usedBy(Environment e, String name) {
        if (e.host().equals(name)) {
            return true;
        }
        String replacing = e.labels().get(dev.envctl.core.lifecycle.LifecycleEngine.REPLACING_LABEL);
        return replacing != null && !name.equals(LOCAL_NAME)
                && List.of(replacing.strip().split(" +")).contains("host=" + name);
    }

    /** The {@link ErrorCode#INVALID_INPUT} for a host name the store does not know, naming those it does. */
    public static EnvctlException unknown(String name, List<String> known) {
        return EnvctlException.invalid("host '" + name + "' is unknown; known: " + String.join(", ", known));
    }

    /** The {@link ErrorCode#CONFLICT} for adding a host whose name is taken. */
    public static EnvctlException exists(String name) {
        return EnvctlException.conflict("host '" + name + "' already exists; remove it first or choose another name");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
