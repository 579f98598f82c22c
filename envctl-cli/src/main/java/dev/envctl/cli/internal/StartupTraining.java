package dev.envctl.cli.internal;

import dev.envctl.cli.Main;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The training run of the distribution's class-data archive (build step {@code src/build/cds-archive.sh}): runs
 * the commands whose start-up matters in one JVM, so that the archive holds every class they load. Not part of
 * the command line; {@code java -cp envctl.jar dev.envctl.cli.internal.StartupTraining SCRATCH_DIR}.
 *
 * <p>It uses a CSV store of a few environments in the Kindler scripts' format under {@code SCRATCH_DIR} and
 * reads only: no provider runs. The PostgreSQL path is trained as far as a build can reach without a server:
 * a {@code list} on a {@code jdbc:} location whose port refuses at once, which loads the store factory,
 * pgjdbc's connection set-up and the store's opening path; what follows a successful connection (jOOQ's
 * rendering and result mapping, Flyway) is not in the archive.
 */
public final class StartupTraining {
    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path home = Path.of(args[0]);
        Path csv = home.resolve("environments.csv");
        Files.createDirectories(home);
        StringBuilder rows = new StringBuilder(
                "# env,provider,node_port,pf_port,register_portainer,haproxy_route,http_port,https_port,cluster_subnet\n");
        for (int i = 0; i < 20; i++) {
            rows.append("train").append(i).append(",k3d,30080,").append(19000 + i).append(",false,false,")
                    .append(18080 + i).append(',').append(18400 + i).append(",10.100.").append(i).append(".0/24\n");
        }
        Files.writeString(csv, rows.toString(), StandardCharsets.UTF_8);
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("PATH", "");
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        Main main = new Main(sink, sink, env);
        String store = "csv:" + csv;
        String[][] runs = {
            {"version"},
            {"--help"},
            {"list", "--help"},
            {"--store", store, "list"},
            {"--store", store, "list", "--provider", "k3d", "--state", "unknown"},
            {"--store", store, "list", "-o", "json"},
            {"--store", store, "list", "-o", "csv"},
            {"--store", store, "get", "train1"},
            {"--store", store, "get", "train1", "-o", "json"},
            {"--store", store, "get", "missing"},
            {"list", "--no-such-flag"},
            {"--store", "jdbc:postgresql://127.0.0.1:1/envctl_training", "list"},
        };
        for (String[] run : runs) {
            main.execute(run);
        }
    }
}
