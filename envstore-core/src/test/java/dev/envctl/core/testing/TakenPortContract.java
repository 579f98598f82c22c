package dev.envctl.core.testing;

import dev.envctl.core.ActualState;
import dev.envctl.core.AutoPorts;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.Invariants;
import dev.envctl.core.PortRole;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.PortProbe;
import dev.envctl.core.lifecycle.Action;
import dev.envctl.core.lifecycle.EngineOptions;
import dev.envctl.core.lifecycle.LifecycleEngine;
import dev.envctl.core.lifecycle.Outcome;
import dev.envctl.core.lifecycle.ReconcileReport;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An environment's cluster vanishes behind envctl's back (a {@code k3d cluster delete}) and another program on the
 * host takes one of its host ports (a plain {@link ServerSocket} here); then {@code start} or {@code reconcile}
 * makes the cluster again. A port envctl allocated is allocated again as a create would (probed, checked against
 * every other environment by the store), the record updated; a port a request gave is kept and the failure names
 * it. The provider publishes ports as Docker does: its create fails for a port this machine cannot bind. A store
 * module extends this class and supplies a fresh, empty store per test.
 */
public abstract class TakenPortContract {

    /** A new, empty store; called once per test. */
    protected abstract EnvironmentStore newStore();

    protected EnvironmentStore store;
    protected final ScriptedClusterProvider k3d = new ScriptedClusterProvider("k3d");
    private final List<ServerSocket> held = new ArrayList<>();
    private LifecycleEngine engine;

    @BeforeEach
    void openStore() {
        store = newStore();
        k3d.checkHostPorts();
        engine = engine(new Allocator(AllocationPolicy.defaults(), PortProbe.LOCAL));
    }

