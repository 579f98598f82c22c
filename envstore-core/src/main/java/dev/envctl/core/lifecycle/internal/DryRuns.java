package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
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
import dev.envctl.core.lifecycle.PlannedStep;
import dev.envctl.core.lifecycle.PlannedStep.Kind;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.PlannedCommand;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.Function;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Dry runs: what creates, an apply plan or a delete would do, from one read of the store, writing nothing. New
 * records are placed and allocated with the store's own rules ({@link Placement}, the {@link Allocator} over a
 * {@link HeldSnapshot}, one per host kept in step with the steps before: {@code HeldPerHost}) one after another, as
 * if each had been written; commands come from the provider of each environment's host.
 */
public final class DryRuns {
    private final EnvironmentStore store;
    private final Allocator allocator;
    private final BiFunction<String, String, ClusterProvider> providers;
    private final Function<String, Map<String, String>> hostVariables;

    /**
     * @param providers     the provider of an id on a host, by provider id and host name; null plans no command
     * @param hostVariables the variables envctl sets for every tool it runs on a host, by host name
     *                      ({@code DOCKER_HOST}), which the commands printed for that host show too
     */
    public DryRuns(EnvironmentStore store, Allocator allocator,
                   BiFunction<String, String, ClusterProvider> providers,
                   Function<String, Map<String, String>> hostVariables) {
        this.store = store;
        this.allocator = allocator;
        this.providers = providers;
        this.hostVariables = hostVariables;
    }

    /**
     * Dry runs that place and allocate only, with no commands: what the store would refuse, for a check before a
     * change.
     */
    public static DryRuns allocationsOnly(EnvironmentStore store, Allocator allocator) {
        return new DryRuns(store, allocator, null, host -> Map.of());
    }

    /**
     * The creates of {@code specs} (a spec whose record exists shows that record), against {@code records} and
     * {@code hosts}, the store's as the caller read them. With {@code keepGoing} a create the store would refuse (a
     * conflict, an exhausted pool) becomes a step with its error; otherwise it is thrown.
     */
    public List<PlannedStep> creates(List<Environment> records, List<Host> hosts, List<EnvironmentSpec> specs,
                                     boolean keepGoing) {
        return creates(records, hosts, specs, keepGoing, Set.of());
    }

    /**
     * As {@link #creates(List, boolean)}; a spec named in {@code adopting} whose record exists is an
     * {@link Kind#ADOPT} of that record marked present, with no port from a pool and no command; {@code hosts}: the
     * store's.
     */
    private List<PlannedStep> creates(List<Environment> records, List<Host> hosts, List<EnvironmentSpec> specs,
                                      boolean keepGoing, Set<String> adopting) {
        List<Environment> world = new ArrayList<>(records);
        HeldPerHost held = HeldPerHost.inListOrder(world);
        // how many records each host has, kept as creates add records and as kept records move
        Map<String, Integer> perHost = new HashMap<>(Placement.perHost(world));
        Map<String, Environment> byName = records.stream().collect(Collectors.toMap(Environment::name, e -> e));
        // the records as the steps before left them in the world (a name given twice is changed by the first)
        Map<String, Environment> inWorld = new HashMap<>(byName);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<PlannedStep> steps = new ArrayList<>();
        for (EnvironmentSpec spec : specs) {
            Environment existing = byName.get(spec.name());
            if (existing != null && adopting.contains(spec.name())) {
                Environment marked = ApplyPlan.markedPresent(existing); // holding what it held, where it was
                world.replaceAll(w -> w.name().equals(marked.name()) ? marked : w);
                steps.add(new PlannedStep(Kind.ADOPT, marked, List.of(), List.of(), null));
                continue;
            }
            Environment e;
            try {
                e = existing == null ? placed(spec, hosts, world, held, perHost, now)
                        : filled(existing, inWorld.get(existing.name()), spec, world, held);
            } catch (EnvctlException ex) {
                if (!keepGoing) {
                    throw ex;
                }
                steps.add(new PlannedStep(Kind.CREATE, existing != null ? existing
                        : Environment.created(spec, spec.ports(), spec.subnet().cidr(), now), List.of(), List.of(),
                        ex));
                continue;
            }
            if (existing != null) {
                Environment was = inWorld.put(e.name(), e);
                perHost.merge(was.host(), -1, Integer::sum);
                perHost.merge(e.host(), 1, Integer::sum);
            }
            steps.add(new PlannedStep(Kind.CREATE, e, List.of(), onHost(e, planCreate(e)), null));
        }
        return steps;
    }

    /**
     * The new record of {@code spec}, placed and allocated as the store would, added to {@code world},
     * {@code held} and {@code perHost}.
     */
    private Environment placed(EnvironmentSpec spec, List<Host> hosts, List<Environment> world, HeldPerHost held,
                               Map<String, Integer> perHost, Instant now) {
        Host host = Placement.choose(spec.host(), hosts, perHost, allocator.policy());
        Allocation a = allocator.allocate(spec, held.on(host.name()));
        Environment e = Environment.created(spec, a.ports(), a.subnet(), now).withHost(host.name());
        world.add(e);
        held.added(e);
        perHost.merge(e.host(), 1, Integer::sum);
        return e;
    }

