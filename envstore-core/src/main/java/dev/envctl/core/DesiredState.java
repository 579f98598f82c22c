package dev.envctl.core;

import java.util.Locale;

/**
 * What the user wants: the environment exists and runs ({@code present}), exists with its cluster stopped
 * ({@code stopped}: ports and subnet stay held, the reconciler neither starts it nor reports it as drift), or
 * does not exist ({@code absent}).
 */
public enum DesiredState {
    PRESENT, STOPPED, ABSENT;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DesiredState ofKey(String key) {
        for (DesiredState s : values()) {
            if (s.key().equalsIgnoreCase(key)) {
                return s;
            }
        }
        throw EnvctlException.invalid("unknown desired state '" + Validation.printable(String.valueOf(key))
                + "'; allowed: present, stopped, absent");
    }
}
