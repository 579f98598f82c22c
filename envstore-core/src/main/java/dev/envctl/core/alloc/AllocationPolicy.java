package dev.envctl.core.alloc;

import dev.envctl.core.Cidr;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.PortRole;
import dev.envctl.core.Validation;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Where allocation takes ports and subnets from: one port pool per role and one subnet pool split into
 * blocks of {@code subnetPrefix}. The defaults (documented in {@code config/envctl.properties}) hold at
 * least 320 environments: http 18080-18399, https 18400-18799, pf 19000-19399, api 26443-26842, subnets
 * /24 blocks of 10.100.0.0/14 (1,024 blocks).
 */
public record AllocationPolicy(Map<PortRole, PortRange> portPools, Cidr subnetPool, int subnetPrefix) {

    /** The config keys this policy reads, each under {@link #fromProperties}. */
    public static final Set<String> KEYS = Set.of("pool.http", "pool.https", "pool.pf", "pool.api", "pool.subnet",
            "pool.subnet.prefix");

    public AllocationPolicy {
        Map<PortRole, PortRange> copy = new EnumMap<>(PortRole.class);
        copy.putAll(Objects.requireNonNull(portPools, "portPools"));
        for (PortRole role : PortRole.values()) {
            if (!copy.containsKey(role)) {
                throw EnvctlException.invalid("no port pool for role " + role.key()
                        + "; give a pool for each of http, https, pf and api");
            }
        }
        portPools = Map.copyOf(copy);
        Objects.requireNonNull(subnetPool, "subnetPool").requireNetworkUsable("pool.subnet");
        if (subnetPrefix < subnetPool.prefix() || subnetPrefix > 30) {
            throw EnvctlException.invalid("subnet prefix /" + subnetPrefix + (subnetPrefix > 30
                    ? " leaves no room for a Docker network's gateway and nodes" : " does not fit pool " + subnetPool)
                    + "; allowed: /" + subnetPool.prefix() + " to /30");
        }
    }

    public static AllocationPolicy defaults() {
        Map<PortRole, PortRange> pools = new EnumMap<>(PortRole.class);
        pools.put(PortRole.HTTP, new PortRange(18080, 18399));
        pools.put(PortRole.HTTPS, new PortRange(18400, 18799));
        pools.put(PortRole.PF, new PortRange(19000, 19399));
        pools.put(PortRole.API, new PortRange(26443, 26842));
        return new AllocationPolicy(pools, Cidr.parse("10.100.0.0/14"), 24);
    }

    /**
     * The defaults overridden by the {@link #KEYS} present in {@code properties}; other keys are ignored
     * (the caller checks unknown keys against the whole config).
     */
    public static AllocationPolicy fromProperties(Map<String, String> properties) {
        return fromProperties(properties, UnaryOperator.identity());
    }

    /**
     * As {@link #fromProperties(Map)}; an error about a key's value names the key as {@code label} gives it (such as
     * with where the value came from): {@code LABEL: } and what is wrong with the value, which does not name the key
     * again ({@code LABEL: port pool 'abc' is invalid ...}, {@code LABEL: 127.0.0.0/8 overlaps ...}). A pool smaller
     * than the blocks of the prefix is an error about {@code pool.subnet} when {@code properties} gives it (naming the
     * prefix, given or default), else about {@code pool.subnet.prefix}.
     */
    public static AllocationPolicy fromProperties(Map<String, String> properties, UnaryOperator<String> label) {
        AllocationPolicy d = defaults();
        Map<PortRole, PortRange> pools = new EnumMap<>(d.portPools());
        for (PortRole role : PortRole.values()) {
            String key = "pool." + role.key();
            String v = properties.get(key);
            if (v != null) {
                pools.put(role, named(label.apply(key), () -> PortRange.parse(v)));
            }
        }
        Cidr pool = properties.containsKey("pool.subnet")
                ? named(label.apply("pool.subnet"), () -> Cidr.parse(properties.get("pool.subnet"))) : d.subnetPool();
        int prefix = d.subnetPrefix();
        String p = properties.get("pool.subnet.prefix");
        if (p != null) {
            String digits = p.strip().startsWith("/") ? p.strip().substring(1) : p.strip();
            if (!digits.matches("\\d{1,2}")) {
                throw EnvctlException.invalid(label.apply("pool.subnet.prefix") + ": '" + Validation.printable(p)
                        + "' is invalid; write a prefix length such as 24");
            }
            prefix = Integer.parseInt(digits);
        }
        pool.requireNetworkUsable(label.apply("pool.subnet") + ":");
        if (prefix < pool.prefix()) {
            throw blocksLargerThanPool(pool, prefix, properties.containsKey("pool.subnet"), p != null, label);
        }
        int prefixRead = prefix; // what is left to refuse is a prefix past /30
        return named(label.apply("pool.subnet.prefix"), () -> new AllocationPolicy(pools, pool, prefixRead));
    }

    /**
     * The error for blocks of {@code prefix} that do not fit in {@code pool}, about the key that was given: the pool
     * when it was (naming the prefix it is smaller than, and where that came from), else the prefix; each with
     * what to set.
     */
    private static EnvctlException blocksLargerThanPool(Cidr pool, int prefix, boolean poolGiven,
                                                        boolean prefixGiven, UnaryOperator<String> label) {
        String fitting = pool.prefix() == 30 ? "30" : pool.prefix() + " or more (at most 30)";
        // no pool is larger than /8, so blocks larger than that are the prefix's fault whichever key was given
        if (poolGiven && prefix >= 8) {
            String prefixFrom = prefixGiven ? "pool.subnet.prefix=" + prefix : "pool.subnet.prefix, default " + prefix;
            return EnvctlException.invalid(label.apply("pool.subnet") + ": pool " + pool + " is smaller than the /"
                    + prefix + " blocks envctl allocates (" + prefixFrom + "); set pool.subnet.prefix to " + fitting
                    + ", or a larger pool");
        }
        return EnvctlException.invalid(label.apply("pool.subnet.prefix") + ": /" + prefix + " blocks are larger than "
                + "the pool they come from, " + pool + (poolGiven ? "" : " (the default pool.subnet)") + "; allowed: /"
                + pool.prefix() + " to /30" + (prefix >= 8 ? ", or set a larger pool.subnet" : ""));
    }

    /** {@code parse}'s value, or its INVALID_INPUT error with the config key in front. */
    private static <T> T named(String key, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (EnvctlException e) {
            throw EnvctlException.invalid(key + ": " + e.getMessage());
        }
    }

    public PortRange pool(PortRole role) {
        return portPools.get(role);
    }

    /** The keys and values of this policy, in the form {@link #fromProperties} reads. */
    public Map<String, String> toProperties() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (PortRole role : PortRole.values()) {
            m.put("pool." + role.key(), pool(role).toString());
        }
        m.put("pool.subnet", subnetPool.toString());
        m.put("pool.subnet.prefix", Integer.toString(subnetPrefix));
        return m;
    }
}
