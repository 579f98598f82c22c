package dev.envctl.store.jdbc.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.Host;
import dev.envctl.core.HostPorts;
import dev.envctl.core.alloc.HeldSnapshot;
import dev.envctl.store.jdbc.JdbcEnvironmentStore;
import dev.envctl.store.jdbc.TestDatabase;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

import static dev.envctl.store.jdbc.internal.schema.Tables.CLUSTERS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The indexed answers agree with core's in-memory {@link HeldSnapshot} through random inserts, updates and
 * deletes (which exercise the triggers keeping {@code held_ports.run_end} exact), and the queries use the
 * indexes rather than scanning.
 */
class IndexedHeldTest {
    private static final TestDatabase.ClassSchema SCHEMA = new TestDatabase.ClassSchema("held");
    private JdbcEnvironmentStore store;

    @BeforeEach
    void open() {
        store = SCHEMA.emptyStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @AfterAll
    static void drop() {
        SCHEMA.drop();
    }

    private void withHeld(Consumer<DSLContext> work) {
        try (Connection c = TestDatabase.dataSource().getConnection()) {
            c.setSchema(store.schema());
            work.accept(DSL.using(c, SQLDialect.POSTGRES));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Environment env(String name, HostPorts ports, Cidr subnet) {
        return new Environment(name, "k3d", subnet, ports, 30080, Map.of(), Map.of(), DesiredState.PRESENT,
                ActualState.UNKNOWN, null, Instant.EPOCH, Instant.EPOCH, 1);
    }

    @Test
    void lowestFreePortsAndSubnetsMatchTheInMemorySnapshotThroughRandomChanges() {
        Random random = new Random(42);
        List<Environment> live = new ArrayList<>();
        for (int step = 0; step < 60; step++) {
            int op = random.nextInt(10);
            if (live.isEmpty() || (op < 6 && live.size() < 12)) {
                Set<Integer> held = new HashSet<>();
                live.forEach(e -> held.addAll(e.ports().values()));
                List<Integer> ports = new ArrayList<>();
                while (ports.size() < 3) {
                    int p = 100 + random.nextInt(40);
                    if (!held.contains(p) && !ports.contains(p)) {
                        ports.add(p);
                    }
                }
                Cidr subnet = Cidr.enclosing((10L << 24) + random.nextInt(64) * 256L, 22 + random.nextInt(5));
                boolean overlaps = live.stream().anyMatch(e -> e.subnet() != null && e.subnet().overlaps(subnet));
                Environment e = env("e" + step, new HostPorts(ports.get(0), ports.get(1), ports.get(2), null),
                        overlaps ? null : subnet);
                live.add(store.insert(e));
            } else if (op < 8 || live.size() >= 12) {
                store.delete(live.remove(random.nextInt(live.size())).name());
            } else {
                Environment old = live.remove(random.nextInt(live.size()));
                Set<Integer> held = new HashSet<>();
                live.forEach(e -> held.addAll(e.ports().values()));
                int p = 100 + random.nextInt(40);
                HostPorts moved = held.contains(p) || old.ports().values().contains(p) ? old.ports()
                        : old.ports().with(dev.envctl.core.PortRole.HTTP, p);
                live.add(store.update(env(old.name(), moved, old.subnet()), old.version()));
            }
            HeldSnapshot model = HeldSnapshot.of(store.list(EnvironmentFilter.ALL));
            withHeld(ctx -> {
                IndexedHeld held = new IndexedHeld(ctx, Host.LOCAL_NAME, null);
                for (int from = 98; from <= 142; from++) {
                    assertThat(held.lowestFreePort(from, 141)).as("lowest free from %d", from)
                            .isEqualTo(model.lowestFreePort(from, 141));
                    if (from % 3 == 0) {
                        assertThat(held.portHolder(from)).isEqualTo(model.portHolder(from));
                    }
                }
                for (int prefix : new int[]{22, 24, 26}) {
                    Cidr pool = Cidr.parse("10.0.0.0/18");
                    assertThat(held.lowestFreeSubnet(pool, prefix)).as("lowest free /%d", prefix)
                            .isEqualTo(model.lowestFreeSubnet(pool, prefix));
                }
                for (int block = 0; block < 64; block += 7) {
                    Cidr probe = Cidr.enclosing((10L << 24) + block * 256L, 24);
                    assertThat(held.overlapping(probe).isPresent()).isEqualTo(model.overlapping(probe).isPresent());
                }
            });
        }
        assertThat(store.list(EnvironmentFilter.ALL)).isNotEmpty();
    }

    @Test
    void theFreePortAndOverlapQueriesUseTheIndexesAtTenThousandEnvironments() {
        TestDatabase.sql("SET search_path TO " + store.schema(),
                "INSERT INTO clusters (name, provider, subnet, http_port, https_port, pf_port, api_port, created_at, "
                        + "updated_at) SELECT 'e' || g, 'k3d', network(set_masklen('10.0.0.0'::inet + g * 256, 24)), "
                        + "1000 + g, 12000 + g, 23000 + g, 34000 + g, now(), now() FROM generate_series(1, 10000) g",
                "ANALYZE clusters", "ANALYZE held_ports");
        withHeld(ctx -> {
            IndexedHeld held = new IndexedHeld(ctx, Host.LOCAL_NAME, null);
            assertThat(held.lowestFreePort(1001, 20000)).hasValue(11001);
            assertThat(held.lowestFreeSubnet(Cidr.parse("10.0.0.0/8"), 24)).contains(Cidr.parse("10.0.0.0/24"));
            assertThat(held.lowestFreeSubnet(Cidr.parse("10.0.1.0/24"), 24)).isEmpty();
            assertThat(held.lowestFreeSubnet(Cidr.parse("10.0.0.0/8"), 16)).contains(Cidr.parse("10.40.0.0/16"));
            assertThat(held.lowestFreeSubnet(Cidr.parse("10.1.0.0/16"), 26)).isEmpty();
            assertThat(held.lowestFreeSubnet(Cidr.parse("10.39.0.0/16"), 26)).contains(Cidr.parse("10.39.17.0/26"));

            String portPlan = ctx.explain(ctx.select(IndexedHeld.lowestFreeFrom(Host.LOCAL_NAME, 1001))).plan();
            assertThat(portPlan).contains("held_ports_run_ends").contains("held_ports_pkey").doesNotContain("Seq Scan");
            String subnetPlan = ctx.explain(ctx.select(DSL.field(
                    IndexedHeld.lowestFreeSubnetSelect(Cidr.parse("10.0.0.0/8"), 24)))).plan();
            assertThat(subnetPlan).contains("held_subnets_run_ends").doesNotContain("Seq Scan");
            String overlapPlan = ctx.explain(ctx.select(CLUSTERS.NAME).from(CLUSTERS)
                    .where(IndexedHeld.overlaps(CLUSTERS.SUBNET, "10.0.40.0/24"))).plan();
            assertThat(overlapPlan).contains("clusters_subnet_excl").doesNotContain("Seq Scan");
        });
    }
}
