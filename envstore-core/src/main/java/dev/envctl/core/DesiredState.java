package dev.envctl.core;

import java.util.Locale;

/** What the user wants: the environment exists ({@code present}) or does not ({@code absent}). */
public enum DesiredState {
    PRESENT, ABSENT;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DesiredState ofKey(String key) {
        for (DesiredState s : values()) {
            if (s.key().equalsIgnoreCase(key)) {
                return s;
            }
        }
        throw EnvctlException.invalid("unknown desired state '" + key + "'; allowed: present, absent");
    }
}
