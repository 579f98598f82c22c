package dev.envctl.bench.internal.harness;

import dev.envctl.core.Environment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** DESIGN.md's store invariants over a store's whole contents, as a list of violations (empty when they hold). */
public final class Invariants {
    private Invariants() {
    }

    public static List<String> violations(List<Environment> environments) {
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<Integer, String> ports = new HashMap<>();
        for (Environment e : environments) {
            if (!names.add(e.name())) {
                problems.add("name " + e.name() + " twice");
            }
            for (Integer p : e.ports().values()) {
                String other = ports.putIfAbsent(p, e.name());
                if (other != null) {
                    problems.add("port " + p + " held by " + other + " and " + e.name());
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
