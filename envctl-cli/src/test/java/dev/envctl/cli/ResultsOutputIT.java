package dev.envctl.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Results that cannot be written: stdout on a full disk ({@code /dev/full}) or closed is one line on stderr and exit
 * 1, the store as it was; a reader that stops reading ({@code | head -1}) is no error, exit 0 and nothing on stderr,
 * since whether envctl's last writes still find it is a matter of timing. What the JVM prints itself (a thread dump
 * on SIGQUIT, an error starting) goes to stderr, never among the results.
 */
class ResultsOutputIT {
    @TempDir
    Path tmp;
    Workspace ws;

    @BeforeEach
    void setUp() {
        ws = new Workspace(tmp);
        ws.ok("create", "dev");
    }

    /** envctl run with stdout to {@code stdout}; returns the exit code and stderr. */
    private String[] run(File stdout, String... args) throws Exception {
        ProcessBuilder pb = launcher(args).redirectOutput(stdout);
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly(); // one that did not end is not left running
        }
        return new String[] {String.valueOf(p.exitValue()), Files.readString(err, StandardCharsets.UTF_8)};
    }

    private ProcessBuilder launcher(String... args) {
        List<String> command = new ArrayList<>(List.of(Workspace.LAUNCHER.toString()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
        pb.environment().clear();
        pb.environment().putAll(ws.env);
        pb.redirectInput(new File("/dev/null"));
        return pb;
    }

    @Test
    void resultsToAFullDiskAreOneErrorLineAndExit1WithTheStoreAsItWas() throws Exception {
        byte[] before = Workspace.bytes(ws.defaultStore());
        for (String[] args : List.of(new String[] {"list"}, new String[] {"list", "-o", "json"},
                new String[] {"get", "dev", "-o", "csv"})) {
            String[] r = run(new File("/dev/full"), args);

            assertThat(r[0]).as(String.join(" ", args) + ": " + r[1]).isEqualTo("1");
            assertThat(r[1]).as(String.join(" ", args)).hasLineCount(1)
                    .startsWith("envctl: could not write the results to standard output: No space left on device");
            assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
        }
    }

    @Test
    void aChangeWhoseResultsCannotBeWrittenIsDoneAndSaysSo() throws Exception {
        String[] r = run(new File("/dev/full"), "create", "web", "-q");

        assertThat(r[0]).as(r[1]).isEqualTo("1");
        assertThat(r[1]).hasLineCount(1).contains("could not write the results to standard output")
                .contains("envctl list");
        assertThat(ws.ok("get", "web").out()).contains("running");
    }

    @Test
    void aClosedStdoutIsOneErrorLineAndExit1() throws Exception {
        Path err = tmp.resolve("closed.err");
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "exec \"$0\" list >&- 2>\"$1\"",
                Workspace.LAUNCHER.toString(), err.toString()).directory(tmp.toFile());
        pb.environment().clear();
        pb.environment().putAll(ws.env);
        Process p = pb.redirectInput(new File("/dev/null")).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

        String text = Files.readString(err);
        assertThat(p.exitValue()).as(text).isEqualTo(1);
        assertThat(text).hasLineCount(1).startsWith("envctl: could not write the results to standard output: ");
    }

    @Test
    void aReaderThatStoppedReadingIsNoError() throws Exception {
        for (int i = 0; i < 30; i++) {
            ws.ok("create", "e" + i, "--no-wait", "-q");
        }
        Path err = tmp.resolve("pipe.err");
        Process p = launcher("list", "-o", "json").redirectError(err.toFile()).start();
        p.getInputStream().close(); // every write of envctl's finds the pipe without a reader

        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        assertThat(err).isEmptyFile();
    }

    @Test
    void aWatchWhoseReaderLeftEndsAtItsNextPrintedRound() throws Exception {
        // envctl reconcile --watch | head -1: as tail -f does, the watch ends when it next writes and finds no reader,
        // rather than reconciling on for nobody while the shell waits for it
        Path err = tmp.resolve("watch.err");
        Process p = launcher("reconcile", "--watch", "--interval", "1s").redirectError(err.toFile()).start();
        try {
            assertThat(new String(p.getInputStream().readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("NAME");
            p.getInputStream().close();
            Files.delete(ws.state.resolve("k3d/dev")); // drift: the next round recreates it and is printed

            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(err)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(err)).isZero();
            assertThat(Files.readString(err)).doesNotContain("envctl: ");
            assertThat(ws.ok("get", "dev").out()).contains("running");
        } finally {
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWatchWhoseResultsCannotBeWrittenEndsWithOneErrorLine() throws Exception {
        String[] r = run(new File("/dev/full"), "reconcile", "--watch", "--interval", "1s");

        assertThat(r[0]).as(r[1]).isEqualTo("1");
        assertThat(r[1]).hasLineCount(1).startsWith("envctl: could not write the results to standard output: No "
                + "space left on device");
    }

    @Test
    void whatTheJvmPrintsItselfGoesToStderrNeverAmongTheResults() throws Exception {
        // Ctrl-\ on a terminal, or kill -QUIT while looking into a hung run: the JVM prints a thread dump
        Path out = tmp.resolve("watch.out");
        Path err = tmp.resolve("watch.err");
        Process p = launcher("reconcile", "--watch", "--interval", "1s", "-o", "json").redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        try {
            waitFor(() -> Files.size(out) > 0, "the first round");
            new ProcessBuilder("kill", "-QUIT", String.valueOf(p.pid())).start().waitFor();
            waitFor(() -> Files.readString(err).contains("Full thread dump"), "the thread dump on stderr");
        } finally {
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(out)).doesNotContain("Full thread dump");
        assertThat(Workspace.JSON.readTree(Files.readString(out)).get("ok").asBoolean()).isTrue();

        // an option the JVM refuses while starting
        ws.env.put("ENVCTL_JAVA_OPTS", "-Xmx1k");
        String[] r = run(tmp.resolve("small.out").toFile(), "version");
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1]).contains("Too small maximum heap");
        assertThat(tmp.resolve("small.out")).isEmptyFile();
    }

    /**
     * A store of 20,000 environments lists in each format within 64 MB of heap: the output is written as it is made,
     * not built whole first (the environments read from the store are held, so the heap a list needs still grows
     * with them).
     */
    @Test
    void aListOfTwentyThousandEnvironmentsPrintsInEachFormatWithin64MbOfHeap() throws Exception {
        StringBuilder rows = new StringBuilder("# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
                + "http_port,https_port,cluster_subnet\n");
        for (int i = 0; i < 20_000; i++) {
            rows.append(String.format("env%05d,k3d,30080,%d,true,true,%d,%d,\n", i, 41001 + i, 1025 + i, 21025 + i));
        }
        Path store = Workspace.write(tmp.resolve("big.csv"), rows.toString());
        ws.env.put("ENVCTL_JAVA_OPTS", "-Xmx64m");

        for (String format : List.of("table", "json", "csv")) {
            Path out = tmp.resolve("list." + format);
            String[] r = run(out.toFile(), "--store", store.toString(), "list", "-o", format);
            assertThat(r[0]).as(format + ": " + r[1]).isEqualTo("0");
            try (var lines = Files.lines(out)) {
                assertThat(lines.filter(l -> l.contains("env19999")).count()).as(format).isPositive();
            }
        }
    }

    private interface Check {
        boolean holds() throws IOException;
    }

    private static void waitFor(Check check, String what) throws Exception {
        for (int i = 0; i < 600 && !check.holds(); i++) {
            Thread.sleep(100);
        }
        assertThat(check.holds()).as(what).isTrue();
    }
}
