package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Redaction;
import dev.envctl.core.Remedy;
import dev.envctl.core.spi.MigrationResult;
import dev.envctl.core.spi.MigrationState;
import dev.envctl.core.spi.SchemaAdmin;
import dev.envctl.core.spi.SchemaInfo;
import dev.envctl.store.jdbc.internal.AdoptionCheck;
import dev.envctl.store.jdbc.internal.Database;
import dev.envctl.store.jdbc.internal.Failures;
import dev.envctl.store.jdbc.internal.LockKeys;
import dev.envctl.store.jdbc.internal.Migrations;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record2;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Schema administration of a PostgreSQL store, for {@code envctl db migrate} and {@code envctl db info}:
 * adopting an existing {@code clusters} table (checked first, then baselined at version 1), applying
 * migrations ({@link Migrations}), reporting versions. Obtain one from {@link JdbcEnvironmentStore#admin()}, or
 * from {@link JdbcStoreFactory#openSchemaAdmin}; closing it closes the store it belongs to. Thread-safe;
 * concurrent {@link #migrate()} calls, also from other processes, run one at a time (a session advisory lock
 * per schema).
 */
public final class JdbcStoreAdmin implements SchemaAdmin {
    /** Named after {@link Migrations}, as the log lines of migrating always were. */
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    private static final String UNDEFINED_TABLE = "42P01";

    private final Database database;
    private final String schema;

    JdbcStoreAdmin(Database database, String schema) {
        this.database = database;
        this.schema = schema;
    }

    /**
     * Adopts an existing {@code clusters} table without envctl history (baseline at version 1) and applies
     * every pending migration.
     *
     * @throws AdoptionConflictException when existing rows break an invariant; nothing is changed then
     * @throws EnvctlException           {@link ErrorCode#STORE_UNAVAILABLE} when the server cannot be reached
     */
    @Override
    public MigrationResult migrate() {
        return withMigrationLock(() -> {
            Set<String> tables = tables();
            boolean adopt = adopting(tables);
            // Flyway creates a schema that is missing: said, as it may be jdbc.schema misspelt
            boolean creating = tables.isEmpty() && !schemaExists();
            if (tables.contains("clusters") && !tables.contains("held_ports")) {
                List<String> conflicts = adoptionConflicts();
                if (!conflicts.isEmpty()) {
                    throw new AdoptionConflictException(where(), conflicts);
                }
            }
            if (adopt) {
                LOG.info("adopting the existing table clusters in schema {} (baseline at version 1)", schema);
                Migrations.flyway(database, schema, "1").baseline();
            }
            MigrateResult result;
            try {
                result = againAfterDeadlock(() -> Migrations.flyway(database, schema, "0").migrate());
            } catch (RuntimeException e) {
                if (adopt) {
                    undoBaseline(e);
                }
                throw e;
            }
            if (adopt) {
                analyze();
            }
            if (creating) {
                LOG.warn("{} did not exist, so it was created with envctl's tables; if jdbc.schema is misspelt, "
                        + "correct it and drop schema {}", where(), schema);
            }
            return new MigrationResult(adopt, adopt ? "1" : result.initialSchemaVersion,
                    result.targetSchemaVersion != null ? result.targetSchemaVersion : info().currentVersion(),
                    result.migrations.stream().map(m -> m.version + " " + shown(m.description)).toList());
        });
    }

    /** How many times a migration that lost a deadlock to another writer is run. */
    static final int MIGRATE_ATTEMPTS = 3;

    /**
     * {@code migrate}, run again when it lost a deadlock (or a serialization failure) to a writer of the tables it
     * changes, such as a script inserting while the table is adopted: the failed migration's transaction was
     * rolled back and is not in the history, so the next run starts with it.
     */
    static <T> T againAfterDeadlock(Supplier<T> migrate) {
        for (int attempt = 1; ; attempt++) {
            try {
                return migrate.get();
            } catch (RuntimeException e) {
                if (attempt == MIGRATE_ATTEMPTS || !Failures.isRetryable(e)) {
                    throw e;
                }
                LOG.info("a schema migration lost a deadlock to another writer and was rolled back; running it "
                        + "again ({})", Failures.flywayLine(e));
                Database.backOff(attempt);
            }
        }
    }

    /**
     * After a failed adoption: a migration's failure rolled back its own transaction (PostgreSQL's DDL is
     * transactional), so while the history holds no successful migration beyond the baseline, dropping the
     * history leaves the schema as it was before the adoption, and the next attempt adopts afresh.
     */
    private void undoBaseline(RuntimeException failure) {
        try {
            database.read("undoing the adoption of table clusters", ctx -> {
                History h = history();
                if (!ctx.fetchExists(h.table(), h.version().ne("1").and(h.success().isTrue()))) {
                    ctx.dropTable(h.table()).execute();
                }
                return null;
            });
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** What {@link #info()} shows for V1 while an existing {@code clusters} table waits to be adopted. */
    static final String BASELINE_PENDING = "Baseline pending (adopts table clusters)";

    /**
     * The applied version, the newest on the class path and every known and applied migration, oldest first. While
     * an existing {@code clusters} table is not adopted yet, V1 is shown as {@link #BASELINE_PENDING} (adopting
     * baselines it instead of running it), and the rows that would make {@link #migrate()} refuse are the blockers.
     */
    @Override
    public SchemaInfo info() {
        Set<String> tables = tables();
        boolean adopt = adopting(tables);
        List<String> blockers = tables.contains("clusters") && !tables.contains("held_ports")
                ? adoptionConflicts().stream().map(c -> "cannot adopt table clusters: " + c).toList() : List.of();
        return flywayCall("reading the schema history of", () -> {
            MigrationInfoService service = Migrations.flyway(database, schema, "0").info();
            List<MigrationState> states = Arrays.stream(service.all())
                    .map(i -> new MigrationState(version(i), shown(i.getDescription()),
                            adopt && "1".equals(version(i)) ? BASELINE_PENDING : i.getState().getDisplayName(),
                            i.getInstalledOn() == null ? null : i.getInstalledOn().toInstant()))
                    .toList();
            String latest = Arrays.stream(service.all())
                    .filter(i -> i.getState().isResolved() && i.getVersion() != null
                            && !i.getVersion().equals(MigrationVersion.fromVersion("0")))
                    .map(MigrationInfo::getVersion).max(MigrationVersion::compareTo)
                    .map(MigrationVersion::getVersion).orElse(null);
            return new SchemaInfo(version(service.current()), latest, states, blockers);
        });
    }

    /**
     * Fails unless the schema is at the version this envctl needs (what {@code jdbc.migrate=validate} does). An
     * older schema is to migrate ({@link Remedy#MIGRATE_SCHEMA}); a newer one, which a newer envctl migrated, is
     * refused too (this envctl does not know its newer columns), with the advice to upgrade envctl and no remedy,
     * since migrating changes nothing.
     */
    public void requireUpToDate() {
        SchemaInfo info = info();
        if (info.newerThanLatest()) {
            throw new EnvctlException(ErrorCode.FAILURE, where() + " is at version " + info.currentVersion()
                    + ", newer than this envctl knows (" + info.latestVersion() + "): a newer envctl migrated it; "
                    + "upgrade envctl (jdbc.migrate=validate refuses a newer schema, auto and read use it as it is)");
        }
        requireNotBehind(info);
    }

    /**
     * Fails when the schema {@code info} describes is older than this envctl needs; a newer schema is accepted, as
     * {@code auto} accepts it (what {@code jdbc.migrate=read} does).
     */
    void requireNotBehind(SchemaInfo info) {
        if (behind(info)) {
            throw new EnvctlException(ErrorCode.FAILURE, where() + " is at version "
                    + (info.currentVersion() == null ? "none" : info.currentVersion()) + " but envctl needs "
                    + info.latestVersion() + "; open it with jdbc.migrate=auto or migrate the schema", null,
                    Remedy.MIGRATE_SCHEMA);
        }
    }

    /**
     * Whether this envctl reads the schema {@code info} describes as it is as it reads its own: at
     * {@link Migrations#READABLE_FROM} or later.
     */
    static boolean readable(SchemaInfo info) {
        return info.currentVersion() != null && MigrationVersion.fromVersion(info.currentVersion())
                .compareTo(MigrationVersion.fromVersion(Migrations.READABLE_FROM)) >= 0;
    }

    /** Whether the schema {@code info} describes is older than this envctl needs (a migration brings it up). */
    static boolean behind(SchemaInfo info) {
        return !info.upToDate() && !info.newerThanLatest();
    }

    /**
     * Whether the newest versioned entry of the schema history is {@link Migrations#LATEST} and succeeded: one
     * indexed query and no Flyway, so opening an up-to-date store stays cheap and takes no migration lock. False
     * when there is no history table, or whenever in doubt; then {@link #migrate} decides. (Checksums of applied
     * scripts are checked by {@code db migrate} and {@code db info}, not here.)
     */
    boolean isCurrent() {
        return database.read("reading the schema history of " + schema, ctx -> {
            History h = history();
            try {
                Record2<String, Boolean> newest = ctx.select(h.version(), h.success()).from(h.table())
                        .where(h.version().isNotNull()).orderBy(h.rank().desc()).limit(1).fetchOne();
                return newest != null && Migrations.LATEST.equals(newest.value1())
                        && Boolean.TRUE.equals(newest.value2());
            } catch (DataAccessException e) {
                if (UNDEFINED_TABLE.equals(Failures.sqlState(e))) {
                    return false;
                }
                throw e;
            }
        });
    }

    /**
     * What a newer envctl's schema allows this one, as that envctl says it in table {@code envctl_compat} (one row:
     * {@code read_needs} and {@code write_needs}, the lowest schema version an envctl must know to read and to write
     * the store). No migration of this envctl makes that table: a newer one makes it when older envctls would
     * misread or miswrite its schema. {@code null} when the table is absent (so also on this envctl's own schema).
     */
    Compat compat() {
        return database.read("reading the compatibility rule of schema " + schema, ctx -> {
            try {
                Record2<Integer, Integer> row = ctx.select(DSL.max(DSL.field(DSL.name("read_needs"), Integer.class)),
                                DSL.max(DSL.field(DSL.name("write_needs"), Integer.class)))
                        .from(DSL.table(DSL.name(schema, "envctl_compat"))).fetchOne();
                return row == null ? null : new Compat(row.value1(), row.value2());
            } catch (DataAccessException e) {
                if (UNDEFINED_TABLE.equals(Failures.sqlState(e))) {
                    return null;
                }
                throw e;
            }
        });
    }

    /** The rows that keep table {@code clusters} from being adopted ({@link AdoptionCheck}), one each. */
    List<String> adoptionConflicts() {
        return database.read("checking table clusters", ctx -> AdoptionCheck.conflicts(ctx, schema));
    }

    /** A newer envctl's rule: the schema versions an envctl must know to read and to write (either may be null). */
    record Compat(Integer readNeeds, Integer writeNeeds) {
        private static final int KNOWN = Integer.parseInt(Migrations.LATEST);

        boolean refusesReads() {
            return readNeeds != null && readNeeds > KNOWN;
        }

        boolean refusesWrites() {
            return refusesReads() || writeNeeds != null && writeNeeds > KNOWN;
        }

        /** Why this envctl may not read ({@code reading}) or write the schema {@code where} names. */
        String refusal(String where, boolean reading) {
            return where + " was migrated by a newer envctl that keeps older ones from "
                    + (reading ? "reading" : "writing") + " it (it needs an envctl that knows schema version "
                    + (reading ? readNeeds : writeNeeds) + ", and this one knows " + KNOWN + "): upgrade envctl";
        }
    }

    /** The schema history table and the columns envctl reads of it. */
    private record History(Table<?> table, Field<String> version, Field<Boolean> success, Field<Integer> rank) {
    }

    /** Built when asked, inside a read: jOOQ's first use in a process follows the login, as it should. */
    private History history() {
        return new History(DSL.table(DSL.name(schema, Migrations.HISTORY_TABLE)),
                DSL.field(DSL.name("version"), String.class), DSL.field(DSL.name("success"), Boolean.class),
                DSL.field(DSL.name("installed_rank"), Integer.class));
    }

    /** Closes the store this administers. */
    @Override
    public void close() {
        database.close();
    }

    /** V1's description as its script's name gives it, kept because Flyway checks it against applied history. */
    static final String V1_SCRIPT_DESCRIPTION = "replaced system clusters";

    /**
     * A migration's description as users read it: V1 is the Kindler scripts' {@code clusters} table, whatever its
     * script's name says.
     */
    static String shown(String description) {
        return V1_SCRIPT_DESCRIPTION.equals(description) ? "the Kindler scripts' clusters table" : description;
    }

    private static String version(MigrationInfo i) {
        return i == null || i.getVersion() == null ? null : i.getVersion().getVersion();
    }

    /** {@code schema S of LOCATION}, for messages. */
    String where() {
        return "schema " + schema + " of " + Redaction.redactLocation(database.location());
    }

    /**
     * Planner statistics after adopting: the held tables were just filled in one statement from the adopted
     * rows, and the store's lookups are planned from statistics with PostgreSQL's default settings. (Not after
     * creating empty tables: statistics of empty tables would make the planner trust that they stay tiny.)
     */
    private void analyze() {
        database.read("analyzing the tables of schema " + schema, ctx -> ctx.query("analyze {0}, {1}, {2}",
                DSL.table(DSL.name(schema, "clusters")), DSL.table(DSL.name(schema, "held_ports")),
                DSL.table(DSL.name(schema, "held_subnets"))).execute());
    }

    /**
     * Which of {@code clusters}, {@code held_ports} and the schema history the schema has, from the catalog, which
     * shows tables the role has no privilege on (information_schema hides them, and a role that may not read the
     * schema history would take an adopted table for one to adopt).
     */
    Set<String> tables() {
        List<String> names = List.of("clusters", "held_ports", Migrations.HISTORY_TABLE);
        return database.read("reading the tables of schema " + schema, ctx -> {
            Record found = ctx.select(names.stream().map(n -> DSL.field("to_regclass({0}) is not null",
                    Boolean.class, DSL.val(DSL.quotedName(schema, n).toString()))).toList()).fetchOne();
            return names.stream().filter(n -> Boolean.TRUE.equals(found.get(names.indexOf(n), Boolean.class)))
                    .collect(Collectors.toUnmodifiableSet());
        });
    }

    /** Whether the schema exists (a role may see it without any privilege on it). */
    boolean schemaExists() {
        return database.read("reading the schemas", ctx -> ctx.select(DSL.field("to_regnamespace({0}) is not null",
                Boolean.class, DSL.val(DSL.quotedName(schema).toString()))).fetchOne(0, Boolean.class));
    }

    /** Whether {@code tables} hold a {@code clusters} table that envctl has not adopted yet (no schema history). */
    private static boolean adopting(Set<String> tables) {
        return tables.contains("clusters") && !tables.contains(Migrations.HISTORY_TABLE);
    }

    /** {@code work} under a session advisory lock, on a connection of its own. */
    private <T> T withMigrationLock(Supplier<T> work) {
        long key = LockKeys.migrations(schema);
        return database.read("migrating schema " + schema, ctx -> {
            ctx.select(DSL.function("pg_advisory_lock", Object.class, DSL.val(key))).execute();
            try {
                return flywayCall("migrating", work);
            } finally {
                ctx.select(DSL.function("pg_advisory_unlock", Boolean.class, DSL.val(key))).execute();
            }
        });
    }

    /** {@link #adopting} of the schema as it is now; false when that cannot be read either. */
    private boolean adoptingNow() {
        try {
            return adopting(tables());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * A role that may not adopt the existing {@code clusters} table: adopting alters it, which only its owner may;
     * the grants a role needs afterwards do not help before, and the tables they name do not exist yet.
     */
    private EnvctlException adoptionRefused(String action, FlywayException e) {
        String user = currentUser();
        return new EnvctlException(ErrorCode.STORE_UNAVAILABLE, action + " " + where() + " failed: "
                + (user == null ? "the user envctl logs in as" : "role " + user) + " may not adopt the existing "
                + "table clusters (adopting it alters the table, which only its owner may do); migrate the schema "
                + "once logged in as the table's owner (jdbc.user), or read the table as it is with "
                + "jdbc.migrate=read", e, Remedy.FIX_STORE_SETTINGS);
    }

    /** The user logged in, for a message about its privileges; {@code null} when that cannot be read either. */
    private String currentUser() {
        try {
            return database.read("reading the current user", ctx -> ctx.select(DSL.currentUser()).fetchOne(0,
                    String.class));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code work} (Flyway), its failure reported as one line starting with {@code action}: Flyway's first meaningful
     * line and the server's, without Flyway's rulers, SQL State tables or advice to run it with {@code -X}.
     */
    private <T> T flywayCall(String action, Supplier<T> work) {
        try {
            return work.get();
        } catch (FlywayException e) {
            if (e.getCause() instanceof EnvctlException refused) {
                // a callback's refusal (MigrationSessionCheck), which Flyway wraps
                throw refused;
            }
            if (Failures.isConnectionFailure(e)) {
                throw Failures.unavailable(database.location(), e, database.loginRole());
            }
            if (Failures.INSUFFICIENT_PRIVILEGE.equals(Failures.sqlState(e))) {
                throw adoptingNow() ? adoptionRefused(action, e) : Failures.map(database.location(),
                        action + " " + where(), e, currentUser());
            }
            // a constraint refused what a migration changes: the migration's transaction was rolled back
            boolean refused = String.valueOf(Failures.sqlState(e)).startsWith("23");
            throw new EnvctlException(refused ? ErrorCode.CONFLICT : ErrorCode.FAILURE, action + " " + where()
                    + (refused ? " failed and was rolled back: " : " failed: ") + Failures.flywayLine(e), e);
        }
    }
}
