package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.AutoPorts;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Envctl;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.HostPorts;
import dev.envctl.core.HostRequest;
import dev.envctl.core.PortRole;
import dev.envctl.core.lifecycle.PlannedStep.Kind;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.PlannedCommand;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The facade's dry runs: records placed and allocated as the store would, one after another, the provider's
 * commands, refusals as the store would refuse, and nothing written.
 */
class EnvctlDryRunTest {
    private final InMemoryEnvironmentStore store = new InMemoryEnvironmentStore();
    private final PerHostFactory provider = new PerHostFactory();
    private final Envctl envctl = Envctl.builder().store(store)
            .plugins(PluginRegistry.of(List.of(), List.of(provider), List.of()))
            .environment(Map.of("PATH", "/usr/bin")).build();

    @Test
    void createsAreAllocatedOneAfterAnotherAndNothingIsWritten() {
        envctl.record(Fixture.spec("held"));
        Environment held = envctl.get("held");

        List<PlannedStep> steps = envctl.dryRunCreate(List.of(Fixture.spec("a"), Fixture.spec("b")));

        assertThat(steps).extracting(PlannedStep::kind).containsExactly(Kind.CREATE, Kind.CREATE);
        Environment a = steps.get(0).environment();
        Environment b = steps.get(1).environment();
        assertThat(List.of(a.ports().http(), b.ports().http())).doesNotContain(held.ports().http())
                .doesNotHaveDuplicates();
        assertThat(List.of(a.subnet(), b.subnet())).doesNotContain(held.subnet()).doesNotHaveDuplicates();
        assertThat(a.host()).isEqualTo(Host.LOCAL_NAME);
        assertThat(steps.get(1).commands()).extracting(PlannedCommand::argv)
                .containsExactly(List.of("k3d", "create", "b"));
        assertThat(steps).allSatisfy(s -> assertThat(s.error()).isNull());
        assertThat(envctl.list()).extracting(Environment::name).containsExactly("held");
        // what the store then really allocates is what the dry run showed
        Environment created = envctl.record(Fixture.spec("a"));
        assertThat(created.ports()).isEqualTo(a.ports());
        assertThat(created.subnet()).isEqualTo(a.subnet());
    }

    /**
     * A name can be created once: a list naming a new one twice was shown as two creates, each with ports of its own,
     * which no run of those creates can give. It is refused as apply refuses such a list.
     */
    @Test
    void aNameGivenTwiceIsInvalidInputAsInApplyAndNothingIsListed() {
        assertThatThrownBy(() -> envctl.dryRunCreate(List.of(Fixture.spec("a"), Fixture.spec("b"), Fixture.spec("a"))))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("environment 'a' is listed twice; each name may appear once");
        assertThat(envctl.list()).isEmpty();
    }

