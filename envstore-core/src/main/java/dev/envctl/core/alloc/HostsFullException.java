package dev.envctl.core.alloc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link Placement} found hosts for an {@code auto} create, but none with room: {@link #full()} says, for each, how
 * full it is, so a caller that passed over other hosts for reasons of its own (a daemon that did not answer) can
 * name every candidate and why it was not used. Always {@link ErrorCode#POOL_EXHAUSTED}. Immutable.
 */
public final class HostsFullException extends EnvctlException {
    private static final long serialVersionUID = 1L;

    /** Unmodifiable and serializable, in placement's order of names. */
    private final Map<String, String> full;

    HostsFullException(String message, Map<String, String> full) {
        super(ErrorCode.POOL_EXHAUSTED, message);
        this.full = Collections.unmodifiableMap(new LinkedHashMap<>(full));
    }

    /** Each host considered, by name, with why it has no room: {@code host 'two' is full: 3 of its capacity 3}. */
    public Map<String, String> full() {
        return full;
    }
}
