package dev.envctl.core;

import java.util.Map;
import java.util.Objects;

/**
 * What a user asks for: a name, a provider, optionally explicit host ports and a subnet, the in-cluster
 * node port, labels, provider options (such as {@code servers}, {@code agents}, {@code image}) and the host
 * ({@code local} unless said). Ports left {@code null}, a subnet of {@link SubnetRequest#AUTO} and a host of
 * {@link HostRequest#AUTO} are allocated by the store; a request that says nothing about the host goes to
 * {@code local}.
 */
public record EnvironmentSpec(String name, String provider, HostPorts ports, SubnetRequest subnet, int nodePort,
                              Map<String, String> labels, Map<String, String> options, HostRequest host) {

    public static final int DEFAULT_NODE_PORT = 30080;

    public EnvironmentSpec {
        Validation.requireName(name);
        Validation.requireProviderId(provider);
        ports = ports == null ? HostPorts.NONE : ports;
        subnet = subnet == null ? SubnetRequest.NONE : subnet;
        Validation.requirePort("node port", nodePort);
        labels = Validation.sortedCopy(Validation.requireLabels(labels == null ? Map.of() : labels));
        options = Validation.sortedCopy(Validation.requireOptions(options == null ? Map.of() : options));
        host = host == null ? HostRequest.DEFAULT : host;
    }

    /** A request that says nothing about the host ({@link HostRequest#DEFAULT}). */
    public EnvironmentSpec(String name, String provider, HostPorts ports, SubnetRequest subnet, int nodePort,
                           Map<String, String> labels, Map<String, String> options) {
        this(name, provider, ports, subnet, nodePort, labels, options, HostRequest.DEFAULT);
    }

    /** A request with every port and the subnet left to allocation on the shared network. */
    public static EnvironmentSpec of(String name, String provider) {
        return new EnvironmentSpec(name, provider, HostPorts.NONE, SubnetRequest.NONE, DEFAULT_NODE_PORT,
                Map.of(), Map.of());
    }

    public EnvironmentSpec withPorts(HostPorts p) {
        return new EnvironmentSpec(name, provider, Objects.requireNonNull(p), subnet, nodePort, labels, options,
                host);
    }

    public EnvironmentSpec withSubnet(SubnetRequest s) {
        return new EnvironmentSpec(name, provider, ports, Objects.requireNonNull(s), nodePort, labels, options,
                host);
    }

    public EnvironmentSpec withLabels(Map<String, String> l) {
        return new EnvironmentSpec(name, provider, ports, subnet, nodePort, l, options, host);
    }

    public EnvironmentSpec withNodePort(int n) {
        return new EnvironmentSpec(name, provider, ports, subnet, n, labels, options, host);
    }

    public EnvironmentSpec withHost(HostRequest h) {
        return new EnvironmentSpec(name, provider, ports, subnet, nodePort, labels, options,
                Objects.requireNonNull(h));
    }

    public EnvironmentSpec withOptions(Map<String, String> o) {
        return new EnvironmentSpec(name, provider, ports, subnet, nodePort, labels, o, host);
    }
}
