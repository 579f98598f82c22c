package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.Envctl;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.PlannedCommand;
import dev.envctl.core.spi.PrerequisiteCheck;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A provider plugin's bug is a {@code PROVIDER_FAILED} error naming the provider, never a raw exception. */
class ProviderBugTest {

    /** A provider whose every answer is what the test sets; it makes clusters by doing nothing. */
    static final class BuggyProvider implements ClusterProvider {
        Supplier<List<ClusterStatus>> list = List::of;
        Runnable validate = () -> { };
        Supplier<List<PlannedCommand>> plan = List::of;
        Runnable create = () -> { };

        @Override
        public String id() {
            return "buggy";
        }

        @Override
        public void validate(EnvironmentSpec spec) {
            validate.run();
        }

        @Override
        public void create(Environment environment, ProgressListener progress) {
            create.run();
        }

        @Override
        public void delete(Environment environment, ProgressListener progress) {
        }

        @Override
        public List<ClusterStatus> list() {
            return list.get();
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public List<PrerequisiteCheck> checkPrerequisites() {
            return List.of();
        }

        @Override
        public List<PlannedCommand> planCreate(Environment environment) {
            return plan.get();
        }

        @Override
        public List<PlannedCommand> planDelete(Environment environment) {
            return plan.get();
        }
    }

    private final BuggyProvider buggy = new BuggyProvider();
    private final InMemoryEnvironmentStore store = new InMemoryEnvironmentStore();
    private final Envctl envctl = Envctl.builder().store(store).provider("buggy", buggy).environment(Map.of())
            .build();

    private static void providerFailed(Executable call, String... parts) {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED))
                .hasMessageContaining("the buggy provider (" + BuggyProvider.class.getName() + ") failed in ")
                .hasMessageContainingAll(parts);
    }

    @Test
    void aListThatThrowsOrAnswersNullIsProviderFailedAndRecordsNothing() {
        buggy.list = () -> {
            throw new IllegalStateException("list is broken");
        };
        providerFailed(() -> envctl.create(EnvironmentSpec.of("dev", "buggy")), "list: ",
                "java.lang.IllegalStateException: list is broken");
        buggy.list = () -> null;
        providerFailed(() -> envctl.create(EnvironmentSpec.of("dev", "buggy")), "list: it returned null");
        assertThat(envctl.list()).isEmpty();
    }

    @Test
    void aValidateThatThrowsIsProviderFailedAndChangesNothing() {
        buggy.validate = () -> {
            throw new IllegalArgumentException("validate is broken");
        };
        providerFailed(() -> envctl.create(EnvironmentSpec.of("dev", "buggy")), "validate: ",
                "validate is broken");
        providerFailed(() -> envctl.apply(List.of(EnvironmentSpec.of("dev", "buggy")), false), "validate: ");
        assertThat(envctl.list()).isEmpty();
    }

    @Test
    void aPlanThatThrowsIsProviderFailedInADryRun() {
        buggy.plan = () -> {
            throw new IllegalStateException("plan is broken");
        };
        providerFailed(() -> envctl.dryRunCreate(List.of(EnvironmentSpec.of("dev", "buggy"))), "planCreate: ",
                "plan is broken");
        buggy.plan = () -> null;
        providerFailed(() -> envctl.dryRunCreate(List.of(EnvironmentSpec.of("dev", "buggy"))),
                "planCreate: it returned null");
    }

    @Test
    void aClassMissingFromThePluginDuringCreateEndsTheEnvironmentFailed() {
        buggy.create = () -> {
            throw new NoClassDefFoundError("com/fasterxml/jackson/dataformat/yaml/YAMLFactory");
        };

        Environment dev = envctl.create(EnvironmentSpec.of("dev", "buggy"));

        assertThat(dev.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(dev.lastError()).isEqualTo("the buggy provider (" + BuggyProvider.class.getName() + ") failed "
                + "in create: NoClassDefFoundError: com/fasterxml/jackson/dataformat/yaml/YAMLFactory");
        assertThat(envctl.get("dev").actualState()).isEqualTo(ActualState.FAILED);
    }

    @Test
    void anAssertionErrorInCreateEndsTheEnvironmentFailedNamingTheProvider() {
        buggy.create = () -> {
            throw new AssertionError("servers must be 1");
        };

        Environment dev = envctl.create(EnvironmentSpec.of("dev", "buggy"));

        assertThat(dev.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(dev.lastError()).isEqualTo("the buggy provider (" + BuggyProvider.class.getName() + ") failed "
                + "in create: AssertionError: servers must be 1");
        buggy.create = () -> { };
        assertThat(envctl.reconcile(List.of("dev")).ok()).isTrue();
        assertThat(envctl.get("dev").actualState()).isEqualTo(ActualState.RUNNING);
    }
}
