package dev.envctl.bench.internal.store;

import dev.envctl.bench.internal.harness.WidePools;
import dev.envctl.core.Environment;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.store.csv.CsvEnvironmentStore;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * The CSV store in one file. Seeds are written straight into the file in the Kindler scripts' nine-column
 * format (DESIGN.md), which the store reads as adopted rows and writes back unchanged; so seeded rows hold
 * http, https and pf ports and a subnet but no API port.
 */
public final class CsvTarget implements StoreTarget {
    private static final String HEADER = "# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
            + "http_port,https_port,cluster_subnet";
    private final Path file;

    public CsvTarget(Path folder) {
        this.file = folder.resolve("environments.csv");
    }

    @Override
    public String id() {
        return "csv";
    }

    public Path file() {
        return file;
    }

    @Override
    public EnvironmentStore open() {
        return CsvEnvironmentStore.open(file);
    }

    @Override
    public String location() {
        return "csv:" + file;
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("csv.lock-timeout", "60s");
    }

    @Override
    public Map<String, String> processEnvironment() {
        return Map.of();
    }

    @Override
    public void reset(int count) throws Exception {
        Instant now = Instant.now();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(HEADER);
            w.newLine();
            for (int i = 0; i < count; i++) {
                Environment e = WidePools.seed("held", i, "k3d", now);
                w.write(String.join(",", e.name(), e.provider(), Integer.toString(e.nodePort()),
                        e.ports().pf().toString(), "false", i % 2 == 0 ? "true" : "false",
                        e.ports().http().toString(), e.ports().https().toString(), e.subnet().toString()));
                w.newLine();
            }
        }
    }
}
