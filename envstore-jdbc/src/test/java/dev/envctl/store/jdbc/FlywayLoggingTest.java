package dev.envctl.store.jdbc;

import dev.envctl.store.jdbc.internal.Migrations;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flyway logs through SLF4J, as envctl does: an embedder without an SLF4J backend gets none of its lines on
 * stderr through java.util.logging (Flyway's choice when SLF4J has no backend).
 */
class FlywayLoggingTest {

    @Test
    void migratingWithoutAnSlf4jBackendPrintsNothingFromFlyway() throws Exception {
        String schema = TestDatabase.freshSchemaName("logging");
        // this test's class path without slf4j-simple: the module's jars, as an embedder has them
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("slf4j-simple")).collect(Collectors.joining(File.pathSeparator));
        String java = ProcessHandle.current().info().command().orElse("java");
        Path output = Files.createTempFile("open-worker", ".txt");
        try {
            Process p = new ProcessBuilder(List.of(java, "-cp", classPath, OpenWorker.class.getName(),
                    TestDatabase.url(), schema)).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            String printed = Files.readString(output, StandardCharsets.UTF_8);

            assertThat(p.exitValue()).as(printed).isZero();
            assertThat(newestVersion(schema)).as("the worker migrated the schema").isEqualTo(Migrations.LATEST);
            assertThat(printed.toLowerCase()).doesNotContain("flyway", "migrat", "schema");
        } finally {
            Files.delete(output);
            TestDatabase.dropSchema(schema);
        }
    }

    private static String newestVersion(String schema) {
        return TestDatabase.value("SELECT version FROM " + schema + "." + Migrations.HISTORY_TABLE
                + " WHERE success ORDER BY installed_rank DESC LIMIT 1");
    }
}
