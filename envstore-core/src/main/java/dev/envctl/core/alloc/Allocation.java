package dev.envctl.core.alloc;

import dev.envctl.core.Cidr;
import dev.envctl.core.HostPorts;

/** The resolved resources of a request: every host port, and the subnet or {@code null} for none. */
public record Allocation(HostPorts ports, Cidr subnet) {
}
