package dev.envctl.core;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a request wants its environment: on a named host, or {@code auto}, the host with the most room among
 * those whose labels match {@code selector}, chosen by the store under its allocation lock
 * ({@link dev.envctl.core.alloc.Placement}); or, with a {@code null} name ({@link #DEFAULT}), nothing said: a new
 * environment goes to {@code local}, and {@code apply} leaves an existing one on the host it is on.
 *
 * <p>{@code excluded} names hosts {@code auto} must not choose: a create whose chosen host did not answer places
 * again without it ({@link #excluding}).
 */
public record HostRequest(String name, Map<String, String> selector, Set<String> excluded) {
    /** The word that asks for placement. */
    public static final String AUTO_NAME = "auto";
    /** The implicit host {@code local}, named. */
    public static final HostRequest LOCAL = new HostRequest(Host.LOCAL_NAME, Map.of());
    /** Nothing said: {@code local} for a new environment, the host it is on for an existing one. */
    public static final HostRequest DEFAULT = new HostRequest(null, Map.of());
    /** Placement over every host. */
    public static final HostRequest AUTO = new HostRequest(AUTO_NAME, Map.of());

    public HostRequest {
        if (name != null && !name.equals(AUTO_NAME)) {
            Validation.requireHostName(name);
        }
        selector = Validation.sortedCopy(Validation.requireLabels(selector == null ? Map.of() : selector));
        if (!selector.isEmpty() && !AUTO_NAME.equals(name)) {
            throw EnvctlException.invalid("a host selector needs host 'auto', not '" + hostName() + "'");
        }
        excluded = excluded == null || excluded.isEmpty() ? Set.of()
                : Collections.unmodifiableSet(new TreeSet<>(excluded));
        if (!excluded.isEmpty() && !AUTO_NAME.equals(name)) {
            throw EnvctlException.invalid("excluding hosts needs host 'auto', not '" + hostName() + "'");
        }
    }

    /** A request of {@code name} with {@code selector}, excluding no host. */
    public HostRequest(String name, Map<String, String> selector) {
        this(name, selector, Set.of());
    }

    /** This {@code auto} request, with {@code host} excluded as well. */
    public HostRequest excluding(String host) {
        Set<String> more = new TreeSet<>(excluded);
        more.add(host);
        return new HostRequest(name, selector, more);
    }

    /** Parses a host name or {@code auto}; empty means {@link #DEFAULT}. */
    public static HostRequest of(String name) {
        return name == null || name.isBlank() ? DEFAULT : new HostRequest(name.strip(), Map.of());
    }

    /** The host named, {@code local} when nothing was said, or {@code auto}. */
    public String hostName() {
        return name == null ? Host.LOCAL_NAME : name;
    }

    /** Whether the request names a host (not {@link #DEFAULT}, not {@code auto}). */
    public boolean isNamed() {
        return name != null && !name.equals(AUTO_NAME);
    }

    /** Placement among hosts whose labels include all of {@code selector}. */
    public static HostRequest auto(Map<String, String> selector) {
        return new HostRequest(AUTO_NAME, selector);
    }

    public boolean isAuto() {
        return AUTO_NAME.equals(name);
    }

    @Override
    public String toString() {
        return hostName();
    }
}
