package dev.envctl.core.testing;

import dev.envctl.core.ActualState;
import dev.envctl.core.AutoPorts;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.HostPorts;
import dev.envctl.core.HostRequest;
import dev.envctl.core.PortRole;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.HostsFullException;
import dev.envctl.core.alloc.PortRange;
import dev.envctl.core.spi.BatchWriteException;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.spi.EnvironmentStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link EnvironmentStore} shows. A store module extends this class and supplies a fresh,
 * empty store per test; each test closes it afterwards.
 */
public abstract class EnvironmentStoreContract {

    /** A new, empty store; called once per test. */
    protected abstract EnvironmentStore newStore();

    protected EnvironmentStore store;
    protected final Allocator allocator = new Allocator(AllocationPolicy.defaults());

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    protected static EnvironmentSpec spec(String name) {
        return EnvironmentSpec.of(name, "k3d");
    }

    /** A policy with pools wide enough for thousands of environments, for the concurrency cases. */
    protected static AllocationPolicy widePolicy() {
        Map<PortRole, PortRange> pools = new EnumMap<>(PortRole.class);
        pools.put(PortRole.HTTP, new PortRange(20000, 22999));
        pools.put(PortRole.HTTPS, new PortRange(23000, 25999));
        pools.put(PortRole.PF, new PortRange(26000, 28999));
        pools.put(PortRole.API, new PortRange(29000, 31999));
        return new AllocationPolicy(pools, Cidr.parse("10.0.0.0/8"), 24);
    }

