package dev.envctl.core;

import java.util.Locale;

/**
 * What envctl last observed or did: {@code unknown -> creating -> running}, {@code failed} with a last
 * error, {@code running <-> stopped} by stop and start, {@code deleting -> (record removed)}.
 */
public enum ActualState {
    UNKNOWN, CREATING, RUNNING, STOPPED, FAILED, DELETING;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ActualState ofKey(String key) {
        for (ActualState s : values()) {
            if (s.key().equalsIgnoreCase(key)) {
                return s;
            }
        }
        throw EnvctlException.invalid("unknown state '" + Validation.printable(String.valueOf(key))
                + "'; allowed: unknown, creating, running, stopped, failed, deleting");
    }
}
