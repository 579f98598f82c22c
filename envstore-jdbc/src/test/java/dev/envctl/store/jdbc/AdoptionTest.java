package dev.envctl.store.jdbc;

import dev.envctl.core.spi.MigrationResult;
import dev.envctl.core.spi.MigrationState;
import dev.envctl.core.spi.SchemaInfo;
import dev.envctl.core.spi.StoreHealth;
import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.testing.Stderr;
import dev.envctl.store.jdbc.internal.Migrations;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.Remedy;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.testing.StoreInvariants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pointing envctl at a database of the replaced system: adoption, refusal with every conflict, info. */
class AdoptionTest {
    /** The replaced system's DDL, as its scripts ran it through psql. */
    private static final String REPLACED_DDL = "CREATE TABLE clusters (name varchar(63) primary key, provider varchar(10) "
            + "check (provider in ('k3d','kind')), subnet cidr, node_port int, pf_port int, http_port int, "
            + "https_port int, created_at timestamp, updated_at timestamp)";

    private String schema;

    @BeforeEach
    void createSchema() {
        schema = TestDatabase.freshSchemaName("adopt");
        TestDatabase.sql("CREATE SCHEMA " + schema);
    }

    @AfterEach
    void dropSchema() {
        TestDatabase.dropSchema(schema);
    }

    private void replacedSystemWith(String... inserts) {
        List<String> sql = new ArrayList<>();
        sql.add("SET search_path TO " + schema);
        sql.add(REPLACED_DDL);
        sql.addAll(List.of(inserts));
        TestDatabase.sql(sql.toArray(String[]::new));
    }

    private JdbcEnvironmentStore open(MigrateMode mode) {
        return TestDatabase.open(schema, mode);
    }

