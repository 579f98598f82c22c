package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.Host;
import dev.envctl.core.alloc.Allocation;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.HeldSnapshot;
import dev.envctl.core.alloc.Placement;
import dev.envctl.core.lifecycle.ApplyPlan;
import dev.envctl.core.lifecycle.FieldChange;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.PlannedCommand;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Dry runs and {@code diff}: what would be allocated (chosen exactly as the store would, from a snapshot of what is
 * held), the fields an update changes, and the exact commands the provider would run. Renders the core's
 * {@link ApplyPlan}; reads the store; writes nothing.
 */
final class Plans {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private Plans() {
    }

    /**
     * One planned create, update (in place), replace or delete: the record as it would be, the fields an update
     * changes, and the provider's commands (argv, the variables they set, their stdin such as kind's config), or the
     * error the store would refuse it with.
     */
    record Step(String action, Environment environment, List<FieldChange> changes, List<PlannedCommand> commands,
                EnvctlException error) {
        Step(String action, Environment environment, List<PlannedCommand> commands) {
            this(action, environment, List.of(), commands, null);
        }
    }

    /**
     * The creates of {@code specs} against the store's {@code records} and {@code hosts}, placed and allocated one
     * after another as if each had been written (a spec whose record exists shows that record). With
     * {@code keepGoing} a create the store would refuse (a conflict, an exhausted pool) becomes a step with its
     * error; otherwise it is thrown.
     */
    static List<Step> creates(Session session, List<Environment> records, List<Host> hosts,
                              List<EnvironmentSpec> specs, boolean keepGoing) {
        List<Environment> world = new ArrayList<>(records);
        Map<String, Environment> byName = records.stream().collect(Collectors.toMap(Environment::name, e -> e));
        Allocator allocator = session.envctl().allocator();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<Step> steps = new ArrayList<>();
        for (EnvironmentSpec spec : specs) {
            Environment e = byName.get(spec.name());
            if (e == null) {
                try {
                    Host host = Placement.choose(spec.host(), hosts, perHost(world), allocator.policy());
                    Allocation a = allocator.allocate(spec, HeldSnapshot.of(world, host.name()));
                    e = Environment.created(spec, a.ports(), a.subnet(), now).withHost(host.name());
                } catch (EnvctlException ex) {
                    if (!keepGoing) {
                        throw ex;
                    }
                    steps.add(new Step("create", Environment.created(spec, spec.ports(), spec.subnet().cidr(), now),
                            List.of(), List.of(), ex));
                    continue;
                }
                world.add(e);
            }
            steps.add(new Step("create", e, provider(session, e).planCreate(e)));
        }
        return steps;
    }

    /** How many environments each host has. */
    static Map<String, Integer> perHost(List<Environment> environments) {
        return environments.stream().collect(Collectors.groupingBy(Environment::host, Collectors.summingInt(e -> 1)));
    }

    /**
     * The steps of an apply plan, in the order apply takes them: creates (allocated one after another), updates
     * (replacements allocated against what the others hold then, as the store would), deletes.
     */
    static List<Step> apply(Session session, EnvironmentStore store, ApplyPlan plan) {
        List<Environment> records = store.list(EnvironmentFilter.ALL);
        List<Step> steps = new ArrayList<>(creates(session, records, store.hosts(), plan.toCreate(), true));
        Map<String, Environment> world = new TreeMap<>();
        Stream.concat(records.stream(), steps.stream().filter(s -> s.error() == null).map(Step::environment))
                .forEach(e -> world.put(e.name(), e));
        plan.toUpdate().forEach(u -> steps.add(update(session, world, u)));
        plan.toDelete().forEach(n -> steps.add(delete(session, world.get(n))));
        return steps;
    }

    private static Step update(Session session, Map<String, Environment> world, ApplyPlan.Update u) {
        Environment current = world.get(u.name());
        if (!u.replace()) {
            return new Step("update", u.inPlace(current), u.changes(), List.of(), null);
        }
        HeldSnapshot others = HeldSnapshot.of(world.values().stream().filter(e -> !e.name().equals(u.name()))
                .toList(), u.host(current));
        try {
            Environment next = u.resolve(current, session.envctl().allocator(), others);
            world.put(next.name(), next);
            List<PlannedCommand> commands = new ArrayList<>(provider(session, current).planDelete(current));
            commands.addAll(provider(session, next).planCreate(next));
            return new Step("replace", next, u.changes(), commands, null);
        } catch (EnvctlException e) {
            return new Step("replace", current, u.changes(), List.of(), e);
        }
    }

