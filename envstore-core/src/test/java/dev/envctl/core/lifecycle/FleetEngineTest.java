package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Envctl;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.HostRequest;
import dev.envctl.core.hook.HookVariables;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.HookPhase;
import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.DelegatingStore;
import dev.envctl.core.testing.ScriptedClusterProvider;
import dev.envctl.core.testing.Stderr;
import dev.envctl.core.testing.StoreInvariants;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The engine over several hosts: each environment acted on with its host's provider, hosts failing alone. */
class FleetEngineTest {
    private static final String TWO_DOCKER = "tcp://two.example:2375";
    private static final String THREE_DOCKER = "ssh://me@three.example";

    private final Fixture f = new Fixture();
    private final PerHostFactory factory = new PerHostFactory();
    private final List<Map<String, String>> hookVariables = Collections.synchronizedList(new ArrayList<>());

    FleetEngineTest() {
        f.store.addHost(new Host("two", TWO_DOCKER, "192.168.1.20", Map.of(), null));
        f.store.addHost(new Host("three", THREE_DOCKER, null, Map.of(), null));
    }

    private LifecycleEngine engine() {
        HostProviders providers = HostProviders.fromFactories(PluginRegistry.of(List.of(), List.of(factory),
                List.of()), Map.of("k3d", Map.of("timeout", "60s")), Map.of("PATH", "/usr/bin"));
        LifecycleHook hook = new LifecycleHook() {
            @Override
            public String name() {
                return "variables";
            }

            @Override
            public void run(HookPhase phase, Environment environment) {
                throw new AssertionError("the engine tells hooks the host");
            }

            @Override
            public void run(HookPhase phase, Environment environment, Host host) {
                hookVariables.add(HookVariables.of(environment, host, phase));
            }
        };
        return new LifecycleEngine(f.store, f.allocator, providers, List.of(hook), EngineOptions.defaults());
    }

    private ScriptedClusterProvider local() {
        return factory.on("");
    }

    private ScriptedClusterProvider two() {
        return factory.on(TWO_DOCKER);
    }

    private ScriptedClusterProvider three() {
        return factory.on(THREE_DOCKER);
    }

    private static EnvironmentSpec on(String name, String host) {
        return Fixture.spec(name).withHost(HostRequest.of(host));
    }

