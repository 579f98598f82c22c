package dev.envctl.core.alloc;

import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.PortRole;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.testing.StoreInvariants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AllocatorTest {
    private final Allocator allocator = new Allocator(AllocationPolicy.defaults());

    private static Environment held(String name, HostPorts ports, String subnet) {
        return new Environment(name, "k3d", subnet == null ? null : Cidr.parse(subnet), ports, 30080, Map.of(),
                Map.of(), DesiredState.PRESENT, ActualState.RUNNING, null, Instant.EPOCH, Instant.EPOCH, 1);
    }

    private static ErrorCode codeOf(Runnable r) {
        try {
            r.run();
        } catch (EnvctlException e) {
            return e.code();
        }
        return null;
    }

    @Test
    void emptySnapshotGivesTheFirstPortOfEveryPool() {
        Allocation a = allocator.allocate(EnvironmentSpec.of("dev", "k3d"), new HeldSnapshot());
        assertThat(a.ports()).isEqualTo(new HostPorts(18080, 18400, 19000, 26443));
        assertThat(a.subnet()).isNull();
    }

    @Test
    void automaticPortsSkipWhatAnotherProgramOnThisHostListensOn() throws Exception {
        Allocator local = new Allocator(AllocationPolicy.defaults(), PortProbe.LOCAL);
        int first = local.allocate(EnvironmentSpec.of("dev", "k3d"), new HeldSnapshot()).ports().http();
        try (java.net.ServerSocket devServer = new java.net.ServerSocket()) {
            devServer.bind(new java.net.InetSocketAddress("127.0.0.1", first));

            Allocation a = local.allocate(EnvironmentSpec.of("dev", "k3d"), new HeldSnapshot());

            assertThat(a.ports().http()).isGreaterThan(first);
            assertThat(PortProbe.LOCAL.canBind(first)).isFalse();
            assertThat(allocator.allocate(EnvironmentSpec.of("dev", "k3d"), new HeldSnapshot()).ports().http())
                    .as("without a probe only the store counts").isEqualTo(18080);
            assertThat(local.allocate(EnvironmentSpec.of("dev", "k3d").withPorts(new HostPorts(first, null, null,
                    null)), new HeldSnapshot()).ports().http()).as("an explicit port is not probed").isEqualTo(first);
        }
        assertThat(PortProbe.LOCAL.canBind(first)).isTrue();
    }

    @Test
    void aPortAnotherProbeHoldsForAMomentStillCountsAsFree() throws Exception {
        java.net.ServerSocket moment = new java.net.ServerSocket();
        moment.setReuseAddress(false);
        moment.bind(new java.net.InetSocketAddress(0));
        int port = moment.getLocalPort();
        List<Boolean> heldWhileWaiting = new ArrayList<>();
        // as another envctl's probe of the same port, running at the same time, holds it: the real binds of
        // PortProbe.LOCAL, and the other's moment ends while this probe waits (in the wait itself, so no thread
        // has to be scheduled within it)
        PortProbe local = new HostPortProbe(HostPortProbe::bindsNow, () -> {
            heldWhileWaiting.add(!moment.isClosed());
            try {
                moment.close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return true;
        });

        assertThat(local.canBind(port)).isTrue();
        assertThat(heldWhileWaiting).as("the first try found the port held, and the probe waited")
                .containsExactly(true);
    }

    @Test
    void aPortThatNeverBindsIsWaitedForOnceNotByEveryAllocation() {
        // 18080 held by a listener, a connection or its TIME_WAIT: every allocation finds it the lowest free http port
        int[] bindsOf18080 = {0};
        int[] waits = {0};
        Allocator local = new Allocator(AllocationPolicy.defaults(), new HostPortProbe(port -> {
            bindsOf18080[0] += port == 18080 ? 1 : 0;
            return port != 18080;
        }, () -> {
            waits[0]++;
            return true;
        }));

        for (int i = 0; i < 200; i++) {
            assertThat(local.allocate(EnvironmentSpec.of("dev", "k3d"), new HeldSnapshot()).ports().http())
                    .isEqualTo(18081);
        }

        assertThat(waits[0]).as("only the first allocation waits to try 18080 again").isEqualTo(1);
        assertThat(bindsOf18080[0]).as("every allocation still tries 18080 once, so it is used once it is free")
                .isEqualTo(201);
    }

    @Test
    void aPoolWhosePortsOtherProgramsAllHoldIsExhaustedSayingSo() {
        Allocator nothingBinds = new Allocator(AllocationPolicy.defaults(), port -> false);

        assertThatThrownBy(() -> nothingBinds.allocate(EnvironmentSpec.of("dev", "k3d"), new HeldSnapshot()))
                .isInstanceOf(EnvctlException.class)
                .hasMessageContaining("no free http port left in pool 18080-18399 (held by environments or by other "
                        + "programs on this host)")
                // in library terms: an embedder has no config file; the CLI adds its pool.* keys
                .hasMessageEndingWith("; delete an environment or widen the http port pool")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.POOL_EXHAUSTED));
    }

    @Test
    void skipsPortsHeldInAnyRole() {
        // 18080 is held as somebody's pf: still not free for http
        HeldSnapshot s = HeldSnapshot.of(List.of(held("a", new HostPorts(18400, 18401, 18080, null), null)));
        Allocation a = allocator.allocate(EnvironmentSpec.of("dev", "k3d"), s);
        assertThat(a.ports()).isEqualTo(new HostPorts(18081, 18402, 19000, 26443));
    }

    @Test
    void explicitPortsAreKeptAndNeverReusedForOtherRoles() {
        // explicit pf in the http pool's first slot: http must move on
        Allocation a = allocator.allocate(EnvironmentSpec.of("dev", "k3d")
                .withPorts(new HostPorts(null, null, 18080, null)), new HeldSnapshot());
        assertThat(a.ports()).isEqualTo(new HostPorts(18081, 18400, 18080, 26443));
    }

    @Test
    void explicitPortOutsideEveryPoolIsAllowed() {
        Allocation a = allocator.allocate(EnvironmentSpec.of("devops", "k3d")
                .withPorts(new HostPorts(23800, 23843, null, null)), new HeldSnapshot());
        assertThat(a.ports().http()).isEqualTo(23800);
        assertThat(a.ports().https()).isEqualTo(23843);
    }

    @Test
    void explicitHeldPortIsAConflictNamingTheHolder() {
        HeldSnapshot s = HeldSnapshot.of(List.of(held("dev", new HostPorts(18090, 18443, 19001, null), null)));
        assertThatThrownBy(() -> allocator.allocate(EnvironmentSpec.of("uat", "k3d")
                .withPorts(new HostPorts(null, 19001, null, null)), s))
                .isInstanceOf(EnvctlException.class)
                .hasMessageContaining("https port 19001").hasMessageContaining("'dev'")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
    }

    @Test
    void lastPortOfAPoolIsUsedThenThePoolIsExhausted() {
        Map<PortRole, PortRange> pools = new EnumMap<>(AllocationPolicy.defaults().portPools());
        pools.put(PortRole.API, new PortRange(65534, 65535));
        Allocator small = new Allocator(new AllocationPolicy(pools, Cidr.parse("10.100.0.0/14"), 24));
        HeldSnapshot s = new HeldSnapshot();
        s.addPort(65534, "a");

        assertThat(small.allocate(EnvironmentSpec.of("b", "k3d"), s).ports().api()).isEqualTo(65535);
        s.addPort(65535, "b");
        assertThatThrownBy(() -> small.allocate(EnvironmentSpec.of("c", "k3d"), s))
                .hasMessageContaining("no free api port left in pool 65534-65535")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.POOL_EXHAUSTED));
    }

    @Test
    void poolExhaustedByPortsThisRequestTookItself() {
        Map<PortRole, PortRange> pools = new EnumMap<>(PortRole.class);
        for (PortRole r : PortRole.values()) {
            pools.put(r, new PortRange(40000, 40002));
        }
        Allocator shared = new Allocator(new AllocationPolicy(pools, Cidr.parse("10.100.0.0/14"), 24));
        assertThatThrownBy(() -> shared.allocate(EnvironmentSpec.of("a", "k3d"), new HeldSnapshot()))
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.POOL_EXHAUSTED));
        pools.put(PortRole.API, new PortRange(40000, 40003));
        Allocator enough = new Allocator(new AllocationPolicy(pools, Cidr.parse("10.100.0.0/14"), 24));
        assertThat(enough.allocate(EnvironmentSpec.of("a", "k3d"), new HeldSnapshot()).ports())
                .isEqualTo(new HostPorts(40000, 40001, 40002, 40003));
    }

    @Test
    void autoSubnetJumpsPastHeldBlocksOfAnySize() {
        HeldSnapshot s = HeldSnapshot.of(List.of(
                held("a", HostPorts.NONE, "10.100.0.0/24"),
                held("b", HostPorts.NONE, "10.100.1.128/25"),
                held("c", HostPorts.NONE, "10.100.4.0/22")));
        EnvironmentSpec auto = EnvironmentSpec.of("d", "k3d").withSubnet(SubnetRequest.AUTO);
        assertThat(allocator.allocate(auto, s).subnet()).hasToString("10.100.2.0/24");
        s.addSubnet(Cidr.parse("10.100.2.0/23"), "e");
        assertThat(allocator.allocate(auto, s).subnet()).hasToString("10.100.8.0/24");
    }

    @Test
    void autoSubnetSkipsBlocksTheHostsNetworksUseAndThenWhatTheStoreHolds() {
        Cidr dockerNetwork = Cidr.parse("10.100.1.0/24");
        Cidr lan = Cidr.parse("10.100.4.0/23");
        Allocator probing = new Allocator(AllocationPolicy.defaults(), PortProbe.NONE,
                block -> !block.overlaps(dockerNetwork) && !block.overlaps(lan));
        HeldSnapshot s = HeldSnapshot.of(List.of(held("a", HostPorts.NONE, "10.100.0.0/24"),
                held("b", HostPorts.NONE, "10.100.2.0/24")));
        EnvironmentSpec auto = EnvironmentSpec.of("d", "k3d").withSubnet(SubnetRequest.AUTO);

        assertThat(probing.allocate(auto, s).subnet()).hasToString("10.100.3.0/24");
        s.addSubnet(Cidr.parse("10.100.3.0/24"), "c");
        assertThat(probing.allocate(auto, s).subnet()).hasToString("10.100.6.0/24");
        assertThat(allocator.allocate(auto, s).subnet()).as("without the probe").hasToString("10.100.1.0/24");
        assertThat(probing.allocate(EnvironmentSpec.of("d", "k3d").withSubnet(SubnetRequest.of(dockerNetwork)), s)
                .subnet()).as("an explicit subnet is not probed").isEqualTo(dockerNetwork);
        Allocator nothingFree = new Allocator(AllocationPolicy.defaults(), PortProbe.NONE, block -> false);
        assertThatThrownBy(() -> nothingFree.allocate(auto, s))
                .hasMessageContaining("no free /24 subnet left in pool 10.100.0.0/14 (held by environments or used "
                        + "by networks of this host)")
                .hasMessageEndingWith("; delete an environment or widen the subnet pool");
    }

    @Test
    void theLocalProbeReadsTheRoutingTableWithoutItsDefaultRoute(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path table = dir.resolve("route");
        java.nio.file.Files.writeString(table, String.join("\n",
                "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
                "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0",
                "br-b09460d024c0\t0000B10A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
                "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0", ""));

        assertThat(SubnetProbe.Routes.of(table)).containsExactly(Cidr.parse("10.177.0.0/24"),
                Cidr.parse("172.17.0.0/16"));
        assertThat(SubnetProbe.Routes.of(dir.resolve("missing"))).isEmpty();
    }

    @Test
    void heldSupernetOfThePoolExhaustsIt() {
        HeldSnapshot s = HeldSnapshot.of(List.of(held("big", HostPorts.NONE, "10.0.0.0/8")));
        assertThatThrownBy(() -> allocator.allocate(EnvironmentSpec.of("d", "k3d").withSubnet(SubnetRequest.AUTO), s))
                .hasMessageContaining("no free /24 subnet left in pool 10.100.0.0/14");
    }

    @Test
    void explicitOverlappingSubnetIsAConflict() {
        HeldSnapshot s = HeldSnapshot.of(List.of(held("dev-k3d", HostPorts.NONE, "10.101.0.0/16")));
        assertThatThrownBy(() -> allocator.allocate(EnvironmentSpec.of("x", "k3d")
                .withSubnet(SubnetRequest.parse("10.101.5.0/24")), s))
                .hasMessageEndingWith("overlaps 10.101.0.0/16 of environment 'dev-k3d'; choose another or ask for an "
                        + "automatic one")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(allocator.allocate(EnvironmentSpec.of("x", "k3d")
                .withSubnet(SubnetRequest.parse("10.102.0.0/24")), s).subnet()).hasToString("10.102.0.0/24");
    }

    @Test
    void requireFreeChecksAResolvedRecord() {
        HeldSnapshot s = HeldSnapshot.of(List.of(held("a", new HostPorts(18080, null, null, null), "10.1.0.0/16")));
        Allocator.requireFree(held("b", new HostPorts(18081, null, null, null), "10.2.0.0/16"), s);
        assertThat(codeOf(() -> Allocator.requireFree(held("b", new HostPorts(18080, null, null, null), null), s)))
                .isEqualTo(ErrorCode.CONFLICT);
        assertThat(codeOf(() -> Allocator.requireFree(held("b", HostPorts.NONE, "10.1.2.0/24"), s)))
                .isEqualTo(ErrorCode.CONFLICT);
    }

    @Test
    void anUpdateIsCheckedOnlyForWhatItNewlyTakes() {
        Environment a = held("a", new HostPorts(18090, 18443, null, null), "10.1.0.0/16");
        Environment b = held("b", new HostPorts(18090, 18444, null, null), "10.1.0.0/24");
        HeldSnapshot others = HeldSnapshot.of(List.of(a));

        Allocator.requireFree(b.withDesiredState(DesiredState.ABSENT), b, others);
        Allocator.requireFree(b.withPorts(new HostPorts(18444, 18090, null, null)), b, others);
        assertThat(codeOf(() -> Allocator.requireFree(b.withPorts(new HostPorts(18090, 18443, null, null)), b,
                others))).as("a port of another's it did not hold").isEqualTo(ErrorCode.CONFLICT);
        assertThat(codeOf(() -> Allocator.requireFree(b.withHost("two"), b,
                HeldSnapshot.of(List.of(a.withHost("two")), "two")))).as("on another host every port is new")
                .isEqualTo(ErrorCode.CONFLICT);
        assertThat(codeOf(() -> Allocator.requireFree(new Environment("b", "k3d", Cidr.parse("10.1.0.0/20"),
                b.ports(), 30080, Map.of(), Map.of(), DesiredState.PRESENT, ActualState.RUNNING, null, Instant.EPOCH,
                Instant.EPOCH, 1), b, others))).as("a changed subnet").isEqualTo(ErrorCode.CONFLICT);
    }

    /**
     * Seeded random requests against a growing snapshot: every success keeps the invariants, every failure
     * is one of the documented errors and is really justified.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 20261126, 99991})
    void randomRequestsNeverBreakAnInvariant(long seed) {
        Random random = new Random(seed);
        Map<PortRole, PortRange> pools = new EnumMap<>(PortRole.class);
        pools.put(PortRole.HTTP, new PortRange(30000, 30063));
        pools.put(PortRole.HTTPS, new PortRange(30040, 30103)); // overlaps http's pool on purpose
        pools.put(PortRole.PF, new PortRange(30100, 30163));
        pools.put(PortRole.API, new PortRange(30164, 30227));
        Allocator a = new Allocator(new AllocationPolicy(pools, Cidr.parse("10.64.0.0/20"), 24));
        List<Environment> accepted = new ArrayList<>();
        int conflicts = 0;
        int exhausted = 0;
        for (int i = 0; i < 400; i++) {
            EnvironmentSpec spec = randomSpec(random, "e" + i);
            HeldSnapshot snapshot = HeldSnapshot.of(accepted);
            try {
                Allocation result = a.allocate(spec, snapshot);
                assertThat(result.ports().complete()).isTrue();
                spec.ports().asMap().forEach((role, port) -> assertThat(result.ports().get(role)).isEqualTo(port));
                if (spec.subnet().mode() == SubnetRequest.Mode.EXPLICIT) {
                    assertThat(result.subnet()).isEqualTo(spec.subnet().cidr());
                }
                accepted.add(Environment.created(spec, result.ports(), result.subnet(), Instant.EPOCH));
                StoreInvariants.assertHold(accepted);
            } catch (EnvctlException e) {
                assertThat(e.code()).isIn(ErrorCode.CONFLICT, ErrorCode.POOL_EXHAUSTED);
                if (e.code() == ErrorCode.CONFLICT) {
                    conflicts++;
                    assertThat(justifiedConflict(spec, snapshot)).as(e.getMessage()).isTrue();
                } else {
                    exhausted++;
                }
            }
        }
        assertThat(accepted.size()).isGreaterThan(10);
        assertThat(conflicts + exhausted).isGreaterThan(0);
    }

    private static boolean justifiedConflict(EnvironmentSpec spec, HeldSnapshot snapshot) {
        boolean port = spec.ports().values().stream().anyMatch(p -> snapshot.portHolder(p).isPresent());
        boolean subnet = spec.subnet().mode() == SubnetRequest.Mode.EXPLICIT
                && snapshot.overlapping(spec.subnet().cidr()).isPresent();
        return port || subnet;
    }

    private static EnvironmentSpec randomSpec(Random random, String name) {
        Map<PortRole, Integer> ports = new EnumMap<>(PortRole.class);
        for (PortRole role : PortRole.values()) {
            if (random.nextInt(4) == 0) {
                int candidate = 30000 + random.nextInt(240);
                if (!ports.containsValue(candidate)) {
                    ports.put(role, candidate);
                }
            }
        }
        SubnetRequest subnet = switch (random.nextInt(3)) {
            case 0 -> SubnetRequest.NONE;
            case 1 -> SubnetRequest.AUTO;
            default -> SubnetRequest.of(Cidr.enclosing(0x0A400000L + random.nextInt(1 << 13) * 256L,
                    22 + random.nextInt(4)));
        };
        return EnvironmentSpec.of(name, "k3d").withPorts(HostPorts.of(ports)).withSubnet(subnet);
    }
}
