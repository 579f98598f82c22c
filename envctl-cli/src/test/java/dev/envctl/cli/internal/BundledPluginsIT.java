package dev.envctl.cli.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plugin jar copied into the distribution's {@code lib/} is read, and a moved distribution still starts.
 */
class BundledPluginsIT {
    private static final Path DIST = Path.of(System.getProperty("envctl.dist", "target/envctl")).toAbsolutePath();

    @TempDir
    Path tmp;

    @Test
    void aPluginJarInLibIsStillRead() throws Exception {
        Path dist = copyOfDistribution(tmp.resolve("envctl"));
        try (OutputStream out = Files.newOutputStream(dist.resolve("lib/broken-plugin.jar"));
             JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry("META-INF/services/dev.envctl.core.spi.EnvironmentStoreFactory"));
            jar.write("com.example.MissingStoreFactory\n".getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        Path home = Files.createDirectories(tmp.resolve("home"));
        ProcessBuilder pb = new ProcessBuilder(dist.resolve("bin/envctl").toString(), "--store",
                "csv:" + tmp.resolve("environments.csv"), "list");
        pb.environment().clear();
        pb.environment().put("HOME", home.toString());
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path err = tmp.resolve("stderr.txt");
        pb.redirectOutput(tmp.resolve("stdout.txt").toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = Files.readString(err);
        assertThat(p.exitValue()).as(stderr).isZero();
        assertThat(stderr).contains("com.example.MissingStoreFactory");
    }

    @Test
    void aMovedDistributionStartsWithoutItsClassDataArchive() throws Exception {
        Path dist = copyOfDistribution(tmp.resolve("moved"));
        // -Xshare:on makes a JVM refuse to start with an archive it cannot use (made for another folder)
        ProcessBuilder pb = new ProcessBuilder(dist.resolve("bin/envctl").toString(), "version");
        pb.environment().put("ENVCTL_JAVA_OPTS", "-Xshare:on");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        assertThat(output).startsWith("envctl ");
    }

    /** The built distribution's bin/ and lib/ copied to {@code dist}. */
    private static Path copyOfDistribution(Path dist) throws IOException {
        copy(DIST.resolve("bin"), dist.resolve("bin"));
        copy(DIST.resolve("lib"), dist.resolve("lib"));
        assertThat(dist.resolve("bin/envctl").toFile().setExecutable(true)).isTrue();
        return dist;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