    static Step delete(Session session, Environment e) {
        return new Step("delete", e, provider(session, e).planDelete(e));
    }

    /** The provider that acts on {@code e}: its provider on its host (Docker endpoint, API address). */
    private static ClusterProvider provider(Session session, Environment e) {
        return session.envctl().provider(e.provider(), e.host());
    }

    /** Prints the plan as a dry run does; returns 0, or the exit code of the first step that would fail. */
    static int print(Session session, List<Step> steps, List<String> unchanged) {
        int code = steps.stream().filter(s -> s.error() != null).findFirst().map(s -> s.error().exitCode()).orElse(0);
        write(session, steps, unchanged, true);
        return code;
    }

    /**
     * Writes the plan: as JSON, or as text with one header line per step ({@code create NAME (PROVIDER)},
     * {@code ~ NAME  CHANGES  (replace|in place)}, {@code delete NAME (PROVIDER)}) and the unchanged names;
     * {@code detailed} (a dry run) adds a banner, each new record's allocation and the provider commands.
     */
    static void write(Session session, List<Step> steps, List<String> unchanged, boolean detailed) {
        if (session.format() == OutputFormat.JSON) {
            Json.print(session.out(), Json.object("dryRun", true, "steps", steps.stream().map(Plans::toJson).toList(),
                    "unchanged", unchanged));
            return;
        }
        var out = session.out();
        if (detailed) {
            out.println("Dry run: nothing was changed. Plan:");
            if (steps.isEmpty()) {
                out.println("  nothing to do");
            }
        }
        for (Step s : steps) {
            Environment e = s.environment();
            if (detailed) {
                out.println();
            }
            out.println(header(s));
            if (s.error() != null) {
                out.println("  would fail: " + session.redact(Errors.oneLine(s.error().getMessage())));
                continue;
            }
            if (!detailed) {
                continue;
            }
            if (s.action().equals("create") || s.action().equals("replace")) {
                if (!e.host().equals(Host.LOCAL_NAME)) {
                    out.println("  host      " + e.host());
                }
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
            if (!s.commands().isEmpty()) {
                out.println("  commands:");
            }
            for (PlannedCommand c : s.commands()) {
                out.println("    " + shell(c));
                if (c.stdin() != null) {
                    out.println("    with stdin:");
                    c.stdin().lines().forEach(l -> out.println("      " + l));
                }
            }
        }
        if (!unchanged.isEmpty()) {
            if (detailed) {
                out.println();
            }
            out.println("unchanged: " + String.join(", ", unchanged));
        }
    }

    private static String header(Step s) {
        Environment e = s.environment();
        if (s.changes().isEmpty()) {
            return s.action() + " " + e.name() + " (" + e.provider() + ")";
        }
        return "~ " + e.name() + "  " + s.changes().stream().map(FieldChange::toString)
                .collect(Collectors.joining(", ")) + "  (" + (s.action().equals("replace") ? "replace" : "in place")
                + ")";
    }

    private static Map<String, Object> toJson(Step s) {
        return Json.object("action", s.action(), "environment", EnvironmentView.toJson(s.environment()),
                "changes", s.changes().stream().map(c -> Json.object("field", c.field(), "key", c.key(),
                        "from", c.from(), "to", c.to(), "replace", c.replace())).toList(),
                "commands", s.commands().stream().map(c -> Json.object("argv", c.argv(),
                        "environment", c.environment(), "stdin", c.stdin())).toList(),
                "error", s.error() == null ? null : s.error().getMessage());
    }

    /**
     * A command as a shell would read it back: its variables first ({@code VAR=value}, empty ones too, since
     * they clear what the user's shell may set), then argv; words with special characters single-quoted.
     */
    static String shell(PlannedCommand c) {
        return shell(Stream.concat(c.environment().entrySet().stream().map(v -> v.getKey() + "=" + v.getValue()),
                c.argv().stream()).toList());
    }

    /** Words as a shell would read them back: those with special characters single-quoted. */
    static String shell(List<String> argv) {
        return argv.stream().map(a -> SAFE.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }
}