    @Test
    void createsAndDeletesGoToTheProviderOfTheEnvironmentsHost() {
        LifecycleEngine engine = engine();

        Environment a = engine.create(on("a", "local"), ProgressListener.NONE);
        Environment b = engine.create(on("b", "two"), ProgressListener.NONE);

        assertThat(a.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(b.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(b.host()).isEqualTo("two");
        assertThat(b.ports()).isEqualTo(a.ports()); // ports are per host
        assertThat(local().calls()).contains("create a").doesNotContain("create b");
        assertThat(two().calls()).contains("create b").doesNotContain("create a");

        engine.delete("b", false, ProgressListener.NONE);

        assertThat(two().calls()).contains("delete b");
        assertThat(local().calls()).doesNotContain("delete b");
        assertThat(two().has("b")).isFalse();
        assertThat(local().has("a")).isTrue();
        assertThat(f.store.find("b")).isEmpty();
        StoreInvariants.assertHold(f.store.list(dev.envctl.core.EnvironmentFilter.ALL));
    }

    @Test
    void aPlanAsksTheStoreForEachHostOnceNotOncePerRecordOnIt() {
        LifecycleEngine creating = engine();
        List<EnvironmentSpec> specs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            specs.add(on("e" + i, "two"));
            creating.create(specs.get(i), ProgressListener.NONE);
        }
        AtomicInteger asked = new AtomicInteger();
        EnvironmentStore counting = new DelegatingStore(f.store) {
            @Override
            public Optional<Host> findHost(String name) {
                asked.incrementAndGet();
                return f.store.findHost(name);
            }
        };
        LifecycleEngine engine = new LifecycleEngine(counting, f.allocator, HostProviders.fromFactories(
                PluginRegistry.of(List.of(), List.of(factory), List.of()), Map.of(), Map.of("PATH", "/usr/bin")),
                List.of(), EngineOptions.defaults());
        int before = two().calls().size();

        ApplyPlan plan = engine.plan(specs, false);

        assertThat(plan.unchanged()).hasSize(10);
        assertThat(two().calls().subList(before, two().calls().size())).containsExactly("list");
        // each running record is looked up in its host's listing: the host is found once for that listing
        assertThat(asked.get()).isEqualTo(1);
    }

    /**
     * Host look-ups ({@code findHost}), reads of all hosts ({@code hosts}) and reads of records ({@code find},
     * {@code list}) an engine over the store asks for.
     */
    private final AtomicInteger found = new AtomicInteger();
    private final AtomicInteger read = new AtomicInteger();
    private final AtomicInteger recordReads = new AtomicInteger();

    private LifecycleEngine counting() {
        return new LifecycleEngine(countingStore(), f.allocator, HostProviders.fromFactories(
                PluginRegistry.of(List.of(), List.of(factory), List.of()), Map.of(), Map.of("PATH", "/usr/bin")),
                List.of(), EngineOptions.defaults());
    }

    private EnvironmentStore countingStore() {
        return new DelegatingStore(f.store) {
            @Override
            public Optional<Host> findHost(String name) {
                found.incrementAndGet();
                return f.store.findHost(name);
            }

            @Override
            public List<Host> hosts() {
                read.incrementAndGet();
                return f.store.hosts();
            }

            @Override
            public Optional<Environment> find(String name) {
                recordReads.incrementAndGet();
                return f.store.find(name);
            }

            @Override
            public List<Environment> list(dev.envctl.core.EnvironmentFilter filter) {
                recordReads.incrementAndGet();
                return f.store.list(filter);
            }
        };
    }

    /** The calls {@code provider} got from the {@code from}th on that were listings. */
    private static long listings(ScriptedClusterProvider provider, int from) {
        return provider.calls().subList(from, provider.calls().size()).stream().filter("list"::equals).count();
    }

    @Test
    void aRoundReadsTheStoresHostsOnceNotOnceForEachRecordItConverges() {
        LifecycleEngine creating = engine();
        for (int i = 0; i < 10; i++) {
            creating.create(on("e" + i, i % 2 == 0 ? "two" : "three"), ProgressListener.NONE);
        }
        LifecycleEngine engine = counting();

        ReconcileReport report = engine.reconcile(List.of(), ProgressListener.NONE);

        assertThat(report.outcomes()).hasSize(10).allMatch(o -> o.action() == Action.UNCHANGED);
        assertThat(found.get()).isZero();
        assertThat(read.get()).isEqualTo(1);
    }

    @Test
    void anApplyMovingManyEnvironmentsLooksUpEachHostOnceForItsPlan() {
        LifecycleEngine creating = engine();
        List<EnvironmentSpec> moved = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            creating.create(on("e" + i, "two"), ProgressListener.NONE);
            moved.add(on("e" + i, "three"));
        }
        LifecycleEngine engine = counting();

        ReconcileReport report = engine.apply(moved, false, true, ProgressListener.NONE);

        assertThat(report.outcomes()).hasSize(10).allMatch(o -> o.action() == Action.REPLACED);
        assertThat(f.store.list(dev.envctl.core.EnvironmentFilter.ALL)).extracting(Environment::host)
                .containsOnly("three");
        // the hosts are read once for the plan's check and once for the round that converges the moves
        assertThat(found.get()).isZero();
        assertThat(read.get()).isEqualTo(2);
    }

