package dev.envctl.cli.embedding;

import dev.envctl.core.Environment;
import dev.envctl.core.spi.SchemaInfo;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The PostgreSQL examples of docs/stores/postgresql.md run against an embedded PostgreSQL. */
class StoresFromJavaPostgresTest {

    @Test
    void theRegistryTheDataSourceAndTheAdministrationSnippetsWork() throws IOException {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?user=postgres";

            Environment dev = StoresFromJava.postgres(url, postgres.getPostgresDatabase());
            SchemaInfo info = StoresFromJava.postgresAdministration(url, Map.of("jdbc.schema", "envctl"));

            assertThat(dev.name()).isEqualTo("dev");
            assertThat(dev.ports().http()).isEqualTo(20000);
            assertThat(dev.subnet()).hasToString("10.100.0.0/24");
            assertThat(info.currentVersion()).isEqualTo(info.latestVersion());
        }
    }
}
