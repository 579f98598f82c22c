package dev.envctl.core.testing;

import dev.envctl.core.Environment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Asserts DESIGN.md's invariants over a whole store's contents; for contract, process and fault tests. */
public final class StoreInvariants {
    private StoreInvariants() {
    }

    /** Names unique, no host port held twice across all roles, no two subnets overlapping. */
    public static void assertHold(List<Environment> environments) {
        Set<String> names = new HashSet<>();
        Map<Integer, String> ports = new HashMap<>();
        List<String> problems = new ArrayList<>();
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
        withSubnet.sort((a, b) -> a.subnet().compareTo(b.subnet()));
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
        assertThat(problems).as("invariant violations").isEmpty();
    }
}
