package dev.envctl.core.lifecycle;

import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.PortRole;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.Validation;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterProvider.OptionChange;
import dev.envctl.core.spi.EnvironmentStore;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Computes an {@link ApplyPlan} from the store's records and a desired list, comparing field by field. A field
 * the request leaves open is no change: a port it does not give, a subnet of {@code auto} while the record has
 * one, a host it does not name (nothing said, or {@code auto}), an option or label it does not mention. Labels
 * whose key starts with {@code envctl.} (in any case) are envctl's own: the plan leaves them out of the request,
 * so an apply never sets or compares them.
 */
final class Apply {
    private Apply() {
    }

    /**
     * The plan; {@code providers} gives the installed provider of an id, which judges the change of an option
     * ({@link ClusterProvider#optionChange}); without one, values that differ as text need a new cluster.
     */
    static ApplyPlan plan(EnvironmentStore store, List<EnvironmentSpec> desired, boolean prune,
                          Function<String, Optional<ClusterProvider>> providers) {
        Map<String, Environment> records = new TreeMap<>();
        store.list(EnvironmentFilter.ALL).forEach(e -> records.put(e.name(), e));
        Set<String> wanted = new HashSet<>();
        List<EnvironmentSpec> toCreate = new ArrayList<>();
        List<ApplyPlan.Update> toUpdate = new ArrayList<>();
        List<String> toResume = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (EnvironmentSpec listed : desired) {
            // envctl's own labels (envctl.keep-record, envctl.replacing, envctl.auto-ports) are the store's to
            // keep: a list printed by list -o json carries them, and applying it neither sets nor compares them
            EnvironmentSpec spec = listed.withLabels(listed.labels().entrySet().stream()
                    .filter(l -> !Validation.isOwnLabel(l.getKey()))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
            Validation.requireListedOnce(wanted, spec.name());
            Environment e = records.get(spec.name());
            if (e == null || e.desiredState() == DesiredState.ABSENT) {
                toCreate.add(spec);
                continue;
            }
            List<FieldChange> changes = changes(e, spec, providers);
            if (changes.isEmpty()) {
                (ApplyPlan.unfinished(e) ? toResume : unchanged).add(spec.name());
            } else {
                ApplyPlan.Update u = new ApplyPlan.Update(spec, changes);
                toUpdate.add(u);
                if (!u.replace() && ApplyPlan.unfinished(e)) {
                    toResume.add(spec.name()); // written in place, then converged: the plan says both
                }
            }
        }
        toUpdate.sort((a, b) -> a.name().compareTo(b.name()));
        List<String> toDelete = new ArrayList<>();
        if (prune) {
            for (Environment e : records.values()) {
                if (!wanted.contains(e.name())
                        && (e.desiredState() != DesiredState.ABSENT || ApplyPlan.deleteUnfinished(e))) {
                    toDelete.add(e.name());
                }
            }
        }
        toResume.sort(null);
        return new ApplyPlan(toCreate, toUpdate, toDelete, toResume, unchanged);
    }

    /** The fields in which {@code spec} asks for something {@code e} does not have. */
    static List<FieldChange> changes(Environment e, EnvironmentSpec spec,
                                     Function<String, Optional<ClusterProvider>> providers) {
        List<FieldChange> changes = new ArrayList<>();
        if (!e.provider().equals(spec.provider())) {
            changes.add(new FieldChange("provider", null, e.provider(), spec.provider(), true));
        }
        if (spec.host().isNamed() && !spec.host().name().equals(e.host())) {
            changes.add(new FieldChange("host", null, e.host(), spec.host().name(), true));
        }
        for (Map.Entry<PortRole, Integer> p : spec.ports().asMap().entrySet()) {
            Integer had = e.ports().get(p.getKey());
            if (!p.getValue().equals(had)) {
                changes.add(new FieldChange(p.getKey().key(), null, had == null ? null : had.toString(),
                        p.getValue().toString(), true));
            }
        }
        String subnet = e.subnet() == null ? "none" : e.subnet().toString();
        SubnetRequest want = spec.subnet();
        boolean satisfied = switch (want.mode()) {
            case NONE -> e.subnet() == null;
            case AUTO -> e.subnet() != null;
            case EXPLICIT -> want.cidr().equals(e.subnet());
        };
        if (!satisfied) {
            changes.add(new FieldChange("subnet", null, subnet, want.toString(), true));
        }
        // the record's options that the request leaves out and the environment does not keep are dropped
        Map<String, String> kept = ApplyPlan.Update.keptOptions(e, spec);
        e.options().keySet().stream().filter(key -> !kept.containsKey(key) && !spec.options().containsKey(key))
                .sorted().forEach(key -> changes.add(new FieldChange("option", key, e.options().get(key), null, true)));
        Optional<ClusterProvider> provider = providers.apply(spec.provider());
        spec.options().forEach((key, value) -> {
            String had = e.options().get(key);
            OptionChange change = provider.map(p -> p.optionChange(key, had, value))
                    .orElseGet(() -> OptionChange.ofText(had, value));
            if (change != OptionChange.NONE) {
                changes.add(new FieldChange("option", key, had, value, change == OptionChange.NEW_CLUSTER));
            }
        });
        if (e.nodePort() != spec.nodePort()) {
            changes.add(new FieldChange("node", null, Integer.toString(e.nodePort()),
                    Integer.toString(spec.nodePort()), false));
        }
        spec.labels().forEach((key, value) -> {
            if (!Objects.equals(e.labels().get(key), value)) {
                changes.add(new FieldChange("label", key, e.labels().get(key), value, false));
            }
        });
        return changes;
    }
}
