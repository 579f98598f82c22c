package dev.envctl.core.testing;

import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.PortRole;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.lifecycle.Action;
import dev.envctl.core.lifecycle.ApplyPlan;
import dev.envctl.core.lifecycle.EngineOptions;
import dev.envctl.core.lifecycle.FieldChange;
import dev.envctl.core.lifecycle.LifecycleEngine;
import dev.envctl.core.lifecycle.Outcome;
import dev.envctl.core.lifecycle.ReconcileReport;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code apply} seeing changes, on a real store: every kind of field change in the plan, in-place updates, the
 * refusal without replace, replacement (the old cluster deleted only after the new spec is allocated), and
 * recovery of a replacement cut short. A store module extends this class and supplies a fresh, empty store per
 * test; the providers are scripted {@code k3d} and {@code kind}.
 */
public abstract class ApplyContract {

    /** A new, empty store; called once per test. */
    protected abstract EnvironmentStore newStore();

    protected EnvironmentStore store;
    protected final ScriptedClusterProvider k3d = new ScriptedClusterProvider("k3d");
    protected final ScriptedClusterProvider kind = new ScriptedClusterProvider("kind");
    private final List<String> hookCalls = Collections.synchronizedList(new ArrayList<>());
    private LifecycleEngine engine;

    @BeforeEach
    void openStore() {
        store = newStore();
        LifecycleHook hook = new LifecycleHook() {
            @Override
            public String name() {
                return "recorder";
            }

            @Override
            public void run(HookPhase phase, Environment e) {
                hookCalls.add(phase.key() + " " + e.name() + " " + e.provider() + " " + e.ports().http());
            }
        };
        engine = new LifecycleEngine(store, new Allocator(AllocationPolicy.defaults()),
                Map.<String, ClusterProvider>of("k3d", k3d, "kind", kind), List.of(hook), EngineOptions.defaults());
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    private static EnvironmentSpec dev() {
        return EnvironmentSpec.of("dev", "k3d").withPorts(new HostPorts(18080, null, null, null))
                .withLabels(Map.of("team", "a")).withOptions(Map.of("servers", "1"));
    }

    private Environment created(EnvironmentSpec spec) {
        Environment e = engine.create(spec, ProgressListener.NONE);
        assertThat(e.actualState()).isEqualTo(ActualState.RUNNING);
        return e;
    }

    private ReconcileReport apply(boolean replace, EnvironmentSpec... specs) {
        return engine.apply(List.of(specs), false, replace, ProgressListener.NONE);
    }

    private static Outcome outcome(ReconcileReport r, String name) {
        return r.outcomes().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void thePlanNamesEveryChangedFieldAndWhetherItNeedsANewCluster() {
        created(dev());
        EnvironmentSpec wanted = new EnvironmentSpec("dev", "kind", new HostPorts(18090, null, null, null),
                SubnetRequest.AUTO, 30081, Map.of("team", "b", "tier", "web"), Map.of("servers", "3"));

        ApplyPlan plan = engine.plan(List.of(wanted), false);

        assertThat(plan.toCreate()).isEmpty();
        assertThat(plan.unchanged()).isEmpty();
        assertThat(plan.toUpdate()).hasSize(1);
        ApplyPlan.Update u = plan.toUpdate().get(0);
        assertThat(u.changes()).containsExactly(
                new FieldChange("provider", null, "k3d", "kind", true),
                new FieldChange("http", null, "18080", "18090", true),
                new FieldChange("subnet", null, "none", "auto", true),
                new FieldChange("option", "servers", "1", "3", true),
                new FieldChange("node", null, "30080", "30081", false),
                new FieldChange("label", "team", "a", "b", false),
                new FieldChange("label", "tier", null, "web", false));
        assertThat(u.replace()).isTrue();
        assertThat(u.describe(false)).isEqualTo("provider k3d -> kind, http 18080 -> 18090, subnet none -> auto, "
                + "option servers: 1 -> 3, node 30080 -> 30081, label team: a -> b, label tier: (none) -> web");
        assertThat(plan.replacements()).containsExactly(u);
        assertThat(plan.empty()).isFalse();
    }

    @Test
    void aNewEntryWithEnvctlsOwnLabelsIsCreatedWithoutThemAndItsGivenPortsAreItsOwn() {
        // list -o json of another store carries envctl's labels; any case is envctl's prefix
        EnvironmentSpec copied = new EnvironmentSpec("web", "k3d", new HostPorts(18500, 18501, 18502, 18503),
                SubnetRequest.NONE, 30080, Map.of("team", "a", LifecycleEngine.REPLACING_LABEL, "x",
                LifecycleEngine.KEEP_RECORD_LABEL, "true", LifecycleEngine.AUTO_PORTS_LABEL,
                "http:18500/https:18501/pf:18502/api:18503", "ENVCTL.OTHER", "y"), Map.of());

        ReconcileReport r = apply(false, copied);

        assertThat(r.outcomes()).extracting(Outcome::name, Outcome::action)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web", Action.CREATED));
        Environment web = store.get("web");
        assertThat(web.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(web.labels()).isEqualTo(Map.of("team", "a"));
        assertThat(web.ports()).isEqualTo(new HostPorts(18500, 18501, 18502, 18503));
        assertThat(engine.plan(List.of(copied), false).unchanged()).containsExactly("web");
    }

    @Test
    void whatTheFileLeavesOpenIsNoChangeWhileTheRecordSatisfiesIt() {
        Environment e = created(dev().withSubnet(SubnetRequest.AUTO));
        EnvironmentSpec open = EnvironmentSpec.of("dev", "k3d").withSubnet(SubnetRequest.AUTO);
        EnvironmentSpec same = new EnvironmentSpec("dev", "k3d", e.ports(), SubnetRequest.of(e.subnet()), 30080,
                Map.of("team", "a", LifecycleEngine.KEEP_RECORD_LABEL, "x"), Map.of("servers", "1"));

        assertThat(engine.plan(List.of(open), false).unchanged()).containsExactly("dev");
        ApplyPlan plan = engine.plan(List.of(same), false);
        assertThat(plan.unchanged()).containsExactly("dev");
        assertThat(plan.empty()).isTrue();
        ReconcileReport r = apply(false, same);
        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.UNCHANGED, ActualState.RUNNING, null));
        assertThat(store.get("dev").version()).isEqualTo(e.version());
    }

    @Test
    void subnetChangesEachWayNeedANewCluster() {
        created(EnvironmentSpec.of("a", "k3d").withSubnet(SubnetRequest.of(Cidr.parse("10.101.0.0/24"))));
        created(EnvironmentSpec.of("b", "k3d"));
        created(EnvironmentSpec.of("c", "k3d").withSubnet(SubnetRequest.of(Cidr.parse("10.102.0.0/24"))));

        ApplyPlan plan = engine.plan(List.of(EnvironmentSpec.of("a", "k3d"),
                EnvironmentSpec.of("b", "k3d").withSubnet(SubnetRequest.of(Cidr.parse("10.103.0.0/24"))),
                EnvironmentSpec.of("c", "k3d").withSubnet(SubnetRequest.of(Cidr.parse("10.104.0.0/24")))), false);

        assertThat(plan.toUpdate()).extracting(ApplyPlan.Update::changes).containsExactly(
                List.of(new FieldChange("subnet", null, "10.101.0.0/24", "none", true)),
                List.of(new FieldChange("subnet", null, "none", "10.103.0.0/24", true)),
                List.of(new FieldChange("subnet", null, "10.102.0.0/24", "10.104.0.0/24", true)));
    }

    @Test
    void labelsAndTheNodePortChangeInPlaceWithoutTouchingTheCluster() {
        Environment before = created(dev());
        hookCalls.clear();
        EnvironmentSpec wanted = dev().withLabels(Map.of("team", "b")).withNodePort(30081);

        ReconcileReport r = apply(false, wanted);

        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.UPDATED, ActualState.RUNNING, null));
        Environment after = store.get("dev");
        assertThat(after.labels()).containsEntry("team", "b");
        assertThat(after.nodePort()).isEqualTo(30081);
        assertThat(after.ports()).isEqualTo(before.ports());
        assertThat(after.version()).isEqualTo(before.version() + 1);
        assertThat(k3d.count("create dev")).isEqualTo(1);
        assertThat(k3d.count("delete dev")).isZero();
        assertThat(hookCalls).isEmpty();
        assertThat(engine.plan(List.of(wanted), false).unchanged()).containsExactly("dev");
    }

    @Test
    void withoutReplaceAnApplyThatNeedsANewClusterIsRefusedAndChangesNothing() {
        created(dev());
        created(EnvironmentSpec.of("web", "k3d").withLabels(Map.of("team", "a")));
        List<Environment> before = store.list(EnvironmentFilter.ALL);
        EnvironmentSpec moved = dev().withPorts(new HostPorts(18090, null, null, null));
        EnvironmentSpec relabelled = EnvironmentSpec.of("web", "k3d").withLabels(Map.of("team", "b"));

        assertThatThrownBy(() -> apply(false, moved, relabelled, EnvironmentSpec.of("qa", "k3d")))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessage("1 environment needs a new cluster: dev (http 18080 -> 18090); nothing was changed; "
                        + "an apply that may replace deletes it and creates it again under the same name");

        assertThat(store.list(EnvironmentFilter.ALL)).isEqualTo(before);
        assertThat(k3d.has("qa")).isFalse();
    }

    @Test
    void anOptionTheProviderRefusesIsInvalidInputAndNothingIsWritten() {
        created(dev());
        List<Environment> before = store.list(EnvironmentFilter.ALL);
        EnvironmentSpec refused = EnvironmentSpec.of("qa", "kind").withOptions(Map.of("refused", "1"));
        EnvironmentSpec changed = dev().withOptions(Map.of("servers", "1", "refused", "1"));

        for (boolean replace : List.of(false, true)) {
            assertThatThrownBy(() -> apply(replace, EnvironmentSpec.of("web", "k3d"), refused))
                    .isInstanceOfSatisfying(EnvctlException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessage("environment 'qa': environment qa has option(s) [refused] that kind does not know");
            assertThatThrownBy(() -> apply(replace, changed)).isInstanceOfSatisfying(EnvctlException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessageStartingWith("environment 'dev': ");
        }
        // the plan (diff, --dry-run) refuses them too, for an existing environment as for a new one, naming it
        for (EnvironmentSpec spec : List.of(refused, changed)) {
            assertThatThrownBy(() -> engine.plan(List.of(EnvironmentSpec.of("web", "k3d"), spec), false))
                    .isInstanceOfSatisfying(EnvctlException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessageStartingWith("environment '" + spec.name() + "': ");
        }
        assertThatThrownBy(() -> engine.create(refused, ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));

        assertThat(store.list(EnvironmentFilter.ALL)).isEqualTo(before);
        assertThat(k3d.has("web")).isFalse();
        assertThat(kind.calls()).isEmpty();
    }

    @Test
    void replaceDeletesTheOldClusterAndCreatesTheNewOneUnderTheSameName() {
        created(dev());
        hookCalls.clear();
        EnvironmentSpec wanted = new EnvironmentSpec("dev", "kind", new HostPorts(18090, null, null, null),
                SubnetRequest.NONE, 30080, Map.of("team", "b"), Map.of("servers", "1"));

        ReconcileReport r = apply(true, wanted);

        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.REPLACED, ActualState.RUNNING, null));
        Environment after = store.get("dev");
        assertThat(after.provider()).isEqualTo("kind");
        assertThat(after.ports().http()).isEqualTo(18090);
        assertThat(after.ports().complete()).isTrue();
        assertThat(after.labels()).containsEntry("team", "b").doesNotContainKey(LifecycleEngine.REPLACING_LABEL);
        assertThat(after.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(k3d.has("dev")).isFalse();
        assertThat(kind.has("dev")).isTrue();
        assertThat(hookCalls).containsExactly("pre-delete dev k3d 18080", "post-delete dev k3d 18080",
                "post-create dev kind 18090");
        assertThat(engine.plan(List.of(wanted), false).unchanged()).containsExactly("dev");
        StoreInvariants.assertHold(store.list(EnvironmentFilter.ALL));
    }

    @Test
    void aReplacementWhoseNewSpecCannotBeAllocatedRefusesTheApplyChangingNothing() {
        Environment before = created(dev());
        created(EnvironmentSpec.of("web", "k3d").withPorts(new HostPorts(18090, null, null, null)));
        List<Environment> all = store.list(EnvironmentFilter.ALL);
        hookCalls.clear();
        EnvironmentSpec taken = dev().withPorts(new HostPorts(18090, null, null, null));

        assertThatThrownBy(() -> apply(true, taken, EnvironmentSpec.of("qa", "k3d")))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).startsWith("apply refused, nothing was changed: dev: http port 18090 "
                            + "is already held by environment 'web'");
                });

        assertThat(store.get("dev")).isEqualTo(before);
        assertThat(store.list(EnvironmentFilter.ALL)).isEqualTo(all);
        assertThat(k3d.has("dev")).isTrue();
        assertThat(k3d.count("delete dev")).isZero();
        assertThat(k3d.has("qa")).isFalse();
        assertThat(hookCalls).isEmpty();
    }

    @Test
    void anEntryAllocatedFirstLeavesThePortsAndSubnetALaterEntryNames() {
        // defaults: the lowest free http port is 18080, the lowest free api port 26443, the first /24 10.100.0.0
        ReconcileReport r = apply(false, EnvironmentSpec.of("auto", "k3d").withSubnet(SubnetRequest.AUTO),
                EnvironmentSpec.of("named", "kind").withPorts(new HostPorts(18080, null, null, 26443))
                        .withSubnet(SubnetRequest.parse("10.100.0.0/24")));

        assertThat(r.outcomes()).extracting(Outcome::action).containsOnly(Action.CREATED);
        Environment named = store.get("named");
        Environment auto = store.get("auto");
        assertThat(named.ports().http()).isEqualTo(18080);
        assertThat(named.ports().api()).isEqualTo(26443);
        assertThat(named.subnet()).isEqualTo(Cidr.parse("10.100.0.0/24"));
        assertThat(auto.ports().http()).isEqualTo(18081);
        assertThat(auto.ports().api()).isEqualTo(26444);
        assertThat(auto.subnet()).isEqualTo(Cidr.parse("10.100.1.0/24"));
        StoreInvariants.assertHold(store.list(EnvironmentFilter.ALL));
    }

    @Test
    void aKeptRecordIsCreatedAgainAsTheFileSaysAndASecondApplyChangesNothing() {
        created(EnvironmentSpec.of("kept", "k3d").withSubnet(SubnetRequest.AUTO));
        Environment web = created(EnvironmentSpec.of("web", "k3d"));
        engine.delete("kept", true, ProgressListener.NONE);
        EnvironmentSpec wanted = EnvironmentSpec.of("kept", "kind").withPorts(new HostPorts(18300, null, null, null));

        ReconcileReport r = apply(false, wanted, EnvironmentSpec.of("web", "k3d"));

        assertThat(outcome(r, "kept").action()).isEqualTo(Action.CREATED);
        Environment kept = store.get("kept");
        assertThat(kept.provider()).isEqualTo("kind");
        assertThat(kept.ports().http()).isEqualTo(18300);
        assertThat(kept.subnet()).as("a subnet the file leaves out is none").isNull();
        assertThat(kept.labels()).doesNotContainKey(LifecycleEngine.KEEP_RECORD_LABEL);
        assertThat(kind.has("kept")).isTrue();
        assertThat(apply(false, wanted, EnvironmentSpec.of("web", "k3d")).outcomes()).extracting(Outcome::action)
                .containsOnly(Action.UNCHANGED);

        engine.delete("kept", true, ProgressListener.NONE);
        List<Environment> before = store.list(EnvironmentFilter.ALL);
        assertThatThrownBy(() -> apply(false, wanted.withPorts(new HostPorts(web.ports().http(), null, null, null))))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).startsWith("apply refused, nothing was changed: kept: http port "
                            + web.ports().http() + " is already held by environment 'web'");
                });
        assertThat(store.list(EnvironmentFilter.ALL)).isEqualTo(before);
    }

    @Test
    void aFileWhoseEntriesAskForOnePortIsRefusedBeforeItPrunesOrCreatesAnything() {
        created(dev());
        created(EnvironmentSpec.of("web", "k3d"));
        List<Environment> all = store.list(EnvironmentFilter.ALL);
        hookCalls.clear();

        assertThatThrownBy(() -> engine.apply(List.of(
                EnvironmentSpec.of("x1", "k3d").withPorts(new HostPorts(20000, null, null, null)),
                EnvironmentSpec.of("x2", "k3d").withPorts(new HostPorts(20000, null, null, null))), true, false,
                ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).startsWith("apply refused, nothing was changed: x2: ")
                            .contains("http port 20000 is already held by environment 'x1'");
                });

        assertThat(store.list(EnvironmentFilter.ALL)).as("nothing pruned, nothing created").isEqualTo(all);
        assertThat(k3d.has("dev")).isTrue();
        assertThat(k3d.has("x1")).isFalse();
        assertThat(hookCalls).isEmpty();
    }

    @Test
    void anAdoptedClusterIsRecordedWithThePortsItPublishesNotPoolPorts() {
        k3d.putCluster("old", true);
        k3d.publish("old", Map.of(PortRole.HTTP, 18555, PortRole.HTTPS, 18556, PortRole.API, 26999));

        ReconcileReport r = apply(false, EnvironmentSpec.of("old", "k3d").withPorts(new HostPorts(18100, null, null,
                null)));

        assertThat(r.outcomes()).containsExactly(new Outcome("old", Action.UNCHANGED, ActualState.RUNNING, null));
        Environment old = store.get("old");
        assertThat(old.ports().http()).as("what the cluster binds, over what the file said").isEqualTo(18555);
        assertThat(old.ports().https()).isEqualTo(18556);
        assertThat(old.ports().api()).isEqualTo(26999);
        assertThat(old.ports().pf()).as("never published: allocated").isNotNull();
        assertThat(k3d.count("create old")).isZero();
        assertThat(hookCalls).isEmpty();
        assertThat(created(EnvironmentSpec.of("next", "k3d")).ports().http()).as("18100 is free again")
                .isEqualTo(18080);
    }

    @Test
    void anAdoptedClusterPublishingAPortAnotherEnvironmentHoldsIsFailedNamingBoth() {
        created(EnvironmentSpec.of("web", "k3d").withPorts(new HostPorts(18555, null, null, null)));
        k3d.putCluster("old", true);
        k3d.publish("old", Map.of(PortRole.HTTP, 18555));

        Outcome o = outcome(apply(false, EnvironmentSpec.of("old", "k3d")), "old");

        assertThat(o.action()).isEqualTo(Action.FAILED);
        assertThat(o.error()).startsWith("its existing k3d cluster binds http port 18555 (recorded ")
                .contains("environment 'web'").endsWith("delete that cluster or the environment holding the port");
        assertThat(store.get("old").actualState()).isEqualTo(ActualState.FAILED);
        assertThat(store.get("web").ports().http()).isEqualTo(18555);
    }

    @Test
    void aFailedEnvironmentTheFileListsIsRetriedChangedInPlaceOrNot() {
        k3d.failNextCreate("port is already allocated");
        assertThat(engine.create(dev(), ProgressListener.NONE).actualState()).isEqualTo(ActualState.FAILED);
        k3d.failNextCreate("port is already allocated");
        EnvironmentSpec web = EnvironmentSpec.of("web", "k3d");
        assertThat(engine.create(web, ProgressListener.NONE).actualState()).isEqualTo(ActualState.FAILED);

        ReconcileReport r = apply(false, dev().withLabels(Map.of("team", "b")), web);

        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.CREATED, ActualState.RUNNING, null),
                new Outcome("web", Action.CREATED, ActualState.RUNNING, null));
        assertThat(store.get("dev").labels()).containsEntry("team", "b");
        assertThat(k3d.has("dev")).isTrue();
        assertThat(k3d.has("web")).isTrue();
        assertThat(hookCalls).contains("post-create dev k3d 18080", "post-create web k3d " + store.get("web")
                .ports().http());
    }

    @Test
    void aReplacementCutShortIsFinishedByTheNextReconcile() {
        created(dev());
        k3d.duringDelete(e -> {
            throw new CrashError();
        });
        EnvironmentSpec wanted = dev().withPorts(new HostPorts(18090, null, null, null));

        assertThatThrownBy(() -> apply(true, wanted)).isInstanceOf(CrashError.class);
        Environment marked = store.get("dev");
        assertThat(marked.ports().http()).as("the new spec is recorded first").isEqualTo(18090);
        assertThat(marked.labels()).containsKey(LifecycleEngine.REPLACING_LABEL);

        k3d.duringDelete(e -> { });
        ReconcileReport r = engine.reconcile(List.of(), ProgressListener.NONE);

        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.REPLACED, ActualState.RUNNING, null));
        assertThat(r.unmanaged()).isEmpty();
        assertThat(store.get("dev").labels()).doesNotContainKey(LifecycleEngine.REPLACING_LABEL);
        assertThat(k3d.has("dev")).isTrue();
        assertThat(k3d.count("create dev")).isEqualTo(2);
    }

    @Test
    void aReplacementRecordedButNeverConvergedIsFinishedByTheSameApplyRunAgain() {
        Environment old = created(dev());
        // what an apply --replace leaves when its process dies (or the store goes away) between recording the new
        // spec and starting the converge: the new spec, the mark, and the state the record had
        Map<String, String> labels = new java.util.HashMap<>(old.labels());
        labels.put(LifecycleEngine.REPLACING_LABEL, "provider=k3d subnet=none http=18080 https="
                + old.ports().https() + " pf=" + old.ports().pf() + " api=" + old.ports().api());
        store.update(old.withPorts(new HostPorts(18090, old.ports().https(), old.ports().pf(), old.ports().api()))
                .withLabels(labels), old.version());
        EnvironmentSpec wanted = dev().withPorts(new HostPorts(18090, null, null, null));

        ApplyPlan plan = engine.plan(List.of(wanted), false);
        ReconcileReport r = apply(false, wanted);

        assertThat(plan.toResume()).as("the old cluster is still to be deleted").containsExactly("dev");
        assertThat(plan.unchanged()).isEmpty();
        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.REPLACED, ActualState.RUNNING, null));
        assertThat(store.get("dev").labels()).doesNotContainKey(LifecycleEngine.REPLACING_LABEL);
        assertThat(hookCalls).contains("pre-delete dev k3d 18080", "post-create dev k3d 18090");
        assertThat(k3d.count("create dev")).isEqualTo(2);
    }

    @Test
    void aStoppedEnvironmentStaysStoppedAndIsReplacedAtItsStart() {
        created(dev());
        engine.stop("dev", ProgressListener.NONE);
        EnvironmentSpec same = dev();
        assertThat(engine.plan(List.of(same), false).unchanged()).containsExactly("dev");

        ReconcileReport r = apply(true, dev().withOptions(Map.of("servers", "3")));

        assertThat(r.outcomes()).containsExactly(new Outcome("dev", Action.REPLACED, ActualState.STOPPED, null));
        assertThat(k3d.has("dev")).isFalse();
        Environment stopped = store.get("dev");
        assertThat(stopped.desiredState()).isEqualTo(DesiredState.STOPPED);
        assertThat(stopped.options()).containsEntry("servers", "3");
        assertThat(engine.start("dev", ProgressListener.NONE).actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(k3d.running("dev")).isTrue();
    }

    /**
     * Stands for the process dying inside a provider call: a {@link VirtualMachineError}, the only kind of failure
     * the engine does not take for the plugin's.
     */
    static final class CrashError extends VirtualMachineError {
        private static final long serialVersionUID = 1L;

        CrashError() {
            super("process died");
        }
    }
}
