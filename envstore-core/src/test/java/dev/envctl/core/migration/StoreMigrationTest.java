package dev.envctl.core.migration;

import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.HostPorts;
import dev.envctl.core.testing.DelegatingStore;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import dev.envctl.core.testing.StoreInvariants;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreMigrationTest {
    private final InMemoryEnvironmentStore csv = new InMemoryEnvironmentStore();
    private final InMemoryEnvironmentStore pg = new InMemoryEnvironmentStore();

    /** A row as the replaced system left it: no API port, legacy labels, old timestamps, odd states. */
    private static Environment row(String name, String provider, int http, int https, int pf, String subnet,
                                   ActualState state, long version) {
        return new Environment(name, provider, subnet == null ? null : Cidr.parse(subnet),
                new HostPorts(http, https, pf, null), 30080,
                Map.of("register_portainer", "true", "haproxy_route", "false"), Map.of("servers", "1"),
                DesiredState.PRESENT, state, state == ActualState.FAILED ? "boom" : null,
                Instant.parse("2025-03-01T10:15:30.123Z"), Instant.parse("2025-06-02T11:00:00.456Z"), version);
    }

    private void seedLegacy() {
        csv.insert(row("devops", "k3d", 23800, 23843, 19000, null, ActualState.RUNNING, 1));
        csv.insert(row("dev", "kind", 18090, 18443, 19001, null, ActualState.UNKNOWN, 1));
        csv.insert(row("dev-k3d", "k3d", 18091, 18444, 19002, "10.101.0.0/16", ActualState.FAILED, 7));
    }

    @Test
    void copiesEveryRowExactlySkippingTheManagementCluster() {
        seedLegacy();

        MigrationReport r = StoreMigration.migrate(csv, pg, Set.of("devops"), false);

        assertThat(r).isEqualTo(new MigrationReport(3, 2, 1, 0, List.of(
                new MigrationReport.Row("dev", "migrated", null),
                new MigrationReport.Row("dev-k3d", "migrated", null),
                new MigrationReport.Row("devops", "skipped", "in the skip list")), false));
        assertThat(r.ok()).isTrue();
        assertThat(pg.get("dev")).isEqualTo(csv.get("dev"));
        assertThat(pg.get("dev-k3d")).isEqualTo(csv.get("dev-k3d"));
        assertThat(pg.find("devops")).isEmpty();
    }

    @Test
    void runningItTwiceChangesNothing() {
        seedLegacy();
        StoreMigration.migrate(csv, pg, Set.of("devops"), false);
        List<Environment> after = pg.list(EnvironmentFilter.ALL);

        MigrationReport again = StoreMigration.migrate(csv, pg, Set.of("devops"), false);

        assertThat(again.migrated()).isZero();
        assertThat(again.skipped()).isEqualTo(3);
        assertThat(again.rows()).filteredOn(row -> !row.name().equals("devops"))
                .allSatisfy(row -> assertThat(row.reason()).isEqualTo("already in memory:"));
        assertThat(again.ok()).isTrue();
        assertThat(pg.list(EnvironmentFilter.ALL)).isEqualTo(after);
    }

    @Test
    void aDryRunReportsWhatWouldMigrateAndWritesNothing() {
        seedLegacy();

        MigrationReport r = StoreMigration.migrate(csv, pg, Set.of(), true);

        assertThat(r.dryRun()).isTrue();
        assertThat(r.rows()).extracting(MigrationReport.Row::outcome).containsOnly("would-migrate");
        assertThat(r.migrated()).isEqualTo(3);
        assertThat(pg.list(EnvironmentFilter.ALL)).isEmpty();
    }

    @Test
    void conflictsWithTheTargetOrAmongSourceRowsAreAllReportedAndNothingIsWritten() {
        seedLegacy();
        pg.insert(row("prod", "k3d", 18091, 18999, 19999, null, ActualState.RUNNING, 1));          // http of dev-k3d
        List<Environment> legacy = new java.util.ArrayList<>(csv.list(EnvironmentFilter.ALL));
        legacy.add(row("uat", "k3d", 18100, 18500, 19100, "10.101.5.0/24", ActualState.RUNNING, 1)); // in dev-k3d's
        legacy.add(row("qa", "k3d", 18200, 18600, 19200, null, ActualState.RUNNING, 1));

        MigrationReport r = StoreMigration.migrate(new DownAfterListing(legacy), pg, Set.of("devops"), false);

        assertThat(r.ok()).isFalse();
        assertThat(r.failed()).isEqualTo(2);
        assertThat(r.total()).isEqualTo(5);
        assertThat(r.rows()).filteredOn(row -> row.outcome().equals("failed")).satisfiesExactly(
                row -> {
                    assertThat(row.name()).isEqualTo("dev-k3d");
                    assertThat(row.reason()).contains("port 18091", "'prod'");
                },
                row -> {
                    assertThat(row.name()).isEqualTo("uat");
                    assertThat(row.reason()).contains("10.101.5.0/24 overlaps 10.101.0.0/16", "'dev-k3d'");
                });
        assertThat(r.rows()).filteredOn(row -> row.name().equals("qa")).singleElement()
                .satisfies(row -> assertThat(row.reason()).startsWith("nothing written: 2 row(s) conflict"));
        assertThat(pg.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("prod");
        StoreInvariants.assertHold(pg.list(EnvironmentFilter.ALL));
    }

    /** A target that records the names of each batch insert it is given. */
    private static class CountingStore extends DelegatingStore {
        final List<List<String>> batches = new java.util.ArrayList<>();

        CountingStore(InMemoryEnvironmentStore delegate) {
            super(delegate);
        }

        @Override
        public List<Environment> insertAll(List<Environment> environments) {
            batches.add(environments.stream().map(Environment::name).toList());
            return super.insertAll(environments);
        }
    }

    @Test
    void everyRowIsWrittenWithOneBatchInsertSoAFileStoreIsWrittenOnce() {
        seedLegacy();
        csv.insert(row("prod", "k3d", 18093, 18446, 19004, null, ActualState.RUNNING, 1));
        CountingStore target = new CountingStore(pg);

        MigrationReport r = StoreMigration.migrate(csv, target, Set.of("devops"), false);

        assertThat(target.batches).containsExactly(List.of("dev", "dev-k3d", "prod"));
        assertThat(r.rows()).extracting(MigrationReport.Row::outcome)
                .containsExactly("migrated", "migrated", "skipped", "migrated");
        assertThat(pg.list(EnvironmentFilter.ALL)).extracting(Environment::name)
                .containsExactly("dev", "dev-k3d", "prod");
    }

    @Test
    void aRowTheTargetRefusesWhileWritingFailsAloneAndTheRowsAfterItAreWrittenInTheNextBatch() {
        seedLegacy();
        csv.insert(row("prod", "k3d", 18093, 18446, 19004, null, ActualState.RUNNING, 1));
        // a target that refuses 'dev-k3d' on writing (a value its table cannot hold, say)
        CountingStore target = new CountingStore(pg) {
            @Override
            public Environment insert(Environment e) {
                if (e.name().equals("dev-k3d")) {
                    throw EnvctlException.invalid("inserting environment 'dev-k3d' failed: subnet column too small");
                }
                return super.insert(e);
            }
        };

        MigrationReport r = StoreMigration.migrate(csv, target, Set.of(), false);

        assertThat(target.batches).containsExactly(List.of("dev", "dev-k3d", "devops", "prod"),
                List.of("devops", "prod"));
        assertThat(r.rows()).containsExactly(new MigrationReport.Row("dev", "migrated", null),
                new MigrationReport.Row("dev-k3d", "failed",
                        "inserting environment 'dev-k3d' failed: subnet column too small"),
                new MigrationReport.Row("devops", "migrated", null), new MigrationReport.Row("prod", "migrated", null));
        assertThat(pg.list(EnvironmentFilter.ALL)).extracting(Environment::name)
                .containsExactly("dev", "devops", "prod");
    }

    @Test
    void aTargetThatCannotBeWrittenFailsTheMigrationOnceInsteadOfEachRow() {
        seedLegacy();
        // the target answers reads but refuses every write as unavailable (a CSV file in a folder its user may not
        // write): that is the store's failure, not each row's, so it ends the migration with that one error
        assertThatThrownBy(() -> StoreMigration.migrate(csv, new DownAfterListing(List.of()), Set.of(), false))
                .isInstanceOf(EnvctlException.class).hasMessage("store test: is unavailable")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
    }

    @Test
    void aTargetThatGoesDownPartWaySaysWhichRowsItWroteAndASecondRunSkipsThem() {
        seedLegacy();
        csv.insert(row("prod", "k3d", 18093, 18446, 19004, null, ActualState.RUNNING, 1));
        // PostgreSQL stopped after the first row was written
        DelegatingStore downAfterOne = new DelegatingStore(pg) {
            @Override
            public Environment insert(Environment e) {
                if (!pg.list(EnvironmentFilter.ALL).isEmpty()) {
                    throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "store " + location() + " went down");
                }
                return super.insert(e);
            }
        };

        assertThatThrownBy(() -> StoreMigration.migrate(csv, downAfterOne, Set.of(), false))
                .isInstanceOf(MigrationInterruptedException.class).hasMessage("store memory: went down")
                .satisfies(e -> {
                    MigrationInterruptedException interrupted = (MigrationInterruptedException) e;
                    assertThat(interrupted.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                    // the rows before the failure, in name order; total still counts every row of the source
                    assertThat(interrupted.report()).isEqualTo(new MigrationReport(4, 1, 0, 0, List.of(
                            new MigrationReport.Row("dev", "migrated", null)), false));
                });
        assertThat(pg.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("dev");

        MigrationReport again = StoreMigration.migrate(csv, pg, Set.of(), false);
        assertThat(again.rows()).extracting(MigrationReport.Row::name, MigrationReport.Row::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("dev", MigrationReport.SKIPPED),
                org.assertj.core.groups.Tuple.tuple("dev-k3d", MigrationReport.MIGRATED),
                org.assertj.core.groups.Tuple.tuple("devops", MigrationReport.MIGRATED),
                org.assertj.core.groups.Tuple.tuple("prod", MigrationReport.MIGRATED));
    }

    @Test
    void aDryRunFailsARowTheTargetRefusesOnWritingWithTheReasonTheRealRunGives() {
        seedLegacy();
        csv.insert(row("six", "kind", 18099, 18499, 19099, null, ActualState.UNKNOWN, 1).withPorts(
                new HostPorts(null, null, 19099, null)));
        // a target whose table needs an http port, as one the Kindler scripts made does
        DelegatingStore needsHttp = new DelegatingStore(pg) {
            private void requireHttp(Environment e) {
                if (e.ports().http() == null) {
                    throw EnvctlException.invalid("inserting environment '" + e.name() + "' failed: no http port");
                }
            }

            @Override
            public void checkInsert(Environment e) {
                requireHttp(e);
                super.checkInsert(e);
            }

            @Override
            public Environment insert(Environment e) {
                requireHttp(e);
                return super.insert(e);
            }
        };

        MigrationReport dry = StoreMigration.migrate(csv, needsHttp, Set.of("devops"), true);
        assertThat(pg.list(EnvironmentFilter.ALL)).isEmpty();
        MigrationReport real = StoreMigration.migrate(csv, needsHttp, Set.of("devops"), false);

        assertThat(real.rows()).extracting(MigrationReport.Row::outcome)
                .containsExactly("migrated", "migrated", "skipped", "failed");
        assertThat(dry.rows()).extracting(MigrationReport.Row::outcome)
                .containsExactly("would-migrate", "would-migrate", "skipped", "failed");
        assertThat(dry.rows().get(3)).isEqualTo(real.rows().get(3))
                .isEqualTo(new MigrationReport.Row("six", "failed", "inserting environment 'six' failed: no http port"));
        assertThat(dry.ok()).isFalse();
    }

    @Test
    void aDryRunDoesNotFailARowOnAHostTheRealRunAddsToTheTargetFirst() {
        csv.addHost(new dev.envctl.core.Host("two", "tcp://192.0.2.2:2376", null, Map.of(), null));
        csv.insert(row("b", "k3d", 18080, 18400, 19000, null, ActualState.RUNNING, 1).withHost("two"));

        MigrationReport dry = StoreMigration.migrate(csv, pg, Set.of(), true);

        assertThat(dry.rows()).containsExactly(new MigrationReport.Row("b", "would-migrate", null));
        assertThat(pg.findHost("two")).isEmpty();
        assertThat(StoreMigration.migrate(csv, pg, Set.of(), false).rows())
                .containsExactly(new MigrationReport.Row("b", "migrated", null));
    }

    @Test
    void aRowAnotherWriterCopiesMeanwhileIsSkippedAsPresent() {
        seedLegacy();
        // migrate_csv_to_db.sh copying the same file at the same time: 'dev' lands after the check, before its write
        DelegatingStore racing = new DelegatingStore(pg) {
            @Override
            public Environment insert(Environment e) {
                if (e.name().equals("dev")) {
                    pg.insert(e);
                }
                return super.insert(e);
            }
        };

        MigrationReport r = StoreMigration.migrate(csv, racing, Set.of("devops"), false);

        assertThat(r.rows()).extracting(MigrationReport.Row::name, MigrationReport.Row::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("dev", MigrationReport.SKIPPED),
                org.assertj.core.groups.Tuple.tuple("dev-k3d", MigrationReport.MIGRATED),
                org.assertj.core.groups.Tuple.tuple("devops", MigrationReport.SKIPPED));
        assertThat(r.rows().get(0).reason()).endsWith("(written meanwhile)");
        assertThat(r.ok()).isTrue();
        assertThat(pg.list(dev.envctl.core.EnvironmentFilter.ALL)).extracting(Environment::name)
                .containsExactly("dev", "dev-k3d");
    }

    @Test
    void environmentsOnOtherHostsCopyWithTheirHostAndTheirPortsAreCheckedOnThatHostOnly() {
        dev.envctl.core.Host two = new dev.envctl.core.Host("two", "tcp://192.0.2.2:2376", "192.0.2.2",
                Map.of("gpu", "true"), 4);
        csv.addHost(two);
        csv.insert(row("a", "k3d", 18080, 18400, 19000, "10.1.0.0/24", ActualState.RUNNING, 1));
        csv.insert(row("b", "k3d", 18080, 18400, 19000, "10.2.0.0/24", ActualState.RUNNING, 2).withHost("two"));
        pg.insert(row("c", "kind", 18081, 18401, 19001, null, ActualState.RUNNING, 1).withHost("local"));

        MigrationReport r = StoreMigration.migrate(csv, pg, Set.of(), false);

        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThat(pg.findHost("two")).contains(two);
        assertThat(pg.get("b")).isEqualTo(csv.get("b"));
        assertThat(pg.get("b").host()).isEqualTo("two");

        InMemoryEnvironmentStore third = new InMemoryEnvironmentStore();
        third.insert(row("d", "k3d", 18080, 18401, 19001, null, ActualState.RUNNING, 1));
        MigrationReport clash = StoreMigration.migrate(csv, third, Set.of(), false);
        assertThat(clash.rows()).extracting(MigrationReport.Row::name, MigrationReport.Row::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "failed"),
                        org.assertj.core.groups.Tuple.tuple("b", "skipped"));
        assertThat(third.findHost("two")).isEmpty();
    }

    @Test
    void aHostOfTheSameNameThatIsAnotherDaemonInTheTargetIsAConflictAndNothingIsWritten() {
        csv.addHost(new dev.envctl.core.Host("two", "tcp://10.9.9.9:2376", null, Map.of(), null));
        pg.addHost(new dev.envctl.core.Host("two", "tcp://10.0.0.2:2376", null, Map.of(), null));
        csv.insert(row("on-two", "k3d", 18080, 18400, 19000, null, ActualState.RUNNING, 1).withHost("two"));
        csv.insert(row("on-local", "k3d", 18081, 18401, 19001, null, ActualState.RUNNING, 1));

        for (boolean dryRun : List.of(true, false)) {
            MigrationReport r = StoreMigration.migrate(csv, pg, Set.of(), dryRun);

            assertThat(r.ok()).isFalse();
            assertThat(r.rows()).filteredOn(row -> row.outcome().equals("failed")).singleElement().satisfies(row -> {
                assertThat(row.name()).isEqualTo("on-two");
                assertThat(row.reason()).contains("host 'two' is another Docker daemon", "tcp://10.0.0.2:2376",
                        "tcp://10.9.9.9:2376");
            });
            assertThat(r.rows()).filteredOn(row -> row.name().equals("on-local")).singleElement()
                    .satisfies(row -> assertThat(row.reason()).startsWith("nothing written"));
            assertThat(pg.list(EnvironmentFilter.ALL)).isEmpty();
        }

        // the same daemon under the same name (labels and capacity may differ) is no conflict
        InMemoryEnvironmentStore same = new InMemoryEnvironmentStore();
        same.addHost(new dev.envctl.core.Host("two", "tcp://10.9.9.9:2376", null, Map.of("gpu", "true"), 3));
        assertThat(StoreMigration.migrate(csv, same, Set.of(), false).ok()).isTrue();
        assertThat(same.get("on-two").host()).isEqualTo("two");
    }

    @Test
    void rowsThatWouldPutAHostOverItsCapacityAreConflictsAndNothingIsWritten() {
        dev.envctl.core.Host two = new dev.envctl.core.Host("two", "tcp://10.9.9.9:2376", null, Map.of(), 3);
        csv.addHost(two);
        pg.addHost(two);
        pg.insert(row("there", "k3d", 18080, 18400, 19000, null, ActualState.RUNNING, 1).withHost("two"));
        csv.insert(row("a", "k3d", 18081, 18401, 19001, null, ActualState.RUNNING, 1).withHost("two"));
        csv.insert(row("b", "k3d", 18082, 18402, 19002, null, ActualState.RUNNING, 1).withHost("two"));
        csv.insert(row("c", "k3d", 18083, 18403, 19003, null, ActualState.RUNNING, 1).withHost("two"));
        csv.insert(row("d", "k3d", 18084, 18404, 19004, null, ActualState.RUNNING, 1).withHost("two"));

        for (boolean dryRun : List.of(true, false)) {
            MigrationReport r = StoreMigration.migrate(csv, pg, Set.of(), dryRun);

            assertThat(r.ok()).isFalse();
            assertThat(r.rows()).filteredOn(row -> row.outcome().equals("failed")).extracting(row -> row.name())
                    .containsExactly("c", "d");
            assertThat(r.rows()).filteredOn(row -> row.name().equals("d")).singleElement().satisfies(row ->
                    assertThat(row.reason()).contains("over its capacity 3", "5 environments"));
            assertThat(r.rows()).filteredOn(row -> row.name().equals("a")).singleElement()
                    .satisfies(row -> assertThat(row.reason()).startsWith("nothing written"));
            assertThat(pg.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("there");
        }

        // where the target lacks the host, the source's capacity holds: it is copied with the rows
        InMemoryEnvironmentStore empty = new InMemoryEnvironmentStore();
        assertThat(StoreMigration.migrate(csv, empty, Set.of("d"), false).failed()).isZero();
        assertThat(empty.list(EnvironmentFilter.ALL)).hasSize(3);
        assertThat(StoreMigration.migrate(csv, new InMemoryEnvironmentStore(), Set.of(), true).rows())
                .filteredOn(row -> row.outcome().equals("failed")).extracting(row -> row.name()).containsExactly("d");
    }
}