    @Test
    void aCreateTheStoreWouldRefuseIsThrownAndAnAutoHostIsPlaced() {
        envctl.addHost(new Host("two", "tcp://two.example:2375", "192.168.1.20", Map.of("zone", "b"), null));
        Environment held = envctl.record(Fixture.spec("held"));

        assertThatThrownBy(() -> envctl.dryRunCreate(List.of(EnvironmentSpec.of("clash", "k3d")
                .withPorts(new HostPorts(held.ports().http(), null, null, null)))))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(envctl.dryRunCreate(List.of(Fixture.spec("placed")
                .withHost(HostRequest.auto(Map.of("zone", "b")))))).singleElement()
                .satisfies(s -> assertThat(s.environment().host()).isEqualTo("two"));
        assertThatThrownBy(() -> envctl.dryRunCreate(List.of(EnvironmentSpec.of("x", "nope"))))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));
        // an option the provider refuses, as the create refuses it
        EnvironmentSpec refused = Fixture.spec("x").withOptions(Map.of("refused", "1"));
        EnvctlException byCreate = catchThrowableOfType(() -> envctl.record(refused), EnvctlException.class);
        assertThatThrownBy(() -> envctl.dryRunCreate(List.of(refused)))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).isEqualTo(byCreate.getMessage());
                });
        assertThat(envctl.list()).extracting(Environment::name).containsExactly("held");
    }

    /**
     * A replacement recorded and not finished (the old cluster's delete failed, or the process died first): its
     * converge deletes the old cluster, whichever runs, then creates the new one, so the dry run shows both.
     */
    @Test
    void aReplacementNotFinishedIsShownDeletingTheOldClusterThenCreatingTheNewOne() {
        for (ActualState state : List.of(ActualState.FAILED, ActualState.RUNNING)) {
            String name = "r-" + state.key();
            Environment r = envctl.record(Fixture.spec(name));
            store.update(r.withLabels(Map.of("haproxy_route", "true", LifecycleEngine.REPLACING_LABEL,
                    "provider=k3d subnet=none http=18999 https=none pf=none api=none"))
                    .withActualState(state, state == ActualState.FAILED ? "delete failed" : null), r.version());

            List<PlannedStep> steps = envctl.dryRun(envctl.plan(List.of(Fixture.spec(name)), false));

            assertThat(steps).singleElement().satisfies(s -> {
                assertThat(s.kind()).isEqualTo(Kind.RESUME);
                assertThat(s.error()).isNull();
                assertThat(s.commands()).extracting(PlannedCommand::argv)
                        .containsExactly(List.of("k3d", "delete", name), List.of("k3d", "create", name));
            });
        }
    }

    /**
     * A replacement changed again before the first finished: the cluster that exists, and that the converge deletes,
     * is the one the mark names (here on host two), not the record's.
     */
    @Test
    void aReplacementOfAReplacementNotFinishedDeletesTheClusterTheMarkNames() {
        envctl.addHost(new Host("two", "tcp://two.example:2375", "192.168.1.20", Map.of(), null));
        Environment r = envctl.record(Fixture.spec("r"));
        store.update(r.withLabels(Map.of("haproxy_route", "true", LifecycleEngine.REPLACING_LABEL,
                "provider=k3d subnet=none http=18999 https=none pf=none api=none host=two"))
                .withActualState(ActualState.FAILED, "delete failed"), r.version());

        List<PlannedStep> steps = envctl.dryRun(envctl.plan(List.of(Fixture.spec("r")
                .withPorts(new HostPorts(18998, null, null, null))), false));

        assertThat(steps).singleElement().satisfies(s -> {
            assertThat(s.kind()).isEqualTo(Kind.REPLACE);
            assertThat(s.commands()).extracting(PlannedCommand::argv)
                    .containsExactly(List.of("k3d", "delete", "r"), List.of("k3d", "create", "r"));
            assertThat(s.commands().get(0).environment()).containsEntry("DOCKER_HOST", "tcp://two.example:2375");
            assertThat(s.commands().get(1).environment()).doesNotContainKey("DOCKER_HOST");
        });
    }

    @Test
    void anApplyPlanIsShownStepByStepAndARefusedCreateCarriesItsError() {
        Environment keep = envctl.record(Fixture.spec("keep"));
        envctl.record(Fixture.spec("relabel"));
        envctl.record(Fixture.spec("move"));
        envctl.record(Fixture.spec("gone"));
        List<EnvironmentSpec> desired = List.of(Fixture.spec("keep"),
                Fixture.spec("relabel").withLabels(Map.of("haproxy_route", "false")),
                Fixture.spec("move").withPorts(new HostPorts(18999, null, null, null)),
                Fixture.spec("new"),
                EnvironmentSpec.of("clash", "k3d").withPorts(new HostPorts(keep.ports().http(), null, null, null)));
        ApplyPlan plan = envctl.plan(desired, true);

        List<PlannedStep> steps = envctl.dryRun(plan);

        // records made without converging (unknown, no cluster) that the list names are resumed: created
        assertThat(steps).extracting(s -> s.kind() + " " + s.environment().name()).containsExactly(
                "CREATE new", "CREATE clash", "REPLACE move", "UPDATE relabel", "DELETE gone", "RESUME keep",
                "RESUME relabel");
        assertThat(steps.get(1).error()).isNotNull()
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(steps.get(1).commands()).isEmpty();
        assertThat(steps.get(2).environment().ports().http()).isEqualTo(18999);
        assertThat(steps.get(2).commands()).extracting(PlannedCommand::argv)
                .containsExactly(List.of("k3d", "delete", "move"), List.of("k3d", "create", "move"));
        assertThat(steps.get(3).changes()).isNotEmpty();
        assertThat(steps.get(3).commands()).isEmpty();
        assertThat(steps.get(4).commands()).extracting(PlannedCommand::argv)
                .containsExactly(List.of("k3d", "delete", "gone"));
        assertThat(envctl.list()).extracting(Environment::name)
                .containsExactlyInAnyOrder("keep", "relabel", "move", "gone");
        assertThat(envctl.get("relabel").labels()).containsEntry("haproxy_route", "true");
    }

    @Test
    void aCreateOfANameTheProviderListsIsShownAsTheAdoptionApplyMakesOfIt() {
        provider.on("").putCluster("made-by-hand", true);
        ApplyPlan plan = envctl.plan(List.of(Fixture.spec("made-by-hand"), Fixture.spec("new")), false);

        List<PlannedStep> steps = envctl.dryRun(plan);

        assertThat(steps).extracting(s -> s.kind() + " " + s.environment().name())
                .containsExactly("ADOPT made-by-hand", "CREATE new");
        // adopting runs no provider command; the record is still allocated as apply records it
        assertThat(steps.get(0).commands()).isEmpty();
        assertThat(steps.get(0).environment().ports().http()).isNotNull();
        assertThat(steps.get(1).commands()).isNotEmpty();
        assertThat(envctl.list()).isEmpty();

        // what apply then does with it: the cluster is adopted as it is, no second one made
        envctl.apply(List.of(Fixture.spec("made-by-hand"), Fixture.spec("new")), false);
        assertThat(envctl.get("made-by-hand").actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(provider.on("").count("create made-by-hand")).isZero();
    }

    @Test
    void anUnfinishedRecordTheListNamesIsShownAsTheCreateItsConvergeRunsAndAStoppedOneWithoutCommands() {
        Instant t = Instant.parse("2026-11-26T08:00:00Z");
        store.insert(new Environment("failed", "k3d", null, new HostPorts(18090, 18443, 19001, null), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.FAILED, "hook 'h' failed", t, t, 1));
        store.insert(new Environment("halfway", "k3d", null, new HostPorts(18091, 18444, 19002, 26444), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.CREATING, null, t, t, 1));
        store.insert(new Environment("stopping", "k3d", null, new HostPorts(18092, 18445, 19003, 26445), 30080,
                Map.of(), Map.of(), DesiredState.STOPPED, ActualState.FAILED, "stop failed", t, t, 1));
        List<EnvironmentSpec> listed = List.of(EnvironmentSpec.of("stopping", "k3d"),
                EnvironmentSpec.of("halfway", "k3d"), EnvironmentSpec.of("failed", "k3d"));
        ApplyPlan plan = envctl.plan(listed, false);

        List<PlannedStep> steps = envctl.dryRun(plan);

        assertThat(steps).extracting(s -> s.kind() + " " + s.environment().name())
                .containsExactly("RESUME failed", "RESUME halfway", "RESUME stopping");
        assertThat(steps.get(0).commands()).extracting(PlannedCommand::argv)
                .containsExactly(List.of("k3d", "create", "failed"));
        assertThat(steps.get(0).environment().ports().api()).as("the port its converge records first")
                .isNotNull();
        assertThat(steps.get(1).commands()).extracting(PlannedCommand::argv)
                .containsExactly(List.of("k3d", "create", "halfway"));
        assertThat(steps.get(2).commands()).isEmpty();
        assertThat(steps).allSatisfy(s -> assertThat(s.error()).isNull());
        assertThat(plan.unchanged()).isEmpty();
        assertThat(envctl.get("failed").ports().api()).as("nothing written").isNull();
    }

    /** The plan lists the provider once: a running cluster is adopted with its own ports, none from a pool. */
    @Test
    void aRowOfTheScriptsWhoseClusterRunsIsShownAsTheAdoptionApplyMakesWithoutAPoolPort() {
        Instant t = Instant.parse("2026-11-26T08:00:00Z");
        store.insert(new Environment("runs", "k3d", null, new HostPorts(18090, 18443, 19001, null), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.UNKNOWN, null, t, t, 1));
        store.insert(new Environment("gone", "k3d", null, new HostPorts(18091, 18444, 19002, null), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.UNKNOWN, null, t, t, 1));
        provider.on("").putCluster("runs", true);
        provider.on("").publish("runs", Map.of(PortRole.HTTP, 18090, PortRole.HTTPS, 18443, PortRole.API, 26999));
        List<EnvironmentSpec> listed = List.of(EnvironmentSpec.of("runs", "k3d"), EnvironmentSpec.of("gone", "k3d"));
        ApplyPlan plan = envctl.plan(listed, false);

        List<PlannedStep> steps = envctl.dryRun(plan);

        assertThat(plan.toResume()).containsExactly("gone", "runs");
        assertThat(plan.adopting()).containsExactly("runs");
        assertThat(steps).extracting(s -> s.kind() + " " + s.environment().name())
                .containsExactly("RESUME gone", "RESUME runs");
        assertThat(steps.get(1).commands()).as("adopted as it is").isEmpty();
        assertThat(steps.get(1).environment().ports().api()).as("the one its cluster publishes, read by apply")
                .isNull();
        assertThat(steps.get(0).environment().ports().api()).as("the first of the pool: the adopted row takes none")
                .isEqualTo(26443);

        envctl.apply(listed, false);

        Environment runs = envctl.get("runs");
        assertThat(runs.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(runs.ports()).isEqualTo(new HostPorts(18090, 18443, 19001, 26999));
        assertThat(runs.labels()).doesNotContainKey(AutoPorts.LABEL);
        assertThat(envctl.get("gone").ports()).isEqualTo(steps.get(0).environment().ports());
        assertThat(provider.on("").count("create runs")).isZero();
    }

    /** Its delete pending, named again: marked present, its running cluster adopted, no pool port shown or taken. */
    @Test
    void aRowWhoseDeleteIsPendingAndWhoseClusterRunsIsShownAsAnAdoptionWithoutAPoolPort() {
        Instant t = Instant.parse("2026-11-26T08:00:00Z");
        store.insert(new Environment("runs", "k3d", null, new HostPorts(18090, 18443, 19001, null), 30080,
                Map.of(), Map.of(), DesiredState.ABSENT, ActualState.UNKNOWN, null, t, t, 1));
        provider.on("").putCluster("runs", true);
        provider.on("").publish("runs", Map.of(PortRole.HTTP, 18090, PortRole.HTTPS, 18443, PortRole.API, 26999));
        List<EnvironmentSpec> listed = List.of(EnvironmentSpec.of("runs", "k3d"), EnvironmentSpec.of("next", "k3d"));
        ApplyPlan plan = envctl.plan(listed, false);

        List<PlannedStep> steps = envctl.dryRun(plan);

        assertThat(plan.adopting()).containsExactly("runs");
        assertThat(steps).extracting(s -> s.kind() + " " + s.environment().name())
                .containsExactly("ADOPT runs", "CREATE next");
        assertThat(steps.get(0).commands()).isEmpty();
        assertThat(steps.get(0).environment().desiredState()).isEqualTo(DesiredState.PRESENT);
        assertThat(steps.get(0).environment().ports().api()).as("none from a pool").isNull();
        assertThat(steps.get(1).environment().ports().api()).isEqualTo(26443);

        envctl.apply(listed, false);

        assertThat(envctl.get("runs").ports()).isEqualTo(new HostPorts(18090, 18443, 19001, 26999));
        assertThat(envctl.get("runs").labels()).doesNotContainKey(AutoPorts.LABEL);
        assertThat(envctl.get("next").ports()).isEqualTo(steps.get(1).environment().ports());
        assertThat(provider.on("").count("create runs")).isZero();
    }

    /** Stopped outside envctl: a resume of the record as it is, with no create (apply starts the cluster). */
    @Test
    void aRunningEnvironmentWhoseClusterIsStoppedIsShownAsAResumeWithoutACreate() {
        envctl.create(Fixture.spec("dev"));
        provider.on("").putCluster("dev", false);
        ApplyPlan plan = envctl.plan(List.of(Fixture.spec("dev")), false);

        List<PlannedStep> steps = envctl.dryRun(plan);

        assertThat(steps).singleElement().satisfies(s -> {
            assertThat(s.kind()).isEqualTo(Kind.RESUME);
            assertThat(s.environment()).isEqualTo(envctl.get("dev"));
            assertThat(s.commands()).isEmpty();
        });
    }

    /** Apply deletes a stopped environment's old cluster and leaves it stopped: the plan shows no create. */
    @Test
    void aStoppedEnvironmentsReplacementShowsTheDeleteOfItsOldClusterAndNoCreate() {
        envctl.create(Fixture.spec("dev"));
        envctl.stop("dev");
        List<EnvironmentSpec> moved = List.of(Fixture.spec("dev").withPorts(new HostPorts(18999, null, null, null)));

        List<PlannedStep> steps = envctl.dryRun(envctl.plan(moved, false));

        assertThat(steps).singleElement().satisfies(s -> {
            assertThat(s.kind()).isEqualTo(Kind.REPLACE);
            assertThat(s.environment().desiredState()).isEqualTo(DesiredState.STOPPED);
            assertThat(s.commands()).extracting(PlannedCommand::argv)
                    .containsExactly(List.of("k3d", "delete", "dev"));
        });

        envctl.apply(moved, false, true, ProgressListener.NONE);

        assertThat(envctl.get("dev").actualState()).isEqualTo(ActualState.STOPPED);
        assertThat(provider.on("").count("create dev")).as("only the first create").isEqualTo(1);
    }

    @Test
    void aDeleteShowsItsCommandsAndAnUnknownNameIsNotFound() {
        envctl.record(Fixture.spec("web"));

        assertThat(envctl.dryRunDelete("web").commands()).extracting(PlannedCommand::argv)
                .containsExactly(List.of("k3d", "delete", "web"));
        assertThat(envctl.dryRunDelete("web").kind()).isEqualTo(Kind.DELETE);
        assertThatThrownBy(() -> envctl.dryRunDelete("missing")).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(envctl.list()).extracting(Environment::name).containsExactly("web");
    }

    @Test
    void aKeptRecordOfTheScriptsShowsTheApiPortItsCreateWouldRecord() {
        Environment held = envctl.record(Fixture.spec("held"));
        Instant t = Instant.parse("2026-11-26T08:00:00Z");
        store.insert(new Environment("dev", "k3d", null, new HostPorts(18090, 18443, 19001, null), 30080,
                Map.of(LifecycleEngine.KEEP_RECORD_LABEL, "true"), Map.of(), DesiredState.ABSENT,
                ActualState.UNKNOWN, null, t, t, 1));
        ApplyPlan plan = envctl.plan(List.of(Fixture.spec("dev"), Fixture.spec("web")), false);

        List<PlannedStep> steps = envctl.dryRun(plan);

        assertThat(steps).extracting(s -> s.kind() + " " + s.environment().name())
                .containsExactly("CREATE dev", "CREATE web");
        assertThat(steps).allSatisfy(s -> assertThat(s.error()).isNull());
        Environment dev = steps.get(0).environment();
        assertThat(dev.ports().http()).isEqualTo(18090);
        // the record as the apply leaves it: present, with the file's labels, without delete --keep-record's, and
        // with envctl's mark on the one port it allocates
        assertThat(dev.desiredState()).isEqualTo(DesiredState.PRESENT);
        assertThat(dev.labels()).containsExactly(Map.entry(AutoPorts.LABEL, "api:" + dev.ports().api()),
                Map.entry("haproxy_route", "true"));
        assertThat(dev.ports().api()).isNotNull();
        assertThat(List.of(held.ports().api(), dev.ports().api(), steps.get(1).environment().ports().api()))
                .doesNotHaveDuplicates();
        assertThat(steps.get(0).commands()).extracting(PlannedCommand::argv)
                .containsExactly(List.of("k3d", "create", "dev"));
        assertThat(envctl.dryRunCreate(List.of(Fixture.spec("dev")))).singleElement()
                .satisfies(s -> assertThat(s.environment().ports().api()).isEqualTo(dev.ports().api()));
        // nothing written: the apply records the port when it creates the cluster
        assertThat(envctl.get("dev").ports().api()).isNull();
    }
}
