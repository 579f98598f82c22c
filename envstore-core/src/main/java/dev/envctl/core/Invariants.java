package dev.envctl.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The store invariants of the design over a whole store's contents: names unique, no host port held twice on
 * one host in any role, no two subnets overlapping anywhere. Returns every violation, one line each; empty when they hold. For
 * tests, fault runs and checks of data read from elsewhere (such as {@code envctl doctor}'s of rows an older writer
 * left in a store); stores enforce the same rules on every write.
 */
public final class Invariants {
    private Invariants() {
    }

    public static List<String> violations(Collection<Environment> environments) {
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, String> ports = new HashMap<>();
        for (Environment e : environments) {
            if (!names.add(e.name())) {
                problems.add("name " + e.name() + " twice");
            }
            for (Integer p : e.ports().values()) {
                String other = ports.putIfAbsent(e.host() + ":" + p, e.name());
                if (other != null) {
                    problems.add("port " + p + " held by " + other + " and " + e.name()
                            + (e.host().equals(Host.LOCAL_NAME) ? "" : " on host " + e.host()));
                }
            }
        }
        List<Environment> withSubnet = new ArrayList<>(environments.stream().filter(e -> e.subnet() != null).toList());
        withSubnet.sort(Comparator.comparing(Environment::subnet));
        Environment widest = null;
        for (Environment e : withSubnet) {
            if (widest != null && e.subnet().first() <= widest.subnet().last()) {
                problems.add("subnet " + e.subnet() + " of " + e.name() + " overlaps " + widest.subnet() + " of "
                        + widest.name());
            }
            if (widest == null || e.subnet().last() > widest.subnet().last()) {
                widest = e;
            }
        }
        return problems;
    }
}