    @AfterEach
    void closeStore() throws IOException {
        for (ServerSocket s : held) {
            s.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private LifecycleEngine engine(Allocator allocator) {
        return new LifecycleEngine(store, allocator, Map.<String, ClusterProvider>of("k3d", k3d), List.of(),
                EngineOptions.defaults());
    }

    /** Another program on the host listening on {@code port}, until the test ends. */
    private void holdOnTheHost(int port) {
        try {
            ServerSocket s = new ServerSocket();
            held.add(s);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new UncheckedIOException("could not hold port " + port + " for the test", e);
        }
    }

    /** A port no program on this host listens on now, outside the default pools. */
    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Environment running(EnvironmentSpec spec) {
        Environment e = engine.create(spec, ProgressListener.NONE);
        assertThat(e.actualState()).as(String.valueOf(e.lastError())).isEqualTo(ActualState.RUNNING);
        return e;
    }

    private void assertInvariantsHold() {
        assertThat(Invariants.violations(store.list(EnvironmentFilter.ALL))).isEmpty();
    }

    @Test
    void startMakesAVanishedClusterAgainWithAFreePortInPlaceOfAnAllocatedOneAnotherProgramTook() {
        Environment dev = running(EnvironmentSpec.of("dev", "k3d"));
        Environment web = running(EnvironmentSpec.of("web", "k3d"));
        int taken = dev.ports().http();
        k3d.removeCluster("dev");
        holdOnTheHost(taken);
        RecordingProgress progress = new RecordingProgress();

        Environment after = engine.start("dev", progress);

        assertThat(after.actualState()).as(String.valueOf(after.lastError())).isEqualTo(ActualState.RUNNING);
        int moved = after.ports().http();
        assertThat(moved).isNotEqualTo(taken).isNotIn(web.ports().values());
        assertThat(after.ports().with(PortRole.HTTP, taken)).isEqualTo(dev.ports());
        assertThat(k3d.madeWith("dev")).isEqualTo(after.ports().asMap());
        assertThat(store.get("dev")).isEqualTo(after);
        assertThat(AutoPorts.of(after)).containsExactlyInAnyOrder(PortRole.values());
        assertThat(progress.steps()).contains("http port " + taken + " is taken on the host; creating with " + moved
                + " instead");
        assertInvariantsHold();
    }

    @Test
    void startOfAStoppedEnvironmentWhoseClusterVanishedMovesEveryAllocatedPortTaken() {
        Environment dev = running(EnvironmentSpec.of("dev", "k3d"));
        engine.stop("dev", ProgressListener.NONE);
        k3d.removeCluster("dev");
        holdOnTheHost(dev.ports().http());
        holdOnTheHost(dev.ports().api());

        Environment after = engine.start("dev", ProgressListener.NONE);

        assertThat(after.actualState()).as(String.valueOf(after.lastError())).isEqualTo(ActualState.RUNNING);
        assertThat(after.desiredState()).isEqualTo(DesiredState.PRESENT);
        assertThat(after.ports().http()).isNotEqualTo(dev.ports().http());
        assertThat(after.ports().api()).isNotEqualTo(dev.ports().api());
        assertThat(after.ports().https()).isEqualTo(dev.ports().https());
        assertThat(after.ports().pf()).isEqualTo(dev.ports().pf());
        assertInvariantsHold();
    }

    @Test
    void reconcileRecreatesADriftedClusterWithAFreePortAndNoTwoEnvironmentsEverShareOne() {
        Environment dev = running(EnvironmentSpec.of("dev", "k3d"));
        Environment web = running(EnvironmentSpec.of("web", "k3d"));
        k3d.removeCluster("dev");
        k3d.removeCluster("web");
        holdOnTheHost(dev.ports().http());
        holdOnTheHost(web.ports().http());

        ReconcileReport report = engine.reconcile(List.of(), ProgressListener.NONE);

        assertThat(report.outcomes()).extracting(Outcome::action).containsExactly(Action.RECREATED,
                Action.RECREATED);
        Environment devAfter = store.get("dev");
        Environment webAfter = store.get("web");
        assertThat(devAfter.ports().http()).isNotIn(dev.ports().http(), web.ports().http());
        assertThat(webAfter.ports().http()).isNotIn(dev.ports().http(), web.ports().http(),
                devAfter.ports().http());
        assertThat(k3d.madeWith("dev")).isEqualTo(devAfter.ports().asMap());
        assertThat(k3d.madeWith("web")).isEqualTo(webAfter.ports().asMap());
        assertInvariantsHold();
    }

    @Test
    void aPortTheRequestGaveIsKeptAndEveryStartSaysWhichPortIsTaken() {
        int given = freePort();
        Environment mine = running(EnvironmentSpec.of("mine", "k3d").withPorts(new HostPorts(given, null, null,
                null)));
        assertThat(AutoPorts.of(mine)).containsExactlyInAnyOrder(PortRole.HTTPS, PortRole.PF, PortRole.API);
        k3d.removeCluster("mine");
        holdOnTheHost(given);

        for (int attempt = 1; attempt <= 2; attempt++) {
            Environment after = engine.start("mine", ProgressListener.NONE);

            assertThat(after.actualState()).isEqualTo(ActualState.FAILED);
            assertThat(after.ports()).isEqualTo(mine.ports());
            assertThat(after.lastError()).contains("listen tcp4 0.0.0.0:" + given + ": bind: address already in use",
                    "envctl keeps http port " + given + ", as it was given");
        }
        assertThat(k3d.has("mine")).isFalse();
        assertInvariantsHold();
    }

    @Test
    void aRecordThatDoesNotSayWhichPortsEnvctlAllocatedKeepsThemAll() {
        Instant t = Instant.parse("2026-11-26T08:00:00Z");
        int http = freePort();
        store.insert(new Environment("old", "k3d", null, new HostPorts(http, 18777, 19377, 26777), 30080, Map.of(),
                Map.of(), DesiredState.PRESENT, ActualState.RUNNING, null, t, t, 1));
        holdOnTheHost(http);

        ReconcileReport report = engine.reconcile(List.of("old"), ProgressListener.NONE);

        assertThat(report.outcomes()).extracting(Outcome::action).containsExactly(Action.FAILED);
        Environment old = store.get("old");
        assertThat(old.ports()).isEqualTo(new HostPorts(http, 18777, 19377, 26777));
        assertThat(old.lastError()).contains("envctl keeps http port " + http);
        assertInvariantsHold();
    }

    @Test
    void aReplacementRecordsThePortsItsListGivesAsGiven() {
        Environment dev = running(EnvironmentSpec.of("dev", "k3d"));
        // a new cluster for new options, with the http port the list names (the one dev has): from now on the list's
        ReconcileReport applied = engine.apply(List.of(EnvironmentSpec.of("dev", "k3d").withPorts(
                new HostPorts(dev.ports().http(), null, null, null)).withOptions(Map.of("servers", "1"))), false, true,
                ProgressListener.NONE);
        assertThat(applied.outcomes()).extracting(Outcome::action).containsExactly(Action.REPLACED);
        assertThat(AutoPorts.of(store.get("dev"))).containsExactlyInAnyOrder(PortRole.HTTPS, PortRole.PF,
                PortRole.API);
        k3d.removeCluster("dev");
        holdOnTheHost(dev.ports().http());

        Environment after = engine.start("dev", ProgressListener.NONE);

        assertThat(after.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(after.ports()).isEqualTo(dev.ports());
        assertThat(after.lastError()).contains("envctl keeps http port " + dev.ports().http());
        assertInvariantsHold();
    }

    @Test
    void whenTheToolFindsAnAllocatedPortTakenAfterTheProbeItIsMovedAndTheCreateRunOnceMore() {
        // a host that is not probed from here (another machine's Docker): only the tool's error tells; the pools are
        // ports free on this machine, where the stand-in provider publishes
        engine = engine(new Allocator(AllocationPolicy.fromProperties(freePools(3))));
        Environment dev = running(EnvironmentSpec.of("dev", "k3d"));
        Environment web = running(EnvironmentSpec.of("web", "k3d"));
        k3d.removeCluster("dev");
        k3d.failNextCreate("Bind for 0.0.0.0:" + dev.ports().pf() + " failed: port is already allocated");

        ReconcileReport report = engine.reconcile(List.of("dev"), ProgressListener.NONE);

        assertThat(report.outcomes()).extracting(Outcome::action).containsExactly(Action.RECREATED);
        Environment after = store.get("dev");
        assertThat(after.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(after.ports().pf()).isNotIn(dev.ports().pf(), web.ports().pf());
        assertThat(after.ports().with(PortRole.PF, dev.ports().pf())).isEqualTo(dev.ports());
        assertThat(k3d.count("create dev")).isEqualTo(3);
        assertInvariantsHold();
    }

    /**
     * A port p from {@code from} on such that p to p + count - 1 are free on this host (each binds on the wildcard
     * address, as the stand-in provider publishes), outside the default pools.
     */
    private static int freePorts(int from, int count) {
        for (int p = from; p + count <= 25000; p += count) {
            if (IntStream.range(p, p + count).allMatch(TakenPortContract::bindable)) {
                return p;
            }
        }
        throw new IllegalStateException("no " + count + " free ports in a row in " + from + "-25000");
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /**
     * A pool of {@code size} ports for each role, every port free on this host now and none in a default pool, so a
     * test whose allocator does not probe gets no port another program on the machine holds.
     */
    private static Map<String, String> freePools(int size) {
        Map<String, String> pools = new HashMap<>();
        int from = 21000;
        for (PortRole role : PortRole.values()) {
            int p = freePorts(from, size);
            pools.put("pool." + role.key(), p + "-" + (p + size - 1));
            from = p + size;
        }
        return pools;
    }

    @Test
    void aTakenPortWithNoOtherLeftInItsPoolLeavesTheRecordFailedAsAnExhaustedPool() {
        int p = freePorts(21000, 2);
        engine = engine(new Allocator(AllocationPolicy.fromProperties(Map.of("pool.http", p + "-" + (p + 1))),
                PortProbe.LOCAL));
        Environment dev = running(EnvironmentSpec.of("dev", "k3d"));
        running(EnvironmentSpec.of("web", "k3d"));
        k3d.removeCluster("dev");
        holdOnTheHost(dev.ports().http());

        Environment after = engine.start("dev", ProgressListener.NONE);

        assertThat(after.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(after.failure()).contains(ErrorCode.POOL_EXHAUSTED);
        assertThat(after.lastError()).startsWith(Environment.POOL_FAILURE_PREFIX)
                .contains("no free http port left in pool " + p + "-" + (p + 1));
        assertThat(after.ports()).isEqualTo(dev.ports());
        assertThat(k3d.count("create dev")).isEqualTo(1);
        assertInvariantsHold();
    }

    @Test
    void whenTheToolFindsAPortTakenAndItsPoolHasNoOtherTheRecordIsFailedAsAnExhaustedPool() {
        Map<String, String> pools = freePools(2);
        // a host that is not probed from here: only the tool's error tells
        engine = engine(new Allocator(AllocationPolicy.fromProperties(pools)));
        Environment dev = running(EnvironmentSpec.of("dev", "k3d"));
        running(EnvironmentSpec.of("web", "k3d"));
        k3d.removeCluster("dev");
        k3d.failNextCreate("Bind for 0.0.0.0:" + dev.ports().http() + " failed: port is already allocated");

        ReconcileReport report = engine.reconcile(List.of("dev"), ProgressListener.NONE);

        assertThat(report.ok()).isFalse();
        Environment after = store.get("dev");
        assertThat(after.failure()).contains(ErrorCode.POOL_EXHAUSTED);
        assertThat(after.lastError()).startsWith(Environment.POOL_FAILURE_PREFIX + "http port " + dev.ports().http()
                + ", which envctl allocated, was taken on the host and no free http port left in pool ")
                .contains("port is already allocated");
        assertThat(after.ports()).isEqualTo(dev.ports());
        assertInvariantsHold();
    }
}
