package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.HostPorts;
import dev.envctl.core.HostRequest;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.Validation;
import dev.envctl.core.provider.SettingValues;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The flags of {@code create} that make an {@link EnvironmentSpec}. */
final class SpecOptions {
    @Parameter(names = "--provider", description = "Provider id (k3d, kind, ...; any case); default: provider.default")
    String provider;

    @Parameter(names = "--subnet", description = "Docker subnet: an IPv4 CIDR, 'auto' (next free block of "
            + "pool.subnet) or 'none' (the provider's shared network)")
    String subnet = "none";

    @Parameter(names = "--http-port", description = "Host port for HTTP (default: next free in pool.http)")
    Integer http;

    @Parameter(names = "--https-port", description = "Host port for HTTPS (default: next free in pool.https)")
    Integer https;

    @Parameter(names = "--pf-port", description = "Host port for port-forwarding (default: next free in pool.pf)")
    Integer pf;

    @Parameter(names = "--api-port", description = "Host port of the Kubernetes API (default: next free in "
            + "pool.api)")
    Integer api;

    @Parameter(names = "--node-port", description = "In-cluster NodePort of the ingress")
    Integer nodePort = EnvironmentSpec.DEFAULT_NODE_PORT;

    @Parameter(names = "--servers", description = "Number of server (control-plane) nodes")
    Integer servers;

    @Parameter(names = "--agents", description = "Number of agent (worker) nodes")
    Integer agents;

    @Parameter(names = "--image", description = "Node image, such as rancher/k3s:v1.31.5-k3s1 or "
            + "kindest/node:v1.32.2")
    String image;

    @Parameter(names = "--label", description = "Label KEY=VALUE, the value taken whole (commas included); "
            + "repeat for more", splitter = WholeValue.class)
    List<String> labels = new ArrayList<>();

    @Parameter(names = "--host", description = "The Docker host (see 'envctl host list'), or 'auto': the host "
            + "with the most room, chosen by the store; default: local")
    String host;

    @Parameter(names = "--host-selector", description = "With --host auto: only hosts with label KEY=VALUE; repeat "
            + "for more (all must match)", splitter = WholeValue.class)
    List<String> hostSelector = new ArrayList<>();

    EnvironmentSpec toSpec(String name, String defaultProvider) {
        Map<String, String> options = new TreeMap<>();
        if (servers != null) {
            options.put("servers", Integer.toString(count("--servers", servers, 1)));
        }
        if (agents != null) {
            options.put("agents", Integer.toString(count("--agents", agents, 0)));
        }
        if (image != null) {
            // as given: spaces around it are refused as in an apply file's options (Validation), not dropped here
            SettingValues.image("--image", image, "rancher/k3s:v1.31.5-k3s1");
            options.put("image", image);
        }
        return new EnvironmentSpec(name, provider == null ? defaultProvider : providerId(provider),
                new HostPorts(http, https, pf, api), subnet("--subnet", subnet), nodePort, parseLabels(labels),
                options, hostRequest(host, parsePairs(hostSelector, "--host-selector", "gpu=true")));
    }

    /**
     * A provider id as a user gives it ({@code --provider} of create and list, an apply file's {@code provider},
     * {@code provider.default}): ids are lowercase (Validation), so one given in another case, or with spaces
     * around it, means the one id it can match, as {@code -o JSON} and {@code --state RUNNING} are taken. Anything
     * else keeps its own message, naming the value as given.
     */
    static String providerId(String given) {
        try {
            return Validation.requireProviderId(given.strip().toLowerCase(Locale.ROOT));
        } catch (EnvctlException e) {
            return Validation.requireProviderId(given); // invalid in any case: refused in the words of the value given
        }
    }

    /**
     * The subnet {@code --subnet} or an apply file's {@code subnet} ({@code what}) gives: none when absent (null), and
     * an empty value is refused. SubnetRequest reads an empty value as none (an empty CSV column); given on the command
     * line or in a YAML or JSON file it is a slip.
     */
    static SubnetRequest subnet(String what, String given) {
        if (given != null && given.isBlank()) {
            throw EnvctlException.invalid(what + " is empty; give an IPv4 CIDR such as 10.101.0.0/16, auto or none");
        }
        return SubnetRequest.parse(given);
    }

    /**
     * {@code NAME}, {@code auto} or none ({@link HostRequest#DEFAULT}: {@code local} for a new environment, the
     * host it is on for an existing one), with a selector only for {@code auto}: the checks of
     * {@code create --host} and of an apply file's {@code host}, in the words of {@code --host}.
     */
    static HostRequest hostRequest(String host, Map<String, String> selector) {
        String name = host == null ? null : host.strip();
        if (!selector.isEmpty() && !HostRequest.AUTO_NAME.equals(name)) {
            throw EnvctlException.invalid("a host selector needs host 'auto'" + (name == null ? ""
                    : ", not '" + Validation.printable(name) + "'") + " (--host auto --host-selector KEY=VALUE; in a "
                    + "file, host: auto with hostSelector)");
        }
        if (name != null && name.isEmpty()) {
            throw EnvctlException.invalid("host is empty; give a host name (see 'envctl host list') or 'auto'");
        }
        if (name != null && !name.equals(HostRequest.AUTO_NAME)) {
            try {
                Validation.requireHostName(name);
            } catch (EnvctlException e) {
                throw EnvctlException.invalid(e.getMessage() + ", or 'auto' for placement");
            }
        }
        return name == null ? HostRequest.DEFAULT : selector.isEmpty() ? HostRequest.of(name)
                : HostRequest.auto(selector);
    }

    private static int count(String flag, int n, int min) {
        if (n < min || n > 99) {
            throw EnvctlException.invalid(flag + " " + n + " is out of range; allowed: " + min + " to 99");
        }
        return n;
    }

    /**
     * {@code KEY=VALUE} items; the key and value are then checked by {@link Validation#requireLabels}. Keys
     * starting with {@code envctl.} are envctl's own (such as the one {@code delete --keep-record} sets).
     */
    static Map<String, String> parseLabels(List<String> items) {
        Map<String, String> labels = parsePairs(items, "label", "haproxy_route=true");
        Validation.requireNoOwnLabels(labels, "");
        return labels;
    }

    /** {@code KEY=VALUE} items of {@code what} (a flag or word for the error), checked as labels are. */
    static Map<String, String> parsePairs(List<String> items, String what, String example) {
        Map<String, String> m = new TreeMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw EnvctlException.invalid(what + " '" + Validation.printable(item) + "' is not KEY=VALUE, such as "
                        + example);
            }
            String key = item.substring(0, eq);
            if (m.put(key, item.substring(eq + 1)) != null) {
                throw EnvctlException.invalid(what + " '" + Validation.printable(key) + "' is given twice");
            }
        }
        return Validation.requireLabels(m);
    }
}
