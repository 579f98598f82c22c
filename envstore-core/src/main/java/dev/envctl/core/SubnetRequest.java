package dev.envctl.core;

import java.util.Objects;

/**
 * What a request says about the subnet: none (the provider's shared network), auto (the lowest free block
 * of the pool) or an explicit CIDR that a Docker network can use ({@link Cidr#requireNetworkUsable}).
 */
public record SubnetRequest(Mode mode, Cidr cidr) {
    public enum Mode { NONE, AUTO, EXPLICIT }

    public static final SubnetRequest NONE = new SubnetRequest(Mode.NONE, null);
    public static final SubnetRequest AUTO = new SubnetRequest(Mode.AUTO, null);

    public SubnetRequest {
        Objects.requireNonNull(mode, "mode");
        if ((mode == Mode.EXPLICIT) != (cidr != null)) {
            throw new IllegalArgumentException("an explicit subnet request needs a CIDR, the others none");
        }
        if (cidr != null) {
            cidr.requireNetworkUsable("subnet");
        }
    }

    public static SubnetRequest of(Cidr cidr) {
        return cidr == null ? NONE : new SubnetRequest(Mode.EXPLICIT, cidr);
    }

    /** Parses {@code none}, {@code auto} (in any case) or a CIDR; an empty value means none. */
    public static SubnetRequest parse(String text) {
        if (text == null || text.isBlank() || text.strip().equalsIgnoreCase("none")) {
            return NONE;
        }
        if (text.strip().equalsIgnoreCase("auto")) {
            return AUTO;
        }
        if (text.indexOf('/') < 0) {
            throw EnvctlException.invalid("subnet '" + Validation.printable(text.strip()) + "' is invalid; allowed: "
                    + "auto, none or an IPv4 CIDR such as 10.101.0.0/16");
        }
        return of(Cidr.parse(text));
    }

    @Override
    public String toString() {
        return mode == Mode.EXPLICIT ? cidr.toString() : mode.name().toLowerCase(java.util.Locale.ROOT);
    }
}
