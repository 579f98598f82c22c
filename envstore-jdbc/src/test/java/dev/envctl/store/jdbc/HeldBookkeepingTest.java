package dev.envctl.store.jdbc;

import dev.envctl.core.Cidr;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.Host;
import dev.envctl.core.HostPorts;
import dev.envctl.core.HostRequest;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.PortRange;
import dev.envctl.core.PortRole;
import dev.envctl.store.jdbc.internal.Migrations;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code held_ports} and {@code held_subnets} stay exactly what {@code clusters} implies, with exact run ends,
 * whatever a writer without envctl does to {@code clusters} (the trigger holds what inserts and updates hold;
 * the foreign keys' cascades follow deletes and renames), and a schema at V2 with rows upgrades to the latest
 * version without changing them.
 */
class HeldBookkeepingTest {
    private static final AllocationPolicy POLICY = new AllocationPolicy(Map.of(
            PortRole.HTTP, new PortRange(20000, 20999), PortRole.HTTPS, new PortRange(23000, 23999),
            PortRole.PF, new PortRange(26000, 26999), PortRole.API, new PortRange(29000, 29999)),
            Cidr.parse("10.0.0.0/8"), 24);
    private final Allocator allocator = new Allocator(POLICY);
    private String schema;

    @BeforeEach
    void schema() {
        schema = TestDatabase.freshSchemaName("held");
    }

    @AfterEach
    void drop() {
        TestDatabase.dropSchema(schema);
    }

    @Test
    void everyRawChangeToClustersKeepsTheHeldTablesExact() throws Exception {
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO); Connection raw = raw()) {
            execute(raw, "INSERT INTO clusters (name, provider, subnet, http_port, https_port, pf_port, api_port) "
                    + "SELECT 'r' || g, 'k3d', network(set_masklen('10.0.0.0'::inet + g * 256, 24)), 20000 + g, "
                    + "23000 + g, 26000 + g, 29000 + g FROM generate_series(0, 9) g");
            assertExact(10);
            // ports move out of the middle of their runs, and into a new run
            execute(raw, "UPDATE clusters SET http_port = 20500, pf_port = NULL WHERE name = 'r4'");
            assertExact(10);
            // a subnet moves, another one is dropped
            execute(raw, "UPDATE clusters SET subnet = '10.0.200.0/24' WHERE name = 'r5'");
            execute(raw, "UPDATE clusters SET subnet = NULL WHERE name = 'r6'");
            assertExact(10);
            // renames, alone and together with a port change; two ports swap within a row
            execute(raw, "UPDATE clusters SET name = 'renamed' WHERE name = 'r7'");
            execute(raw, "UPDATE clusters SET name = 'moved', https_port = 23500 WHERE name = 'r8'");
            execute(raw, "UPDATE clusters SET http_port = https_port, https_port = http_port WHERE name = 'r9'");
            assertExact(10);
            assertThat(count(raw, "SELECT count(*) FROM held_ports WHERE name = 'renamed'")).isEqualTo(4);
            assertThat(count(raw, "SELECT count(*) FROM held_subnets WHERE name = 'moved'")).isEqualTo(1);
            // one row, then several
            execute(raw, "DELETE FROM clusters WHERE name = 'r2'");
            assertExact(9);
            execute(raw, "DELETE FROM clusters WHERE name IN ('r0', 'r1', 'renamed')");
            assertExact(6);

            // the store allocates from what is left: the lowest free port of each pool and the lowest block
            Environment next = store.create(EnvironmentSpec.of("next", "k3d").withSubnet(SubnetRequest.AUTO),
                    allocator);
            assertThat(next.ports()).isEqualTo(new HostPorts(20000, 23000, 26000, 29000));
            assertThat(next.subnet()).isEqualTo(Cidr.parse("10.0.0.0/24"));
            assertExact(7);

            // the held tables reference clusters again (V6): a TRUNCATE must name them or cascade, as under V2
            assertThatThrownBy(() -> execute(raw, "TRUNCATE clusters"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("0A000"));
            assertExact(7);
            execute(raw, "TRUNCATE clusters CASCADE");
            assertExact(0);
            assertThat(count(raw, "SELECT count(*) FROM held_ports")).isZero();
            assertThat(count(raw, "SELECT count(*) FROM held_subnets")).isZero();
            Environment first = store.create(EnvironmentSpec.of("first", "k3d").withSubnet(SubnetRequest.AUTO),
                    allocator);
            assertThat(first.ports()).isEqualTo(new HostPorts(20000, 23000, 26000, 29000));
            assertExact(1);
        }
    }

    @Test
    void theTriggersProbeTheHeldTablesInsteadOfReadingThem() throws Exception {
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO); Connection raw = raw()) {
            execute(raw, "INSERT INTO clusters (name, provider, subnet, http_port, https_port, pf_port, api_port) "
                    + "SELECT 'r' || g, 'k3d', network(set_masklen('10.0.0.0'::inet + g * 256, 24)), 20000 + g, "
                    + "23000 + g, 26000 + g, 29000 + g FROM generate_series(0, 2999) g");
            execute(raw, "VACUUM ANALYZE clusters");
            execute(raw, "VACUUM ANALYZE held_ports");
            execute(raw, "VACUUM ANALYZE held_subnets");
            long before = indexEntriesRead(raw);
            // ports 20000-31999 and 10.0.0.0-10.11.183.255 are held: the new ones are the neighbours above
            execute(raw, "INSERT INTO clusters (name, provider, subnet, http_port, https_port, pf_port, api_port) "
                    + "VALUES ('x', 'k3d', '10.11.184.0/24', 32000, 32001, 32002, 32003)");
            execute(raw, "UPDATE clusters SET subnet = '10.11.186.0/24', http_port = 32010 WHERE name = 'x'");
            execute(raw, "UPDATE clusters SET name = 'y' WHERE name = 'x'");
            execute(raw, "DELETE FROM clusters WHERE name = 'y'");
            assertThat(indexEntriesRead(raw) - before).as("index entries of the held tables read by 4 writes")
                    .isLessThan(200);
            assertExact(3000);
        }
    }

    @Test
    void aSchemaAtVersion2WithRowsUpgradesToTheLatestWithItsHeldRowsUnchanged() throws Exception {
        TestDatabase.migrateTo(schema, "2");
        List<String> ports;
        List<String> subnets;
        try (Connection raw = raw()) {
            execute(raw, "INSERT INTO clusters (name, provider, subnet, http_port, https_port, pf_port, api_port) "
                    + "SELECT 'v' || g, 'k3d', network(set_masklen('10.0.0.0'::inet + g * 512, 24)), 20000 + g, "
                    + "23000 + 2 * g, 26000 + g, NULL FROM generate_series(0, 19) g");
            assertThat(count(raw, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid IN "
                    + "('held_ports'::regclass, 'held_subnets'::regclass)")).isEqualTo(2);
            assertThat(count(raw, "SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND conrelid = "
                    + "'held_ports'::regclass")).isEqualTo(2);
            ports = rows(raw, "SELECT port || ' ' || name || ' ' || role || ' ' || run_end FROM held_ports ORDER BY 1");
            subnets = rows(raw, "SELECT first_address || ' ' || last_address || ' ' || name || ' ' || run_end "
                    + "FROM held_subnets ORDER BY 1");
        }
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO); Connection raw = raw()) {
            assertThat(store.admin().info().currentVersion()).isEqualTo(Migrations.LATEST).isEqualTo("8");
            assertThat(rows(raw, "SELECT port || ' ' || name || ' ' || role || ' ' || run_end FROM held_ports "
                    + "ORDER BY 1")).isEqualTo(ports).hasSize(60);
            assertThat(rows(raw, "SELECT first_address || ' ' || last_address || ' ' || name || ' ' || run_end "
                    + "FROM held_subnets ORDER BY 1")).isEqualTo(subnets).hasSize(20);
            // V6: the foreign keys and the checks on held_ports that V3 and V4 dropped are back
            assertThat(count(raw, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid IN "
                    + "('held_ports'::regclass, 'held_subnets'::regclass)")).isEqualTo(2);
            assertThat(count(raw, "SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND conrelid = "
                    + "'held_ports'::regclass")).isEqualTo(2);
            assertExact(20);

            // the run ends written under V2 still answer: the gaps between the https ports and the subnets
            Environment e = store.create(EnvironmentSpec.of("after", "k3d").withSubnet(SubnetRequest.AUTO), allocator);
            assertThat(e.ports()).isEqualTo(new HostPorts(20020, 23001, 26020, 29000));
            assertThat(e.subnet()).isEqualTo(Cidr.parse("10.0.1.0/24"));
            store.delete("v0");
            Environment again = store.create(EnvironmentSpec.of("again", "k3d").withSubnet(SubnetRequest.AUTO),
                    allocator);
            assertThat(again.ports()).isEqualTo(new HostPorts(20000, 23000, 26000, 29001));
            assertThat(again.subnet()).isEqualTo(Cidr.parse("10.0.0.0/24"));
            assertExact(21);
        }
    }

    @Test
    void aSchemaAtVersion6WithRowsUpgradesWithEveryRowAndHeldPortOnLocal() throws Exception {
        TestDatabase.migrateTo(schema, "6");
        List<String> ports;
        List<String> subnets;
        List<String> clusters;
        try (Connection raw = raw()) {
            // runs of adjacent ports with gaps, some rows without an API port or a subnet
            execute(raw, "INSERT INTO clusters (name, provider, subnet, http_port, https_port, pf_port, api_port) "
                    + "SELECT 'v' || g, 'k3d', CASE WHEN g % 3 = 0 THEN NULL ELSE network(set_masklen("
                    + "'10.0.0.0'::inet + g * 512, 24)) END, 20000 + g, 23000 + 2 * g, 26000 + g, "
                    + "CASE WHEN g % 2 = 0 THEN 29000 + g END FROM generate_series(0, 19) g");
            ports = rows(raw, "SELECT port || ' ' || name || ' ' || role || ' ' || run_end FROM held_ports ORDER BY 1");
            subnets = rows(raw, "SELECT first_address || ' ' || last_address || ' ' || name || ' ' || run_end "
                    + "FROM held_subnets ORDER BY 1");
            clusters = rows(raw, "SELECT name || ' ' || http_port || ' ' || coalesce(subnet::text, '-') || ' ' "
                    + "|| version || ' ' || updated_at FROM clusters ORDER BY 1");
        }
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO); Connection raw = raw()) {
            assertThat(store.admin().info().currentVersion()).isEqualTo("8");
            assertThat(store.hosts()).containsExactly(Host.LOCAL);
            assertThat(rows(raw, "SELECT name || ' ' || http_port || ' ' || coalesce(subnet::text, '-') || ' ' "
                    + "|| version || ' ' || updated_at FROM clusters ORDER BY 1")).as("rows unchanged")
                    .isEqualTo(clusters).hasSize(20);
            assertThat(rows(raw, "SELECT DISTINCT host FROM clusters")).containsExactly("local");
            assertThat(rows(raw, "SELECT port || ' ' || name || ' ' || role || ' ' || run_end FROM held_ports "
                    + "ORDER BY 1")).isEqualTo(ports).hasSize(70);
            assertThat(rows(raw, "SELECT DISTINCT host FROM held_ports")).containsExactly("local");
            assertThat(rows(raw, "SELECT first_address || ' ' || last_address || ' ' || name || ' ' || run_end "
                    + "FROM held_subnets ORDER BY 1")).isEqualTo(subnets).hasSize(13);
            assertThat(rows(raw, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = "
                    + "'held_ports_pkey' AND conrelid = 'held_ports'::regclass")).containsExactly("PRIMARY KEY (host, port)");
            // V6's foreign keys and checks on the held tables are all still there
            assertThat(count(raw, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid IN "
                    + "('held_ports'::regclass, 'held_subnets'::regclass)")).isEqualTo(2);
            assertThat(count(raw, "SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND conrelid = "
                    + "'held_ports'::regclass")).isEqualTo(2);
            assertExact(20);
            assertThat(store.list(dev.envctl.core.EnvironmentFilter.ALL)).extracting(Environment::host)
                    .containsOnly("local");

            // local allocates around the migrated rows; a new host starts at the bottom of its pools
            Environment e = store.create(EnvironmentSpec.of("after", "k3d").withSubnet(SubnetRequest.AUTO), allocator);
            assertThat(e.ports()).isEqualTo(new HostPorts(20020, 23001, 26020, 29001));
            assertThat(e.subnet()).isEqualTo(Cidr.parse("10.0.0.0/24"));
            store.addHost(new Host("two", "tcp://192.0.2.2:2376", null, Map.of(), null));
            Environment onTwo = store.create(EnvironmentSpec.of("on-two", "k3d").withSubnet(SubnetRequest.AUTO)
                    .withHost(HostRequest.of("two")), allocator);
            assertThat(onTwo.ports()).isEqualTo(new HostPorts(20000, 23000, 26000, 29000));
            assertThat(onTwo.subnet()).as("subnets stay unique across hosts").isEqualTo(Cidr.parse("10.0.1.0/24"));
            assertExact(22);
        }
    }

    @Test
    void aSchemaAtVersion7WithRunEndsUnlockedWritersLeftStaleHasThemSetRightByTheMigration() throws Exception {
        TestDatabase.migrateTo(schema, "7");
        try (Connection raw = raw()) {
            execute(raw, "INSERT INTO clusters (name, provider, subnet, http_port, https_port, pf_port) "
                    + "SELECT 'v' || g, 'k3d', network(set_masklen('10.0.0.0'::inet + g * 256, 24)), 20000 + g, "
                    + "23000 + g, 26000 + g FROM generate_series(0, 4) g");
            // what psql writers racing under V7 could leave: a run end before a held port (two inserts of adjacent
            // ports committed at once), and a held port before a free one not marked (a delete racing an insert)
            execute(raw, "UPDATE held_ports SET run_end = true WHERE port IN (20001, 23002)");
            execute(raw, "UPDATE held_ports SET run_end = false WHERE port = 26004");
            execute(raw, "UPDATE held_subnets SET run_end = NOT run_end WHERE name IN ('v1', 'v4')");
            assertThat(count(raw, "SELECT count(*) FROM held_ports h WHERE run_end = EXISTS (SELECT 1 FROM "
                    + "held_ports n WHERE n.host = h.host AND n.port = h.port + 1)")).isEqualTo(3);
        }
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
            assertThat(store.admin().info().currentVersion()).isEqualTo("8");
            assertExact(5);
            Environment e = store.create(EnvironmentSpec.of("after", "k3d").withSubnet(SubnetRequest.AUTO), allocator);
            assertThat(e.ports()).isEqualTo(new HostPorts(20005, 23005, 26005, 29000));
            assertThat(e.subnet()).isEqualTo(Cidr.parse("10.0.5.0/24"));
            assertExact(6);
        }
    }

    @Test
    void kindlerInsertsWithoutAHostLandOnLocalAndHoldTheirPortsThere() throws Exception {
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO); Connection raw = raw()) {
            store.addHost(new Host("two", "tcp://192.0.2.2:2376", null, Map.of(), null));
            Environment onTwo = store.create(EnvironmentSpec.of("on-two", "k3d").withHost(HostRequest.of("two"))
                    .withPorts(new HostPorts(18090, 18443, 19000, 26443)), allocator);
            Environment onLocal = store.create(EnvironmentSpec.of("on-local", "k3d")
                    .withPorts(new HostPorts(18091, 18444, 19001, 26444)), allocator);

            // the scripts' db_insert_cluster: no host, no API port; the same ports as on-two
            execute(raw, "INSERT INTO clusters (name, provider, subnet, node_port, pf_port, http_port, https_port) "
                    + "VALUES ('kindler', 'k3d', NULL, 30080, 19000, 18090, 18443)");
            assertThat(store.get("kindler").host()).isEqualTo("local");
            assertThat(rows(raw, "SELECT host || ' ' || port FROM held_ports WHERE name = 'kindler' ORDER BY 1"))
                    .containsExactly("local 18090", "local 18443", "local 19000");
            assertExact(3);

            // a port held on local is refused, as before hosts; nothing is written
            assertThatThrownBy(() -> execute(raw, "INSERT INTO clusters (name, provider, pf_port, http_port, "
                    + "https_port) VALUES ('dup', 'k3d', 19500, " + onLocal.ports().http() + ", 18600)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("23505");
                        assertThat(e.getMessage()).contains("held_ports_pkey");
                    });
            // a host that is not a row of hosts is refused by the foreign key
            assertThatThrownBy(() -> execute(raw, "INSERT INTO clusters (name, provider, http_port, host) "
                    + "VALUES ('lost', 'k3d', 18700, 'nope')"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getMessage())
                            .contains("clusters_host_fkey"));
            // and the built-in host stays, whatever psql does
            assertThatThrownBy(() -> execute(raw, "DELETE FROM hosts WHERE name = 'local'"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getMessage())
                            .contains("built in"));
            assertThatThrownBy(() -> execute(raw, "INSERT INTO hosts (name, capacity) VALUES ('zero', 0)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getMessage())
                            .contains("hosts_capacity_check"));
            assertExact(3);
            assertThat(store.get("on-two")).isEqualTo(onTwo);

            // a raw move to another host holds the ports there again, with exact run ends on both hosts
            execute(raw, "UPDATE clusters SET host = 'two' WHERE name = 'on-local'");
            assertThat(store.get("on-local").host()).isEqualTo("two");
            assertExact(3);
            assertThatThrownBy(() -> execute(raw, "UPDATE clusters SET host = 'two' WHERE name = 'kindler'"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
            execute(raw, "DELETE FROM clusters WHERE name = 'on-two'");
            assertExact(2);
            Environment next = store.create(EnvironmentSpec.of("next", "k3d").withHost(HostRequest.of("two")),
                    allocator);
            assertThat(next.ports().http()).isEqualTo(20000);
            assertExact(3);
        }
    }

    /**
     * Index entries of the held tables read so far by {@code c}'s session and others that reported: a session
     * reports its counts when a transaction ends a second or more after its last report.
     */
    private long indexEntriesRead(Connection c) throws Exception {
        Thread.sleep(1_100);
        execute(c, "SELECT 1");
        return count(c, "SELECT coalesce(sum(idx_tup_read), 0) FROM pg_stat_user_indexes WHERE schemaname = '"
                + schema + "' AND relname IN ('held_ports', 'held_subnets')");
    }

    private JdbcEnvironmentStore open(MigrateMode mode) {
        return TestDatabase.open(schema, mode);
    }

    /**
     * The held rows are exactly the ports and subnets of {@code environments} rows of clusters, under their
     * names and roles, and each run_end says whether the next port or address is held.
     */
    private void assertExact(int environments) throws SQLException {
        try (Connection c = raw()) {
            assertThat(count(c, "SELECT count(*) FROM clusters")).isEqualTo(environments);
            String implied = "SELECT c.host, v.port, c.name, v.role FROM clusters c CROSS JOIN LATERAL (VALUES "
                    + "(c.http_port, 'http'), (c.https_port, 'https'), (c.pf_port, 'pf'), (c.api_port, 'api')) "
                    + "AS v (port, role) WHERE v.port IS NOT NULL";
            String held = "SELECT host, port, name, role FROM held_ports";
            assertThat(rows(c, "(" + implied + " EXCEPT ALL " + held + ") UNION ALL (" + held + " EXCEPT ALL "
                    + implied + ")")).as("held_ports against clusters").isEmpty();
            String impliedSubnets = "SELECT subnet - '0.0.0.0'::inet, broadcast(subnet) - '0.0.0.0'::inet, name "
                    + "FROM clusters WHERE subnet IS NOT NULL";
            String heldSubnets = "SELECT first_address, last_address, name FROM held_subnets";
            assertThat(rows(c, "(" + impliedSubnets + " EXCEPT ALL " + heldSubnets + ") UNION ALL (" + heldSubnets
                    + " EXCEPT ALL " + impliedSubnets + ")")).as("held_subnets against clusters").isEmpty();
            assertThat(rows(c, "SELECT port FROM held_ports h WHERE run_end = EXISTS (SELECT 1 FROM held_ports n "
                    + "WHERE n.host = h.host AND n.port = h.port + 1)")).as("wrong run ends of ports").isEmpty();
            assertThat(rows(c, "SELECT first_address FROM held_subnets h WHERE run_end = EXISTS (SELECT 1 FROM "
                    + "held_subnets n WHERE n.first_address = h.last_address + 1)")).as("wrong run ends of subnets")
                    .isEmpty();
        }
    }

    private Connection raw() throws SQLException {
        Connection c = TestDatabase.dataSource().getConnection();
        execute(c, "SET search_path TO " + schema);
        return c;
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.append(i > 1 ? " " : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }
}
