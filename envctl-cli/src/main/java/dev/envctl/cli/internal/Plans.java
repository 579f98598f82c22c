package dev.envctl.cli.internal;

import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.alloc.Allocation;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.HeldSnapshot;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.EnvironmentStore;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Dry runs: what would be allocated (chosen exactly as the store would, from a snapshot of what is held) and
 * the exact commands the provider would run. Reads the store; writes nothing.
 */
final class Plans {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private Plans() {
    }

    /** One planned create or delete: the record as it would be, and the provider's argv lists. */
    record Step(String action, Environment environment, List<List<String>> commands) {
    }

    /** The creates of {@code specs}, allocated one after another as if each had been written. */
    static List<Step> creates(Session session, EnvironmentStore store, List<EnvironmentSpec> specs) {
        HeldSnapshot held = HeldSnapshot.of(store.list(EnvironmentFilter.ALL));
        Allocator allocator = session.allocator();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<Step> steps = new ArrayList<>();
        for (EnvironmentSpec spec : specs) {
            ClusterProvider provider = session.provider(spec.provider());
            java.util.Optional<Environment> existing = store.find(spec.name());
            if (existing.isPresent()) {
                steps.add(new Step("create", existing.get(), provider.planCreate(existing.get())));
                continue;
            }
            Allocation a = allocator.allocate(spec, held);
            Environment e = Environment.created(spec, a.ports(), a.subnet(), now);
            held.add(e);
            steps.add(new Step("create", e, provider.planCreate(e)));
        }
        return steps;
    }

    static Step delete(Session session, Environment e) {
        return new Step("delete", e, session.provider(e.provider()).planDelete(e));
    }

    static void print(Session session, List<Step> steps, List<String> unchanged) {
        if (session.format() == OutputFormat.JSON) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dryRun", true);
            m.put("steps", steps.stream().map(Plans::toJson).toList());
            m.put("unchanged", unchanged);
            Json.print(session.out(), m);
            return;
        }
        var out = session.out();
        out.println("Dry run: nothing was changed. Plan:");
        if (steps.isEmpty()) {
            out.println("  nothing to do");
        }
        for (Step s : steps) {
            Environment e = s.environment();
            out.println();
            out.println(s.action() + " " + e.name() + " (" + e.provider() + ")");
            if (s.action().equals("create")) {
                out.println("  subnet    " + (e.subnet() == null ? "none (shared network)" : e.subnet()));
                out.println("  ports     http " + e.ports().http() + ", https " + e.ports().https() + ", pf "
                        + e.ports().pf() + ", api " + e.ports().api() + ", node " + e.nodePort());
                if (!e.labels().isEmpty()) {
                    out.println("  labels    " + e.labels());
                }
                if (!e.options().isEmpty()) {
                    out.println("  options   " + e.options());
                }
            }
            out.println("  commands:");
            for (List<String> argv : s.commands()) {
                out.println("    " + shell(argv));
            }
        }
        if (!unchanged.isEmpty()) {
            out.println();
            out.println("unchanged: " + String.join(", ", unchanged));
        }
    }

    private static Map<String, Object> toJson(Step s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", s.action());
        m.put("environment", EnvironmentView.toJson(s.environment()));
        m.put("commands", s.commands());
        return m;
    }

    /** An argv list as a shell would read it back: arguments with special characters single-quoted. */
    static String shell(List<String> argv) {
        StringBuilder b = new StringBuilder();
        for (String a : argv) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(SAFE.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return b.toString();
    }
}