    private void assertUnchangedAfter(Runnable change, ErrorCode expected) {
        List<Environment> before = store.list(EnvironmentFilter.ALL);
        assertThatThrownBy(change::run).isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(expected));
        assertThat(store.list(EnvironmentFilter.ALL)).isEqualTo(before);
    }

    // --- create and read -------------------------------------------------------------------------------

    @Test
    void createAllocatesLowestFreePortsAndRecordsDesiredPresent() {
        Environment e = store.create(spec("dev"), allocator);

        assertThat(e.ports()).isEqualTo(new HostPorts(18080, 18400, 19000, 26443));
        assertThat(e.subnet()).isNull();
        assertThat(e.desiredState()).isEqualTo(DesiredState.PRESENT);
        assertThat(e.actualState()).isEqualTo(ActualState.UNKNOWN);
        assertThat(e.version()).isEqualTo(1);
        assertThat(e.nodePort()).isEqualTo(30080);
        assertThat(store.find("dev")).contains(e);
        assertThat(store.get("dev")).isEqualTo(e);
    }

    @Test
    void secondCreateTakesTheNextFreePorts() {
        store.create(spec("a"), allocator);
        Environment b = store.create(spec("b"), allocator);

        assertThat(b.ports()).isEqualTo(new HostPorts(18081, 18401, 19001, 26444));
    }

    @Test
    void createKeepsExplicitPortsSubnetLabelsAndOptions() {
        EnvironmentSpec s = spec("dev-k3d").withPorts(new HostPorts(18091, 18444, 19002, null))
                .withSubnet(SubnetRequest.of(Cidr.parse("10.101.0.0/16"))).withNodePort(30800)
                .withLabels(Map.of("register_portainer", "true", "haproxy_route", "false", "team", "a, \"b\"; c"))
                .withOptions(Map.of("servers", "1", "agents", "2", "image", "rancher/k3s:v1.31.5-k3s1"));

        Environment e = store.create(s, allocator);

        assertThat(e.ports()).isEqualTo(new HostPorts(18091, 18444, 19002, 26443));
        assertThat(e.subnet()).isEqualTo(Cidr.parse("10.101.0.0/16"));
        assertThat(e.nodePort()).isEqualTo(30800);
        assertThat(store.get("dev-k3d")).isEqualTo(e);
        assertThat(store.get("dev-k3d").labels()).containsEntry("team", "a, \"b\"; c");
        assertThat(store.get("dev-k3d").options()).containsEntry("image", "rancher/k3s:v1.31.5-k3s1");
    }

    @Test
    void autoSubnetTakesLowestFreeBlockAndSkipsOverlappingOnes() {
        store.create(spec("wide").withSubnet(SubnetRequest.of(Cidr.parse("10.100.0.0/23"))), allocator);

        Environment a = store.create(spec("a").withSubnet(SubnetRequest.AUTO), allocator);
        Environment b = store.create(spec("b").withSubnet(SubnetRequest.AUTO), allocator);

        assertThat(a.subnet()).isEqualTo(Cidr.parse("10.100.2.0/24"));
        assertThat(b.subnet()).isEqualTo(Cidr.parse("10.100.3.0/24"));
    }

    @Test
    void findOfMissingNameIsEmptyAndGetIsNotFound() {
        assertThat(store.find("nope")).isEmpty();
        assertThatThrownBy(() -> store.get("nope")).isInstanceOf(EnvctlException.class)
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void listIsOrderedByNameAndFilters() {
        store.create(spec("b"), allocator);
        store.create(EnvironmentSpec.of("a", "kind"), allocator);
        Environment c = store.create(spec("c"), allocator);
        store.update(c.withActualState(ActualState.RUNNING, null), c.version());

        assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("a", "b", "c");
        assertThat(store.list(new EnvironmentFilter("k3d", null, null))).extracting(Environment::name)
                .containsExactly("b", "c");
        assertThat(store.list(new EnvironmentFilter(null, null, ActualState.RUNNING))).extracting(Environment::name)
                .containsExactly("c");
        assertThat(store.list(new EnvironmentFilter(null, DesiredState.ABSENT, null))).isEmpty();
    }

    // --- invariants --------------------------------------------------------------------------------------

    @Test
    void rejectsDuplicateNameAndChangesNothing() {
        store.create(spec("dev"), allocator);
        assertUnchangedAfter(() -> store.create(spec("dev"), allocator), ErrorCode.CONFLICT);
    }

    @Test
    void rejectsPortHeldInAnotherRole() {
        Environment a = store.create(spec("a"), allocator);
        assertUnchangedAfter(() -> store.create(spec("b").withPorts(new HostPorts(null, null, a.ports().http(), null)),
                allocator), ErrorCode.CONFLICT);
    }

    @Test
    void rejectsOverlappingSubnetsNotOnlyEqualOnes() {
        store.create(spec("a").withSubnet(SubnetRequest.of(Cidr.parse("10.101.0.0/16"))), allocator);

        assertUnchangedAfter(() -> store.create(spec("b").withSubnet(SubnetRequest.of(Cidr.parse("10.101.5.0/24"))),
                allocator), ErrorCode.CONFLICT);
        assertUnchangedAfter(() -> store.create(spec("c").withSubnet(SubnetRequest.of(Cidr.parse("10.0.0.0/8"))),
                allocator), ErrorCode.CONFLICT);
        assertUnchangedAfter(() -> store.create(spec("d").withSubnet(SubnetRequest.of(Cidr.parse("10.101.0.0/16"))),
                allocator), ErrorCode.CONFLICT);
    }

    /** Of several held subnets a request overlaps, every store names the one that starts highest. */
    @Test
    void aSubnetOverlappingSeveralNamesTheHolderThatStartsHighest() {
        store.create(spec("uat").withSubnet(SubnetRequest.of(Cidr.parse("10.100.0.0/24"))), allocator);
        store.create(spec("dev-1").withSubnet(SubnetRequest.of(Cidr.parse("10.100.1.0/24"))), allocator);
        store.create(spec("low").withSubnet(SubnetRequest.of(Cidr.parse("10.99.0.0/24"))), allocator);

        assertThatThrownBy(() -> store.create(spec("wide").withSubnet(SubnetRequest.of(Cidr.parse("10.100.0.0/16"))),
                allocator)).isInstanceOf(EnvctlException.class)
                .hasMessageContaining("subnet 10.100.0.0/16 overlaps 10.100.1.0/24 of environment 'dev-1'");
    }

    @Test
    void environmentsOnTheSharedNetworkNeverConflictOnSubnet() {
        store.create(spec("a"), allocator);
        store.create(spec("b"), allocator);
        assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::subnet).containsOnlyNulls();
    }

    @Test
    void nodePortIsNotAHostPortAndMayRepeat() {
        store.create(spec("a").withNodePort(30080), allocator);
        Environment b = store.create(spec("b").withNodePort(30080), allocator);
        assertThat(b.nodePort()).isEqualTo(30080);
    }

    @Test
    void exhaustedPortPoolIsAnErrorThatChangesNothing() {
        Map<PortRole, PortRange> pools = new EnumMap<>(AllocationPolicy.defaults().portPools());
        pools.put(PortRole.PF, new PortRange(19000, 19001));
        Allocator small = new Allocator(new AllocationPolicy(pools, Cidr.parse("10.100.0.0/14"), 24));
        store.create(spec("a"), small);
        store.create(spec("b"), small);

        assertUnchangedAfter(() -> store.create(spec("c"), small), ErrorCode.POOL_EXHAUSTED);
    }

    @Test
    void exhaustedSubnetPoolIsAnErrorThatChangesNothing() {
        Allocator small = new Allocator(new AllocationPolicy(AllocationPolicy.defaults().portPools(),
                Cidr.parse("10.200.0.0/23"), 24));
        store.create(spec("a").withSubnet(SubnetRequest.AUTO), small);
        store.create(spec("b").withSubnet(SubnetRequest.AUTO), small);

        assertUnchangedAfter(() -> store.create(spec("c").withSubnet(SubnetRequest.AUTO), small),
                ErrorCode.POOL_EXHAUSTED);
    }

    @Test
    void deleteFreesPortsAndSubnetForTheNextCreate() {
        Environment a = store.create(spec("a").withSubnet(SubnetRequest.AUTO), allocator);
        assertThat(store.delete("a")).isTrue();

        Environment b = store.create(spec("b").withSubnet(SubnetRequest.AUTO), allocator);

        assertThat(b.ports()).isEqualTo(a.ports());
        assertThat(b.subnet()).isEqualTo(a.subnet());
    }

    /** Issue 19, finding 3: with no port left to allocate, PostgreSQL's one-statement create failed. */
    @Test
    void createWithEveryPortGivenKeepsThemAll() {
        HostPorts all = new HostPorts(18405, 18406, 19405, 26405);

        Environment e = store.create(spec("all-ports").withPorts(all), allocator);

        assertThat(e.ports()).isEqualTo(all);
        assertThat(store.get("all-ports")).isEqualTo(e);
        assertThat(store.create(spec("next").withPorts(new HostPorts(18407, 18408, 19407, 26407))
                .withSubnet(SubnetRequest.AUTO), allocator).ports().http()).isEqualTo(18407);
    }

    /** Issue 19, finding 4: the name check comes first, before any port or subnet check. */
    @Test
    void createWhoseNameExistsAndWhosePortIsHeldSaysTheNameExists() {
        Environment a = store.create(spec("dev").withSubnet(SubnetRequest.of(Cidr.parse("10.101.0.0/16"))),
                allocator);
        store.create(spec("other"), allocator);

        for (EnvironmentSpec clash : List.of(
                spec("dev").withPorts(new HostPorts(a.ports().http(), null, null, null)),
                spec("dev").withSubnet(SubnetRequest.of(Cidr.parse("10.101.5.0/24"))),
                spec("dev").withPorts(new HostPorts(a.ports().http(), a.ports().https(), a.ports().pf(),
                        a.ports().api())))) {
            assertUnchangedAfter(() -> store.create(clash, allocator), ErrorCode.CONFLICT);
            assertThatThrownBy(() -> store.create(clash, allocator)).hasMessageContaining("'dev' already exists");
        }
    }

    /**
     * An existing name is refused in one wording, by create and insert alike, in every store: the wording the engine
     * and dry runs use when they find the name first, which know no store's lines or keys.
     */
    @Test
    void anExistingNameIsRefusedInTheWordingTheEngineUsesToo() {
        Environment dev = store.create(spec("dev"), allocator);
        String exists = "environment 'dev' already exists in " + store.location()
                + "; choose another name or delete it first";

        assertThatThrownBy(() -> store.create(spec("dev"), allocator)).hasMessage(exists);
        assertThatThrownBy(() -> store.insert(dev)).hasMessage(exists);
    }

    /** Issue 19, finding 2: control characters in stored text are replaced the same way in every store. */
    @Test
    void lastErrorWithNulAndControlBytesIsStoredWithThemReplaced() {
        Environment e = store.create(spec("dev"), allocator);

        Environment next = store.update(e.withActualState(ActualState.FAILED, "k3d: \u0000bad\u001b[0m\u007f\tx\ny"),
                e.version());

        assertThat(next.lastError()).isEqualTo("k3d: \uFFFDbad\uFFFD[0m\uFFFD\tx\ny");
        assertThat(store.get("dev")).isEqualTo(next);
    }

    @Test
    void labelsAndOptionsComeBackSortedByKey() {
        store.create(spec("dev").withLabels(Map.of("zeta", "1", "alpha", "2", "Mid", "3", "b.c", "4"))
                .withOptions(Map.of("servers", "1", "agents", "2", "image", "x")), allocator);

        Environment e = store.get("dev");

        // with envctl's own mark of the ports it allocated in its place
        assertThat(List.copyOf(e.labels().keySet())).containsExactly("Mid", "alpha", "b.c", AutoPorts.LABEL, "zeta");
        assertThat(List.copyOf(e.options().keySet())).containsExactly("agents", "image", "servers");
    }

    // --- insert, update, delete ---------------------------------------------------------------------------

    @Test
    void insertKeepsEverythingAsGiven() {
        Environment e = new Environment("legacy", "kind", Cidr.parse("10.102.0.0/16"),
                new HostPorts(18090, 18443, 19001, null), 30080, Map.of("register_portainer", "true"),
                Map.of(), DesiredState.PRESENT, ActualState.RUNNING, "old error, with \"quotes\"",
                Instant.parse("2025-01-02T03:04:05Z"), Instant.parse("2025-06-07T08:09:10.123Z"), 7);

        assertThat(store.insert(e)).isEqualTo(e);
        assertThat(store.get("legacy")).isEqualTo(e);
    }

    @Test
    void insertChecksInvariantsLikeCreate() {
        Environment a = store.create(spec("a"), allocator);
        Environment clash = new Environment("b", "k3d", null, new HostPorts(a.ports().api(), null, null, null), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.UNKNOWN, null, Instant.EPOCH, Instant.EPOCH, 1);

        assertUnchangedAfter(() -> store.insert(clash), ErrorCode.CONFLICT);
        assertUnchangedAfter(() -> store.insert(a), ErrorCode.CONFLICT);
    }

    /** A record as migration inserts it: an http port, maybe a subnet, on {@code host}. */
    private static Environment record(String name, int http, String subnet, String host) {
        return new Environment(name, "k3d", subnet == null ? null : Cidr.parse(subnet),
                new HostPorts(http, null, null, null), 30080, Map.of(), Map.of(), DesiredState.PRESENT,
                ActualState.RUNNING, null, Instant.parse("2025-03-01T10:15:30.123Z"),
                Instant.parse("2025-06-02T11:00:00.456Z"), 3, host);
    }

    @Test
    void insertAllStoresEveryRecordAsGivenCheckingPortsPerHostAndSubnetsEverywhere() {
        store.addHost(TWO);
        // the same port on another host is free; another subnet anywhere is too
        List<Environment> batch = List.of(record("a", 18090, "10.101.0.0/16", "local"),
                record("b", 18090, "10.102.0.0/16", "two"), record("c", 18091, null, "local"));

        assertThat(store.insertAll(batch)).isEqualTo(batch);
        assertThat(store.list(EnvironmentFilter.ALL)).isEqualTo(batch);
    }

    @Test
    void insertAllStopsAtTheFirstRecordItRefusesKeepingTheOnesBeforeIt() {
        store.addHost(TWO);
        store.insert(record("held", 18080, null, "local"));
        Environment a = record("a", 18090, "10.101.0.0/16", "local");
        // its subnet overlaps a's, an earlier record of the same batch, on another host
        Environment overlapping = record("b", 18090, "10.101.4.0/24", "two");
        Environment after = record("c", 18091, null, "local");

        assertThatThrownBy(() -> store.insertAll(List.of(a, overlapping, after)))
                .isInstanceOf(BatchWriteException.class)
                .satisfies(e -> {
                    BatchWriteException stopped = (BatchWriteException) e;
                    assertThat(stopped.stored().size()).isEqualTo(1);
                    assertThat(stopped.code()).isEqualTo(ErrorCode.CONFLICT);
                    // the error insert gives for that record, now that the ones before it are stored
                    assertThatThrownBy(() -> store.insert(overlapping)).hasMessage(e.getMessage());
                });
        assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("a", "held");

        // a port held in the store, a name taken by an earlier record, a host the store lacks: insert's errors
        for (List<Environment> refused : List.of(List.of(record("d", 18080, null, "local")),
                List.of(record("d", 18092, null, "local"), record("d", 18093, null, "local")),
                List.of(record("d", 18094, null, "nowhere")))) {
            Environment last = refused.get(refused.size() - 1);
            List<Environment> before = store.list(EnvironmentFilter.ALL);
            assertThatThrownBy(() -> store.insertAll(refused)).isInstanceOf(BatchWriteException.class)
                    .satisfies(e -> {
                        assertThat(((BatchWriteException) e).stored().size()).isEqualTo(refused.size() - 1);
                        assertThatThrownBy(() -> store.insert(last)).isInstanceOf(EnvctlException.class)
                                .hasMessage(e.getMessage())
                                .satisfies(ex -> assertThat(((EnvctlException) ex).code())
                                        .isEqualTo(((EnvctlException) e).code()));
                    });
            refused.subList(0, refused.size() - 1).forEach(r -> store.delete(r.name()));
            assertThat(store.list(EnvironmentFilter.ALL)).isEqualTo(before);
        }
        StoreInvariants.assertHold(store.list(EnvironmentFilter.ALL));
    }

    @Test
    void updateWithTheExpectedVersionWritesAndIncrementsIt() {
        Environment e = store.create(spec("dev"), allocator);

        Environment next = store.update(e.withActualState(ActualState.FAILED, "k3d failed: boom"), e.version());

        assertThat(next.version()).isEqualTo(2);
        assertThat(next.actualState()).isEqualTo(ActualState.FAILED);
        assertThat(next.lastError()).isEqualTo("k3d failed: boom");
        assertThat(next.createdAt()).isEqualTo(e.createdAt());
        assertThat(next.updatedAt()).isAfterOrEqualTo(e.updatedAt());
        assertThat(store.get("dev")).isEqualTo(next);
    }

    @Test
    void updateWithAStaleVersionIsAVersionConflictAndChangesNothing() {
        Environment e = store.create(spec("dev"), allocator);
        store.update(e.withActualState(ActualState.CREATING, null), e.version());

        assertUnchangedAfter(() -> store.update(e.withActualState(ActualState.RUNNING, null), e.version()),
                ErrorCode.VERSION_CONFLICT);
    }

    @Test
    void updateOfAMissingEnvironmentIsNotFound() {
        Environment e = store.create(spec("dev"), allocator);
        store.delete("dev");
        assertUnchangedAfter(() -> store.update(e, e.version()), ErrorCode.NOT_FOUND);
    }

    @Test
    void updateThatTakesAnotherEnvironmentsPortIsAConflict() {
        Environment a = store.create(spec("a"), allocator);
        Environment b = store.create(spec("b"), allocator);
        Environment moved = new Environment(b.name(), b.provider(), b.subnet(),
                b.ports().with(PortRole.PF, a.ports().https()), b.nodePort(), b.labels(), b.options(),
                b.desiredState(), b.actualState(), b.lastError(), b.createdAt(), b.updatedAt(), b.version());

        assertUnchangedAfter(() -> store.update(moved, b.version()), ErrorCode.CONFLICT);
    }

    @Test
    void updateMayKeepOrChangeItsOwnSubnet() {
        Environment a = store.create(spec("a").withSubnet(SubnetRequest.of(Cidr.parse("10.101.5.0/24"))), allocator);
        Environment same = store.update(a.withDesiredState(DesiredState.ABSENT), a.version());
        Environment wider = new Environment(a.name(), a.provider(), Cidr.parse("10.101.0.0/16"), a.ports(),
                a.nodePort(), a.labels(), a.options(), a.desiredState(), a.actualState(), null, a.createdAt(),
                a.updatedAt(), same.version());

        assertThat(store.update(wider, same.version()).subnet()).isEqualTo(Cidr.parse("10.101.0.0/16"));
    }

    @Test
    void updateAllWritesEveryRecordCheckedAgainstTheOnesBeforeIt() {
        Environment a = store.create(spec("a"), allocator);
        Environment b = store.create(spec("b"), allocator);
        Environment c = store.create(spec("c"), allocator);
        // a gives up its http port and b takes it in the same batch; c only changes its state
        Environment aMoved = withPorts(a, a.ports().with(PortRole.HTTP, 20000));
        Environment bTakes = withPorts(b, b.ports().with(PortRole.HTTP, a.ports().http()));
        Environment cFailed = c.withActualState(ActualState.FAILED, "k3d failed: boom");

        List<Environment> stored = store.updateAll(List.of(aMoved, bTakes, cFailed));

        assertThat(stored).extracting(Environment::version).containsExactly(2L, 2L, 2L);
        assertThat(stored).extracting(Environment::createdAt).containsExactly(a.createdAt(), b.createdAt(),
                c.createdAt());
        assertThat(stored.get(1).ports().http()).isEqualTo(a.ports().http());
        assertThat(stored.get(2).lastError()).isEqualTo("k3d failed: boom");
        assertThat(store.list(EnvironmentFilter.ALL)).isEqualTo(stored);
        assertThat(store.updateAll(List.of())).isEmpty();
        StoreInvariants.assertHold(store.list(EnvironmentFilter.ALL));
    }

    @Test
    void updateAllStopsAtTheFirstRecordItRefusesKeepingTheOnesBeforeIt() {
        Environment a = store.create(spec("a"), allocator);
        Environment b = store.create(spec("b"), allocator);
        Environment c = store.create(spec("c"), allocator);
        Environment bNow = store.update(b.withActualState(ActualState.CREATING, null), b.version());
        Environment bStale = b.withActualState(ActualState.RUNNING, null); // another writer changed b since

        assertThatThrownBy(() -> store.updateAll(List.of(a.withActualState(ActualState.RUNNING, null), bStale,
                c.withActualState(ActualState.RUNNING, null))))
                .isInstanceOfSatisfying(BatchWriteException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VERSION_CONFLICT);
                    assertThat(e.stored()).extracting(Environment::name, Environment::version)
                            .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 2L));
                    assertThat(store.get("a")).isEqualTo(e.stored().get(0));
                });
        assertThat(store.get("b")).isEqualTo(bNow);
        assertThat(store.get("c")).isEqualTo(c);

        // a port an earlier record of the batch took: the error update gives for it once that one is stored
        Environment a2 = store.get("a");
        Environment cTakes = withPorts(c, c.ports().with(PortRole.PF, 20001));
        assertThatThrownBy(() -> store.updateAll(List.of(withPorts(a2, a2.ports().with(PortRole.PF, 20001)),
                cTakes))).isInstanceOfSatisfying(BatchWriteException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.stored()).hasSize(1);
                    assertThatThrownBy(() -> store.update(cTakes, c.version())).hasMessage(e.getMessage());
                });
        assertThat(store.get("c")).isEqualTo(c);
        StoreInvariants.assertHold(store.list(EnvironmentFilter.ALL));
    }

    private static Environment withPorts(Environment e, HostPorts ports) {
        return new Environment(e.name(), e.provider(), e.subnet(), ports, e.nodePort(), e.labels(), e.options(),
                e.desiredState(), e.actualState(), e.lastError(), e.createdAt(), e.updatedAt(), e.version(), e.host());
    }

    @Test
    void deleteReportsWhetherThereWasARecord() {
        store.create(spec("dev"), allocator);
        assertThat(store.delete("dev")).isTrue();
        assertThat(store.delete("dev")).isFalse();
        assertThat(store.find("dev")).isEmpty();
    }

    @Test
    void deleteWithVersionChecksIt() {
        Environment e = store.create(spec("dev"), allocator);
        Environment next = store.update(e.withDesiredState(DesiredState.ABSENT), e.version());

        assertUnchangedAfter(() -> store.delete("dev", e.version()), ErrorCode.VERSION_CONFLICT);
        assertUnchangedAfter(() -> store.delete("other", 1), ErrorCode.NOT_FOUND);
        store.delete("dev", next.version());
        assertThat(store.find("dev")).isEmpty();
    }

    // --- locks and health ------------------------------------------------------------------------------------

    @Test
    void environmentLockIsExclusiveUntilClosed() {
        Optional<EnvironmentLock> first = store.tryLock("dev");
        assertThat(first).isPresent();
        assertThat(store.tryLock("dev")).isEmpty();
        Optional<EnvironmentLock> other = store.tryLock("uat");
        assertThat(other).isPresent();

        first.get().close();
        first.get().close();
        Optional<EnvironmentLock> again = store.tryLock("dev");
        assertThat(again).isPresent();
        again.get().close();
        other.get().close();
    }

    @Test
    void healthyStoreSaysSo() {
        assertThat(store.health().available()).isTrue();
        assertThat(store.location()).isNotBlank();
    }

    // --- concurrency -----------------------------------------------------------------------------------------

    /** Runs {@code tasks} from {@code threads} threads released together; returns their futures. */
    protected static <T> List<Future<T>> race(int threads, List<Callable<T>> tasks) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        try {
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).as("writers finished").isTrue();
            return futures;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eightThreadsOfFiftyAutoAllocatedCreatesEndWithFourHundredValidEnvironments() throws Exception {
        Allocator wide = new Allocator(widePolicy());
        List<Callable<Environment>> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            tasks.add(() -> {
                Environment last = null;
                for (int i = 0; i < 50; i++) {
                    SubnetRequest subnet = i % 2 == 0 ? SubnetRequest.AUTO : SubnetRequest.NONE;
                    last = store.create(spec("t" + thread + "-e" + i).withSubnet(subnet), wide);
                }
                return last;
            });
        }
        for (Future<Environment> f : race(8, tasks)) {
            f.get();
        }

        List<Environment> all = store.list(EnvironmentFilter.ALL);
        assertThat(all).hasSize(400);
        assertThat(all).allSatisfy(e -> assertThat(e.ports().complete()).isTrue());
        assertThat(all.stream().filter(e -> e.subnet() != null)).hasSize(200);
        StoreInvariants.assertHold(all);
    }

    @Test
    void eightThreadsRacingForOneNameGiveOneWinnerAndSevenConflicts() throws Exception {
        List<Callable<Environment>> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            tasks.add(() -> store.create(spec("contested").withSubnet(SubnetRequest.AUTO), allocator));
        }
        AtomicInteger wins = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        for (Future<Environment> f : race(8, tasks)) {
            try {
                f.get();
                wins.incrementAndGet();
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(EnvctlException.class);
                assertThat(((EnvctlException) e.getCause()).code()).isEqualTo(ErrorCode.CONFLICT);
                conflicts.incrementAndGet();
            }
        }
        assertThat(wins.get()).isEqualTo(1);
        assertThat(conflicts.get()).isEqualTo(7);
        assertThat(store.list(EnvironmentFilter.ALL)).hasSize(1);
    }

    @Test
    void threadsRacingForOneExplicitPortGiveOneWinner() throws Exception {
        List<Callable<Environment>> creates = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            EnvironmentSpec s = spec("p" + t).withPorts(new HostPorts(null, null, 40000, null));
            creates.add(() -> store.create(s, allocator));
        }
        int wins = 0;
        for (Future<Environment> f : race(8, creates)) {
            try {
                f.get();
                wins++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(((EnvctlException) e.getCause()).code()).isEqualTo(ErrorCode.CONFLICT);
            }
        }
        assertThat(wins).isEqualTo(1);
        StoreInvariants.assertHold(store.list(EnvironmentFilter.ALL));
    }

    // --- hosts ---------------------------------------------------------------------------------------------

    protected static final Host TWO = new Host("two", "tcp://192.0.2.2:2376", "192.0.2.2", Map.of("gpu", "true"),
            null);
    protected static final Host THREE = new Host("three", "ssh://me@three", null, Map.of(), null);

    @Test
    void aStoreWithoutHostsHasOnlyLocalAndEveryEnvironmentLivesThere() {
        assertThat(store.hosts()).containsExactly(Host.LOCAL);
        assertThat(store.findHost("local")).contains(Host.LOCAL);
        assertThat(store.findHost("two")).isEmpty();
        assertThat(store.create(spec("dev"), allocator).host()).isEqualTo("local");
        assertThat(store.get("dev").host()).isEqualTo("local");
    }

    @Test
    void anAddedHostIsKeptWithEverythingItSays() {
        Host capped = new Host("four", "unix:///run/four.sock", "four.example", Map.of("zone", "b", "gpu", "no"), 7);
        assertThat(store.addHost(TWO)).isEqualTo(TWO);
        store.addHost(capped);

        assertThat(store.hosts()).containsExactly(capped, Host.LOCAL, TWO);
        assertThat(store.findHost("four")).contains(capped);
    }

    @Test
    void addingAHostWhoseNameIsTakenIsAConflictAndChangesNothing() {
        store.addHost(TWO);

        assertThatThrownBy(() -> store.addHost(new Host("two", "tcp://192.0.2.9:2376", null, Map.of(), null)))
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        assertThatThrownBy(() -> store.addHost(Host.LOCAL))
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(store.hosts()).containsExactly(Host.LOCAL, TWO);
    }

    @Test
    void environmentsOnTwoHostsMayHoldTheSamePortsButNotOnOneHost() {
        store.addHost(TWO);
        HostPorts ports = new HostPorts(18500, 18501, 18502, 18503);
        Environment a = store.create(spec("a").withPorts(ports), allocator);
        Environment b = store.create(spec("b").withPorts(ports).withHost(HostRequest.of("two")), allocator);
        Environment autoOnTwo = store.create(spec("c").withHost(HostRequest.of("two")), allocator);
        Environment autoOnLocal = store.create(spec("d"), allocator);

        assertThat(a.host()).isEqualTo("local");
        assertThat(b.host()).isEqualTo("two");
        assertThat(b.ports()).isEqualTo(ports);
        assertThat(store.get("b")).isEqualTo(b);
        assertThat(autoOnTwo.ports()).isEqualTo(new HostPorts(18080, 18400, 19000, 26443));
        assertThat(autoOnLocal.ports()).isEqualTo(new HostPorts(18080, 18400, 19000, 26443));
        assertUnchangedAfter(() -> store.create(spec("e").withPorts(new HostPorts(null, null, 18502, null))
                .withHost(HostRequest.of("two")), allocator), ErrorCode.CONFLICT);
        assertUnchangedAfter(() -> store.create(spec("e").withPorts(new HostPorts(18501, null, null, null)),
                allocator), ErrorCode.CONFLICT);
        StoreInvariants.assertHold(store.list(EnvironmentFilter.ALL));
    }

    @Test
    void listFiltersByHost() {
        store.addHost(TWO);
        store.create(spec("a"), allocator);
        store.create(spec("b").withHost(HostRequest.of("two")), allocator);
        store.create(EnvironmentSpec.of("c", "kind").withHost(HostRequest.of("two")), allocator);

        assertThat(store.list(EnvironmentFilter.ALL.withHost("two"))).extracting(Environment::name)
                .containsExactly("b", "c");
        assertThat(store.list(new EnvironmentFilter("kind", null, null).withHost("two")))
                .extracting(Environment::name).containsExactly("c");
        assertThat(store.list(EnvironmentFilter.ALL.withHost("local"))).extracting(Environment::name)
                .containsExactly("a");
    }

    @Test
    void subnetsAreUniqueAcrossAllHosts() {
        store.addHost(TWO);
        store.create(spec("a").withSubnet(SubnetRequest.parse("10.1.0.0/24")), allocator);

        assertUnchangedAfter(() -> store.create(spec("b").withSubnet(SubnetRequest.parse("10.1.0.0/25"))
                .withHost(HostRequest.of("two")), allocator), ErrorCode.CONFLICT);
        assertThat(store.create(spec("c").withSubnet(SubnetRequest.AUTO).withHost(HostRequest.of("two")),
                allocator).subnet()).isNotEqualTo(Cidr.parse("10.1.0.0/24"));
    }

    @Test
    void anUnknownHostIsInvalidInputAndChangesNothing() {
        assertUnchangedAfter(() -> store.create(spec("a").withHost(HostRequest.of("nope")), allocator),
                ErrorCode.INVALID_INPUT);
        Environment elsewhere = new Environment("b", "k3d", null, new HostPorts(18080, 18400, 19000, 26443), 30080,
                Map.of(), Map.of(), DesiredState.PRESENT, ActualState.UNKNOWN, null, Instant.EPOCH, Instant.EPOCH, 1,
                "nope");
        assertUnchangedAfter(() -> store.insert(elsewhere), ErrorCode.INVALID_INPUT);
    }

    @Test
    void insertAndUpdateKeepTheHostAndCheckPortsOnIt() {
        store.addHost(TWO);
        Environment a = store.create(spec("a"), allocator);
        Environment b = new Environment("b", "kind", null, a.ports(), 30080, Map.of(), Map.of(),
                DesiredState.PRESENT, ActualState.RUNNING, null, Instant.EPOCH, Instant.EPOCH, 3, "two");

        assertThat(store.insert(b)).isEqualTo(b);
        assertThat(store.get("b").host()).isEqualTo("two");
        Environment updated = store.update(store.get("b").withLabels(Map.of("team", "x")), 3);
        assertThat(updated.host()).isEqualTo("two");
        assertUnchangedAfter(() -> store.update(store.get("b").withHost("local"), 4), ErrorCode.CONFLICT);
    }

    @Test
    void anUpdateMovingARecordOntoAHostAtItsCapacityIsRefusedAndChangesNothing() {
        store.addHost(TWO);
        store.addHost(new Host("small", "tcp://192.0.2.4:2376", null, Map.of(), 1));
        store.create(spec("held").withHost(HostRequest.of("small")), allocator);
        Environment a = store.create(spec("a").withHost(HostRequest.of("two")), allocator);

        assertUnchangedAfter(() -> store.update(a.withHost("small"), a.version()), ErrorCode.POOL_EXHAUSTED);
        assertThatThrownBy(() -> store.update(a.withHost("small"), a.version()))
                .hasMessageContaining("host 'small' is full: 1 of its capacity 1");

        store.delete("held");
        assertThat(store.update(a.withHost("small"), a.version()).host()).isEqualTo("small");
        Environment moved = store.get("a");
        assertThat(store.update(moved.withLabels(Map.of("team", "x")), moved.version()).host())
                .as("a record already on a full host still changes").isEqualTo("small");
    }

    @Test
    void aHostIsRemovedOnlyWhenNoEnvironmentLivesThereAndLocalNever() {
        store.addHost(TWO);
        store.create(spec("a").withHost(HostRequest.of("two")), allocator);

        assertThatThrownBy(() -> store.removeHost("two"))
                .hasMessageContaining("host 'two' has 1 environment (a)")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        assertThatThrownBy(() -> store.removeHost("local"))
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(store.hosts()).containsExactly(Host.LOCAL, TWO);

        store.delete("a");
        assertThat(store.removeHost("two")).isTrue();
        assertThat(store.removeHost("two")).isFalse();
        assertThat(store.hosts()).containsExactly(Host.LOCAL);
    }

    @Test
    void aHostAReplacementStillHasAClusterToDeleteOnIsNotRemovable() {
        store.addHost(TWO);
        store.addHost(new Host("two-b", "tcp://192.0.2.5:2376", null, Map.of(), null));
        store.addHost(new Host("three", "tcp://192.0.2.6:2376", null, Map.of(), null));
        Environment a = store.create(spec("a").withHost(HostRequest.of("two")), allocator);
        Map<String, String> marked = new HashMap<>(a.labels());
        marked.put("envctl.replacing", "provider=k3d subnet=none http=" + a.ports().http() + " https="
                + a.ports().https() + " pf=" + a.ports().pf() + " api=" + a.ports().api() + " host=two");
        store.update(a.withHost("three").withLabels(marked), a.version());

        assertThatThrownBy(() -> store.removeHost("two"))
                .hasMessage("host 'two' still has the old cluster of 1 environment (a) moved off it, which its "
                        + "replacement has yet to delete; reconcile it, which deletes that cluster, then remove the "
                        + "host")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(store.hosts()).extracting(Host::name).contains("two");
        // one living there too: each named with what removes it
        store.create(spec("b").withHost(HostRequest.of("two")), allocator);
        assertThatThrownBy(() -> store.removeHost("two"))
                .hasMessage("host 'two' has 1 environment (b); delete them first, and reconcile the 1 environment "
                        + "(a) moved off it, which deletes its old cluster there")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        store.delete("b");
        assertThat(store.removeHost("two-b")).as("another host's name starting the same").isTrue();

        Environment moved = store.get("a");
        Map<String, String> done = new HashMap<>(moved.labels());
        done.remove("envctl.replacing");
        store.update(moved.withLabels(done), moved.version());
        assertThat(store.removeHost("two")).isTrue();
    }

    @Test
    void autoPlacementTakesTheHostWithTheMostRoomAndHonoursSelectorAndCapacity() {
        store.addHost(TWO);
        store.addHost(new Host("gpu2", "tcp://192.0.2.3:2376", null, Map.of("gpu", "true"), 1));
        HostRequest gpu = HostRequest.auto(Map.of("gpu", "true"));

        assertThat(store.create(spec("a").withHost(HostRequest.AUTO), allocator).host()).isEqualTo("local");
        assertThat(store.create(spec("b").withHost(HostRequest.AUTO), allocator).host()).isEqualTo("two");
        assertThat(store.create(spec("c").withHost(gpu), allocator).host()).as("more room than gpu2").isEqualTo("two");
        assertThat(store.create(spec("d").withHost(HostRequest.of("gpu2")), allocator).host()).isEqualTo("gpu2");
        assertUnchangedAfter(() -> store.create(spec("e").withHost(HostRequest.of("gpu2")), allocator),
                ErrorCode.POOL_EXHAUSTED);
        assertThat(store.create(spec("f").withHost(gpu), allocator).host()).isEqualTo("two");
        assertUnchangedAfter(() -> store.create(spec("g").withHost(HostRequest.auto(Map.of("zone", "x"))),
                allocator), ErrorCode.POOL_EXHAUSTED);
    }

    @Test
    void autoPlacementThatFindsEveryMatchingHostFullSaysHowFullEachIs() {
        store.addHost(new Host("gpu2", "tcp://192.0.2.3:2376", null, Map.of("gpu", "true"), 1));
        store.create(spec("a").withHost(HostRequest.of("gpu2")), allocator);

        // the engine names these hosts beside the ones it excluded: the store passes placement's error on as it is
        assertThatThrownBy(() -> store.create(spec("b").withHost(HostRequest.auto(Map.of("gpu", "true"))), allocator))
                .isInstanceOfSatisfying(HostsFullException.class, e -> assertThat(e.full())
                        .containsExactly(Map.entry("gpu2", "host 'gpu2' is full: 1 of its capacity 1")));
        assertThat(store.find("b")).isEmpty();
    }

    @Test
    void autoPlacementNeverTakesAnExcludedHost() {
        store.addHost(TWO);

        assertThat(store.create(spec("a").withHost(HostRequest.AUTO.excluding("local")), allocator).host())
                .isEqualTo("two");
        assertThat(store.create(spec("b").withHost(HostRequest.AUTO.excluding("two")), allocator).host())
                .isEqualTo("local");
        assertUnchangedAfter(() -> store.create(spec("c").withHost(HostRequest.AUTO.excluding("local")
                .excluding("two")), allocator), ErrorCode.POOL_EXHAUSTED);
    }

    @Test
    void eightThreadsPlacingAutomaticallySpreadOverFourHostsAndKeepEveryInvariantPerHost() throws Exception {
        store.addHost(TWO);
        store.addHost(THREE);
        store.addHost(new Host("four", "tcp://192.0.2.4:2376", null, Map.of(), null));
        List<Callable<Environment>> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            tasks.add(() -> {
                Environment last = null;
                for (int i = 0; i < 10; i++) {
                    last = store.create(spec("t" + thread + "-e" + i).withHost(HostRequest.AUTO)
                            .withSubnet(i % 2 == 0 ? SubnetRequest.AUTO : SubnetRequest.NONE), allocator);
                }
                return last;
            });
        }
        for (Future<Environment> f : race(8, tasks)) {
            f.get();
        }

        List<Environment> all = store.list(EnvironmentFilter.ALL);
        assertThat(all).hasSize(80);
        StoreInvariants.assertHold(all);
        Map<String, Long> perHost = new java.util.TreeMap<>(all.stream().collect(java.util.stream.Collectors
                .groupingBy(Environment::host, java.util.stream.Collectors.counting())));
        assertThat(perHost).containsOnlyKeys("four", "local", "three", "two").allSatisfy((host, n) ->
                assertThat(n).as("environments on " + host).isEqualTo(20));
        assertThat(all.stream().filter(e -> e.host().equals("two")).map(e -> e.ports().http()))
                .as("each host allocates from the bottom of its own pool").contains(18080);
    }
}
