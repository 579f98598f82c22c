package dev.envctl.cli.coexist;

import com.fasterxml.jackson.databind.JsonNode;
import dev.envctl.cli.Workspace;
import dev.envctl.cli.Workspace.Result;
import dev.envctl.cli.coexist.Kindler.Run;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The replaced system's scripts, run unchanged, and envctl on one CSV file, in both directions. Old readers
 * run: lib.sh's {@code csv_lookup}, {@code provider_for}, {@code ports_for}, {@code subnet_for};
 * {@code list_env.sh} (its CSV branch); {@code create_env.sh}'s membership check and {@code load_csv_defaults};
 * {@code migrate_csv_to_db.sh}'s row reader (with the database stand-in up, its SQL recorded). Old writers run:
 * {@code delete_env.sh} (its awk rewrite of the file), and appending rows as the old file's comments tell users
 * to (no old script appends rows; {@code create_env.sh} requires the row first). Runs when
 * {@code ENVCTL_TEST_KINDLER_DIR} names the scripts' folder; skipped with a message otherwise.
 */
class CsvCoexistenceIT {
    private static final Pattern CREATE = Pattern.compile(
            "\\[CREATE] (\\S+) via (\\S+) \\(node-port=(\\d+), reg_portainer=([01]), haproxy=([01])\\)");
    private static final Pattern INSERT = Pattern.compile("VALUES \\('([^']*)', '([^']*)', ([^,]*), ([^,]*), "
            + "([^,]*), ([^,)]*)(?:, '([^']*)'::CIDR)?\\)");

    @TempDir
    Path tmp;
    Workspace ws;
    Kindler kindler;

    @BeforeEach
    void setUp() {
        Kindler.source();
        ws = new Workspace(tmp);
        kindler = Kindler.copy(ws);
    }