    private List<String> oldReaderNames() {
        List<String> names = new ArrayList<>();
        try (Connection c = TestDatabase.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + schema);
            try (ResultSet rs = s.executeQuery("SELECT * FROM clusters ORDER BY name")) {
                while (rs.next()) {
                    names.add(rs.getString("name") + ":" + rs.getString("provider") + ":" + rs.getInt("http_port"));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }

    private int columnCount() {
        try (Connection c = TestDatabase.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.columns WHERE table_schema = '"
                     + schema + "' AND table_name = 'clusters'")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void adoptsTheReplacedSystemsTableKeepingEveryRowAndOldReaders() {
        replacedSystemWith(
                "INSERT INTO clusters VALUES ('devops','k3d',NULL,30800,19000,23800,23843,'2025-03-01 10:00:00',"
                        + "'2025-03-01 10:00:00')",
                "INSERT INTO clusters VALUES ('dev','kind',NULL,30080,19001,18090,18443,'2025-03-02 10:00:00',NULL)",
                "INSERT INTO clusters VALUES ('dev-k3d','k3d','10.101.0.0/16',30080,19002,18091,18444,NULL,NULL)");
        List<String> before = oldReaderNames();

        try (JdbcEnvironmentStore store = open(MigrateMode.OFF)) {
            MigrationResult result = store.admin().migrate();

            assertThat(result.adopted()).isTrue();
            assertThat(result.initialVersion()).isEqualTo("1");
            assertThat(result.currentVersion()).isEqualTo("8");
            assertThat(result.applied()).hasSize(7);
            assertThat(result.applied().get(0)).startsWith("2 ");
            assertThat(result.applied().get(1)).startsWith("3 ");
            assertThat(result.applied().get(2)).startsWith("4 ");
            assertThat(result.applied().get(3)).startsWith("5 ");
            assertThat(result.applied().get(4)).startsWith("6 ");
            assertThat(result.applied().get(5)).startsWith("7 ");

            List<Environment> all = store.list(EnvironmentFilter.ALL);
            assertThat(all).extracting(Environment::name).containsExactly("dev", "dev-k3d", "devops");
            Environment devK3d = store.get("dev-k3d");
            assertThat(devK3d.ports()).isEqualTo(new HostPorts(18091, 18444, 19002, null));
            assertThat(devK3d.subnet()).isEqualTo(Cidr.parse("10.101.0.0/16"));
            assertThat(devK3d.desiredState()).isEqualTo(DesiredState.PRESENT);
            assertThat(devK3d.actualState()).isEqualTo(ActualState.UNKNOWN);
            assertThat(store.get("dev").createdAt()).hasToString("2025-03-02T10:00:00Z");
            assertThat(store.get("dev").updatedAt()).isEqualTo(store.get("dev").createdAt());
            assertThat(store.get("devops").nodePort()).isEqualTo(30800);
            assertThat(all).extracting(Environment::host).containsOnly("local");
            assertThat(store.hosts()).containsExactly(dev.envctl.core.Host.LOCAL);
            StoreInvariants.assertHold(all);

            SchemaInfo info = store.admin().info();
            assertThat(info.upToDate()).isTrue();
            assertThat(info.migrations()).extracting(MigrationState::version, MigrationState::state)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("1", "Ignored (Baseline)"),
                            org.assertj.core.groups.Tuple.tuple("1", "Baseline"),
                            org.assertj.core.groups.Tuple.tuple("2", "Success"),
                            org.assertj.core.groups.Tuple.tuple("3", "Success"),
                            org.assertj.core.groups.Tuple.tuple("4", "Success"),
                            org.assertj.core.groups.Tuple.tuple("5", "Success"),
                            org.assertj.core.groups.Tuple.tuple("6", "Success"),
                            org.assertj.core.groups.Tuple.tuple("7", "Success"),
                            org.assertj.core.groups.Tuple.tuple("8", "Success"));

            // adopted ports are held: an explicit clash is refused and allocation skips them
            assertThatThrownBy(() -> store.create(EnvironmentSpec.of("uat", "k3d")
                    .withPorts(new HostPorts(null, null, 18090, null)), new Allocator(AllocationPolicy.defaults())))
                    .isInstanceOf(EnvctlException.class).hasMessageContaining("'dev'");
            Environment uat = store.create(EnvironmentSpec.of("uat", "k3d"), new Allocator(AllocationPolicy.defaults()));
            assertThat(uat.ports()).isEqualTo(new HostPorts(18080, 18400, 19003, 26443));
        }
        List<String> after = oldReaderNames();
        assertThat(after).containsAll(before).contains("uat:k3d:18080").hasSize(4);
    }

    @Test
    void refusesConflictingRowsListingEveryConflictAndChangesNothing() {
        replacedSystemWith(
                "INSERT INTO clusters VALUES ('dev','kind',NULL,30080,19001,18090,18443,NULL,NULL)",
                "INSERT INTO clusters VALUES ('uat','k3d',NULL,30080,18090,18091,18444,NULL,NULL)",
                "INSERT INTO clusters VALUES ('prod','k3d','10.101.0.0/16',30080,19003,18092,18443,NULL,NULL)",
                "INSERT INTO clusters VALUES ('qa','k3d','10.101.5.0/24',30080,19004,18093,18445,NULL,NULL)",
                "INSERT INTO clusters VALUES ('ok','k3d','10.102.0.0/16',30080,19005,18094,18446,NULL,NULL)");
        List<String> before = oldReaderNames();

        try (JdbcEnvironmentStore store = open(MigrateMode.OFF)) {
            assertThatThrownBy(() -> store.admin().migrate())
                    .isInstanceOfSatisfying(AdoptionConflictException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                        assertThat(e.exitCode()).isEqualTo(4);
                        assertThat(e.conflicts()).containsExactlyInAnyOrder(
                                "port 18090 is held by dev (http) and uat (pf)",
                                "port 18443 is held by dev (https) and prod (https)",
                                "subnet 10.101.0.0/16 of prod overlaps subnet 10.101.5.0/24 of qa");
                        assertThat(e.getMessage()).contains("3 conflicts", "dev (http) and uat (pf)", "nothing was changed");
                    });
            assertThat(store.admin().info().currentVersion()).isNull();
        }
        assertThat(oldReaderNames()).isEqualTo(before);
        assertThat(columnCount()).isEqualTo(9);
        // opening with auto migration does not adopt either: the store only reads (see the next test)
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
            assertThat(store.adoptionConflicts()).hasSize(3);
        }
        assertThat(columnCount()).isEqualTo(9);
        assertThat(oldReaderNames()).isEqualTo(before);
    }

