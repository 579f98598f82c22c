package dev.envctl.core.lifecycle;

import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.spi.EnvironmentStore;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Computes an {@link ApplyPlan} from the store's records and a desired list. */
final class Apply {
    private Apply() {
    }

    static ApplyPlan plan(EnvironmentStore store, List<EnvironmentSpec> desired, boolean prune) {
        Map<String, Environment> records = new TreeMap<>();
        store.list(EnvironmentFilter.ALL).forEach(e -> records.put(e.name(), e));
        Set<String> wanted = new HashSet<>();
        List<EnvironmentSpec> toCreate = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (EnvironmentSpec spec : desired) {
            if (!wanted.add(spec.name())) {
                throw EnvctlException.invalid("environment '" + spec.name() + "' is listed twice; each name "
                        + "may appear once");
            }
            Environment e = records.get(spec.name());
            if (e == null || e.desiredState() == DesiredState.ABSENT) {
                toCreate.add(spec);
            } else {
                unchanged.add(spec.name());
            }
        }
        List<String> toDelete = new ArrayList<>();
        if (prune) {
            for (Environment e : records.values()) {
                if (!wanted.contains(e.name()) && e.desiredState() != DesiredState.ABSENT) {
                    toDelete.add(e.name());
                }
            }
        }
        return new ApplyPlan(toCreate, toDelete, unchanged);
    }
}
