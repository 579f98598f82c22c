package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.Host;
import dev.envctl.core.alloc.Allocation;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.HeldSnapshot;
import dev.envctl.core.alloc.Placement;
import dev.envctl.core.lifecycle.ApplyPlan;
import dev.envctl.core.lifecycle.PlannedStep;
import dev.envctl.core.lifecycle.PlannedStep.Kind;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The reference {@link DryRuns} is checked against: the same steps, allocated against a snapshot built afresh from
 * every record for each step ({@link HeldSnapshot#of(Iterable, String)}), with no provider and so no command.
 */
final class FreshSnapshotDryRuns {
    private final Allocator allocator;

    FreshSnapshotDryRuns(Allocator allocator) {
        this.allocator = allocator;
    }

    List<PlannedStep> creates(List<Environment> records, List<Host> hosts, List<EnvironmentSpec> specs,
                              Set<String> adopting) {
        List<Environment> world = new ArrayList<>(records);
        Map<String, Environment> byName = records.stream().collect(Collectors.toMap(Environment::name, e -> e));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<PlannedStep> steps = new ArrayList<>();
        for (EnvironmentSpec spec : specs) {
            Environment existing = byName.get(spec.name());
            if (existing != null && adopting.contains(spec.name())) {
                Environment marked = ApplyPlan.markedPresent(existing);
                world.replaceAll(w -> w.name().equals(marked.name()) ? marked : w);
                steps.add(new PlannedStep(Kind.ADOPT, marked, List.of(), List.of(), null));
                continue;
            }
            try {
                Environment e;
                if (existing == null) {
                    Host host = Placement.choose(spec.host(), hosts, Placement.perHost(world), allocator.policy());
                    Allocation a = allocator.allocate(spec, HeldSnapshot.of(world, host.name()));
                    e = Environment.created(spec, a.ports(), a.subnet(), now).withHost(host.name());
                    world.add(e);
                } else {
                    e = filled(existing, spec, world);
                }
                steps.add(new PlannedStep(Kind.CREATE, e, List.of(), List.of(), null));
            } catch (EnvctlException ex) {
                steps.add(new PlannedStep(Kind.CREATE, existing != null ? existing
                        : Environment.created(spec, spec.ports(), spec.subnet().cidr(), now), List.of(), List.of(),
                        ex));
            }
        }
        return steps;
    }

    private Environment filled(Environment record, EnvironmentSpec spec, List<Environment> world) {
        Optional<ApplyPlan.Update> kept = ApplyPlan.Update.ofKept(record, spec);
        Environment e = ApplyPlan.markedPresent(kept.isEmpty() ? record : kept.get().resolve(record, allocator,
                HeldSnapshot.of(others(world, record.name()), kept.get().host(record))));
        Environment filled = MissingPorts.filled(e, allocator, HeldSnapshot.of(others(world, e.name()), e.host()));
        world.replaceAll(w -> w.name().equals(e.name()) ? filled : w);
        return filled;
    }

    /** As {@link DryRuns#apply(ApplyPlan, List, List)} with no provider. */
    static List<PlannedStep> apply(Allocator allocator, ApplyPlan plan, List<Environment> records, List<Host> hosts) {
        return new FreshSnapshotDryRuns(plan.reserving(allocator)).steps(plan, records, hosts);
    }

    private List<PlannedStep> steps(ApplyPlan plan, List<Environment> records, List<Host> hosts) {
        List<PlannedStep> steps = new ArrayList<>(creates(records, hosts, plan.toCreate(),
                Set.copyOf(plan.adopting())));
        Map<String, Environment> world = new TreeMap<>();
        Stream.concat(records.stream(), steps.stream().filter(s -> s.error() == null).map(PlannedStep::environment))
                .forEach(e -> world.put(e.name(), e));
        Map<String, Integer> perHost = new HashMap<>(Placement.perHost(world.values()));
        for (ApplyPlan.Update u : plan.toUpdate()) {
            Environment current = world.get(u.name());
            if (!u.replace()) {
                steps.add(new PlannedStep(Kind.UPDATE, u.inPlace(current), u.changes(), List.of(), null));
                continue;
            }
            HeldSnapshot others = HeldSnapshot.of(others(world.values(), u.name()), u.host(current));
            try {
                String to = u.host(current);
                if (!to.equals(current.host())) {
                    Placement.requireRoomToMove(hosts.stream().filter(h -> h.name().equals(to)).findFirst()
                            .orElseThrow(), perHost.getOrDefault(to, 0));
                }
                Environment next = u.resolve(current, allocator, others);
                world.put(next.name(), next);
                perHost.merge(current.host(), -1, Integer::sum);
                perHost.merge(next.host(), 1, Integer::sum);
                steps.add(new PlannedStep(Kind.REPLACE, next, u.changes(), List.of(), null));
            } catch (EnvctlException e) {
                steps.add(new PlannedStep(Kind.REPLACE, current, u.changes(), List.of(), e));
            }
        }
        plan.toDelete().forEach(n -> steps.add(new PlannedStep(Kind.DELETE, world.get(n), List.of(), List.of(),
                null)));
        for (String n : plan.toResume()) {
            Environment e = world.get(n);
            if (e.desiredState() != DesiredState.PRESENT || plan.adopting().contains(n)
                    || e.actualState() == ActualState.RUNNING) {
                steps.add(new PlannedStep(Kind.RESUME, e, List.of(), List.of(), null));
                continue;
            }
            try {
                Environment filled = MissingPorts.filled(e, allocator, HeldSnapshot.of(others(world.values(), n),
                        e.host()));
                world.put(filled.name(), filled);
                steps.add(new PlannedStep(Kind.RESUME, filled, List.of(), List.of(), null));
            } catch (EnvctlException ex) {
                steps.add(new PlannedStep(Kind.RESUME, e, List.of(), List.of(), ex));
            }
        }
        return steps;
    }

    private static List<Environment> others(Iterable<Environment> world, String name) {
        List<Environment> others = new ArrayList<>();
        world.forEach(e -> {
            if (!e.name().equals(name)) {
                others.add(e);
            }
        });
        return others;
    }
}
