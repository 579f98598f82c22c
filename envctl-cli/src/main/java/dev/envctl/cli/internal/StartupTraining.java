package dev.envctl.cli.internal;

import dev.envctl.cli.Main;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The training run of the distribution's class-data archive (build step {@code src/build/cds-archive.sh}): runs
 * the commands whose start-up matters in one JVM, so that the archive holds every class they load. Not part of
 * the command line; {@code java -cp envctl.jar dev.envctl.cli.internal.StartupTraining SCRATCH_DIR}.
 *
 * <p>It uses a CSV store of a few environments in the Kindler scripts' format under {@code SCRATCH_DIR}; no
 * provider runs. With {@code ENVCTL_TRAINING_STORE} set to a PostgreSQL database with a current, empty envctl
 * schema (user in {@code PGUSER}, password in {@code ENVCTL_DB_PASSWORD}), it also records a few environments
 * and reads them there; without it, it trains a {@code list} on a port that refuses at once (the opening path
 * only).
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
        for (String name : List.of("PGUSER", "ENVCTL_DB_PASSWORD")) {
            if (System.getenv(name) != null) {
                env.put(name, System.getenv(name));
            }
        }
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        Main main = new Main(sink, sink, env);
        List<String[]> runs = new ArrayList<>(List.of(
            new String[] {"version"},
            new String[] {"--help"},
            new String[] {"list", "--help"},
            new String[] {"list", "--no-such-flag"}));
        runs.addAll(reads("csv:" + csv));
        String pg = System.getenv("ENVCTL_TRAINING_STORE");
        if (pg == null) {
            runs.add(new String[] {"--store", "jdbc:postgresql://127.0.0.1:1/envctl_training", "list"});
        } else {
            for (int i = 0; i < 3; i++) {
                runs.add(new String[] {"--store", pg, "-q", "create", "train" + i, "--no-wait"});
            }
            runs.addAll(reads(pg));
        }
        for (String[] run : runs) {
            main.execute(run);
        }
    }

    /** The reads on the store at {@code location}, as users run them. */
    private static List<String[]> reads(String store) {
        return List.of(
            new String[] {"--store", store, "list"},
            new String[] {"--store", store, "list", "--provider", "k3d", "--state", "unknown"},
            new String[] {"--store", store, "list", "-o", "json"},
            new String[] {"--store", store, "list", "-o", "csv"},
            new String[] {"--store", store, "get", "train1"},
            new String[] {"--store", store, "get", "train1", "-o", "json"},
            new String[] {"--store", store, "get", "missing"});
    }
}
