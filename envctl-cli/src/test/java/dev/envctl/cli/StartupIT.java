package dev.envctl.cli;

import dev.envctl.cli.Workspace.Result;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up stays light: {@code version}, {@code --help} and {@code list} on a CSV store load no jOOQ, Flyway or
 * JDBC class (checked with the JVM's class-loading log), and {@code version} / table {@code list} load no
 * Jackson, no provider and no hook; {@code list -o json} writes with jackson-core and loads no jackson-databind
 * class. Commands that drive clusters map the provider, process and lifecycle classes from the class-data
 * archive and load no jackson-databind class. On PostgreSQL, {@code list} maps jOOQ's and pgjdbc's classes from
 * the archive and runs no Flyway, and neither {@code create} with labels and options nor {@code list} loads
 * jackson-databind.
 */
class StartupIT {
    @TempDir
    Path tmp;
    Workspace ws;

    @BeforeEach
    void setUp() {
        ws = new Workspace(tmp);
        assertThat(ws.run("create", "dev").exit()).isZero();
    }

    private List<String> loadedClasses(String... args) throws IOException {
        Path log = tmp.resolve("classes-" + String.join("", args).replaceAll("[^a-z]", "") + ".log");
        Result r = ws.run(Map.of("ENVCTL_JAVA_OPTS", "-Xlog:class+load=info:file=" + log), args);
        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).as("class-load log").anySatisfy(l -> assertThat(l).contains("dev.envctl.cli.Main"));
        return lines;
    }

    @Test
    void versionLoadsNoStoreProviderJacksonOrJdbcClass() throws IOException {
        List<String> classes = loadedClasses("version");

        assertThat(classes).noneMatch(l -> l.contains("org.jooq.") || l.contains("org.flywaydb.")
                || l.contains("org.postgresql.") || l.contains("java.sql.") || l.contains("com.fasterxml.")
                || l.contains("dev.envctl.store.") || l.contains("dev.envctl.provider."));
    }

    @Test
    void theDistributionMapsEnvctlsClassesFromItsClassDataArchive() throws IOException {
        List<String> list = loadedClasses("list");
        for (String name : List.of("dev.envctl.cli.Main", "dev.envctl.store.csv.CsvEnvironmentStore",
                "dev.envctl.store.csv.internal.RowCodec", "dev.envctl.cli.internal.TextTable")) {
            assertThat(list).anySatisfy(l -> assertThat(l).contains(name + " source: shared objects file"));
        }
        assertThat(loadedClasses("--help")).anySatisfy(l -> assertThat(l)
                .contains("com.beust.jcommander.JCommander source: shared objects file"));
    }

    @Test
    void theLauncherAsksTheJvmToMapTheArchiveAtItsOwnAddress() {
        // the build found that this JVM accepts it; mapped elsewhere, every pointer in the archive is rewritten
        Result r = ws.run(Map.of("ENVCTL_JAVA_OPTS", "-XX:+PrintFlagsFinal"), "version");

        assertThat(r.exit()).as(r.toString()).isZero();
        // what the JVM prints itself goes to stderr, never among the results
        assertThat(r.err()).containsPattern("ArchiveRelocationMode += 0 ");
    }

    @Test
    void createStopAndDeleteMapTheProviderProcessAndLifecycleClassesFromTheArchive() throws IOException {
        for (String[] run : List.of(new String[] {"create", "web"}, new String[] {"stop", "web"},
                new String[] {"delete", "web"}, new String[] {"create", "kweb", "--provider", "kind"})) {
            List<String> classes = loadedClasses(run);
            // k3d's cluster list and kind's config are read and written with jackson-core's streaming API
            assertThat(classes).as(String.join(" ", run))
                    .noneMatch(l -> l.contains("com.fasterxml.jackson.databind."));
            for (String name : List.of("org.apache.commons.exec.DefaultExecutor",
                    "dev.envctl.core.exec.CommandRunner", "dev.envctl.core.lifecycle.internal.Converger",
                    run.length == 4 ? "dev.envctl.provider.kind.KindProvider" : "dev.envctl.provider.k3d.K3dProvider")) {
                assertThat(classes).as(String.join(" ", run))
                        .anySatisfy(l -> assertThat(l).contains(name + " source: shared objects file"));
            }
        }
    }

    @Test
    void helpLoadsNoJdbcClass() throws IOException {
        List<String> classes = loadedClasses("--help");

        assertThat(classes).noneMatch(l -> l.contains("org.jooq.") || l.contains("org.flywaydb.")
                || l.contains("org.postgresql.") || l.contains("java.sql."));
    }

    @Test
    void listOnACsvStoreLoadsNoJooqFlywayOrJdbcClassAndNoProvider() throws IOException {
        List<String> classes = loadedClasses("list");

        assertThat(classes).anySatisfy(l -> assertThat(l).contains("dev.envctl.store.csv.CsvEnvironmentStore"));
        assertThat(classes).noneMatch(l -> l.contains("org.jooq.") || l.contains("org.flywaydb.")
                || l.contains("org.postgresql.") || l.contains("java.sql.") || l.contains("javax.sql."));
        assertThat(classes).noneMatch(l -> l.contains("dev.envctl.provider.") || l.contains("com.fasterxml.")
                || l.contains("dev.envctl.core.hook."));
    }

    @Test
    void jsonListWritesWithJacksonCoreAndLoadsNoDatabindClass() throws IOException {
        List<String> classes = loadedClasses("list", "-o", "json");

        assertThat(classes).anySatisfy(l -> assertThat(l).contains("com.fasterxml.jackson.core.JsonGenerator "));
        assertThat(classes).noneMatch(l -> l.contains("com.fasterxml.jackson.databind."));
    }

    @Test
    void listOnPostgresqlMapsJooqAndPgjdbcFromTheArchiveAndRunsNoFlywayOrJacksonDatabind() throws IOException {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            ws.env.put("ENVCTL_STORE", "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres");
            Workspace.write(ws.home.resolve(".envctl/config.properties"), "store.jdbc.user=postgres\n");
            Result created = ws.run("create", "pg-dev", "--no-wait");
            assertThat(created.exit()).as(created.toString()).isZero();
            // labels and options are JSON columns, written and read with jackson-core's streaming API
            assertThat(loadedClasses("create", "pg-web", "--no-wait", "--image", "rancher/k3s:v1.31.5-k3s1",
                    "--label", "team=web")).noneMatch(l -> l.contains("com.fasterxml.jackson.databind."));

            List<String> classes = loadedClasses("list");

            for (String name : List.of("org.jooq.impl.SelectImpl", "org.postgresql.core.v3.QueryExecutorImpl",
                    "dev.envctl.store.jdbc.internal.Rows")) {
                assertThat(classes).anySatisfy(l -> assertThat(l).contains(name + " source: shared objects file"));
            }
            assertThat(classes).noneMatch(l -> l.contains("org.flywaydb.core.Flyway ")
                    || l.contains("org.flywaydb.core.internal.") || l.contains("com.fasterxml.jackson.databind."));
        }
    }

    @Test
    void theRepositoryLauncherRunsTheBuiltDistributionWithoutBuildingAgain() throws Exception {
        Path launcher = Workspace.CONFIG.getParent().resolve("bin/envctl");
        Path fakeBin = Files.createDirectories(tmp.resolve("fake-bin"));
        Path called = tmp.resolve("mvn-called");
        Path mvn = fakeBin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\ntouch '" + called + "'\nexit 1\n");
        assertThat(mvn.toFile().setExecutable(true)).isTrue();
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "version");
        pb.environment().put("PATH", fakeBin + ":/usr/bin:/bin");
        pb.environment().put("HOME", ws.home.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        assertThat(output).startsWith("envctl ");
        assertThat(called).as("bin/envctl ran mvn although the distribution is built").doesNotExist();
    }
}
