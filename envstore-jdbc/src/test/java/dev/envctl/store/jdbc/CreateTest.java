package dev.envctl.store.jdbc;

import dev.envctl.core.Cidr;
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
import dev.envctl.core.alloc.HeldSnapshot;
import dev.envctl.core.alloc.PortRange;
import dev.envctl.core.testing.StoreInvariants;
import dev.envctl.store.jdbc.internal.LockKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The create: one transaction under the write lock that checks the name, allocates over indexed lookups and
 * inserts. Writers outside envctl (psql) take the same lock through the schema's triggers: a create waits for
 * theirs and they wait for envctl's, so scripts inserting in a loop never make a create fail and their run ends
 * stay exact; every combination of explicit and allocated ports and subnets creates; raw INSERTs are kept in step
 * and refused on held resources.
 */
class CreateTest {
    private final Allocator allocator = new Allocator(ConcurrencyTest.widePolicy());
    private JdbcEnvironmentStore store;

    @BeforeEach
    void open() {
        store = TestDatabase.openFresh("one");
    }

    @AfterEach
    void drop() {
        store.close();
        TestDatabase.dropSchema(store.schema());
    }

    @Test
    void aWriterHoldingTheLowestPortsAndSubnetUncommittedMakesTheCreateWaitAndTakeTheNextOnes() throws Exception {
        store.create(EnvironmentSpec.of("first", "k3d").withSubnet(SubnetRequest.AUTO), allocator);
        try (Connection other = rawConnection()) {
            other.setAutoCommit(false);
            // a legacy writer takes the lowest free ports and subnet and has not committed yet
            execute(other, "INSERT INTO clusters (name, provider, subnet, http_port, https_port, pf_port, api_port) "
                    + "VALUES ('legacy', 'k3d', '10.0.1.0/24', 20001, 23001, 26001, 29001)");
            CompletableFuture<Environment> racing = CompletableFuture.supplyAsync(() -> store.create(
                    EnvironmentSpec.of("racing", "k3d").withSubnet(SubnetRequest.AUTO), allocator));
            // the legacy writer's statement took the write lock, so the create waits before its first lookup
            Thread.sleep(500);
            assertThat(racing).isNotDone();
            assertThat(count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                    + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")).isPositive();
            other.commit();
            Environment e = racing.get(30, TimeUnit.SECONDS);
            assertThat(e.ports()).isEqualTo(new HostPorts(20002, 23002, 26002, 29002));
            assertThat(e.subnet()).isEqualTo(Cidr.parse("10.0.2.0/24"));
        }
        assertStoreConsistent(3);
    }

    @Test
    void automaticCreatesAllSucceedWhileScriptsInsertTheLowestFreePortsInALoop() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger attempts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(7);
        try {
            // the Kindler scripts' db_insert_cluster with the next free port chosen in the same statement, three
            // loops at once; a row the held-port key refuses is the script's warning, and it goes on
            List<Future<Integer>> scripts = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int writer = w;
                scripts.add(pool.submit(() -> {
                    int inserted = 0;
                    try (Connection c = rawConnection()) {
                        for (int i = 0; !done.get() && i < 2000; i++) {
                            attempts.incrementAndGet();
                            try {
                                execute(c, "INSERT INTO clusters (name, provider, pf_port, http_port, https_port) "
                                        + "SELECT 'script-" + writer + "-" + i + "', 'kind', " + lowestFree(26000)
                                        + ", " + lowestFree(20000) + ", " + lowestFree(23000));
                                inserted++;
                            } catch (SQLException refused) {
                                // taken by envctl or another loop meanwhile
                            }
                        }
                    }
                    return inserted;
                }));
            }
            for (int i = 0; i < 600 && attempts.get() < 6; i++) {
                Thread.sleep(10);
            }
            int before = attempts.get();
            List<Future<Environment>> creates = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                creates.add(pool.submit(() -> {
                    Environment last = null;
                    for (int i = 0; i < 6; i++) {
                        last = store.create(EnvironmentSpec.of("e" + thread + "-" + i, "k3d"), allocator);
                    }
                    return last;
                }));
            }
            for (Future<Environment> f : creates) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isNotNull();
            }
            assertThat(attempts.get() - before).as("the scripts' inserts while the creates ran").isPositive();
            done.set(true);
            int scripted = 0;
            for (Future<Integer> f : scripts) {
                scripted += f.get(120, TimeUnit.SECONDS);
            }
            assertThat(scripted).as("the scripts wrote").isPositive();
            assertStoreConsistent(24 + scripted);
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
    }

    /** The lowest port from {@code low} no row holds, as a script computes it in its INSERT. */
    private static String lowestFree(int low) {
        return "(SELECT min(p) FROM generate_series(" + low + ", " + (low + 2999) + ") p WHERE NOT EXISTS "
                + "(SELECT 1 FROM held_ports h WHERE h.host = 'local' AND h.port = p))";
    }

    @Test
    void aBusyWriteLockSendsTheCreateToWaitForItAndReadAfterIt() throws Exception {
        try (Connection other = rawConnection()) {
            other.setAutoCommit(false);
            execute(other, "SELECT pg_advisory_xact_lock(" + LockKeys.writes(store.schema()) + ")");
            execute(other, "INSERT INTO clusters (name, provider, subnet, http_port, https_port, pf_port, api_port) "
                    + "VALUES ('holder', 'k3d', '10.0.0.0/24', 20000, 23000, 26000, 29000)");
            CompletableFuture<Environment> waiting = CompletableFuture.supplyAsync(() -> store.create(
                    EnvironmentSpec.of("waiting", "k3d").withSubnet(SubnetRequest.AUTO), allocator));
            Thread.sleep(500);
            assertThat(waiting).isNotDone();
            other.commit();
            Environment e = waiting.get(30, TimeUnit.SECONDS);
            assertThat(e.ports()).isEqualTo(new HostPorts(20001, 23001, 26001, 29001));
            assertThat(e.subnet()).isEqualTo(Cidr.parse("10.0.1.0/24"));
        }
        assertStoreConsistent(2);
    }

    @Test
    void explicitValuesAndExhaustedPoolsGiveTheAllocatorsAnswersAndErrors() {
        Environment a = store.create(EnvironmentSpec.of("a", "k3d").withPorts(new HostPorts(20005, null, null, null))
                .withSubnet(SubnetRequest.of(Cidr.parse("10.0.0.0/24"))), allocator);
        assertThat(a.ports()).isEqualTo(new HostPorts(20005, 23000, 26000, 29000));
        Environment b = store.create(EnvironmentSpec.of("b", "k3d").withSubnet(SubnetRequest.AUTO), allocator);
        assertThat(b.ports()).isEqualTo(new HostPorts(20000, 23001, 26001, 29001));
        assertThat(b.subnet()).isEqualTo(Cidr.parse("10.0.1.0/24"));
        assertThat(store.find("b")).contains(b);

        assertThatThrownBy(() -> store.create(EnvironmentSpec.of("c", "k3d")
                .withPorts(new HostPorts(null, 23001, null, null)), allocator))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).contains("https port 23001", "'b'");
                });
        assertThatThrownBy(() -> store.create(EnvironmentSpec.of("c", "k3d")
                .withSubnet(SubnetRequest.of(Cidr.parse("10.0.0.0/16"))), allocator))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        assertThatThrownBy(() -> store.create(EnvironmentSpec.of("b", "k3d"), allocator))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).contains("already exists");
                });
        // a one-port pool that is full: the allocator's POOL_EXHAUSTED, not a constraint error
        Allocator tiny = new Allocator(new dev.envctl.core.alloc.AllocationPolicy(java.util.Map.of(
                dev.envctl.core.PortRole.HTTP, new dev.envctl.core.alloc.PortRange(20000, 20000),
                dev.envctl.core.PortRole.HTTPS, new dev.envctl.core.alloc.PortRange(40000, 40010),
                dev.envctl.core.PortRole.PF, new dev.envctl.core.alloc.PortRange(41000, 41010),
                dev.envctl.core.PortRole.API, new dev.envctl.core.alloc.PortRange(42000, 42010)),
                Cidr.parse("10.0.0.0/8"), 24));
        assertThatThrownBy(() -> store.create(EnvironmentSpec.of("d", "k3d"), tiny))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.POOL_EXHAUSTED));
        assertStoreConsistent(2);
    }

    @Test
    void everyPortGivenCreatesWithAndWithoutASubnet() {
        // the case of issue 16: every port explicit failed on PostgreSQL and worked on CSV
        HostPorts all = new HostPorts(18344, 18354, 19344, 27224);
        Environment plain = store.create(EnvironmentSpec.of("x", "k3d").withPorts(all), allocator);
        assertThat(plain.ports()).isEqualTo(all);
        assertThat(plain.subnet()).isNull();
        HostPorts other = new HostPorts(18345, 18355, 19345, 27225);
        Environment withSubnet = store.create(EnvironmentSpec.of("y", "k3d").withPorts(other)
                .withSubnet(SubnetRequest.of(Cidr.parse("10.101.0.0/16"))), allocator);
        assertThat(withSubnet.ports()).isEqualTo(other);
        assertThat(withSubnet.subnet()).isEqualTo(Cidr.parse("10.101.0.0/16"));
        assertThat(store.find("x")).contains(plain);
        assertThat(store.find("y")).contains(withSubnet);
        assertStoreConsistent(2);
    }

    @Test
    void everySubsetOfExplicitPortsCreatesWithNoAutomaticOrExplicitSubnet() {
        PortRole[] roles = PortRole.values();
        int n = 0;
        for (int explicit = 0; explicit < 1 << roles.length; explicit++) {
            for (SubnetRequest.Mode mode : SubnetRequest.Mode.values()) {
                n++;
                Map<PortRole, Integer> given = new java.util.EnumMap<>(PortRole.class);
                for (PortRole role : roles) {
                    if ((explicit & 1 << role.ordinal()) != 0) {
                        given.put(role, 18000 + 100 * role.ordinal() + n);
                    }
                }
                SubnetRequest subnet = switch (mode) {
                    case NONE -> SubnetRequest.NONE;
                    case AUTO -> SubnetRequest.AUTO;
                    case EXPLICIT -> SubnetRequest.of(Cidr.parse("10.200." + n + ".0/24"));
                };
                String name = "subset-" + n;
                Environment e = store.create(EnvironmentSpec.of(name, "k3d").withPorts(HostPorts.of(given))
                        .withSubnet(subnet), allocator);
                for (PortRole role : roles) {
                    Integer port = e.ports().get(role);
                    if (given.containsKey(role)) {
                        assertThat(port).as("%s port of %s", role.key(), name).isEqualTo(given.get(role));
                    } else {
                        assertThat(allocator.policy().pool(role).contains(port)).as("%s port of %s", role.key(), name)
                                .isTrue();
                    }
                }
                switch (mode) {
                    case NONE -> assertThat(e.subnet()).isNull();
                    case AUTO -> assertThat(allocator.policy().subnetPool().contains(e.subnet())).isTrue();
                    case EXPLICIT -> assertThat(e.subnet()).isEqualTo(subnet.cidr());
                }
                assertThat(store.find(name)).contains(e);
            }
        }
        assertStoreConsistent(n);
    }

    @Test
    void aCreateWhoseNameExistsSaysSoBeforeAnyPortOrSubnetConflict() {
        Environment a = store.create(EnvironmentSpec.of("a", "k3d").withSubnet(SubnetRequest.AUTO), allocator);
        assertThatThrownBy(() -> store.create(EnvironmentSpec.of("a", "k3d").withPorts(a.ports())
                .withSubnet(SubnetRequest.of(a.subnet())), allocator))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).contains("environment 'a' already exists").doesNotContain("held")
                            .doesNotContain("overlaps");
                });
        assertThatThrownBy(() -> store.insert(a))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).contains("environment 'a' already exists").doesNotContain("held");
                });
        assertStoreConsistent(1);
    }

    @Test
    void createsThatAlternatePoliciesAndShapesEachTakeTheirOwnPools() {
        AllocationPolicy other = new AllocationPolicy(Map.of(PortRole.HTTP, new PortRange(40000, 40099),
                PortRole.HTTPS, new PortRange(40100, 40199), PortRole.PF, new PortRange(40200, 40299),
                PortRole.API, new PortRange(40300, 40399)), Cidr.parse("172.16.0.0/12"), 26);
        Allocator[] allocators = {allocator, new Allocator(other), new Allocator(ConcurrencyTest.widePolicy())};
        for (int i = 0; i < 6; i++) {
            Allocator a = allocators[i % 3];
            EnvironmentSpec spec = EnvironmentSpec.of("e" + i, "k3d").withSubnet(SubnetRequest.AUTO);
            Environment e = store.create(i < 3 ? spec : spec.withPorts(new HostPorts(null, null, 41000 + i, null)), a);
            for (PortRole role : PortRole.values()) {
                Integer port = e.ports().get(role);
                assertThat(i >= 3 && role == PortRole.PF ? port == 41000 + i : a.policy().pool(role).contains(port))
                        .as("%s port of e%d", role.key(), i).isTrue();
            }
            assertThat(e.subnet().prefix()).isEqualTo(a.policy().subnetPrefix());
            assertThat(a.policy().subnetPool().contains(e.subnet())).isTrue();
        }
        assertStoreConsistent(6);
    }

    @Test
    void overlappingPoolsAndAnExplicitPortInAnotherPoolGetTheAllocatorsDistinctPorts() {
        // one pool for every role: each role's lowest free port is the same one, which only one may take
        PortRange shared = new PortRange(45000, 45099);
        Allocator oneTotal = new Allocator(new AllocationPolicy(Map.of(PortRole.HTTP, shared, PortRole.HTTPS, shared,
                PortRole.PF, shared, PortRole.API, shared), Cidr.parse("10.0.0.0/8"), 24));
        Environment first = store.create(EnvironmentSpec.of("shared-1", "k3d"), oneTotal);
        HeldSnapshot held = HeldSnapshot.of(List.of());
        assertThat(first.ports()).isEqualTo(oneTotal.allocate(EnvironmentSpec.of("shared-1", "k3d"), held).ports())
                .isEqualTo(new HostPorts(45000, 45001, 45002, 45003));
        Environment second = store.create(EnvironmentSpec.of("shared-2", "k3d"), oneTotal);
        assertThat(second.ports()).isEqualTo(oneTotal.allocate(EnvironmentSpec.of("shared-2", "k3d"), held.add(first))
                .ports());

        // an explicit http port that is the https pool's lowest free port: https takes the next one
        Environment c = store.create(EnvironmentSpec.of("c", "k3d").withPorts(new HostPorts(23000, null, null, null)),
                allocator);
        assertThat(c.ports()).isEqualTo(new HostPorts(23000, 23001, 26000, 29000));
        assertStoreConsistent(3);
    }

    @Test
    void timestampsAreKeptAsGivenOnTheMinuteToTheMillisecondAndInADaylightSavingJvmTimeZone() throws Exception {
        java.time.Instant onTheMinute = java.time.Instant.parse("2026-03-29T02:30:00Z");
        java.time.Instant withMillis = java.time.Instant.parse("2026-03-29T02:45:07.089Z");
        java.util.TimeZone saved = java.util.TimeZone.getDefault();
        // 02:30 on 29 March 2026 does not exist in Berlin (02:00 jumps to 03:00); as UTC it must stay 02:30,
        // written (the create's statement, jOOQ's update) and read back (through java.sql.Timestamp it became
        // 03:30 both ways)
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Europe/Berlin"));
        try {
            store.insert(Environment.created(EnvironmentSpec.of("ts-a", "k3d"), new HostPorts(20100, null, null, null),
                    null, onTheMinute));
            store.insert(Environment.created(EnvironmentSpec.of("ts-b", "k3d"), new HostPorts(20101, null, null, null),
                    null, withMillis));
            try (Connection c = TestDatabase.dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet r = st.executeQuery("SELECT created_at::text, updated_at::text FROM " + store.schema()
                         + ".clusters WHERE name LIKE 'ts-%' ORDER BY name")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1) + " " + r.getString(2)).isEqualTo("2026-03-29 02:30:00 2026-03-29 02:30:00");
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("2026-03-29 02:45:07.089");
            }
            Environment a = store.get("ts-a");
            assertThat(a.createdAt()).isEqualTo(onTheMinute);
            assertThat(store.get("ts-b").createdAt()).isEqualTo(withMillis);
            assertThat(store.list(EnvironmentFilter.ALL)).filteredOn(e -> e.name().equals("ts-a"))
                    .extracting(Environment::updatedAt).containsExactly(onTheMinute);
            // an update through jOOQ writes the same way
            Environment moved = store.update(a.withActualState(dev.envctl.core.ActualState.RUNNING, null),
                    a.version());
            assertThat(store.get("ts-a").createdAt()).isEqualTo(onTheMinute);
            assertThat(store.get("ts-a").updatedAt()).isEqualTo(moved.updatedAt());
        } finally {
            java.util.TimeZone.setDefault(saved);
        }
    }

    @Test
    void aRawInsertOfALegacyWriterIsKeptInStepAndRefusedOnAHeldPort() throws Exception {
        Environment a = store.create(EnvironmentSpec.of("a", "k3d").withSubnet(SubnetRequest.AUTO), allocator);
        try (Connection raw = rawConnection()) {
            execute(raw, "INSERT INTO clusters (name, provider, subnet, http_port, https_port, pf_port, api_port) "
                    + "VALUES ('legacy', 'k3d', '10.0.1.0/24', 20001, 23001, 26001, 29001)");
            assertThat(count("SELECT count(*) FROM held_ports WHERE name = 'legacy'")).isEqualTo(4);
            assertThat(count("SELECT count(*) FROM held_subnets WHERE name = 'legacy'")).isEqualTo(1);
            assertThatThrownBy(() -> execute(raw, "INSERT INTO clusters (name, provider, http_port, https_port, "
                    + "pf_port, api_port) VALUES ('dup', 'k3d', 20100, " + a.ports().https() + ", 26100, 29100)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("23505");
                        assertThat(e.getMessage()).contains("held_ports_pkey");
                    });
            assertThatThrownBy(() -> execute(raw, "INSERT INTO clusters (name, provider, subnet) "
                    + "VALUES ('dup', 'k3d', '10.0.0.128/25')"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23P01"));
        }
        Environment next = store.create(EnvironmentSpec.of("next", "k3d").withSubnet(SubnetRequest.AUTO), allocator);
        assertThat(next.ports()).isEqualTo(new HostPorts(20002, 23002, 26002, 29002));
        assertThat(next.subnet()).isEqualTo(Cidr.parse("10.0.2.0/24"));
        assertStoreConsistent(3);
    }

    @Test
    void twoScriptsInsertingAdjacentPortsAtOnceTakeTurnsAndLeaveExactRunEnds() throws Exception {
        // as the Kindler scripts create two environments of their config in parallel: without the lock each insert's
        // trigger set its run ends before the other's row was committed, so 20000, 23000 and 26000 stayed marked
        try (Connection first = rawConnection(); Connection second = rawConnection()) {
            first.setAutoCommit(false);
            execute(first, "INSERT INTO clusters (name, provider, node_port, http_port, https_port, pf_port) "
                    + "VALUES ('dev', 'k3d', 30080, 20000, 23000, 26000)");
            CompletableFuture<Void> waiting = waitingForTheWriteLock(second, "INSERT INTO clusters (name, provider, "
                    + "node_port, http_port, https_port, pf_port) VALUES ('dev-k3d', 'k3d', 30080, 20001, 23001, 26001)");
            first.commit();
            waiting.get(30, TimeUnit.SECONDS);
        }

        Environment next = store.create(EnvironmentSpec.of("next", "k3d"), allocator);

        assertThat(next.ports()).isEqualTo(new HostPorts(20002, 23002, 26002, 29000));
        assertStoreConsistent(3);
    }

    @Test
    void aScriptDeletingTheNextPortsWhileAnotherInsertsWaitsForItAndLeavesExactRunEnds() throws Exception {
        // without the lock the delete's trigger could not mark 20000 a run end (not committed yet), and the
        // insert's saw 20001 still held: the free ports after 20000 stayed hidden
        try (Connection first = rawConnection(); Connection second = rawConnection()) {
            execute(first, "INSERT INTO clusters (name, provider, http_port, https_port, pf_port) "
                    + "VALUES ('b', 'k3d', 20001, 23001, 26001)");
            first.setAutoCommit(false);
            execute(first, "DELETE FROM clusters WHERE name = 'b'");
            CompletableFuture<Void> waiting = waitingForTheWriteLock(second, "INSERT INTO clusters (name, provider, "
                    + "http_port, https_port, pf_port, api_port) VALUES ('a', 'k3d', 20000, 23000, 26000, 29000)");
            first.commit();
            waiting.get(30, TimeUnit.SECONDS);
        }

        Environment next = store.create(EnvironmentSpec.of("next", "k3d"), allocator);

        assertThat(next.ports()).isEqualTo(new HostPorts(20001, 23001, 26001, 29001));
        assertStoreConsistent(2);
    }

    @Test
    void aScriptDeletingTheNextSubnetWhileAnotherInsertsWaitsForItAndLeavesExactRunEnds() throws Exception {
        try (Connection first = rawConnection(); Connection second = rawConnection()) {
            execute(first, "INSERT INTO clusters (name, provider, subnet) VALUES ('b', 'k3d', '10.0.1.0/24')");
            first.setAutoCommit(false);
            execute(first, "DELETE FROM clusters WHERE name = 'b'");
            CompletableFuture<Void> waiting = waitingForTheWriteLock(second,
                    "INSERT INTO clusters (name, provider, subnet) VALUES ('a', 'k3d', '10.0.0.0/24')");
            first.commit();
            waiting.get(30, TimeUnit.SECONDS);
        }

        Environment next = store.create(EnvironmentSpec.of("next", "k3d").withSubnet(SubnetRequest.AUTO), allocator);

        assertThat(next.subnet()).isEqualTo(Cidr.parse("10.0.1.0/24"));
        assertStoreConsistent(2);
    }

    @Test
    void everyStatementOfAWriterOutsideEnvctlWaitsWhileEnvctlHoldsTheWriteLock() throws Exception {
        store.addHost(new dev.envctl.core.Host("two", null, null, java.util.Map.of(), null));
        try (Connection envctl = rawConnection(); Connection script = rawConnection()) {
            // what every envctl write takes first, with the key envctl computes
            envctl.setAutoCommit(false);
            execute(envctl, "SELECT pg_advisory_xact_lock(" + LockKeys.writes(store.schema()) + ")");
            for (String sql : List.of(
                    "INSERT INTO clusters (name, provider, http_port, https_port, pf_port) "
                            + "VALUES ('s', 'kind', 20000, 23000, 26000)",
                    "UPDATE clusters SET http_port = 20005 WHERE name = 's'",
                    "DELETE FROM clusters WHERE name = 's'",
                    "UPDATE hosts SET capacity = 3 WHERE name = 'two'",
                    "DELETE FROM hosts WHERE name = 'two'")) {
                CompletableFuture<Void> waiting = waitingForTheWriteLock(script, sql);
                envctl.commit();
                waiting.get(30, TimeUnit.SECONDS);
                execute(envctl, "SELECT pg_advisory_xact_lock(" + LockKeys.writes(store.schema()) + ")");
            }
            envctl.commit();
        }
        assertThat(store.hosts()).extracting(dev.envctl.core.Host::name).containsExactly("local");
        assertStoreConsistent(0);
    }

    /**
     * Runs {@code sql} on {@code c} (autocommit) on another thread, and returns once the statement waits for an
     * advisory lock: the store's write lock, which the schema's triggers take before any row is written.
     */
    private CompletableFuture<Void> waitingForTheWriteLock(Connection c, String sql) throws Exception {
        long pid = pid(c);
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
            try {
                execute(c, sql);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        String waits = "SELECT count(*) FROM pg_locks WHERE pid = " + pid + " AND locktype = 'advisory' AND NOT granted";
        for (int i = 0; i < 200 && count(waits) == 0 && !running.isDone(); i++) {
            Thread.sleep(50);
        }
        assertThat(running).as(sql).isNotDone();
        assertThat(count(waits)).as(sql).isEqualTo(1);
        return running;
    }

    private static long pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void plansWithTheServersDefaultsStayIndexScansOnceStatisticsSeeTheTablesGrow() throws Exception {
        List<Environment> created = new ArrayList<>();
        store.create(EnvironmentSpec.of("tiny", "k3d").withSubnet(SubnetRequest.AUTO), allocator);
        try (Connection raw = rawConnection()) {
            // statistics of one-page tables: what makes a planner choose sequential scans
            execute(raw, "ANALYZE clusters");
            execute(raw, "ANALYZE held_ports");
            execute(raw, "ANALYZE held_subnets");
        }
        for (int i = 0; i < 12; i++) {
            // plans of the store's statements and of its triggers' statements are cached while small
            created.add(store.create(EnvironmentSpec.of("small-" + i, "k3d").withSubnet(SubnetRequest.AUTO),
                    allocator));
            store.insert(Environment.created(EnvironmentSpec.of("ins-" + i, "k3d"),
                    new HostPorts(21000 + i, 24000 + i, 27000 + i, 30000 + i), null, created.get(i).createdAt()));
        }
        try (Connection raw = rawConnection()) {
            // the tables grow by a legacy writer; statistics follow (as autovacuum's or adoption's ANALYZE does)
            execute(raw, "INSERT INTO clusters (name, provider, subnet, http_port, https_port, pf_port, api_port) "
                    + "SELECT 'grown-' || g, 'k3d', network(set_masklen('10.0.0.0'::inet + (g + 13) * 256, 24)), "
                    + "20013 + g, 23013 + g, 26013 + g, 29013 + g FROM generate_series(0, 799) g");
            execute(raw, "ANALYZE clusters");
            execute(raw, "ANALYZE held_ports");
            execute(raw, "ANALYZE held_subnets");
        }
        // new sessions (as each CLI command opens): no plan of the small tables is left in them
        store.close();
        store = JdbcEnvironmentStore.open(TestDatabase.dataSource(), JdbcStoreOptions.defaults()
                .withSchema(store.schema()).withMigrate(MigrateMode.OFF), TestDatabase.url());
        long before = seqScans();

        for (int i = 0; i < 12; i++) {
            Environment e = store.create(EnvironmentSpec.of("large-" + i, "k3d").withSubnet(SubnetRequest.AUTO),
                    allocator);
            assertThat(e.ports().http()).isEqualTo(20813 + i);
            store.insert(Environment.created(EnvironmentSpec.of("ins2-" + i, "k3d"),
                    new HostPorts(21100 + i, 24100 + i, 27100 + i, 30100 + i), null, e.createdAt()));
        }
        assertThat(seqScans()).as("sequential scans of clusters, held_ports, held_subnets").isEqualTo(before);
        assertStoreConsistent(1 + 24 + 800 + 24);
    }

    /** Sequential scans of the store's tables so far, once the store's sessions reported their counts. */
    private long seqScans() throws Exception {
        Thread.sleep(2_500);
        return count("SELECT coalesce(sum(seq_scan), 0) FROM pg_stat_user_tables WHERE schemaname = '"
                + store.schema() + "' AND relname IN ('clusters', 'held_ports', 'held_subnets')");
    }

    private void assertStoreConsistent(int environments) {
        List<Environment> all = store.list(EnvironmentFilter.ALL);
        assertThat(all).hasSize(environments);
        StoreInvariants.assertHold(all);
        assertThat(count("SELECT count(*) FROM held_ports h WHERE run_end = EXISTS (SELECT 1 FROM held_ports n "
                + "WHERE n.port = h.port + 1)")).isZero();
        assertThat(count("SELECT count(*) FROM held_subnets h WHERE run_end = EXISTS (SELECT 1 FROM held_subnets n "
                + "WHERE n.first_address = h.last_address + 1)")).isZero();
        assertThat(count("SELECT count(*) FROM held_ports")).isEqualTo(count("SELECT count(http_port) "
                + "+ count(https_port) + count(pf_port) + count(api_port) FROM clusters"));
    }

    private Connection rawConnection() throws SQLException {
        Connection c = TestDatabase.dataSource().getConnection();
        execute(c, "SET search_path TO " + store.schema());
        return c;
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String sql) {
        try (Connection c = rawConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> rows(String sql) {
        List<String> out = new ArrayList<>();
        try (Connection c = rawConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
