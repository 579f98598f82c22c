package dev.envctl.bench.internal.faults;

import dev.envctl.core.Environment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the writers acknowledged, name by name, read from their {@code BEGIN}/{@code ACK} lines, and the check
 * of a store's contents against it. A name acknowledged created must be present unless a delete of it was
 * begun; one acknowledged deleted must be absent; an acknowledged label counter must not go back.
 */
final class Ledger {
    enum Expect { PRESENT, ABSENT, EITHER }

    private final Map<String, Expect> expected = new HashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();
    private long acknowledged;

    void read(String line) {
        String[] p = line.split(" ");
        if (p.length < 3) {
            return;
        }
        String name = p[2];
        if (p[0].equals("ACK")) {
            acknowledged++;
            switch (p[1]) {
                case "C" -> expected.put(name, Expect.PRESENT);
                case "D" -> expected.put(name, Expect.ABSENT);
                case "U" -> counters.merge(name, Integer.parseInt(p[3]), Math::max);
                default -> { }
            }
        } else if (p[0].equals("BEGIN") && p[1].equals("D")) {
            expected.put(name, Expect.EITHER);
        }
    }

    long acknowledged() {
        return acknowledged;
    }

    /** Problems found: acknowledged writes missing or undone. Adds the number of names checked to {@code checked}. */
    List<String> check(List<Environment> rows, long[] checked) {
        Map<String, Environment> byName = new HashMap<>();
        rows.forEach(e -> byName.put(e.name(), e));
        List<String> lost = new ArrayList<>();
        for (Map.Entry<String, Expect> e : expected.entrySet()) {
            Environment row = byName.get(e.getKey());
            checked[0]++;
            if (e.getValue() == Expect.PRESENT && row == null) {
                lost.add("acknowledged create of " + e.getKey() + " is missing");
            } else if (e.getValue() == Expect.ABSENT && row != null) {
                lost.add("acknowledged delete of " + e.getKey() + " was undone");
            }
            Integer n = counters.get(e.getKey());
            if (row != null && n != null) {
                String stored = row.labels().get("counter");
                if (stored == null || Integer.parseInt(stored) < n) {
                    lost.add("acknowledged update " + n + " of " + e.getKey() + " is missing (stored " + stored + ")");
                }
            }
        }
        return lost;
    }

    /** After a reconcile, what the store says is the truth for names whose fate was open. */
    void settle(List<Environment> rows) {
        Map<String, Environment> byName = new HashMap<>();
        rows.forEach(e -> byName.put(e.name(), e));
        expected.replaceAll((name, ex) -> ex == Expect.EITHER ? (byName.containsKey(name) ? Expect.PRESENT
                : Expect.ABSENT) : ex);
    }
}
