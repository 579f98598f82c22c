package dev.envctl.core;

import java.util.Locale;

/** The host ports an environment holds, one per role. A host port is unique across all roles. */
public enum PortRole {
    HTTP, HTTPS, PF, API;

    private final String key = name().toLowerCase(Locale.ROOT);

    /** The lowercase name used in JSON, config keys and messages ({@code http}, {@code pf}, ...). */
    public String key() {
        return key;
    }

    public static PortRole ofKey(String key) {
        for (PortRole role : values()) {
            if (role.key().equals(key)) {
                return role;
            }
        }
        throw EnvctlException.invalid("unknown port role '" + Validation.printable(String.valueOf(key))
                + "'; allowed: http, https, pf, api");
    }
}