    /**
     * An existing record as the create leaves it before its cluster is made ({@link ApplyPlan#markedPresent}; a
     * kept record made what {@code spec} asks for), with the host ports it lacks (rows of the Kindler scripts have
     * no api port), allocated against what the others hold; replaced in {@code world} and {@code held}, in place of
     * {@code inWorld} (the record as the steps before left it), so later creates count them.
     */
    private Environment filled(Environment record, Environment inWorld, EnvironmentSpec spec,
                               List<Environment> world, HeldPerHost held) {
        Optional<ApplyPlan.Update> kept = ApplyPlan.Update.ofKept(record, spec);
        Environment now = inWorld;
        held.setAside(inWorld);
        try {
            Environment e = ApplyPlan.markedPresent(kept.isEmpty() ? record : kept.get().resolve(record, allocator,
                    held.on(kept.get().host(record))));
            Environment filled = MissingPorts.filled(e, allocator, held.on(e.host()));
            world.replaceAll(w -> w.name().equals(e.name()) ? filled : w);
            now = filled;
        } finally {
            held.restore(now);
        }
        return now;
    }

    /**
     * The steps of {@code plan}, in the order apply takes them: creates (allocated one after another), updates
     * (replacements allocated against what the others hold then, as the store would), deletes, resumes. A step the
     * store would refuse carries its error.
     */
    public List<PlannedStep> apply(ApplyPlan plan) {
        return apply(plan, store.list(EnvironmentFilter.ALL), store.hosts());
    }

    /** As {@link #apply(ApplyPlan)}, against {@code records} and {@code hosts}, the store's as the caller read them. */
    public List<PlannedStep> apply(ApplyPlan plan, List<Environment> records, List<Host> hosts) {
        // the values the plan names are kept for their environments, as apply keeps them
        Allocator reserving = plan.reserving(allocator);
        return (reserving == allocator ? this : new DryRuns(store, reserving, providers, hostVariables))
                .steps(plan, records, hosts);
    }

    private List<PlannedStep> steps(ApplyPlan plan, List<Environment> records, List<Host> hosts) {
        List<PlannedStep> steps = new ArrayList<>(creates(records, hosts, plan.toCreate(), true,
                Set.copyOf(plan.adopting())));
        TreeMap<String, Environment> world = new TreeMap<>();
        Stream.concat(records.stream(), steps.stream().filter(s -> s.error() == null).map(PlannedStep::environment))
                .forEach(e -> world.put(e.name(), e));
        HeldPerHost held = HeldPerHost.byName(world);
        Map<String, List<PlannedCommand>> deletes = planDeletes(Stream.concat(plan.toUpdate().stream()
                .filter(ApplyPlan.Update::replace).map(ApplyPlan.Update::name), plan.toDelete().stream())
                .map(world::get).map(DryRuns::cluster).toList());
        // how many environments each host has, kept as the moves change it: a move's room check counts no records
        Map<String, Integer> perHost = new HashMap<>(Placement.perHost(world.values()));
        plan.toUpdate().forEach(u -> steps.add(update(world, held, perHost, hosts, u, deletes)));
        plan.toDelete().forEach(n -> steps.add(delete(world.get(n), deletes)));
        plan.toResume().forEach(n -> steps.add(resume(world, held, world.get(n), plan.adopting().contains(n))));
        return steps;
    }

    /**
     * The converge of an unfinished record, as the create of a desired present one (with the host ports it lacks,
     * as its converge records them first); a desired stopped one, an {@code unknown} one whose cluster runs
     * ({@code adopting}: the record takes the ports the cluster publishes), and a {@code running} one (its cluster
     * stopped outside envctl, which the converge starts) show the record as it is and no command. A record whose
     * replacement is not finished ({@link Replacement#LABEL}, in any state) shows the delete of its old cluster
     * first, as its converge deletes it whatever runs, then (desired present) the create of the new one.
     */
    private PlannedStep resume(Map<String, Environment> world, HeldPerHost held, Environment e, boolean adopting) {
        boolean replacing = ApplyPlan.replacing(e);
        if (!replacing && (e.desiredState() != DesiredState.PRESENT || adopting
                || e.actualState() == ActualState.RUNNING)) {
            return new PlannedStep(Kind.RESUME, e, List.of(), List.of(), null);
        }
        Environment now = e;
        held.setAside(e);
        try {
            List<PlannedCommand> commands = new ArrayList<>();
            if (replacing) {
                Environment old = cluster(e);
                commands.addAll(onHost(old, planDelete(old, Map.of())));
                if (e.desiredState() != DesiredState.PRESENT) {
                    return new PlannedStep(Kind.RESUME, e, List.of(), commands, null);
                }
            }
            Environment filled = MissingPorts.filled(e, allocator, held.on(e.host()));
            world.put(filled.name(), filled);
            now = filled;
            commands.addAll(onHost(filled, planCreate(filled)));
            return new PlannedStep(Kind.RESUME, filled, List.of(), commands, null);
        } catch (EnvctlException ex) {
            return new PlannedStep(Kind.RESUME, e, List.of(), List.of(), ex);
        } finally {
            held.restore(now);
        }
    }

