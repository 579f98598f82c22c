package dev.envctl.store.csv;

import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.Environment;
import dev.envctl.core.migration.MigrationReport;
import dev.envctl.core.migration.StoreMigration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A migration into a CSV store, which writes its rows with one {@code insertAll}: the file written once. */
class CsvMigrationTest {
    @TempDir
    Path dir;

    @Test
    void aRowTheFileRefusesWhileWritingFailsAloneAndTheRowsAroundItAreWritten() throws Exception {
        Path source = dir.resolve("source.csv");
        Files.writeString(source, """
                # env,provider,node_port,pf_port,register_portainer,haproxy_route,http_port,https_port,cluster_subnet
                env-a,k3d,30080,40000,true,false,20000,30000,
                01,k3d,30080,40001,true,false,20001,30001,
                1,k3d,30080,40002,true,false,20002,30002,
                env-z,k3d,30080,40003,true,false,20003,30003,
                """, StandardCharsets.UTF_8);
        Path target = dir.resolve("target.csv");

        MigrationReport r;
        try (CsvEnvironmentStore from = CsvEnvironmentStore.open(source);
             CsvEnvironmentStore to = CsvEnvironmentStore.open(target)) {
            r = StoreMigration.migrate(from, to, Set.of(), false);
            // '1' is '01' to the Kindler scripts' awk, which the target's insert refuses once '01' is there
            assertThat(to.list(EnvironmentFilter.ALL)).extracting(Environment::name)
                    .containsExactly("01", "env-a", "env-z");
            assertThat(to.list(EnvironmentFilter.ALL)).isEqualTo(from.list(EnvironmentFilter.ALL).stream()
                    .filter(e -> !e.name().equals("1")).toList());
        }
        assertThat(r.rows()).extracting(MigrationReport.Row::name, MigrationReport.Row::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("01", MigrationReport.MIGRATED),
                org.assertj.core.groups.Tuple.tuple("1", MigrationReport.FAILED),
                org.assertj.core.groups.Tuple.tuple("env-a", MigrationReport.MIGRATED),
                org.assertj.core.groups.Tuple.tuple("env-z", MigrationReport.MIGRATED));
        assertThat(r.rows().get(1).reason()).startsWith("environment name '1' is the same number as '01'");
    }
}
