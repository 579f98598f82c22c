package dev.envctl.core.alloc;

import dev.envctl.core.Cidr;

/** A subnet and the environment that holds it. */
public record SubnetHolder(String name, Cidr subnet) {
}
