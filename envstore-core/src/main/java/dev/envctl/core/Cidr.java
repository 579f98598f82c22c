package dev.envctl.core;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * An IPv4 CIDR block such as {@code 10.101.0.0/16}, always with its host bits zero. Immutable; ordered by
 * first address, then by prefix length.
 */
public record Cidr(long first, int prefix) implements Comparable<Cidr> {

    public Cidr {
        if (prefix < 0 || prefix > 32) {
            throw EnvctlException.invalid("prefix length /" + prefix + " is out of range; allowed: /0 to /32");
        }
        if (first < 0 || first > 0xFFFF_FFFFL) {
            throw EnvctlException.invalid("address out of IPv4 range");
        }
        if ((first & ~mask(prefix)) != 0) {
            throw EnvctlException.invalid("CIDR " + format(first) + "/" + prefix + " has host bits set; use "
                    + format(first & mask(prefix)) + "/" + prefix);
        }
    }

    /**
     * Parses {@code a.b.c.d/n}. The message of a rejected value says what is allowed; one with host bits
     * set suggests the block it lies in ({@code 10.101.0.1/16} suggests {@code 10.101.0.0/16}).
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw EnvctlException.invalid("subnet is empty; expected an IPv4 CIDR such as 10.101.0.0/16");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw EnvctlException.invalid("subnet '" + Validation.printable(s) + "' has no prefix length; expected "
                    + "an IPv4 CIDR such as 10.101.0.0/16");
        }
        long address = parseAddress(s.substring(0, slash), s);
        String p = s.substring(slash + 1);
        if (!Validation.isDigits(p, 2) || Integer.parseInt(p) > 32) {
            // not a prefix at all (/33, /x): say what a usable subnet has, as requireNetworkUsable does
            throw EnvctlException.invalid("subnet '" + Validation.printable(s) + "' has an invalid prefix length '/"
                    + Validation.printable(p) + "'; "
                    + USABLE_PREFIXES);
        }
        int prefix = Integer.parseInt(p);
        if ((address & ~mask(prefix)) != 0) {
            throw EnvctlException.invalid("subnet '" + Validation.printable(s) + "' has host bits set; did you mean "
                    + format(address & mask(prefix)) + "/" + prefix + "?");
        }
        return new Cidr(address, prefix);
    }

    private static long parseAddress(String a, String whole) {
        int dots = 0;
        for (int i = 0; i < a.length(); i++) {
            dots += a.charAt(i) == '.' ? 1 : 0;
        }
        if (dots != 3) {
            throw EnvctlException.invalid("subnet '" + Validation.printable(whole) + "' is not an IPv4 CIDR; "
                    + "expected a.b.c.d/n, such as 10.101.0.0/16");
        }
        long value = 0;
        int start = 0;
        for (int n = 0; n < 4; n++) {
            int end = n < 3 ? a.indexOf('.', start) : a.length();
            String part = a.substring(start, end);
            if (!Validation.isDigits(part, 3) || Integer.parseInt(part) > 255
                    || (part.length() > 1 && part.charAt(0) == '0')) {
                throw EnvctlException.invalid("subnet '" + Validation.printable(whole) + "' has an invalid address "
                        + "part '" + Validation.printable(part) + "'; each part is 0 to 255 without leading zeros");
            }
            value = (value << 8) | Integer.parseInt(part);
            start = end + 1;
        }
        return value;
    }

    static long mask(int prefix) {
        return prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
    }

    static String format(long address) {
        return ((address >>> 24) & 0xFF) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
                + (address & 0xFF);
    }

    /** The narrowest and widest prefix a Docker network subnet may have here: /31 and /32 leave no gateway. */
    public static final int NETWORK_MIN_PREFIX = 8;
    public static final int NETWORK_MAX_PREFIX = 30;
    private static final String USABLE_PREFIXES = "allowed: /" + NETWORK_MIN_PREFIX + " to /" + NETWORK_MAX_PREFIX
            + " (a Docker network needs room for its gateway), such as 10.101.0.0/16";

    /** Blocks no Docker network should use, with what they are, for {@link #requireNetworkUsable}. */
    private static final List<Map.Entry<Cidr, String>> RESERVED = List.of(
            Map.entry(new Cidr(0L, 8), "'this network' (0.0.0.0/8)"),
            Map.entry(new Cidr(127L << 24, 8), "loopback (127.0.0.0/8)"),
            Map.entry(new Cidr((169L << 24) | (254L << 16), 16), "link-local (169.254.0.0/16)"),
            Map.entry(new Cidr(224L << 24, 4), "multicast (224.0.0.0/4)"),
            Map.entry(new Cidr(240L << 24, 4), "reserved (240.0.0.0/4)"));

    /**
     * This block if a Docker network may use it: a prefix from /{@value #NETWORK_MIN_PREFIX} to
     * /{@value #NETWORK_MAX_PREFIX}, outside 0.0.0.0/8, loopback, link-local, multicast and the reserved 240.0.0.0/4.
     * Otherwise an INVALID_INPUT error that says why and what is allowed.
     *
     * @param what the value's name for the message, such as {@code "subnet"} or {@code "pool.subnet"}
     */
    public Cidr requireNetworkUsable(String what) {
        if (prefix < NETWORK_MIN_PREFIX || prefix > NETWORK_MAX_PREFIX) {
            throw EnvctlException.invalid(what + " " + this + " has prefix /" + prefix + "; " + USABLE_PREFIXES);
        }
        for (Map.Entry<Cidr, String> r : RESERVED) {
            if (overlaps(r.getKey())) {
                throw EnvctlException.invalid(what + " " + this + " overlaps the " + r.getValue() + " range, which "
                        + "no Docker network can use; choose a private range such as 10.101.0.0/16");
            }
        }
        return this;
    }

    /** The first host address, the gateway of a Docker network on this block (10.101.0.1 for 10.101.0.0/16). */
    public String gateway() {
        return format(prefix >= 31 ? first : first + 1);
    }

    /** The last address of the block. */
    public long last() {
        return first | (~mask(prefix) & 0xFFFF_FFFFL);
    }

    /** Number of addresses in the block. */
    public long size() {
        return 1L << (32 - prefix);
    }

    public boolean contains(Cidr other) {
        return first <= other.first && other.last() <= last();
    }

    public boolean contains(long address) {
        return first <= address && address <= last();
    }

    /** True when the blocks share any address; for CIDR blocks that means one contains the other. */
    public boolean overlaps(Cidr other) {
        return first <= other.last() && other.first <= last();
    }

    /** The blocks of the given prefix length inside this one, lowest first. */
    public Iterable<Cidr> blocks(int blockPrefix) {
        if (blockPrefix < prefix || blockPrefix > 32) {
            throw EnvctlException.invalid("cannot split " + this + " into /" + blockPrefix
                    + " blocks; the block prefix must be between /" + prefix + " and /32");
        }
        long step = 1L << (32 - blockPrefix);
        return () -> new Iterator<>() {
            long next = first;

            @Override
            public boolean hasNext() {
                return next <= last();
            }

            @Override
            public Cidr next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Cidr c = new Cidr(next, blockPrefix);
                next += step;
                return c;
            }
        };
    }

    /** The block of the given prefix length that contains {@code address}. */
    public static Cidr enclosing(long address, int prefix) {
        return new Cidr(address & mask(prefix), prefix);
    }

    @Override
    public int compareTo(Cidr o) {
        int c = Long.compare(first, o.first);
        return c != 0 ? c : Integer.compare(prefix, o.prefix);
    }

    @Override
    public String toString() {
        return format(first) + "/" + prefix;
    }
}