    private PlannedStep update(Map<String, Environment> world, HeldPerHost held, Map<String, Integer> perHost,
                               List<Host> hosts, ApplyPlan.Update u, Map<String, List<PlannedCommand>> deletes) {
        Environment current = world.get(u.name());
        if (!u.replace()) {
            return new PlannedStep(Kind.UPDATE, u.inPlace(current), u.changes(), List.of(), null);
        }
        Environment now = current;
        held.setAside(current);
        try {
            String to = u.host(current);
            HeldSnapshot others = held.on(to);
            if (!to.equals(current.host())) {
                // a move counts against the new host's capacity, as the store's update checks it
                Placement.requireRoomToMove(hosts.stream().filter(h -> h.name().equals(to)).findFirst()
                        .orElseGet(() -> Hosts.find(store, to)), perHost.getOrDefault(to, 0));
            }
            Environment next = u.resolve(current, allocator, others);
            world.put(next.name(), next);
            now = next;
            perHost.merge(current.host(), -1, Integer::sum);
            perHost.merge(next.host(), 1, Integer::sum);
            Environment cluster = cluster(current);
            List<PlannedCommand> commands = new ArrayList<>(onHost(cluster, planDelete(cluster, deletes)));
            if (next.desiredState() == DesiredState.PRESENT) {
                // a stopped one stays stopped with its old cluster deleted: its start creates the new one
                commands.addAll(onHost(next, planCreate(next)));
            }
            return new PlannedStep(Kind.REPLACE, next, u.changes(), commands, null);
        } catch (EnvctlException e) {
            return new PlannedStep(Kind.REPLACE, current, u.changes(), List.of(), e);
        } finally {
            held.restore(now);
        }
    }

    /** The delete of the environment {@code name}; {@link dev.envctl.core.ErrorCode#NOT_FOUND} when none. */
    public PlannedStep delete(String name) {
        return delete(store.get(name), Map.of());
    }

    private PlannedStep delete(Environment e, Map<String, List<PlannedCommand>> deletes) {
        Environment cluster = cluster(e);
        return new PlannedStep(Kind.DELETE, e, List.of(), onHost(cluster, planDelete(cluster, deletes)), null);
    }

    /**
     * {@code e} as its cluster is: the old cluster a replacement not finished names ({@link Replacement#LABEL}: its
     * provider, host, subnet and ports), which the converge deletes, else the record.
     */
    private static Environment cluster(Environment e) {
        String mark = e.labels().get(Replacement.LABEL);
        return mark == null ? e : Replacement.old(e, mark);
    }

    /** {@code commands} with the variables envctl sets on {@code e}'s host, as they will really run. */
    private List<PlannedCommand> onHost(Environment e, List<PlannedCommand> commands) {
        Map<String, String> variables = hostVariables.apply(e.host());
        if (variables.isEmpty()) {
            return commands;
        }
        return commands.stream().map(c -> {
            Map<String, String> env = new TreeMap<>(variables);
            env.putAll(c.environment());
            return new PlannedCommand(c.argv(), env, c.stdin());
        }).toList();
    }

    private List<PlannedCommand> planCreate(Environment e) {
        if (providers == null) {
            return List.of();
        }
        ClusterProvider p = provider(e);
        return ProviderCalls.call(p, "planCreate", () -> p.planCreate(e));
    }

    /** {@code e}'s delete as {@code planned} has it ({@link #planDeletes}), else asked of its provider alone. */
    private List<PlannedCommand> planDelete(Environment e, Map<String, List<PlannedCommand>> planned) {
        if (providers == null) {
            return List.of();
        }
        List<PlannedCommand> commands = planned.get(e.name());
        if (commands != null) {
            return commands;
        }
        ClusterProvider p = provider(e);
        return ProviderCalls.call(p, "planDelete", () -> p.planDelete(e));
    }

    /**
     * The deletes of {@code records}, by name, each provider on each host asked once for all its records there
     * ({@link ClusterProvider#planDeletes}); where that fails, each record is asked for alone and fails alone.
     */
    private Map<String, List<PlannedCommand>> planDeletes(List<Environment> records) {
        Map<String, List<PlannedCommand>> planned = new HashMap<>();
        if (providers == null) {
            return planned;
        }
        records.stream().collect(Collectors.groupingBy(e -> List.of(e.provider(), e.host()))).values()
                .forEach(those -> {
                    try {
                        ClusterProvider p = provider(those.get(0));
                        planned.putAll(ProviderCalls.call(p, "planDeletes", () -> p.planDeletes(those)));
                    } catch (EnvctlException e) {
                        // each is asked for alone, and its step fails with its provider's error
                    }
                });
        return planned;
    }

    /** The provider that acts on {@code e}: its provider on its host (Docker endpoint, API address). */
    private ClusterProvider provider(Environment e) {
        return providers.apply(e.provider(), e.host());
    }
}
