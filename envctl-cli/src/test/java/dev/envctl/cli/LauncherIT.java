package dev.envctl.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checkout's launcher {@code bin/envctl} on first use: it builds the distribution with Maven (here a stand-in
 * {@code mvn} that prints Maven's colour codes and makes a tiny distribution), says so on stderr without any
 * terminal escape code, then runs it; a failed build is exit 1. Both launchers run through symbolic links, and
 * with an exported {@code CDPATH}.
 */
class LauncherIT {
    @TempDir
    Path tmp;

    private Path checkout(String mvnBody) throws IOException {
        Path root = tmp.resolve("checkout");
        Path launcher = Workspace.write(root.resolve("bin/envctl"),
                Files.readString(Workspace.CONFIG.getParent().resolve("bin/envctl")));
        executable(launcher);
        executable(Workspace.write(tmp.resolve("fake-bin/mvn"), "#!/bin/sh\n" + mvnBody));
        return root;
    }

    private static void executable(Path p) {
        assertThat(p.toFile().setExecutable(true)).isTrue();
    }

    private String[] run(Path root) throws Exception {
        return launch(root.resolve("bin/envctl"));
    }

    private String[] launch(Path launcher) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "version");
        pb.environment().put("PATH", tmp.resolve("fake-bin") + ":/usr/bin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String[] {String.valueOf(p.exitValue()), out, err};
    }

    @Test
    void firstUseBuildsSaysSoWithoutColourCodesAndRunsTheDistribution() throws Exception {
        Path root = checkout("""
                printf '\\033[0m\\033[1;34mINFO\\033[m building\\n'
                printf '\\033[0m\\033[0m' >&2
                dist=envctl-cli/target/envctl
                mkdir -p "$dist/lib" "$dist/bin"
                touch "$dist/lib/envctl.jar"
                printf '#!/bin/sh\\necho "envctl $*"\\n' > "$dist/bin/envctl"
                chmod +x "$dist/bin/envctl"
                """);

        String[] r = run(root);

        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).isEqualTo("envctl version\n");
        assertThat(r[2]).contains("envctl: first use: building the distribution").contains("INFO building")
                .doesNotContain("\033");
    }

    @Test
    void aFailedBuildIsExit1SayingSo() throws Exception {
        Path root = checkout("echo 'BUILD FAILURE'\nexit 1\n");

        String[] r = run(root);

        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).contains("BUILD FAILURE").contains("envctl: the build failed");
    }

    @Test
    void bothLaunchersRunThroughAChainOfAbsoluteAndRelativeSymbolicLinks() throws Exception {
        Path root = checkout("exit 1\n"); // a build would fail: the link must reach the distribution below
        Path dist = root.resolve("envctl-cli/target/envctl");
        executable(Workspace.write(dist.resolve("bin/envctl"), "#!/bin/sh\necho \"dist $*\"\n"));
        Workspace.write(dist.resolve("lib/envctl.jar"), "");
        Path first = Files.createDirectories(tmp.resolve("home/bin"));
        Files.createSymbolicLink(first.resolve("envctl"), root.resolve("bin/envctl"));
        Path second = Files.createDirectories(tmp.resolve("home/other"));
        Files.createSymbolicLink(second.resolve("envctl"), Path.of("../bin/envctl"));

        String[] r = launch(second.resolve("envctl"));

        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).isEqualTo("dist version\n");

        Path linked = Files.createSymbolicLink(tmp.resolve("home/envctl-dist"), Workspace.LAUNCHER);
        String[] real = launch(linked);
        assertThat(real[0]).as(real[2]).isEqualTo("0");
        assertThat(real[1]).startsWith("envctl ");
    }

    @Test
    void bothLaunchersFindTheirFoldersWithCdpathExportedAndPrintNothingOfTheirOwnOnStdout() throws Exception {
        // with CDPATH set, cd looks a relative folder up in it and prints the folder it found on stdout
        Path dist = Workspace.LAUNCHER.getParent().getParent();
        Path checkout = Workspace.CONFIG.getParent();
        for (Path[] run : new Path[][] {{dist, Path.of("bin/envctl")}, {dist.resolve("bin"), Path.of("./envctl")},
                {checkout, Path.of("bin/envctl")}}) {
            ProcessBuilder pb = new ProcessBuilder(run[1].toString(), "version").directory(run[0].toFile());
            pb.environment().put("PATH", tmp.resolve("fake-bin") + ":/usr/bin:/bin");
            pb.environment().put("CDPATH", ".:" + tmp);
            Processes.Output r = Processes.run(pb, tmp, run[0] + "/" + run[1]);

            assertThat(r.exit()).as(run[1] + " in " + run[0] + ": " + r.err()).isZero();
            assertThat(r.out()).as(run[1] + " in " + run[0]).startsWith("envctl ").hasLineCount(1);
            assertThat(r.err()).isEmpty();
        }
    }

    @Test
    void aDistributionInAFolderWhosePathHoldsAColonSaysWhyItCannotRunInOneLine() throws Exception {
        // ':' separates Java's class path entries, and nothing escapes it there
        Path dist = Workspace.LAUNCHER.getParent().getParent();
        Path copy = tmp.resolve("tools:2026/envctl");
        executable(Files.copy(dist.resolve("bin/envctl"), Files.createDirectories(copy.resolve("bin")).resolve("envctl")));
        Files.copy(dist.resolve("lib/envctl.jar"), Files.createDirectories(copy.resolve("lib")).resolve("envctl.jar"));
        ProcessBuilder pb = new ProcessBuilder(copy.resolve("bin/envctl").toString(), "version");
        pb.environment().put("PATH", "/usr/bin:/bin");

        Processes.Output r = Processes.run(pb, tmp, "envctl version");

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).hasLineCount(1).startsWith("envctl: cannot run from " + copy.toRealPath().resolve("lib"))
                .contains("':'");
    }

    @Test
    void aDistributionBuiltInAFolderWhosePathHoldsASpaceRunsWithItsArchive() throws Exception {
        // as a checkout under ~/My Projects builds it: lib/envctl.jsa.java names this JVM and that folder
        Path dist = Workspace.LAUNCHER.getParent().getParent();
        Path copy = tmp.resolve("My Projects/envctl");
        executable(Files.copy(dist.resolve("bin/envctl"), Files.createDirectories(copy.resolve("bin")).resolve("envctl")));
        Path lib = Files.createDirectories(copy.resolve("lib")).toRealPath();
        Files.copy(dist.resolve("lib/envctl.jar"), lib.resolve("envctl.jar"));
        Files.writeString(lib.resolve("envctl.jsa"), ""); // made for the build's folder: the JVM runs without it
        String java = Path.of(System.getProperty("java.home"), "bin/java").toString();
        Files.writeString(lib.resolve("envctl.jsa.java"), java + "\n" + lib + "\nat-base\n");
        ProcessBuilder pb = new ProcessBuilder(copy.resolve("bin/envctl").toString(), "version");
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));

        Processes.Output r = Processes.run(pb, tmp, "envctl version");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("envctl ").hasLineCount(1);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aClosedStandardInputReadsAsEmptyNotAsAFileTheJvmOpened() throws Exception {
        // with fd 0 closed, the first file the JVM opens (its own lib/modules) would become System.in
        Path csv = tmp.resolve("envs.csv");
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "exec \"$0\" apply -f - <&-", Workspace.LAUNCHER.toString());
        pb.environment().put("ENVCTL_STORE", "csv:" + csv);

        Processes.Output r = Processes.run(pb, tmp, "envctl apply -f - <&-");

        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).hasLineCount(1).startsWith("envctl: apply file - holds no list of environments");
        assertThat(csv).doesNotExist();
    }
}