    @Test
    void aStopOrStartOfManyNamesListsEachProviderOnceOnEachHostAndReadsTheHostsOnce() {
        LifecycleEngine creating = engine();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            creating.create(on("e" + i, i % 2 == 0 ? "two" : "three"), ProgressListener.NONE);
            names.add("e" + i);
        }
        LifecycleEngine engine = counting();
        for (DesiredState asked : List.of(DesiredState.STOPPED, DesiredState.PRESENT, DesiredState.PRESENT)) {
            int two = two().calls().size();
            int three = three().calls().size();
            found.set(0);
            read.set(0);

            List<Environment> ended = asked == DesiredState.STOPPED ? engine.stop(names, ProgressListener.NONE)
                    : engine.start(names, ProgressListener.NONE);

            assertThat(ended).extracting(Environment::name).containsExactlyElementsOf(names);
            assertThat(ended).extracting(Environment::actualState).containsOnly(asked == DesiredState.STOPPED
                    ? ActualState.STOPPED : ActualState.RUNNING);
            assertThat(names).allSatisfy(n -> assertThat((n.charAt(1) - '0') % 2 == 0 ? two().running(n)
                    : three().running(n)).isEqualTo(asked == DesiredState.PRESENT));
            // the last start, of running environments, finds each running in its host's listing: no stop or start
            assertThat(listings(two(), two)).as("listings on two").isEqualTo(1);
            assertThat(listings(three(), three)).as("listings on three").isEqualTo(1);
            assertThat(found.get()).isZero();
            assertThat(read.get()).isEqualTo(1);
        }
        assertThat(two().calls()).filteredOn(c -> c.startsWith("start ")).hasSize(5);
    }

    /** As a stop or start of many names: the store's hosts are read once for them all, none looked up per name. */
    @Test
    void aDeleteOfManyNamesReadsTheHostsOnceNotOnceForEachName() {
        LifecycleEngine creating = engine();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            creating.create(on("e" + i, i % 2 == 0 ? "two" : "three"), ProgressListener.NONE);
            names.add("e" + i);
        }
        LifecycleEngine engine = counting();
        int two = two().calls().size();
        int three = three().calls().size();

        Map<String, Optional<Environment>> left = new LinkedHashMap<>(engine.delete(names.subList(0, 6), false,
                ProgressListener.NONE));
        left.putAll(engine.delete(names.subList(6, 10), true, ProgressListener.NONE));

        assertThat(left.keySet()).containsExactlyElementsOf(names);
        assertThat(left.values().stream().flatMap(Optional::stream)).extracting(Environment::name)
                .containsExactly("e6", "e7", "e8", "e9");
        assertThat(two().calls().subList(two, two().calls().size())).containsExactlyInAnyOrder("delete e0",
                "delete e2", "delete e4", "delete e6", "delete e8");
        assertThat(three().calls().subList(three, three().calls().size())).containsExactlyInAnyOrder("delete e1",
                "delete e3", "delete e5", "delete e7", "delete e9");
        assertThat(found.get()).isZero();
        assertThat(read.get()).isEqualTo(2);
    }

    @Test
    void aDryRunCreateOfManySpecsListsEachProviderOnceOnEachHost() {
        List<EnvironmentSpec> specs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            specs.add(on("e" + i, i % 2 == 0 ? "two" : "three"));
        }
        two().putCluster("taken", true);
        Envctl envctl = Envctl.builder().store(countingStore())
                .plugins(PluginRegistry.of(List.of(), List.of(factory), List.of()))
                .environment(Map.of("PATH", "/usr/bin")).build();

        assertThat(envctl.dryRunCreate(specs)).extracting(s -> s.environment().host())
                .containsExactly("two", "three", "two", "three", "two", "three", "two", "three", "two", "three");

        assertThat(listings(two(), 0)).isEqualTo(1);
        assertThat(listings(three(), 0)).isEqualTo(1);
        // each host found once for its commands' variables; its listing takes the hosts the dry run read
        assertThat(found.get()).isEqualTo(2);
        specs.add(on("taken", "two"));
        assertThatThrownBy(() -> envctl.dryRunCreate(specs)).isInstanceOfSatisfying(EnvctlException.class, e ->
                assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT)).hasMessageStartingWith("a k3d cluster named "
                + "'taken' already exists on host 'two' and no envctl record owns it");
    }

    /**
     * A CSV store reads its whole file for each read of a record or host: a dry run reads the records once, and lists
     * on the hosts it read.
     */
    @Test
    void aDryRunOfManyCreatesReadsTheRecordsOnceAndListsOnTheHostsItRead() {
        f.store.create(on("held", "two"), f.allocator);
        List<EnvironmentSpec> specs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            specs.add(on("e" + i, i % 2 == 0 ? "two" : "three"));
        }
        Envctl envctl = Envctl.builder().store(countingStore())
                .plugins(PluginRegistry.of(List.of(), List.of(factory), List.of()))
                .environment(Map.of("PATH", "/usr/bin")).build();

        assertThat(envctl.dryRunCreate(specs)).hasSize(10);
        assertThat(recordReads.get()).as("reads of records by the dry run of creates").isEqualTo(1);

        ApplyPlan plan = envctl.plan(specs, false);
        recordReads.set(0);
        found.set(0);

        assertThat(envctl.dryRun(plan)).hasSize(10).extracting(PlannedStep::kind).containsOnly(PlannedStep.Kind.CREATE);
        assertThat(recordReads.get()).as("reads of records by the dry run of a plan").isEqualTo(1);
        // each host found once for its commands' variables; its listing takes the hosts the dry run read
        assertThat(found.get()).as("hosts looked up by the dry run of a plan").isEqualTo(2);
    }

    /**
     * Makes the next listing on host two wait until it is interrupted (as a signal's tools are ended), recording that
     * it was; returns a latch that opens once that listing runs.
     */
    private CountDownLatch listingOnTwoWaitsForAnInterrupt(List<String> interrupted) {
        CountDownLatch listing = new CountDownLatch(1);
        two().duringNextList(() -> {
            listing.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.add("two");
                Thread.currentThread().interrupt();
            }
        });
        return listing;
    }

    @Test
    void anInterruptWhileAStopOfSeveralNamesListsSeveralHostsEndsItQuietlyAndStaysSet() throws Exception {
        LifecycleEngine engine = engine();
        engine.create(on("a", "two"), ProgressListener.NONE);
        engine.create(on("b", "three"), ProgressListener.NONE);
        List<String> interrupted = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch listing = listingOnTwoWaitsForAnInterrupt(interrupted);
        AtomicReference<Object> ended = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread stopper = new Thread(() -> {
            try {
                ended.set(engine.stop(List.of("a", "b"), ProgressListener.NONE));
            } catch (RuntimeException e) {
                ended.set(e);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        stopper.start();
        listing.await();

        stopper.interrupt();
        stopper.join(20_000);

        assertThat(stopper.isAlive()).isFalse();
        assertThat(ended.get()).as("what the stop returned or threw").isInstanceOf(List.class);
        assertThat(stillInterrupted).as("the interrupt stays set for the caller").isTrue();
        assertThat(interrupted).as("the listing in flight got the interrupt").containsExactly("two");
    }

    @Test
    void anInterruptWhileAWatchListsSeveralHostsEndsItQuietly() throws Exception {
        LifecycleEngine engine = engine();
        engine.create(on("a", "two"), ProgressListener.NONE);
        engine.create(on("b", "three"), ProgressListener.NONE);
        List<String> interrupted = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch listing = listingOnTwoWaitsForAnInterrupt(interrupted);
        AtomicInteger rounds = new AtomicInteger();
        AtomicReference<String> stderr = new AtomicReference<>();
        Thread watcher = new Thread(() -> stderr.set(Stderr.of(() -> engine.watch(Duration.ofSeconds(30),
                new AtomicBoolean(), ProgressListener.NONE, r -> rounds.incrementAndGet()))));
        watcher.start();
        listing.await();

        watcher.interrupt();
        watcher.join(20_000);

        assertThat(watcher.isAlive()).isFalse();
        assertThat(rounds).as("a round the interrupt cut is not delivered").hasValue(0);
        assertThat(stderr.get()).doesNotContain("WARN").doesNotContain("interrupted while listing")
                .contains("reconciler stopped after 1 rounds");
        assertThat(interrupted).containsExactly("two");
    }

    @Test
    void aHostThatDoesNotAnswerFailsOnlyItsOwnEnvironmentsAndTheReportNamesIt() {
        LifecycleEngine engine = engine();
        for (String[] e : new String[][] {{"a", "local"}, {"b", "two"}, {"c", "three"}}) {
            f.store.create(on(e[0], e[1]), f.allocator);
        }
        two().failNextList("Cannot connect to the Docker daemon at " + TWO_DOCKER);

        ReconcileReport report = engine.reconcile(List.of(), ProgressListener.NONE);

        assertThat(report.ok()).isFalse();
        assertThat(report.outcomes()).extracting(Outcome::name, Outcome::action)
                .containsExactly(tuple("a", Action.CREATED),
                        tuple("b", Action.FAILED),
                        tuple("c", Action.CREATED));
        Outcome b = report.outcomes().get(1);
        assertThat(b.error()).startsWith("host 'two' did not answer").contains("Cannot connect to the Docker daemon");
        assertThat(report.failure()).as("a host not answering is its provider failing").contains(ErrorCode.PROVIDER_FAILED);
        assertThat(b.state()).isEqualTo(ActualState.UNKNOWN);
        assertThat(f.store.get("b").actualState()).isEqualTo(ActualState.UNKNOWN); // left as it was
        assertThat(two().calls()).containsExactly("list");
        assertThat(local().has("a")).isTrue();
        assertThat(three().has("c")).isTrue();

        ReconcileReport next = engine.reconcile(List.of(), ProgressListener.NONE);

        assertThat(next.ok()).isTrue();
        assertThat(two().has("b")).isTrue();
    }

    @Test
    void aCreateOnAHostThatDoesNotAnswerFailsThatCreateOnly() {
        LifecycleEngine engine = engine();
        two().failNextList("connection refused");

        assertThatThrownBy(() -> engine.create(on("b", "two"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED);
                    assertThat(e.getMessage()).startsWith("host 'two' did not answer").contains("connection refused");
                });
        assertThat(f.store.find("b")).isEmpty();
        assertThat(engine.create(on("a", "local"), ProgressListener.NONE).actualState())
                .isEqualTo(ActualState.RUNNING);
    }

    @Test
    void aHostsProviderGetsItsDockerEndpointAndItsAddressForTheApi() {
        LifecycleEngine engine = engine();
        engine.create(on("a", "local"), ProgressListener.NONE);
        engine.create(on("b", "two"), ProgressListener.NONE);
        engine.create(on("c", "three"), ProgressListener.NONE);

        assertThat(factory.environments).containsExactly(
                Map.of("PATH", "/usr/bin"),
                Map.of("PATH", "/usr/bin", "DOCKER_HOST", TWO_DOCKER),
                Map.of("PATH", "/usr/bin", "DOCKER_HOST", THREE_DOCKER));
        assertThat(factory.settings).containsExactly(
                Map.of("timeout", "60s"),
                Map.of("timeout", "60s", HostProviders.API_LISTEN_ADDRESS, "192.168.1.20"),
                Map.of("timeout", "60s")); // three has no address: the provider's default stands
    }

    @Test
    void aDockerContextHostGetsDockerContextAndNoDockerHost() {
        f.store.addHost(new Host("ctx", "context:builder", null, Map.of(), null));
        HostProviders providers = HostProviders.fromFactories(PluginRegistry.of(List.of(), List.of(factory),
                List.of()), Map.of(), Map.of("DOCKER_HOST", "unix:///caller.sock"));

        providers.get("k3d", f.store.findHost("ctx").orElseThrow());

        assertThat(factory.environments.get(1)).containsEntry("DOCKER_CONTEXT", "builder")
                .containsEntry("DOCKER_HOST", ""); // empty: Docker reads it as unset, so the context applies
    }

    @Test
    void providersAreMadeOncePerHost() {
        LifecycleEngine engine = engine();
        engine.create(on("b", "two"), ProgressListener.NONE);
        engine.create(on("c", "two"), ProgressListener.NONE);
        engine.reconcile(List.of(), ProgressListener.NONE);

        assertThat(factory.environments).hasSize(3); // local, two (made on first use), three (listed by reconcile)
    }

    @Test
    void hooksAreToldTheHostNameEndpointAndAddress() {
        LifecycleEngine engine = engine();
        engine.create(on("a", "local"), ProgressListener.NONE);
        engine.create(on("b", "two"), ProgressListener.NONE);

        assertThat(hookVariables.get(0)).containsEntry("ENVCTL_NAME", "a").containsEntry("ENVCTL_HOST_NAME", "local")
                .containsEntry("ENVCTL_HOST_DOCKER", "").containsEntry("ENVCTL_HOST_ADDRESS", "");
        assertThat(hookVariables.get(1)).containsEntry("ENVCTL_NAME", "b").containsEntry("ENVCTL_HOST_NAME", "two")
                .containsEntry("ENVCTL_HOST_DOCKER", TWO_DOCKER).containsEntry("ENVCTL_HOST_ADDRESS", "192.168.1.20");
    }

    @Test
    void unmanagedClustersOnAnotherHostAreReportedWithTheirHost() {
        LifecycleEngine engine = engine();
        two().putCluster("stray", true);
        local().putCluster("stray", true);

        ReconcileReport report = engine.reconcile(List.of(), ProgressListener.NONE);

        assertThat(report.unmanaged()).extracting(ClusterStatus::name, ClusterStatus::host)
                .containsExactly(tuple("stray", "local"),
                        tuple("stray", "two"));
    }

    @Test
    void anAutoPlacedCreateThatFindsAnUnownedClusterOnItsHostRemovesItsRecord() {
        f.store.addHost(new Host("four", "tcp://four.example:2375", null, Map.of("gpu", "true"), null));
        LifecycleEngine engine = engine();
        factory.on("tcp://four.example:2375").putCluster("g", true);

        assertThatThrownBy(() -> engine.create(Fixture.spec("g").withHost(HostRequest.auto(Map.of("gpu", "true"))),
                ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).contains("on host 'four'").contains("no envctl record owns it");
                });
        assertThat(f.store.find("g")).isEmpty();
    }

    @Test
    void anAutoPlacedCreateWhoseHostDoesNotAnswerIsPlacedOnTheNextHost() {
        f.store.addHost(new Host("four", "tcp://four.example:2375", null, Map.of("gpu", "true"), null));
        f.store.addHost(new Host("five", "tcp://five.example:2375", null, Map.of("gpu", "true"), null));
        LifecycleEngine engine = engine();
        ScriptedClusterProvider five = factory.on("tcp://five.example:2375"); // first by name among equals
        five.failNextList("Cannot connect to the Docker daemon at tcp://five.example:2375");

        Environment g = engine.create(Fixture.spec("g").withHost(HostRequest.auto(Map.of("gpu", "true"))),
                ProgressListener.NONE);

        assertThat(g.host()).isEqualTo("four");
        assertThat(g.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(five.calls()).containsExactly("list");
        assertThat(factory.on("tcp://four.example:2375").has("g")).isTrue();
        assertThat(f.store.list(dev.envctl.core.EnvironmentFilter.ALL)).extracting(Environment::name, Environment::host)
                .containsExactly(tuple("g", "four"));
    }

    @Test
    void anAutoPlacedCreateWhoseEveryHostDoesNotAnswerNamesEachAndRecordsNothing() {
        f.store.addHost(new Host("four", "tcp://four.example:2375", null, Map.of("gpu", "true"), null));
        f.store.addHost(new Host("five", "tcp://five.example:2375", null, Map.of("gpu", "true"), null));
        LifecycleEngine engine = engine();
        factory.on("tcp://five.example:2375").failNextList("connection refused by five");
        factory.on("tcp://four.example:2375").failNextList("connection refused by four");

        assertThatThrownBy(() -> engine.create(Fixture.spec("g").withHost(HostRequest.auto(Map.of("gpu", "true"))),
                ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED);
                    assertThat(e.getMessage()).startsWith("no host answered for environment 'g': host 'five' did "
                            + "not answer: ").contains("connection refused by five; host 'four' did not answer: ")
                            .endsWith("connection refused by four");
                });
        assertThat(f.store.list(dev.envctl.core.EnvironmentFilter.ALL)).isEmpty();
        assertThat(factory.on("tcp://four.example:2375").calls()).containsExactly("list");
    }

    @Test
    void anAutoPlacedCreateWhoseHostsDoNotAnswerOrAreFullNamesEachAndWhy() {
        f.store.addHost(new Host("four", "tcp://four.example:2375", null, Map.of("gpu", "true"), null));
        f.store.addHost(new Host("five", "tcp://five.example:2375", null, Map.of("gpu", "true"), 1));
        f.store.addHost(new Host("six", "tcp://six.example:2375", null, Map.of("gpu", "true"), 1));
        f.store.create(on("held", "six"), f.allocator);
        LifecycleEngine engine = engine();
        factory.on("tcp://five.example:2375").failNextList("connection refused by five");
        factory.on("tcp://four.example:2375").failNextList("connection refused by four");

        assertThatThrownBy(() -> engine.create(Fixture.spec("g").withHost(HostRequest.auto(Map.of("gpu", "true"))),
                ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED);
                    assertThat(e.getMessage()).startsWith("no host with room answered for environment 'g': host "
                            + "'four' did not answer: ").contains("connection refused by four; host 'five' did not "
                            + "answer: ").endsWith("connection refused by five; host 'six' is full: 1 of its "
                            + "capacity 1");
                });
        assertThat(f.store.list(dev.envctl.core.EnvironmentFilter.ALL)).extracting(Environment::name)
                .containsExactly("held");
    }

    @Test
    void anAutoPlacedCreateWhoseOneHostDoesNotAnswerAndTheOtherIsFullNamesBoth() {
        f.store.addHost(new Host("four", "tcp://four.example:2375", null, Map.of("gpu", "true"), null));
        f.store.addHost(new Host("six", "tcp://six.example:2375", null, Map.of("gpu", "true"), 1));
        f.store.create(on("held", "six"), f.allocator);
        LifecycleEngine engine = engine();
        factory.on("tcp://four.example:2375").failNextList("connection refused by four");

        assertThatThrownBy(() -> engine.create(Fixture.spec("g").withHost(HostRequest.auto(Map.of("gpu", "true"))),
                ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED);
                    assertThat(e.getMessage()).startsWith("no host with room answered for environment 'g': host "
                            + "'four' did not answer: ").endsWith("connection refused by four; host 'six' is full: "
                            + "1 of its capacity 1");
                });
        assertThat(f.store.find("g")).isEmpty();
    }

    @Test
    void anAutoCreateOnLocalAloneThatCannotListFailsWithThatOneError() {
        LifecycleEngine engine = engine();
        f.store.removeHost("two");
        f.store.removeHost("three");
        local().failNextList("Cannot connect to the Docker daemon at unix:///var/run/docker.sock");

        assertThatThrownBy(() -> engine.create(Fixture.spec("a").withHost(HostRequest.AUTO), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED);
                    assertThat(e.getMessage()).contains("Cannot connect to the Docker daemon")
                            .doesNotContain("no host answered");
                });
        assertThat(f.store.find("a")).isEmpty();
    }

    @Test
    void providersGivenAsInstancesServeLocalAndNameTheHostTheyCannotReach() {
        LifecycleEngine engine = f.engine();
        f.store.create(on("b", "two"), f.allocator);

        ReconcileReport report = engine.reconcile(List.of("b"), ProgressListener.NONE);

        assertThat(report.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.action()).isEqualTo(Action.FAILED);
            assertThat(o.error()).contains("cannot act on host 'two'");
        });
        assertThatThrownBy(() -> engine.create(on("c", "two"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED);
                    assertThat(e.getMessage()).contains("host 'two'");
                });
        assertThat(f.k3d.calls()).doesNotContain("create b", "create c");
    }

    @Test
    void aCreateOnAnUnknownHostIsInvalidInputAndRecordsNothing() {
        LifecycleEngine engine = engine();

        assertThatThrownBy(() -> engine.create(on("x", "nowhere"), ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("host 'nowhere' is unknown").contains("two");
                });
        assertThat(f.store.find("x")).isEmpty();
    }

    @Test
    void applyNamingAnotherHostReplacesTheClusterThereAndAFileThatSaysNothingLeavesItWhereItIs() {
        LifecycleEngine engine = engine();
        engine.create(on("a", "two"), ProgressListener.NONE);

        assertThat(engine.plan(List.of(Fixture.spec("a")), false).toUpdate()).isEmpty();
        assertThat(engine.plan(List.of(on("a", "auto")), false).toUpdate()).isEmpty();
        ApplyPlan move = engine.plan(List.of(on("a", "three")), false);
        assertThat(move.toUpdate()).singleElement().satisfies(u -> assertThat(u.changes())
                .containsExactly(new FieldChange("host", null, "two", "three", true)));
        assertThatThrownBy(() -> engine.apply(List.of(on("a", "three")), false, ProgressListener.NONE))
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));

        ReconcileReport r = engine.apply(List.of(on("a", "three")), false, true, ProgressListener.NONE);

        assertThat(r.outcomes()).extracting(Outcome::name, Outcome::action)
                .containsExactly(tuple("a", Action.REPLACED));
        assertThat(f.store.get("a").host()).isEqualTo("three");
        assertThat(f.store.get("a").labels()).doesNotContainKey(LifecycleEngine.REPLACING_LABEL);
        assertThat(two().has("a")).isFalse();
        assertThat(three().has("a")).isTrue();
        assertThat(engine.plan(List.of(on("a", "three")), false).toUpdate()).isEmpty();
        StoreInvariants.assertHold(f.store.list(dev.envctl.core.EnvironmentFilter.ALL));
    }
    @Test
    void applyMovingAnEnvironmentToAHostWhereItsAutomaticPortsAreHeldGivesItFreeOnesThere() {
        LifecycleEngine engine = engine();
        Environment b = engine.create(on("b", "three"), ProgressListener.NONE);
        Environment a = engine.create(on("a", "two"), ProgressListener.NONE);
        assertThat(a.ports()).isEqualTo(b.ports()); // ports are per host: both got the pools' lowest

        ReconcileReport r = engine.apply(List.of(on("a", "three"), on("b", "three")), false, true,
                ProgressListener.NONE);

        assertThat(r.ok()).as(r.outcomes().toString()).isTrue();
        assertThat(r.outcomes()).extracting(Outcome::name, Outcome::action)
                .containsExactly(tuple("a", Action.REPLACED), tuple("b", Action.UNCHANGED));
        Environment moved = f.store.get("a");
        assertThat(moved.host()).isEqualTo("three");
        assertThat(moved.ports().values()).doesNotContainAnyElementsOf(b.ports().values());
        assertThat(two().has("a")).isFalse();
        assertThat(three().has("a")).isTrue();
        StoreInvariants.assertHold(f.store.list(dev.envctl.core.EnvironmentFilter.ALL));
    }
    @Test
    void applyMovingAnEnvironmentOntoAHostAtItsCapacityIsRefusedAndLeavesItWhereItIs() {
        f.store.addHost(new Host("small", "tcp://small.example:2375", null, Map.of(), 1));
        LifecycleEngine engine = engine();
        engine.create(on("held", "small"), ProgressListener.NONE);
        engine.create(on("a", "two"), ProgressListener.NONE);

        assertThatThrownBy(() -> engine.apply(List.of(on("a", "small")), false, true, ProgressListener.NONE))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POOL_EXHAUSTED);
                    assertThat(e.getMessage()).isEqualTo("apply refused, nothing was changed: a: host 'small' is "
                            + "full: 1 of its capacity 1");
                });

        assertThat(f.store.get("a").host()).isEqualTo("two");
        assertThat(f.store.list(dev.envctl.core.EnvironmentFilter.ALL)).filteredOn(e -> e.host().equals("small"))
                .extracting(Environment::name).containsExactly("held");
        assertThat(two().has("a")).isTrue();
        assertThat(factory.on("tcp://small.example:2375").has("a")).isFalse();
    }
    /** The moves of one plan, in its order: one leaving a full host makes room there, one arriving fills it. */
    @Test
    void aDryRunCountsEachMoveOnTheHostsItLeavesAndFills() {
        f.store.addHost(new Host("small", "tcp://small.example:2375", null, Map.of(), 1));
        LifecycleEngine engine = engine();
        engine.create(on("a", "small"), ProgressListener.NONE);
        engine.create(on("b", "two"), ProgressListener.NONE);
        engine.create(on("c", "two"), ProgressListener.NONE);
        Envctl envctl = Envctl.builder().store(f.store)
                .plugins(PluginRegistry.of(List.of(), List.of(factory), List.of()))
                .environment(Map.of("PATH", "/usr/bin")).build();

        List<PlannedStep> steps = envctl.dryRun(envctl.plan(List.of(on("a", "three"), on("b", "small"),
                on("c", "small")), false));

        assertThat(steps).extracting(s -> s.environment().name(), s -> s.environment().host(),
                s -> s.error() == null ? null : s.error().getMessage()).containsExactly(
                tuple("a", "three", null),
                tuple("b", "small", null),
                tuple("c", "two", "host 'small' is full: 1 of its capacity 1"));
    }

    @Test
    void aHostWhoseClusterAReplacementStillHasToDeleteIsNotRemovable() {
        LifecycleEngine engine = engine();
        engine.create(on("a", "two"), ProgressListener.NONE);
        two().failNextDelete("Cannot connect to the Docker daemon at " + TWO_DOCKER);

        ReconcileReport r = engine.apply(List.of(on("a", "three")), false, true, ProgressListener.NONE);

        assertThat(r.outcomes()).extracting(Outcome::name, Outcome::action).containsExactly(tuple("a", Action.FAILED));
        assertThat(f.store.get("a").host()).isEqualTo("three");
        assertThat(two().has("a")).as("the old cluster is still there").isTrue();
        assertThatThrownBy(() -> f.store.removeHost("two"))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).contains("host 'two' still has the old cluster of 1 environment "
                            + "(a) moved off it", "reconcile it");
                });

        assertThat(engine.reconcile(List.of(), ProgressListener.NONE).ok()).isTrue();
        assertThat(two().has("a")).isFalse();
        assertThat(three().has("a")).isTrue();
        assertThat(f.store.removeHost("two")).isTrue();
    }
}
