package dev.envctl.cli.embedding;

import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.MigrationResult;
import dev.envctl.core.spi.PrerequisiteCheck;
import dev.envctl.core.spi.SchemaInfo;
import dev.envctl.store.csv.CsvEnvironmentStore;
import dev.envctl.store.jdbc.JdbcEnvironmentStore;
import dev.envctl.store.jdbc.JdbcStoreFactory;
import dev.envctl.store.jdbc.JdbcStoreOptions;
import dev.envctl.store.jdbc.MigrateMode;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Java examples of docs/stores/csv.md, docs/stores/postgresql.md and docs/providers/k3d.md, each a
 * method run by StoresFromJavaTest.
 */
final class StoresFromJava {
    private StoresFromJava() {
    }

    static List<Environment> csv(Path file) {
        // tag::csv[]
        EnvironmentStore store = PluginRegistry.discover().openStore("csv:" + file, Map.of("csv.lock-timeout", "2s"));
        CsvEnvironmentStore same = CsvEnvironmentStore.open(file, Duration.ofSeconds(2));
        // end::csv[]
        try (store; same) {
            return same.list(EnvironmentFilter.ALL);
        }
    }

    static Environment postgres(String url, DataSource dataSource) {
        // tag::postgres[]
        // through the registry, as the CLI does
        try (EnvironmentStore registered = PluginRegistry.discover().openStore(url,
                Map.of("jdbc.schema", "envctl", "jdbc.connect-timeout", "3s"))) {
            System.out.println(registered.health());
        }

        // on your own DataSource, with your own allocation pools
        try (JdbcEnvironmentStore store = JdbcEnvironmentStore.open(dataSource,
                JdbcStoreOptions.defaults().withSchema("envctl").withMigrate(MigrateMode.AUTO).withPoolSize(8))) {
            Allocator allocator = new Allocator(AllocationPolicy.fromProperties(Map.of("pool.http", "20000-29999")));
            return store.create(EnvironmentSpec.of("dev", "k3d").withSubnet(SubnetRequest.AUTO), allocator);
        }
        // end::postgres[]
    }

    static SchemaInfo postgresAdministration(String url, Map<String, String> settings) {
        // tag::admin[]
        try (JdbcEnvironmentStore store = new JdbcStoreFactory().openForAdministration(url, settings)) {
            MigrationResult r = store.admin().migrate();   // adopted?, initial and current version, applied list
            SchemaInfo info = store.admin().info();         // current, latest, each migration with its state
            return info;
        }
        // end::admin[]
    }

    static List<PrerequisiteCheck> k3d() {
        // tag::k3d[]
        ClusterProvider k3d = PluginRegistry.discover().createProvider("k3d", Map.of("timeout", "10m"));
        k3d.checkPrerequisites().forEach(System.out::println);
        // end::k3d[]
        return k3d.checkPrerequisites();
    }
}