    private Result envctl(String... args) {
        List<String> all = new ArrayList<>(List.of("--store", kindler.csv.toString()));
        all.addAll(List.of(args));
        Result r = ws.run(all.toArray(String[]::new));
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private JsonNode get(String name) {
        return envctl("get", name, "-o", "json").json();
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? "" : node.asText();
    }

    /** The old scripts' reading of a flag: absent or a yes word is yes (parse_bool and its default). */
    private static String yes(JsonNode env, String flag) {
        JsonNode v = env.get("labels").get(flag);
        return v == null || List.of("1", "y", "yes", "true", "on").contains(v.asText().toLowerCase()) ? "1" : "0";
    }

    private List<String> dataLines() {
        return csvText().lines().filter(l -> !l.isBlank() && !l.strip().startsWith("#")).toList();
    }

    private String csvText() {
        try {
            return Files.readString(kindler.csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void append(String row) {
        try {
            Files.writeString(kindler.csv, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Run ok(Run run) {
        assertThat(run.exit()).as(run.toString()).isZero();
        return run;
    }

    @Test
    void everyOldReaderAgreesWithEnvctlOnAFileEnvctlWrote() {
        envctl("create", "web-k3d", "--provider", "k3d", "--subnet", "10.110.0.0/24", "--label", "team=a, b");
        envctl("create", "plain", "--provider", "kind");
        envctl("create", "quiet", "--provider", "k3d", "--label", "register_portainer=false",
                "--label", "haproxy_route=no");
        envctl("delete", "dev", "--keep-record");

        assertThat(dataLines()).allSatisfy(l -> assertThat(l.split(",", -1)).as(l).hasSize(9));
        assertThat(get("web-k3d").get("labels").get("team").asText()).isEqualTo("a, b");
        assertThat(get("dev").get("desiredState").asText()).isEqualTo("absent");
        JsonNode all = envctl("list", "-o", "json").json();
        assertThat(all).hasSize(10);
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode e : all) {
            String name = e.get("name").asText();
            byName.put(name, e);
            assertThat(get(name)).isEqualTo(e);
            JsonNode ports = e.get("ports");
            assertThat(ok(kindler.function("csv_lookup", name)).out().strip().split(",", -1)).hasSize(9);
            assertThat(ok(kindler.function("provider_for", name)).out().strip()).as(name)
                    .isEqualTo(e.get("provider").asText());
            assertThat(ok(kindler.function("ports_for", name)).out().strip()).as(name)
                    .isEqualTo(text(ports.get("http")) + " " + text(ports.get("https")));
            assertThat(ok(kindler.function("subnet_for", name)).out().strip()).as(name)
                    .isEqualTo(text(e.get("subnet")));
        }

        Run list = ok(kindler.script("scripts/list_env.sh"));
        assertThat(list.out()).contains("config/environments.csv");
        int rows = 0;
        for (String line : list.out().lines().toList()) {
            String[] f = line.strip().split("\\s+");
            JsonNode e = byName.get(f[0]);
            if (f.length == 7 && e != null) {
                JsonNode p = e.get("ports");
                assertThat(f).as(line).containsExactly(e.get("name").asText(), e.get("provider").asText(),
                        e.get("subnet").isNull() ? "N/A" : e.get("subnet").asText(), e.get("ports").get("node").asText(),
                        text(p.get("pf")), text(p.get("http")), text(p.get("https")));
                rows++;
            }
        }
        assertThat(rows).as(list.toString()).isEqualTo(10);

        for (String name : List.of("web-k3d", "plain", "quiet", "dev", "uat")) {
            JsonNode e = byName.get(name);
            Matcher m = CREATE.matcher(kindler.script("scripts/create_env.sh", "-n", name).line("[CREATE]"));
            assertThat(m.matches()).isTrue();
            assertThat(m.group(2)).isEqualTo(e.get("provider").asText());
            assertThat(m.group(3)).isEqualTo(e.get("ports").get("node").asText());
            assertThat(m.group(4)).as(name + " register_portainer").isEqualTo(yes(e, "register_portainer"));
            Run sixth = ok(kindler.function("awk", "-F,", "-v", "n=" + name,
                    "$0 !~ /^[[:space:]]*#/ && $1==n {print $6}", kindler.csv.toString()));
            assertThat(sixth.out().strip()).as(name + " haproxy_route column").isEqualTo(
                    yes(e, "haproxy_route").equals("1") ? "true" : "false");
        }

        kindler.databaseUp();
        Run migrate = ok(kindler.script("scripts/migrate_csv_to_db.sh"));
        assertThat(migrate.out()).contains("失败: 0");
        int inserts = 0;
        for (String sql : kindler.sql()) {
            Matcher m = INSERT.matcher(sql);
            if (!m.find()) {
                continue;
            }
            JsonNode e = byName.get(m.group(1));
            JsonNode p = e.get("ports");
            assertThat(List.of(m.group(2), m.group(3).strip(), m.group(4).strip(), m.group(5).strip(),
                    m.group(6).strip(), m.group(7) == null ? "" : m.group(7))).as(sql)
                    .containsExactly(e.get("provider").asText(), p.get("node").asText(), text(p.get("pf")),
                            text(p.get("http")), text(p.get("https")), text(e.get("subnet")));
            inserts++;
        }
        assertThat(inserts).as("every row but devops").isEqualTo(9);
    }

    /**
     * The scripts' awk takes {@code 007} for {@code 7} (names that look like numbers compare as numbers), so envctl
     * refuses {@code 007} beside {@code 7} in a file they read: each lookup keeps finding its own row.
     */
    @Test
    void aNameTheScriptsAwkTakesForAnotherIsRefusedAndEachLookupFindsItsOwnRow() {
        envctl("create", "7", "--provider", "kind");
        String before = csvText();

        Result refused = ws.run("--store", kindler.csv.toString(), "create", "007", "--provider", "k3d");

        assertThat(refused.exit()).as(refused.toString()).isEqualTo(4);
        assertThat(refused.err()).contains("environment name '007' is the same number as '7' to the Kindler scripts");
        assertThat(csvText()).isEqualTo(before);
        // why: the scripts' own lookup of 007 finds the row of 7
        assertThat(ok(kindler.function("csv_lookup", "007")).out()).startsWith("7,kind,");
        assertThat(ok(kindler.function("provider_for", "7")).out().strip()).isEqualTo("kind");
    }

    /**
     * mawk reads a name as C's strtod does, so a hexadecimal name with a binary exponent ({@code 0x1p4}) is the
     * number 16 to the scripts: envctl refuses it beside {@code 16}, as delete_env.sh of one would remove both rows.
     */
    @Test
    void aHexadecimalNameWithABinaryExponentIsRefusedBesideTheNumberTheScriptsAwkReadsItAs() {
        envctl("create", "16", "--provider", "kind");
        String before = csvText();

        Result refused = ws.run("--store", kindler.csv.toString(), "create", "0x1p4", "--provider", "k3d");

        assertThat(refused.exit()).as(refused.toString()).isEqualTo(4);
        assertThat(refused.err()).contains("environment name '0x1p4' is the same number as '16' to the Kindler scripts");
        assertThat(csvText()).isEqualTo(before);
        // why: with mawk (Debian's awk) the scripts' own lookup of 0x1p4 finds the row of 16
        String lookup = ok(kindler.function("csv_lookup", "0x1p4")).out();
        if (!lookup.isEmpty()) {
            assertThat(lookup).startsWith("16,kind,");
        }
    }

    /** Makes the scripts' awk busybox's, as on Alpine; false, and nothing changed, where /bin/busybox is missing. */
    private boolean scriptsRunBusyboxAwk() throws IOException {
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isExecutable(busybox)) {
            return false;
        }
        Path awk = ws.dir.resolve("kindler-bin/awk");
        Files.writeString(awk, "#!/bin/sh\nexec " + busybox + " awk \"$@\"\n");
        assertThat(awk.toFile().setExecutable(true)).isTrue();
        return true;
    }

    /**
     * busybox awk (the awk of Alpine and other small systems) reads {@code 010} as octal 8, so envctl refuses it
     * beside {@code 8}: the scripts' lookups there would give one the other's row.
     */
    @Test
    void aNameBusyboxAwkReadsAsOctalIsRefusedBesideTheNumberItReadsItAs() throws IOException {
        envctl("create", "8", "--provider", "kind");
        String before = csvText();

        Result refused = ws.run("--store", kindler.csv.toString(), "create", "010", "--provider", "k3d");

        assertThat(refused.exit()).as(refused.toString()).isEqualTo(4);
        assertThat(refused.err()).contains("environment name '010' is the same number as '8' to the Kindler scripts");
        assertThat(csvText()).isEqualTo(before);
        // why: with busybox awk the scripts' own lookup of 010 finds the row of 8
        if (scriptsRunBusyboxAwk()) {
            assertThat(ok(kindler.function("csv_lookup", "010")).out()).startsWith("8,kind,");
        }
    }

    /**
     * busybox awk reads {@code nan} (and {@code inf}, {@code infinity}, {@code 1e400}) as a number equal to nothing, its
     * own name included, so envctl refuses it in a file the scripts read: their lookups would not find its row, and
     * delete_env.sh would delete its cluster and keep the row.
     */
    @Test
    void aNameBusyboxAwkFindsNoRowOfIsRefused() throws IOException {
        String before = csvText();

        Result refused = ws.run("--store", kindler.csv.toString(), "create", "nan", "--provider", "k3d");

        assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).contains("environment name 'nan' is infinity or not a number to busybox awk");
        assertThat(csvText()).isEqualTo(before);
        // why: with busybox awk the scripts' own lookup of a row named nan finds nothing, and delete_env.sh keeps it
        if (scriptsRunBusyboxAwk()) {
            append("nan,kind,30080,19030,true,true,18130,18530,");
            assertThat(ok(kindler.function("csv_lookup", "nan")).out()).isEmpty();
            ok(kindler.script("scripts/delete_env.sh", "-n", "nan"));
            assertThat(dataLines()).contains("nan,kind,30080,19030,true,true,18130,18530,");
        }
    }

    @Test
    void envctlBesideDeleteEnvRewritingTheFileThroughAnotherFileSystemReadsEveryRowAndLosesNone() throws Exception {
        // mktemp on a tmpfs, as /tmp is on many machines: delete_env.sh's mv then deletes the file and writes it anew
        Path tmpfs = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(tmpfs) && Files.isWritable(tmpfs)
                && !Files.getFileStore(tmpfs).equals(Files.getFileStore(kindler.csv)), "no tmpfs at /dev/shm");
        Path scratch = Files.createTempDirectory(tmpfs, "kindler-tmp");
        ws.env.put("TMPDIR", scratch.toString());
        List<String> rows = envctl("list", "-o", "json").json().findValuesAsText("name");
        ExecutorService script = Executors.newSingleThreadExecutor();
        List<String> wrong = new ArrayList<>();
        try {
            Future<List<Run>> runs = script.submit(() -> {
                List<Run> done = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    done.add(kindler.script("scripts/delete_env.sh", "-n", "gone"));
                }
                return done;
            });
            for (int i = 0; !runs.isDone(); i++) {
                String store = kindler.csv.toString();
                Result r = switch (i % 3) {
                    case 0 -> ws.run("--store", store, "list", "--provider", "kind", "-o", "json");
                    case 1 -> ws.run("--store", store, "get", "dev", "-o", "json");
                    default -> ws.run("--store", store, "create", "w" + i, "--no-wait");
                };
                if (r.exit() != 0) {
                    wrong.add(r.toString());
                } else if (i % 3 == 0) {
                    List<String> kind = r.json().findValuesAsText("name");
                    if (!kind.containsAll(List.of("dev", "uat", "prod"))) {
                        wrong.add("list read " + kind);
                    }
                }
            }
            // a script run that lost its own rewrite to envctl's write ('File exists') changed nothing: it deletes no row
            assertThat(runs.get()).allSatisfy(run -> assertThat(run.exit() == 0
                    || run.err().contains("File exists")).as(run.toString()).isTrue());
        } finally {
            script.shutdownNow();
            // what a failed mv leaves there
            try (Stream<Path> left = Files.list(scratch)) {
                for (Path p : left.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(scratch);
        }

        assertThat(wrong).isEmpty();
        assertThat(envctl("list", "-o", "json").json().findValuesAsText("name")).containsAll(rows);
    }

    @Test
    void rowsTheOldScriptsDeleteAndAddAreSeenAndEnvctlFieldsSurviveThem() {
        envctl("create", "web", "--provider", "k3d", "--label", "team=x, y");
        envctl("create", "gone", "--provider", "kind");
        JsonNode web = get("web");

        ok(kindler.script("scripts/delete_env.sh", "-n", "dev"));
        ok(kindler.script("scripts/delete_env.sh", "-n", "gone"));
        append("qa,k3d,30080,19020,yes,no,18120,18520");
        append("six,kind,30080,19021,on,off");

        assertThat(get("web")).as("envctl's fields survive").isEqualTo(web);
        assertThat(web.get("ports").get("api").isNull()).isFalse();
        assertThat(ws.run("--store", kindler.csv.toString(), "get", "dev").exit()).isEqualTo(3);
        assertThat(ws.run("--store", kindler.csv.toString(), "get", "gone").exit()).isEqualTo(3);
        JsonNode qa = get("qa");
        assertThat(qa.get("ports").toString()).isEqualTo(
                "{\"http\":18120,\"https\":18520,\"pf\":19020,\"api\":null,\"node\":30080}");
        assertThat(qa.get("labels").toString()).isEqualTo("{\"haproxy_route\":\"false\",\"register_portainer\":\"true\"}");
        assertThat(qa.get("actualState").asText()).isEqualTo("unknown");
        JsonNode six = get("six");
        assertThat(six.get("ports").get("http").isNull()).isTrue();
        assertThat(six.get("subnet").isNull()).isTrue();
        Matcher m = CREATE.matcher(kindler.script("scripts/create_env.sh", "-n", "six").line("[CREATE]"));
        assertThat(m.matches()).isTrue();
        assertThat(m.group(4) + m.group(5)).as("create_env.sh reads the six-column row's flags").isEqualTo("10");

        // a change of envctl's fields only keeps a six-column row six columns, so create_env.sh still routes it
        append("routed,k3d,30080,19022,no,yes");
        envctl("stop", "routed");
        assertThat(get("routed").get("desiredState").asText()).isEqualTo("stopped");
        Matcher routed = CREATE.matcher(kindler.script("scripts/create_env.sh", "-n", "routed").line("[CREATE]"));
        assertThat(routed.matches()).isTrue();
        assertThat(routed.group(4) + routed.group(5)).as("create_env.sh still routes it").isEqualTo("01");

        envctl("create", "next", "--provider", "k3d");
        envctl("delete", "web");

        assertThat(dataLines()).contains("qa,k3d,30080,19020,yes,no,18120,18520", "six,kind,30080,19021,on,off",
                "routed,k3d,30080,19022,no,yes");
        assertThat(dataLines()).allSatisfy(l -> assertThat(l.split(",", -1).length).as(l).isBetween(6, 9));
        assertThat(csvText()).doesNotContain("#envctl gone ").doesNotContain("#envctl web ")
                .contains("#envctl next ");
        assertThat(kindler.function("csv_lookup", "web").out()).isEmpty();
        assertThat(ok(kindler.function("subnet_for", "next")).out().strip()).isEmpty();
        assertThat(ok(kindler.function("ports_for", "next")).out().strip()).isEqualTo(
                text(get("next").get("ports").get("http")) + " " + text(get("next").get("ports").get("https")));
    }
}
