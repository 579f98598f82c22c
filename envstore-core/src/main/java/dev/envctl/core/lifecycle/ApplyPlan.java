package dev.envctl.core.lifecycle;

import dev.envctl.core.EnvironmentSpec;

import java.util.List;

/**
 * What {@link LifecycleEngine#apply} would change.
 *
 * @param toCreate  requests with no record yet, or whose record is desired {@code absent} (marked present again)
 * @param toDelete  names of records desired {@code present} that the list leaves out (only with prune)
 * @param unchanged names already desired {@code present}; differences in ports or labels are not applied
 */
public record ApplyPlan(List<EnvironmentSpec> toCreate, List<String> toDelete, List<String> unchanged) {
    public ApplyPlan {
        toCreate = List.copyOf(toCreate);
        toDelete = List.copyOf(toDelete);
        unchanged = List.copyOf(unchanged);
    }

    /** True when applying would change nothing. */
    public boolean empty() {
        return toCreate.isEmpty() && toDelete.isEmpty();
    }
}
