package dev.envctl.store.jdbc;

import dev.envctl.core.Cidr;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.Host;
import dev.envctl.core.PortRole;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.PortRange;
import dev.envctl.core.testing.StoreInvariants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many writers, in threads and in processes, each creating auto-allocated environments at once, on one host or
 * placed over several.
 */
class ConcurrencyTest {
    private JdbcEnvironmentStore store;

    static AllocationPolicy widePolicy() {
        Map<PortRole, PortRange> pools = new EnumMap<>(PortRole.class);
        pools.put(PortRole.HTTP, new PortRange(20000, 22999));
        pools.put(PortRole.HTTPS, new PortRange(23000, 25999));
        pools.put(PortRole.PF, new PortRange(26000, 28999));
        pools.put(PortRole.API, new PortRange(29000, 31999));
        return new AllocationPolicy(pools, Cidr.parse("10.0.0.0/8"), 24);
    }

    @BeforeEach
    void open() {
        store = TestDatabase.openFresh("conc");
    }

    @AfterEach
    void drop() {
        store.close();
        TestDatabase.dropSchema(store.schema());
    }

    @Test
    void eightThreadsOfAHundredCreatesKeepEveryInvariant() throws Exception {
        Allocator allocator = new Allocator(widePolicy());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 100; i++) {
                    SubnetRequest subnet = i % 2 == 0 ? SubnetRequest.AUTO : SubnetRequest.NONE;
                    store.create(EnvironmentSpec.of("t" + thread + "-e" + i, "k3d").withSubnet(subnet), allocator);
                }
                return null;
            }));
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
        for (Future<?> f : futures) {
            f.get();
        }

        assertAllHold(800, 400);
    }

    @Test
    void fourProcessesOfFiftyCreatesKeepEveryInvariant() throws Exception {
        runWorkers(4, 50);

        assertAllHold(200, 100);
    }

    @Test
    void fourProcessesPlacingAutomaticallyOverFourHostsSpreadEvenlyAndKeepEveryInvariantPerHost()
            throws Exception {
        for (String host : List.of("two", "three", "four")) {
            store.addHost(new Host(host, "tcp://192.0.2.1:2376", null, Map.of(), null));
        }
        runWorkers(4, 30, "auto");

        List<Environment> all = store.list(EnvironmentFilter.ALL);
        assertThat(all).hasSize(120);
        assertThat(all).allSatisfy(e -> assertThat(e.ports().complete()).isTrue());
        StoreInvariants.assertHold(all);
        Map<String, Long> perHost = all.stream().collect(Collectors.groupingBy(Environment::host, TreeMap::new,
                Collectors.counting()));
        assertThat(perHost).containsOnlyKeys("four", "local", "three", "two");
        assertThat(Collections.max(perHost.values()) - Collections.min(perHost.values()))
                .as("environments per host " + perHost).isLessThanOrEqualTo(1);
        // subnets are unique across hosts: one run of 60 blocks from the bottom of the pool
        assertThat(all.stream().filter(e -> e.subnet() != null).map(Environment::subnet).distinct()).hasSize(60);
        assertThat(count("SELECT max(subnet - '10.0.0.0'::inet) FROM clusters")).isEqualTo(59L * 256);
        // held_ports is in step with clusters per host, run ends are exact per host, and each host fills its
        // pools densely from their starts
        assertThat(count("SELECT count(*) FROM (SELECT c.host, v.port FROM clusters c CROSS JOIN LATERAL (VALUES "
                + "(c.http_port), (c.https_port), (c.pf_port), (c.api_port)) AS v (port) EXCEPT SELECT host, port "
                + "FROM held_ports) missing")).isZero();
        assertThat(count("SELECT count(*) FROM held_ports")).isEqualTo(4L * 120);
        assertThat(count("SELECT count(*) FROM held_ports h WHERE run_end = EXISTS (SELECT 1 FROM held_ports n "
                + "WHERE n.host = h.host AND n.port = h.port + 1)")).isZero();
        perHost.forEach((host, n) -> assertThat(all.stream().filter(e -> e.host().equals(host))
                .mapToInt(e -> e.ports().http()).max().orElseThrow()).as("highest http port on " + host)
                .isEqualTo(20000 + n.intValue() - 1));
    }

    /** {@code processes} {@link CreateWorker}s of {@code creates} each, started together, all succeeding. */
    private void runWorkers(int processes, int creates, String... host) throws Exception {
        List<Process> started = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        String java = ProcessHandle.current().info().command().orElse("java");
        for (int p = 0; p < processes; p++) {
            List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                    CreateWorker.class.getName(), TestDatabase.url(), store.schema(), "p" + p,
                    String.valueOf(creates)));
            command.addAll(List.of(host));
            // to a file, not a pipe read after waitFor: a worker that fills the pipe would block until the timeout
            Path output = Files.createTempFile("create-worker", ".txt");
            outputs.add(output);
            started.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start());
        }
        for (int i = 0; i < started.size(); i++) {
            Process p = started.get(i);
            boolean finished = p.waitFor(4, TimeUnit.MINUTES);
            String output = Files.readString(outputs.get(i), StandardCharsets.UTF_8);
            if (!finished) {
                // a stall seen a few times on a loaded machine: say where the workers and the server were
                output += stallReport(started);
                started.forEach(Process::destroyForcibly);
            }
            Files.delete(outputs.get(i));
            assertThat(finished).as("worker finished; output: " + output).isTrue();
            assertThat(p.exitValue()).as("worker exit; output: " + output).isZero();
        }
    }

    private void assertAllHold(int environments, int withSubnet) {
        List<Environment> all = store.list(EnvironmentFilter.ALL);
        assertThat(all).hasSize(environments);
        assertThat(all).allSatisfy(e -> assertThat(e.ports().complete()).isTrue());
        assertThat(all.stream().filter(e -> e.subnet() != null)).hasSize(withSubnet);
        StoreInvariants.assertHold(all);
        // held_ports is in step with clusters, and its run ends are exact
        assertThat(count("SELECT count(*) FROM held_ports")).isEqualTo(4L * environments);
        assertThat(count("SELECT count(*) FROM held_ports h WHERE run_end = EXISTS (SELECT 1 FROM held_ports n "
                + "WHERE n.port = h.port + 1)")).isZero();
        assertThat(count("SELECT count(*) FROM held_subnets")).isEqualTo(withSubnet);
        assertThat(count("SELECT count(*) FROM held_subnets h WHERE run_end = EXISTS (SELECT 1 FROM held_subnets n "
                + "WHERE n.first_address = h.last_address + 1)")).isZero();
        // allocation is lowest-first, so the pools are filled densely from their starts
        assertThat(count("SELECT max(http_port) FROM clusters")).isEqualTo(20000L + environments - 1);
    }

    /** The workers' thread dumps (jcmd) and the server's sessions of this database, for a stall's message. */
    private static String stallReport(List<Process> workers) {
        StringBuilder b = new StringBuilder("\n--- stall report ---\n");
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        for (Process w : workers) {
            try {
                Process dump = new ProcessBuilder(jcmd, String.valueOf(w.pid()), "Thread.print")
                        .redirectErrorStream(true).start();
                String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                dump.waitFor(30, TimeUnit.SECONDS);
                b.append("worker ").append(w.pid()).append(w.isAlive() ? "" : " (exited)").append(":\n")
                        .append(text.lines().dropWhile(l -> !l.startsWith("\"main\"")).takeWhile(l -> !l.isBlank())
                                .limit(40).reduce("", (x, y) -> x + y + "\n"));
            } catch (Exception e) {
                b.append("worker ").append(w.pid()).append(": no dump: ").append(e).append('\n');
            }
        }
        try (Connection c = TestDatabase.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pid, state, wait_event_type, wait_event, now() - query_start, "
                     + "left(query, 120) FROM pg_stat_activity WHERE datname = current_database() "
                     + "AND pid <> pg_backend_pid()")) {
            while (r.next()) {
                b.append("backend ").append(r.getInt(1)).append(' ').append(r.getString(2)).append(' ')
                        .append(r.getString(3)).append('/').append(r.getString(4)).append(' ').append(r.getString(5))
                        .append(' ').append(r.getString(6)).append('\n');
            }
        } catch (SQLException e) {
            b.append("no pg_stat_activity: ").append(e).append('\n');
        }
        return b.toString();
    }

    private long count(String sql) {
        try (Connection c = TestDatabase.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + store.schema());
            try (ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
