package dev.envctl.core;

import java.util.Map;
import java.util.Objects;

/**
 * Where a request wants its environment: on a named host ({@code local} unless said otherwise), or {@code auto},
 * the host with the most room among those whose labels match {@code selector}, chosen by the store under its
 * allocation lock ({@link dev.envctl.core.alloc.Placement}).
 */
public record HostRequest(String name, Map<String, String> selector) {
    /** The word that asks for placement. */
    public static final String AUTO_NAME = "auto";
    /** The default: the implicit host {@code local}. */
    public static final HostRequest LOCAL = new HostRequest(Host.LOCAL_NAME, Map.of());
    /** Placement over every host. */
    public static final HostRequest AUTO = new HostRequest(AUTO_NAME, Map.of());

    public HostRequest {
        Objects.requireNonNull(name, "name");
        if (!name.equals(AUTO_NAME)) {
            Validation.requireHostName(name);
        }
        selector = Validation.sortedCopy(Validation.requireLabels(selector == null ? Map.of() : selector));
        if (!selector.isEmpty() && !name.equals(AUTO_NAME)) {
            throw EnvctlException.invalid("a host selector needs host 'auto', not '" + name + "'");
        }
    }

    /** Parses a host name or {@code auto}; empty means {@code local}. */
    public static HostRequest of(String name) {
        return name == null || name.isBlank() ? LOCAL : new HostRequest(name.strip(), Map.of());
    }

    /** Placement among hosts whose labels include all of {@code selector}. */
    public static HostRequest auto(Map<String, String> selector) {
        return new HostRequest(AUTO_NAME, selector);
    }

    public boolean isAuto() {
        return name.equals(AUTO_NAME);
    }

    @Override
    public String toString() {
        return name;
    }
}
