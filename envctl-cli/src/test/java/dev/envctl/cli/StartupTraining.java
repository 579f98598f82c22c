package dev.envctl.cli;

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
import java.util.Set;

/**
 * The training run of the distribution's class-data archive (build step {@code src/build/cds-archive.sh}): runs
 * the commands whose start-up matters in one JVM, so that the archive holds every class they load. Build tooling
 * on the test class path, not shipped; {@code java -cp envctl.jar:TEST_CLASSES dev.envctl.cli.StartupTraining
 * SCRATCH_DIR}.
 *
 * <p>It uses a CSV store of a few environments in the Kindler scripts' format under {@code SCRATCH_DIR}. With
 * {@code ENVCTL_TRAINING_TOOLS} set to a folder of stand-in {@code docker}, {@code k3d} and {@code kind}
 * executables (core's test-jar has them), it also drives environments through both providers: create, stop,
 * start, delete and their dry runs, and a create with an automatic subnet, so that the provider, process and
 * lifecycle classes are archived too; without it, no provider runs. With {@code ENVCTL_TRAINING_STORE} set to a
 * PostgreSQL database with a current, empty envctl schema (user in {@code PGUSER}, password in
 * {@code ENVCTL_DB_PASSWORD}), it also creates a few environments (one with an automatic subnet; through the
 * stand-ins when there are any) and reads them there; without it, it trains a {@code list} on a port that
 * refuses at once (the opening path only).
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
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().retainAll(Set.of("PGUSER", "ENVCTL_DB_PASSWORD"));
        env.put("HOME", home.toString());
        String tools = System.getenv("ENVCTL_TRAINING_TOOLS");
        // the stand-ins are bash scripts: their interpreter is found on the rest of PATH
        env.put("PATH", tools == null ? "" : tools + ":/usr/bin:/bin");
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        Main.run("version"); // as bin/envctl runs envctl: the results through Stdout (the training's stdout is discarded)
        Main main = new Main(sink, sink, env);
        for (String run : List.of("version", "--help", "list --help", "list --no-such-flag")) {
            main.execute(run.split(" "));
        }
        reads(main, "csv:" + csv);
        if (tools != null) {
            lifecycle(main, "csv:" + csv);
        }
        String pg = System.getenv("ENVCTL_TRAINING_STORE");
        if (pg == null) {
            main.execute("--store", "jdbc:postgresql://127.0.0.1:1/envctl_training", "list");
            return;
        }
        for (int i = 0; i < 3; i++) {
            main.execute("--store", pg, "-q", "create", "train" + i, "--no-wait");
        }
        run(main, pg, "-q create train-net --no-wait --subnet auto");
        reads(main, pg);
        if (tools != null) {
            lifecycle(main, pg);
        }
    }

    /** The commands that drive clusters, on the store at {@code location}, through each provider. */
    private static void lifecycle(Main main, String location) {
        for (String provider : List.of("k3d", "kind")) {
            String name = "life-" + provider;
            for (String run : List.of("create NAME --provider " + provider + " --dry-run",
                    "create NAME --provider " + provider, "stop NAME", "start NAME", "delete NAME --dry-run",
                    "delete NAME")) {
                run(main, location, run.replace("NAME", name));
            }
        }
        // a dedicated Docker network and an automatic subnet (the subnet lookups, the network's creation)
        run(main, location, "create life-net --provider k3d --subnet auto");
        run(main, location, "delete life-net");
    }

    /** The reads users run, on the store at {@code location}. */
    private static void reads(Main main, String location) {
        for (String read : List.of("list", "list --provider k3d --state unknown", "list -o json", "list -o csv",
                "get train1", "get train1 -o json", "get missing")) {
            run(main, location, read);
        }
    }

    /** Runs {@code command} (words separated by single spaces) on the store at {@code location}. */
    private static void run(Main main, String location, String command) {
        List<String> args = new ArrayList<>(List.of("--store", location));
        args.addAll(List.of(command.split(" ")));
        main.execute(args.toArray(String[]::new));
    }
}