    @Test
    void nodePortsOutOfRangeAndProviderIdsEnvctlCannotUseAreConflictsToo() {
        replacedSystemWith(
                // a table whose provider check someone dropped
                "ALTER TABLE clusters DROP CONSTRAINT clusters_provider_check",
                "INSERT INTO clusters VALUES ('dev','k3d',NULL,30080,19001,18090,18443,NULL,NULL)",
                "INSERT INTO clusters VALUES ('odd','k3d',NULL,0,19002,18091,18444,NULL,NULL)",
                "INSERT INTO clusters VALUES ('neg','k3d',NULL,-5,19003,18092,18445,NULL,NULL)",
                "INSERT INTO clusters VALUES ('big','K3D',NULL,30080,19004,18093,18446,NULL,NULL)");
        List<String> before = oldReaderNames();

        try (JdbcEnvironmentStore store = open(MigrateMode.OFF)) {
            assertThatThrownBy(() -> store.admin().migrate())
                    .isInstanceOfSatisfying(AdoptionConflictException.class, e -> assertThat(e.conflicts())
                            .containsExactly("provider 'K3D' of big is not a valid provider id (lowercase letters, "
                                            + "digits and '-')",
                                    "node port -5 of neg is out of range 1-65535",
                                    "node port 0 of odd is out of range 1-65535"));
            assertThat(store.admin().info().currentVersion()).as("no baseline left behind").isNull();
        }
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
            assertThat(store.adoptionConflicts()).hasSize(3);
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("dev");
        }
        assertThat(oldReaderNames()).isEqualTo(before);
        assertThat(columnCount()).isEqualTo(9);
    }

    @Test
    void aViewOnTheTableIsAConflictAndChangesNothing() {
        replacedSystemWith(
                "INSERT INTO clusters VALUES ('dev','kind',NULL,30080,19001,18090,18443,NULL,NULL)",
                "CREATE VIEW cluster_ports AS SELECT name, provider, http_port FROM clusters");
        int columns = columnCount();

        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
            assertThat(store.adoptionConflicts()).containsExactly("view cluster_ports depends on table clusters, "
                    + "whose column types adoption changes: drop it, adopt, then make it again");
            assertThatThrownBy(() -> store.admin().migrate()).isInstanceOf(AdoptionConflictException.class);
            assertThat(store.admin().tables()).containsExactly("clusters");
        }
        assertThat(columnCount()).isEqualTo(columns);
    }

    /**
     * Behind a pooler in transaction pooling mode a read runs on whichever server session is free, whose search path
     * another client may have set: the check names the store's schema, so it finds the view there all the same.
     */
    @Test
    void aViewOnTheTableIsFoundOnASessionAnotherClientSetToItsSchema() {
        replacedSystemWith("CREATE VIEW cluster_ports AS SELECT name, provider, http_port FROM clusters");
        String decoy = TestDatabase.freshSchemaName("adopt_decoy");
        TestDatabase.sql("CREATE SCHEMA " + decoy);
        try (JdbcEnvironmentStore store = JdbcEnvironmentStore.open(sessionsSetTo(decoy),
                JdbcStoreOptions.defaults().withSchema(schema).withMigrate(MigrateMode.READ), TestDatabase.url())) {
            assertThat(store.adoptionConflicts()).containsExactly("view cluster_ports depends on table clusters, "
                    + "whose column types adoption changes: drop it, adopt, then make it again");
        } finally {
            TestDatabase.dropSchema(decoy);
        }
    }

    /** Connections whose session another client sets to schema {@code decoy} as soon as they set theirs. */
    private static DataSource sessionsSetTo(String decoy) {
        return TestDatabase.wrapping(TestDatabase.dataSource(), (c, m, a) -> {
            Object r = TestDatabase.invoke(c, m, a);
            if (m.getName().equals("setSchema")) {
                TestDatabase.query(c, "SELECT set_config('search_path', '" + decoy + "', false)");
            }
            return r;
        });
    }

    @Test
    void anAdoptionWhoseMigrationFailsLeavesNoHistoryAndTheNextOneStartsAfresh() {
        replacedSystemWith(
                "INSERT INTO clusters VALUES ('dev','kind',NULL,30080,19001,18090,18443,NULL,NULL)",
                "ALTER TABLE clusters ADD COLUMN desired_state int");
        int columns = columnCount();

        assertThatThrownBy(() -> open(MigrateMode.AUTO)).isInstanceOf(EnvctlException.class)
                .hasMessageContaining("desired_state");
        try (JdbcEnvironmentStore store = open(MigrateMode.READ)) {
            assertThat(store.admin().tables()).containsExactly("clusters");
        }
        assertThat(columnCount()).isEqualTo(columns);

        TestDatabase.sql("ALTER TABLE " + schema + ".clusters DROP COLUMN desired_state");
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
            assertThat(store.admin().info().currentVersion()).isEqualTo(Migrations.LATEST);
            assertThat(store.get("dev").ports().http()).isEqualTo(18090);
        }
    }

    @Test
    void servesReadsButRefusesEveryWriteWhileTheTableCannotBeAdopted() {
        replacedSystemWith(
                "INSERT INTO clusters VALUES ('dev','kind',NULL,30080,19001,18090,18443,'2025-03-02 10:00:00',NULL)",
                "INSERT INTO clusters VALUES ('uat','k3d','10.102.0.0/16',30080,18090,18091,18444,NULL,NULL)",
                "INSERT INTO clusters VALUES ('Prod','k3d',NULL,30080,19003,18092,18445,NULL,NULL)");
        List<String> before = oldReaderNames();

        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
            assertThat(store.adoptionConflicts()).containsExactly(
                    "name 'Prod' is not a valid environment name (1 to 32 characters a-z, 0-9 and '-')",
                    "port 18090 is held by dev (http) and uat (pf)");
            // reads: every row envctl can represent, as adoption would make it; 'Prod' is named in the warning
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("dev", "uat");
            assertThat(store.list(new EnvironmentFilter("kind", null, null))).extracting(Environment::name)
                    .containsExactly("dev");
            Environment dev = store.get("dev");
            assertThat(dev.ports()).isEqualTo(new HostPorts(18090, 18443, 19001, null));
            assertThat(dev.createdAt()).hasToString("2025-03-02T10:00:00Z");
            assertThat(dev.updatedAt()).isEqualTo(dev.createdAt());
            assertThat(dev.desiredState()).isEqualTo(DesiredState.PRESENT);
            assertThat(dev.actualState()).isEqualTo(ActualState.UNKNOWN);
            assertThat(dev.version()).isEqualTo(1);
            assertThat(store.get("uat").subnet()).isEqualTo(Cidr.parse("10.102.0.0/16"));
            // no time recorded: unknown, the epoch (not the time of the read, which would make every row 0 s old)
            assertThat(store.get("uat").createdAt()).isEqualTo(Instant.EPOCH);
            assertThat(store.get("uat").updatedAt()).isEqualTo(Instant.EPOCH);
            assertThat(store.find("Prod")).isEmpty();
            assertThat(store.health().available()).isTrue();

            // writes: refused (exit 4) with the rows to repair, nothing changed
            Allocator allocator = new Allocator(AllocationPolicy.defaults());
            List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> writes = List.of(
                    () -> store.create(EnvironmentSpec.of("qa", "k3d"), allocator),
                    () -> store.insert(dev.withLabels(Map.of()).withWrite(dev.updatedAt(), 1)),
                    () -> store.update(dev.withActualState(ActualState.RUNNING, null), 1),
                    () -> store.delete("dev"),
                    () -> store.delete("dev", 1));
            for (org.assertj.core.api.ThrowableAssert.ThrowingCallable write : writes) {
                assertThatThrownBy(write).isInstanceOfSatisfying(AdoptionConflictException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(4);
                    assertThat(e.conflicts()).isEqualTo(store.adoptionConflicts());
                    assertThat(e.getMessage()).contains("refused", "cannot be adopted yet", "2 conflicts",
                            "name 'Prod'", "port 18090 is held by dev (http) and uat (pf)",
                                    "migrate the schema")
                            .doesNotContain("envctl db");
                    assertThat(e.remedy()).contains(Remedy.MIGRATE_SCHEMA);
                });
            }
        }
        assertThat(oldReaderNames()).isEqualTo(before);
        assertThat(columnCount()).isEqualTo(9);

        // once the rows are repaired, the next open adopts the table
        TestDatabase.sql("UPDATE " + schema + ".clusters SET name = 'prod' WHERE name = 'Prod'",
                "UPDATE " + schema + ".clusters SET pf_port = 19002 WHERE name = 'uat'");
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
            assertThat(store.adoptionConflicts()).isEmpty();
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name)
                    .containsExactly("dev", "prod", "uat");
            assertThat(store.delete("prod")).isTrue();
        }
    }

    @Test
    void migratesAFreshSchemaThatOtherApplicationsShare() {
        TestDatabase.sql("CREATE TABLE " + schema + ".other_app (id int primary key)");

        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
            assertThat(store.admin().info().currentVersion()).isEqualTo("8");
            assertThat(store.create(EnvironmentSpec.of("dev", "k3d"), new Allocator(AllocationPolicy.defaults()))
                    .version()).isEqualTo(1);
            MigrationResult again = store.admin().migrate();
            assertThat(again.applied()).isEmpty();
            assertThat(again.adopted()).isFalse();
        }
    }

    @Test
    void readModeReadsATableNotAdoptedAsItIsAndChangesNothing() {
        replacedSystemWith(
                "INSERT INTO clusters VALUES ('dev','kind',NULL,30080,19001,18090,18443,'2025-03-02 10:00:00',NULL)");
        List<String> before = oldReaderNames();

        try (JdbcEnvironmentStore store = open(MigrateMode.READ)) {
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("dev");
            assertThat(store.get("dev").ports()).isEqualTo(new HostPorts(18090, 18443, 19001, null));
            assertThat(store.hosts()).extracting(h -> h.name()).containsExactly("local");
            // jdbc.migrate=read itself never adopts it
            assertThat(store.health().detail()).contains("table clusters not adopted yet (jdbc.migrate=read reads "
                    + "it as it is and adopts nothing; a schema migration adopts it)")
                    .doesNotContain("so does any opening");
            assertThatThrownBy(() -> store.create(EnvironmentSpec.of("qa", "k3d"),
                    new Allocator(AllocationPolicy.defaults())))
                    .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILURE))
                    .hasMessageContaining("opened to read only");
            assertThat(store.admin().info().currentVersion()).isNull();
        }
        assertThat(oldReaderNames()).isEqualTo(before);
        assertThat(columnCount()).isEqualTo(9);
    }

    @Test
    void theHealthOfATableNotAdoptedSaysWhatTheConfiguredModeDoesWithIt() {
        replacedSystemWith(
                "INSERT INTO clusters VALUES ('dev','kind',NULL,30080,19001,18090,18443,'2025-03-02 10:00:00',NULL)");

        // opened to read in place of jdbc.migrate=auto (doctor, a dry run): the next opening with auto adopts it
        try (JdbcEnvironmentStore store = JdbcEnvironmentStore.openToRead(TestDatabase.dataSource(),
                JdbcStoreOptions.defaults().withSchema(schema), TestDatabase.url())) {
            assertThat(store.health().detail()).contains("table clusters not adopted yet (a schema migration adopts "
                    + "it, and so does any opening with jdbc.migrate=auto, reads included)");
        }
        // with jdbc.migrate=read, no opening of this configuration adopts it
        try (JdbcEnvironmentStore store = JdbcEnvironmentStore.openToRead(TestDatabase.dataSource(),
                JdbcStoreOptions.defaults().withSchema(schema).withMigrate(MigrateMode.READ), TestDatabase.url())) {
            assertThat(store.health().detail()).contains("table clusters not adopted yet (jdbc.migrate=read reads "
                    + "it as it is and adopts nothing; a schema migration adopts it)")
                    .doesNotContain("jdbc.migrate=auto");
        }
        assertThat(columnCount()).isEqualTo(9);
    }

    @Test
    void aSchemaThatDoesNotExistIsCreatedSayingSoOnce() {
        String missing = TestDatabase.freshSchemaName("typo");
        try {
            String logged = Stderr.of(() -> TestDatabase.open(missing, MigrateMode.AUTO).close());
            String again = Stderr.of(() -> TestDatabase.open(missing, MigrateMode.AUTO).close());

            assertThat(logged.lines().filter(l -> l.contains("did not exist"))).as(logged).singleElement().asString()
                    .contains("WARN", "schema " + missing + " of ", "did not exist, so it was created",
                            "if jdbc.schema is misspelt");
            assertThat(again).doesNotContain("did not exist");
            // a schema that exists but is empty is not said to be created
            String empty = TestDatabase.freshSchemaName("empty");
            TestDatabase.sql("CREATE SCHEMA " + empty);
            try {
                assertThat(Stderr.of(() -> TestDatabase.open(empty, MigrateMode.AUTO).close()))
                        .doesNotContain("did not exist");
            } finally {
                TestDatabase.dropSchema(empty);
            }
        } finally {
            TestDatabase.dropSchema(missing);
        }
    }

    /**
     * Under {@code jdbc.migrate=read}, which creates nothing, a schema that does not exist (jdbc.schema misspelt)
     * reads as empty, said once: the health's warning, or a WARN at the first read; an existing empty one is not.
     */
    @Test
    void readModeSaysOnceThatTheSchemaDoesNotExist() {
        String missing = TestDatabase.freshSchemaName("typo");
        String logged = Stderr.of(() -> {
            try (JdbcEnvironmentStore store = TestDatabase.open(missing, MigrateMode.READ)) {
                assertThat(store.list(EnvironmentFilter.ALL)).isEmpty();
                assertThat(store.find("dev")).isEmpty();
            }
        });
        assertThat(logged.lines().filter(l -> l.contains("does not exist"))).as(logged).singleElement().asString()
                .contains("WARN", "schema " + missing + " of ", "does not exist", "jdbc.migrate=read creates nothing",
                        "if jdbc.schema is misspelt");
        String fromHealth = Stderr.of(() -> {
            try (JdbcEnvironmentStore store = TestDatabase.open(missing, MigrateMode.READ)) {
                StoreHealth h = store.health();
                assertThat(h.problem()).isNull();
                assertThat(h.warning()).startsWith("schema " + missing + " of ").contains("does not exist",
                        "if jdbc.schema is misspelt");
                assertThat(store.list(EnvironmentFilter.ALL)).isEmpty();
            }
        });
        assertThat(fromHealth).as("the health said it").doesNotContain("does not exist");
        assertThat(TestDatabase.value("SELECT count(*) FROM pg_namespace WHERE nspname = '" + missing + "'"))
                .as("nothing created").isEqualTo("0");
        String empty = TestDatabase.freshSchemaName("empty");
        TestDatabase.sql("CREATE SCHEMA " + empty);
        try (JdbcEnvironmentStore store = TestDatabase.open(empty, MigrateMode.READ)) {
            assertThat(store.health().warning()).isNull();
            assertThat(Stderr.of(() -> store.list(EnvironmentFilter.ALL))).doesNotContain("does not exist");
        } finally {
            TestDatabase.dropSchema(empty);
        }
    }

    /**
     * Opened to read in place of {@code jdbc.migrate=auto} (doctor, diff, a dry run), a schema that does not exist (a
     * misspelt jdbc.schema) is a warning that it does not exist and that the next opening with auto creates it.
     */
    @Test
    void openedToReadInPlaceOfAutoASchemaThatDoesNotExistIsAWarningThatItWouldBeCreated() {
        String missing = TestDatabase.freshSchemaName("typo");
        JdbcStoreOptions auto = JdbcStoreOptions.defaults().withSchema(missing);
        try (JdbcEnvironmentStore store = JdbcEnvironmentStore.openToRead(TestDatabase.dataSource(), auto,
                TestDatabase.url())) {
            StoreHealth h = store.health();

            assertThat(h.problem()).isNull();
            assertThat(h.warning()).startsWith("schema " + missing + " of ").contains("does not exist",
                    "jdbc.migrate=auto creates it", "if jdbc.schema is misspelt, correct it");
            assertThat(h.remedy()).isEqualTo(Remedy.FIX_STORE_SETTINGS);
        }
        assertThat(TestDatabase.value("SELECT count(*) FROM pg_namespace WHERE nspname = '" + missing + "'"))
                .as("nothing created").isEqualTo("0");
    }

    @Test
    void readModeNamesTheConflictsOfATableThatCannotBeAdopted() {
        replacedSystemWith(
                "INSERT INTO clusters VALUES ('dev','kind',NULL,30080,19001,18090,18443,NULL,NULL)",
                "INSERT INTO clusters VALUES ('Prod','k3d',NULL,30080,19003,18092,18445,NULL,NULL)");
        List<String> before = oldReaderNames();

        try (JdbcEnvironmentStore store = open(MigrateMode.READ)) {
            assertThat(store.adoptionConflicts()).containsExactly(
                    "name 'Prod' is not a valid environment name (1 to 32 characters a-z, 0-9 and '-')");
            assertThat(store.health().detail()).contains("table clusters cannot be adopted yet: 1 conflict to repair");
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("dev");
            assertThatThrownBy(() -> store.create(EnvironmentSpec.of("qa", "k3d"),
                    new Allocator(AllocationPolicy.defaults()))).isInstanceOf(AdoptionConflictException.class);
        }
        assertThat(oldReaderNames()).isEqualTo(before);
        assertThat(columnCount()).isEqualTo(9);
    }

    /** The table of the replaced system with two rows that share port 18090, so it cannot be adopted. */
    private void unadoptableTable() {
        replacedSystemWith(
                "INSERT INTO clusters VALUES ('dev','kind',NULL,30080,19001,18090,18443,NULL,NULL)",
                "INSERT INTO clusters VALUES ('uat','k3d',NULL,30080,18090,18091,18444,NULL,NULL)");
    }

    /**
     * What {@code envctl doctor} does: its store line reports the health's problem, which names the conflicts, so
     * neither the opening nor the reads after it log them too (on stderr, beside that line on stdout).
     */
    @Test
    void aHealthThatNamesTheConflictsLeavesTheOpeningAndTheReadsAfterItWithoutALoggedWarning() {
        unadoptableTable();

        String logged = Stderr.of(() -> {
            try (JdbcEnvironmentStore store = JdbcEnvironmentStore.openToRead(TestDatabase.dataSource(),
                    JdbcStoreOptions.defaults().withSchema(schema), TestDatabase.url())) {
                assertThat(store.health().problem()).contains("every write is refused until table clusters can be "
                        + "adopted: port 18090 is held by dev (http) and uat (pf)");
                assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name)
                        .containsExactly("dev", "uat");
                assertThat(store.hosts()).extracting(h -> h.name()).containsExactly("local");
            }
        });

        assertThat(logged).doesNotContain("port 18090");
    }

    @Test
    void theConflictsAreLoggedOnceWhateverTheReads() {
        unadoptableTable();

        String logged = Stderr.of(() -> {
            try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
                assertThat(store.list(EnvironmentFilter.ALL)).hasSize(2);
                assertThat(store.find("dev")).isPresent();
                assertThat(store.list(EnvironmentFilter.ALL)).hasSize(2);
            }
        });

        assertThat(logged.lines().filter(l -> l.contains("port 18090"))).as(logged).singleElement().asString()
                .contains("WARN", "table clusters in schema " + schema, "cannot be adopted yet, so it is read as it "
                        + "is and writes are refused; 1 conflict to repair (for example with psql), then migrate the "
                        + "schema: port 18090 is held by dev (http) and uat (pf)");
    }


    @Test
    void readModeOnAnEmptySchemaReadsNothingAndMakesNothing() {
        try (JdbcEnvironmentStore store = open(MigrateMode.READ)) {
            assertThat(store.list(EnvironmentFilter.ALL)).isEmpty();
            assertThat(store.find("dev")).isEmpty();
            assertThat(store.health().detail()).contains("no envctl tables yet (jdbc.migrate=read makes none; a "
                    + "schema migration makes them)").doesNotContain("jdbc.migrate=auto");
        }
        assertThat(columnCount()).isZero();
        // once migrated, a store opened to read is envctl's as any other; an older envctl schema is refused
        open(MigrateMode.AUTO).close();
        try (JdbcEnvironmentStore store = open(MigrateMode.READ)) {
            assertThat(store.create(EnvironmentSpec.of("dev", "k3d"), new Allocator(AllocationPolicy.defaults()))
                    .name()).isEqualTo("dev");
        }
        TestDatabase.sql("DELETE FROM " + schema + ".envctl_schema_history WHERE version = '" + Migrations.LATEST + "'");
        assertThatThrownBy(() -> open(MigrateMode.READ)).isInstanceOfSatisfying(EnvctlException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FAILURE);
                    assertThat(e.remedy()).contains(Remedy.MIGRATE_SCHEMA);
                }).hasMessageContaining("migrate the schema")
                .hasMessageNotContaining("envctl db");
    }

    @Test
    void validateModeRefusesAnOutdatedSchemaAndOffModeLeavesItAlone() {
        replacedSystemWith();

        assertThatThrownBy(() -> open(MigrateMode.VALIDATE)).isInstanceOf(EnvctlException.class)
                .hasMessageContaining("migrate the schema").hasMessageNotContaining("envctl db")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.FAILURE));
        try (JdbcEnvironmentStore store = open(MigrateMode.OFF)) {
            assertThat(store.admin().info().upToDate()).isFalse();
        }
        assertThat(columnCount()).isEqualTo(9);
        open(MigrateMode.AUTO).close();
        open(MigrateMode.VALIDATE).close();
    }

    @Test
    void providerIdsOfPluginsFitAfterMigration() {
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
            Environment e = store.create(EnvironmentSpec.of("dev", "my-company-provider-plugin"),
                    new Allocator(AllocationPolicy.defaults()));
            assertThat(store.get("dev")).isEqualTo(e);
            assertThat(store.list(new EnvironmentFilter("my-company-provider-plugin", null, null))).hasSize(1);
        }
    }

    @Test
    void labelsComeBackAsGiven() {
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
            Environment e = store.create(EnvironmentSpec.of("dev", "k3d")
                    .withLabels(Map.of("register_portainer", "true", "haproxy_route", "false")),
                    new Allocator(AllocationPolicy.defaults()));
            assertThat(store.get("dev").labels()).isEqualTo(e.labels()).containsEntry("haproxy_route", "false");
        }
    }

    @Test
    void oldScriptsWritingThroughPsqlAreHeldToTheSameInvariants() {
        try (JdbcEnvironmentStore store = open(MigrateMode.AUTO)) {
            store.create(EnvironmentSpec.of("dev", "k3d").withSubnet(dev.envctl.core.SubnetRequest.of(
                    Cidr.parse("10.101.0.0/16"))), new Allocator(AllocationPolicy.defaults()));
            String insert = "INSERT INTO " + schema + ".clusters (name, provider, subnet, node_port, pf_port, "
                    + "http_port, https_port) VALUES ";

            TestDatabase.sql(insert + "('legacy', 'kind', NULL, 30080, 19500, 18500, 18900)");
            assertThat(store.get("legacy").ports()).isEqualTo(new HostPorts(18500, 18900, 19500, null));
            assertThat(store.get("legacy").createdAt()).isNotNull();

            assertThatThrownBy(() -> TestDatabase.sql(insert + "('clash', 'k3d', NULL, 30080, 18080, 18501, 18901)"))
                    .hasMessageContaining("held_ports_pkey");
            assertThatThrownBy(() -> TestDatabase.sql(insert + "('overlap', 'k3d', '10.101.7.0/24', 30080, 19501, "
                    + "18502, 18902)")).hasMessageContaining("clusters_subnet_excl");
            assertThatThrownBy(() -> TestDatabase.sql(insert + "('Bad_Name', 'k3d', NULL, 30080, 19502, 18503, "
                    + "18903)")).hasMessageContaining("clusters_name_check");
            assertThatThrownBy(() -> TestDatabase.sql(insert + "('range', 'k3d', NULL, 30080, 70000, 18504, 18904)"))
                    .hasMessageContaining("clusters_ports_range");
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("dev", "legacy");
        }
    }
}
