package dev.envctl.core.testing;

import dev.envctl.core.Environment;
import dev.envctl.core.Invariants;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Asserts DESIGN.md's invariants over a whole store's contents; for contract, process and fault tests. */
public final class StoreInvariants {
    private StoreInvariants() {
    }

    /** Names unique, no host port held twice on one host across all roles, no two subnets overlapping. */
    public static void assertHold(List<Environment> environments) {
        assertThat(Invariants.violations(environments)).as("invariant violations").isEmpty();
    }
}
