package dev.envctl.store.csv;

import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.Host;
import dev.envctl.core.HostPorts;
import dev.envctl.core.testing.StoreInvariants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Separate JVM processes writing one file: concurrent creates, and writers killed with SIGKILL. */
class ProcessWritersTest {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessWritersTest.class);

    @TempDir
    Path dir;

    @Test
    void fourProcessesOfTwentyFiveAutoAllocatedCreatesEndWithOneHundredValidRows() throws Exception {
        Path file = dir.resolve("envs.csv");
        Path go = dir.resolve("go");
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int p = 0; p < 4; p++) {
                children.add(ChildJvm.start(CsvWriterMain.class, List.of("--file", file.toString(), "--prefix",
                        "p" + p, "--count", "25", "--subnet", "alternate", "--wait-for", go.toString()),
                        dir.resolve("p" + p + ".err")));
            }
            for (ChildJvm c : children) {
                assertThat(c.nextLine(120)).isEqualTo("ready");
            }
            Files.createFile(go);
            Map<String, HostPorts> reported = new HashMap<>();
            for (int p = 0; p < 4; p++) {
                assertThat(children.get(p).await(180)).as("exit of writer " + p + ": "
                        + Files.readString(dir.resolve("p" + p + ".err"))).isZero();
                reported.putAll(created(children.get(p).seen));
            }

            try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
                List<Environment> all = store.list(EnvironmentFilter.ALL);
                assertThat(all).hasSize(100);
                assertThat(all).allSatisfy(e -> assertThat(e.ports().complete()).isTrue());
                // each writer asks for an auto subnet on creates 0, 2, ..., 24: 13 of its 25
                assertThat(all.stream().filter(e -> e.subnet() != null)).hasSize(4 * 13);
                StoreInvariants.assertHold(all);
                assertThat(reported).hasSize(100);
                for (Environment e : all) {
                    assertThat(reported.get(e.name())).as("ports " + e.name() + " returned to its writer")
                            .isEqualTo(e.ports());
                }
            }
        } finally {
            children.forEach(ChildJvm::close);
        }
    }

    @Test
    void fourProcessesPlacingAutomaticallyOverFourHostsSpreadEvenlyAndKeepEveryInvariantPerHost() throws Exception {
        Path file = dir.resolve("envs.csv");
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            for (String host : List.of("two", "three", "four")) {
                store.addHost(new Host(host, "tcp://" + host + ".example:2376", null, Map.of(), null));
            }
        }
        Path go = dir.resolve("go");
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int p = 0; p < 4; p++) {
                children.add(ChildJvm.start(CsvWriterMain.class, List.of("--file", file.toString(), "--prefix",
                        "h" + p, "--count", "19", "--host", "auto", "--wait-for", go.toString()),
                        dir.resolve("h" + p + ".err")));
            }
            for (ChildJvm c : children) {
                assertThat(c.nextLine(120)).isEqualTo("ready");
            }
            Files.createFile(go);
            Map<String, String> reportedHosts = new HashMap<>();
            for (int p = 0; p < 4; p++) {
                assertThat(children.get(p).await(180)).as("exit of writer " + p + ": "
                        + Files.readString(dir.resolve("h" + p + ".err"))).isZero();
                synchronized (children.get(p).seen) {
                    children.get(p).seen.stream().map(l -> l.split(" ")).filter(f -> f[0].equals("created"))
                            .forEach(f -> reportedHosts.put(f[1], f[7]));
                }
            }

            try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
                List<Environment> all = store.list(EnvironmentFilter.ALL);
                assertThat(all).hasSize(76);
                StoreInvariants.assertHold(all);
                Map<String, Long> perHost = new TreeMap<>(all.stream().collect(Collectors.groupingBy(
                        Environment::host, Collectors.counting())));
                assertThat(perHost).containsOnlyKeys("four", "local", "three", "two");
                assertThat(Collections.max(perHost.values()) - Collections.min(perHost.values()))
                        .as("placement under the file lock spreads evenly: " + perHost).isLessThanOrEqualTo(1);
                for (Environment e : all) {
                    assertThat(reportedHosts.get(e.name())).as("host of " + e.name() + " returned to its writer")
                            .isEqualTo(e.host());
                }
                assertThat(all.stream().filter(e -> e.ports().http() == 18080).map(Environment::host))
                        .as("each host allocates from the bottom of its own pool")
                        .containsExactlyInAnyOrder("four", "local", "three", "two");
            }
        } finally {
            children.forEach(ChildJvm::close);
        }
    }

    @Test
    void aWriterKilledAtRandomMomentsNeverBreaksTheFileNorLosesAReturnedCreate() throws Exception {
        Path file = dir.resolve("envs.csv");
        long seed = System.nanoTime();
        LOG.info("kill test seed {}", seed);
        Random random = new Random(seed);
        Set<String> returned = new HashSet<>();
        for (int round = 0; round < 20; round++) {
            try (ChildJvm child = ChildJvm.start(CsvWriterMain.class, List.of("--file", file.toString(), "--prefix",
                    "k" + round, "--count", "100000", "--pool", "wide"), dir.resolve("k" + round + ".err"))) {
                assertThat(child.nextLine(120)).isEqualTo("ready");
                assertThat(child.nextLine(120)).as("first create of round " + round).startsWith("created ");
                Thread.sleep(random.nextInt(300));
                child.kill();
                Set<String> acked = created(child.seen).keySet();
                LOG.info("round {}: killed after {} returned creates", round, acked.size());
                returned.addAll(acked);
            }
            try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
                List<Environment> all = store.list(EnvironmentFilter.ALL);
                Set<String> names = new HashSet<>();
                all.forEach(e -> names.add(e.name()));
                assertThat(names).as("round " + round + " (seed " + seed + ")").containsAll(returned);
                StoreInvariants.assertHold(all);
            }
        }
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file)) {
            store.create(EnvironmentSpec.of("after", "k3d"), new dev.envctl.core.alloc.Allocator(
                    CsvWriterMain.widePolicy()));
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")))
                    .as("temp files of killed writers are removed by the next write").isEmpty();
        }
        LOG.info("kill test: {} creates returned across 20 killed writers", returned.size());
    }

    /** The environments a writer reported, by name, with the ports it was given. */
    private static Map<String, HostPorts> created(List<String> lines) {
        Map<String, HostPorts> out = new HashMap<>();
        synchronized (lines) {
            for (String line : lines) {
                String[] f = line.split(" ");
                if (f.length == 8 && f[0].equals("created")) {
                    out.put(f[1], new HostPorts(Integer.valueOf(f[2]), Integer.valueOf(f[3]), Integer.valueOf(f[4]),
                            Integer.valueOf(f[5])));
                }
            }
        }
        return out;
    }
}
