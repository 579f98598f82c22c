package dev.envctl.core.alloc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Validation;

/** An inclusive range of ports, written {@code 18080-18399}. */
public record PortRange(int from, int to) {

    public PortRange {
        Validation.requirePort("pool start", from);
        Validation.requirePort("pool end", to);
        if (from > to) {
            throw EnvctlException.invalid("port pool " + from + "-" + to + " is empty; write it low-high, such as "
                    + "18080-18399");
        }
    }

    public static PortRange parse(String text) {
        String s = text == null ? "" : text.strip();
        int dash = s.indexOf('-');
        String low = dash > 0 ? s.substring(0, dash).strip() : "";
        String high = dash > 0 ? s.substring(dash + 1).strip() : "";
        // ASCII digits, as every number envctl reads (Integer.parseInt also takes '+1' and other scripts' digits)
        if (Validation.isDigits(low, 5) && Validation.isDigits(high, 5)) {
            return new PortRange(Integer.parseInt(low), Integer.parseInt(high));
        }
        throw EnvctlException.invalid("port pool '" + Validation.printable(s) + "' is invalid; write it low-high, "
                + "such as 18080-18399");
    }

    public int size() {
        return to - from + 1;
    }

    public boolean contains(int port) {
        return from <= port && port <= to;
    }

    /** Whether the two ranges share a port. */
    public boolean overlaps(PortRange other) {
        return from <= other.to && other.from <= to;
    }

    @Override
    public String toString() {
        return from + "-" + to;
    }
}
