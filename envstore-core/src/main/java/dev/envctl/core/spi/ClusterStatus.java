package dev.envctl.core.spi;

/**
 * A cluster as a provider lists it.
 *
 * @param running whether all its nodes run
 * @param detail  a short human summary such as "servers 1/1, agents 0/0", or {@code null}
 */
public record ClusterStatus(String name, String provider, boolean running, String detail) {
}
