package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.HostRequest;
import dev.envctl.core.Redaction;
import dev.envctl.core.Remedy;
import dev.envctl.core.alloc.Allocation;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.Placement;
import dev.envctl.core.lifecycle.LifecycleEngine;
import dev.envctl.core.spi.EnvironmentLock;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.SchemaInfo;
import dev.envctl.core.spi.StoreHealth;
import dev.envctl.store.jdbc.internal.AdvisoryLock;
import dev.envctl.store.jdbc.internal.Database;
import dev.envctl.store.jdbc.internal.Failures;
import dev.envctl.store.jdbc.internal.IndexedHeld;
import dev.envctl.store.jdbc.internal.LegacyRows;
import dev.envctl.store.jdbc.internal.LockKeys;
import dev.envctl.store.jdbc.internal.Migrations;
import dev.envctl.store.jdbc.internal.Privileges;
import dev.envctl.store.jdbc.internal.Rows;
import dev.envctl.store.jdbc.internal.schema.tables.records.ClustersRecord;
import dev.envctl.store.jdbc.internal.schema.tables.records.HostsRecord;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Record2;
import org.jooq.Result;
import org.jooq.ResultQuery;
import org.jooq.Results;
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.envctl.store.jdbc.internal.schema.Tables.CLUSTERS;
import static dev.envctl.store.jdbc.internal.schema.Tables.HOSTS;

/**
 * The PostgreSQL {@link EnvironmentStore}. The database enforces the invariants (primary key on names, a
 * {@code held_ports} table keyed by host and port, a gist exclusion constraint on subnets, a foreign key from
 * each environment to its host in {@code hosts}, range and state checks); every write runs in one transaction
 * under a store-wide advisory lock, so placement ({@link Placement}), allocation (core's {@link Allocator} over
 * indexed lookups) and insert are one atomic step across threads and processes. Every
 * query is jOOQ with bind values; connections keep the server's and the data source's settings.
 *
 * <p>Open one with {@link JdbcStoreFactory} (from a {@code jdbc:postgresql://} location) or, when embedding,
 * with {@link #open(DataSource, JdbcStoreOptions)}; the allocation policy is the {@link Allocator} passed to
 * each {@link #create}. Thread-safe.
 *
 * <p>When an existing {@code clusters} table cannot be adopted yet (its rows break an invariant), a store opened with
 * {@link MigrateMode#AUTO} is <em>read-only</em>: it lists and finds the rows as adoption would make them
 * (leaving out rows it cannot represent), names the conflicts once (in the {@link #health()} problem, or else in a
 * warning logged at the first read), and refuses every write with
 * an {@link AdoptionConflictException} ({@link ErrorCode#CONFLICT}) listing them. A store opened with
 * {@link MigrateMode#READ} reads a table not adopted as it is, adopting nothing (naming the conflicts as
 * {@code AUTO} does, when there are any), and a schema without one as empty.
 */
public final class JdbcEnvironmentStore implements EnvironmentStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcEnvironmentStore.class);

    private final Database database;
    private final JdbcStoreOptions options;
    private final JdbcStoreAdmin admin;
    private final long writeLockKey;
    /** What a create or update checks first, in its first round trip. */
    private final Privileges privileges;
    /** Why the table could not be adopted; empty when the store is writable. */
    private volatile List<String> adoptionConflicts = List.of();
    /** What reads see: envctl's schema, or (not adopted, or none, opened to read) the table as it is. */
    private volatile Reading reading = Reading.SCHEMA;
    /** Why every write is refused: a newer envctl's schema keeps this one from writing it; {@code null} if not. */
    private volatile String newerSchemaRefusal;
    /** The schema behind this envctl's, when the store was opened to read in place of migrating it; else null. */
    private volatile SchemaInfo toMigrate;
    /** Opened with {@link MigrateMode#READ} where the settings say {@link MigrateMode#AUTO} ({@link #openToRead}). */
    private volatile boolean readInsteadOfAuto;
    /**
     * Whether the caller was told why the store is read as it is ({@link #toMigrate}, or the {@link
     * #adoptionConflicts}): the health's warning or problem, or the WARN logged at the first read; said once, so
     * {@code envctl doctor}, which reports the health, logs nothing beside it.
     */
    private final AtomicBoolean toldReadAsItIs = new AtomicBoolean();
    /**
     * Opened with {@link MigrateMode#READ} as the settings say, on a schema that does not exist (jdbc.schema
     * misspelt, say): it reads as empty, said once as {@link #toldReadAsItIs} says the others.
     */
    private volatile boolean schemaMissing;

    private enum Reading { SCHEMA, AS_IT_IS, NO_TABLE }

    private JdbcEnvironmentStore(DataSource dataSource, JdbcStoreOptions options, String location) {
        this.options = options;
        this.database = new Database(dataSource, options.schema(), options.timeoutSeconds(), options.poolSize(),
                location);
        this.admin = new JdbcStoreAdmin(database, options.schema());
        this.writeLockKey = LockKeys.writes(options.schema());
        this.privileges = new Privileges(options.schema(), Privileges.Purpose.USE);
    }

    /** Opens a store on {@code dataSource}; the location in messages names the data source's class. */
    public static JdbcEnvironmentStore open(DataSource dataSource, JdbcStoreOptions options) {
        return open(dataSource, options, "jdbc:postgresql (" + dataSource.getClass().getName() + ")");
    }

    /**
     * Opens a store on {@code dataSource}, migrating, validating or leaving the schema as
     * {@link JdbcStoreOptions#migrate()} says, and checking that the server answers.
     *
     * @param location the URL or name for messages; any password in it is redacted
     * @throws EnvctlException {@link ErrorCode#STORE_UNAVAILABLE} when the server cannot be reached,
     *                         {@link ErrorCode#CONFLICT} when adopting finds conflicting rows
     */
    public static JdbcEnvironmentStore open(DataSource dataSource, JdbcStoreOptions options, String location) {
        return open(dataSource, options, location, false);
    }

    /**
     * Opens the store as {@link #open(DataSource, JdbcStoreOptions, String)} does, changing nothing: with
     * {@link MigrateMode#READ} where {@code options} say {@link MigrateMode#AUTO}. A schema behind this envctl's, which
     * an opening with {@code AUTO} migrates, is then not refused: {@link #health()} warns that it will be migrated,
     * and every write is refused, saying so. It is read as it is, said once (the health's warning, or else a warning
     * logged at the first read), when this envctl reads that version as it reads its own
     * ({@link JdbcStoreAdmin#readable}); otherwise every read is refused too, saying that the schema must be migrated
     * first.
     */
    static JdbcEnvironmentStore openToRead(DataSource dataSource, JdbcStoreOptions options, String location) {
        return options.migrate() == MigrateMode.AUTO
                ? open(dataSource, options.withMigrate(MigrateMode.READ), location, true)
                : open(dataSource, options, location, false);
    }

    /** {@code insteadOfAuto}: opened with {@code READ} where the settings say {@code AUTO} ({@link #openToRead}). */
    private static JdbcEnvironmentStore open(DataSource dataSource, JdbcStoreOptions options, String location,
                                             boolean insteadOfAuto) {
        warmUpJooq();
        JdbcEnvironmentStore store = new JdbcEnvironmentStore(Objects.requireNonNull(dataSource, "dataSource"),
                Objects.requireNonNull(options, "options"), Redaction.redactLocation(Objects.requireNonNull(location)));
        store.readInsteadOfAuto = insteadOfAuto;
        try {
            boolean current = false;
            switch (options.migrate()) {
                case AUTO -> {
                    // an up-to-date schema is the common case: one read, no Flyway and no migration lock
                    current = store.admin.isCurrent();
                    if (!current) {
                        try {
                            store.admin.migrate();
                        } catch (AdoptionConflictException e) {
                            store.refuseWrites(e.conflicts());
                        }
                    }
                }
                case VALIDATE -> {
                    store.admin.requireUpToDate();
                    current = true;
                }
                case READ -> {
                    current = store.admin.isCurrent();
                    if (!current) {
                        Set<String> tables = store.admin.tables();
                        if (tables.contains(Migrations.HISTORY_TABLE)) {
                            SchemaInfo info = store.admin.info();
                            if (store.readInsteadOfAuto && JdbcStoreAdmin.behind(info)) {
                                store.toMigrate = info;
                            } else {
                                store.admin.requireNotBehind(info);
                            }
                        } else if (!tables.contains("clusters")) {
                            store.reading = Reading.NO_TABLE;
                            // read creates none; in place of auto, the next opening with auto creates it
                            store.schemaMissing = tables.isEmpty() && !store.admin.schemaExists();
                        } else {
                            store.reading = Reading.AS_IT_IS;
                            List<String> conflicts = store.admin.adoptionConflicts();
                            if (!conflicts.isEmpty()) {
                                store.refuseWrites(conflicts);
                            }
                        }
                    }
                }
                default -> store.database.read("connecting", ctx -> ctx.selectOne().fetchOne());
            }
            if (options.migrate() != MigrateMode.OFF && !current) {
                store.obey(store.admin.compat());
            }
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Follows a newer envctl's rule for its schema ({@code null}: none): refuses to open it, or writes to it. */
    private void obey(JdbcStoreAdmin.Compat compat) {
        if (compat != null && compat.refusesReads()) {
            throw new EnvctlException(ErrorCode.FAILURE, compat.refusal(admin.where(), true));
        }
        if (compat != null && compat.refusesWrites()) {
            newerSchemaRefusal = compat.refusal(admin.where(), false);
        }
    }

    /** Reads the table as it is and refuses writes, naming {@code conflicts}, which keep it from being adopted. */
    private void refuseWrites(List<String> conflicts) {
        adoptionConflicts = conflicts;
        reading = Reading.AS_IT_IS;
    }

    private static final AtomicBoolean JOOQ_WARMED_UP = new AtomicBoolean();

    /**
     * jOOQ's first use in a process builds its data types and rendering machinery on the CPU, while the first
     * login mostly waits on the network: the first store opened in a process renders one query on a daemon
     * thread while the opening thread logs in. Nothing else differs.
     */
    private static void warmUpJooq() {
        if (JOOQ_WARMED_UP.compareAndSet(false, true)) {
            Thread t = new Thread(() -> {
                try {
                    DSL.using(SQLDialect.POSTGRES).selectFrom(CLUSTERS).where(CLUSTERS.NAME.eq("")).getSQL();
                } catch (RuntimeException | LinkageError e) {
                    LOG.debug("warming up jOOQ failed; the store's own first query will say why", e);
                }
            }, "envctl-jooq-warm-up");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Schema administration of this store (migrate, info). */
    public JdbcStoreAdmin admin() {
        return admin;
    }

    /** The rows that keep an existing {@code clusters} table from being adopted, one each; empty when writable. */
    public List<String> adoptionConflicts() {
        return adoptionConflicts;
    }

    /** The schema this store uses. */
    public String schema() {
        return options.schema();
    }

    @Override
    public String location() {
        return database.location();
    }

    @Override
    public Optional<Environment> find(String name) {
        requireReadable("reading environment '" + name + "'");
        return database.read("reading environment '" + name + "'", ctx -> switch (reading) {
            case SCHEMA -> ctx.selectFrom(CLUSTERS).where(CLUSTERS.NAME.eq(name)).fetchOptional()
                    .map(r -> Rows.environment(r, location()));
            case AS_IT_IS -> LegacyRows.find(ctx, name);
            case NO_TABLE -> Optional.empty();
        });
    }

    @Override
    public List<Environment> list(EnvironmentFilter filter) {
        Condition where = DSL.and(
                filter.provider() == null ? DSL.noCondition() : CLUSTERS.PROVIDER.eq(filter.provider()),
                filter.desiredState() == null ? DSL.noCondition()
                        : CLUSTERS.DESIRED_STATE.eq(filter.desiredState().key()),
                filter.actualState() == null ? DSL.noCondition()
                        : CLUSTERS.ACTUAL_STATE.eq(filter.actualState().key()),
                filter.host() == null ? DSL.noCondition() : CLUSTERS.HOST.eq(filter.host()));
        requireReadable("listing environments");
        return database.read("listing environments", ctx -> switch (reading) {
            case SCHEMA -> ctx.selectFrom(CLUSTERS).where(where).orderBy(CLUSTERS.NAME)
                    .fetch(r -> Rows.environment(r, location()));
            case AS_IT_IS -> LegacyRows.list(ctx, filter);
            case NO_TABLE -> List.of();
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>One transaction under the store's write lock. For a named host (the default, {@code local}), two round trips:
     * the lock (asking whether the session is the connection's own: {@link #requireLocked}), the hosts, the role's
     * privileges (refused with {@link Remedy#FIX_STORE_SETTINGS} before anything is stored, so no record is left half
     * done by a role that could insert but not update it), the name check and the lowest free ports (of that host) and
     * subnet ({@link IndexedHeld}); {@link Placement} checks the host, {@code allocator} chooses; then the insert, with
     * the commit. For {@code auto}, one more: the lock, the name check, the hosts and their environment counts first,
     * so {@link Placement} chooses among what every committed create left, then the lookups on the chosen host. Writers
     * outside envctl (psql) wait for the same lock (the schema's triggers take it), so the lookups see everything
     * committed; the constraints (name key, held-port key per host, subnet exclusion, host foreign key) stay the
     * backstop.
     */
    @Override
    public Environment create(EnvironmentSpec spec, Allocator allocator) {
        Objects.requireNonNull(allocator, "allocator");
        String action = "creating environment '" + spec.name() + "'";
        requireWritable(action);
        AllocationPolicy policy = allocator.policy();
        HostRequest request = spec.host();
        return database.write(action, ctx -> {
            // a named host's lookups join the first round trip; for auto they follow the placement
            IndexedHeld held = request.isAuto() ? null : new IndexedHeld(ctx, request.hostName(), null);
            // a named host's count only when it has a capacity (a one-time filter: otherwise no scan runs)
            Query counts = request.isAuto()
                    ? ctx.select(CLUSTERS.HOST, DSL.count()).from(CLUSTERS).groupBy(CLUSTERS.HOST)
                    : ctx.select(DSL.count()).from(CLUSTERS).where(CLUSTERS.HOST.eq(request.hostName()))
                    .and(DSL.exists(ctx.selectOne().from(HOSTS).where(HOSTS.NAME.eq(request.hostName()))
                            .and(HOSTS.CAPACITY.isNotNull())));
            Query[] first = {writeLock(ctx), ctx.select(DSL.field(DSL.exists(ctx.selectOne().from(CLUSTERS)
                    .where(CLUSTERS.NAME.eq(spec.name()))))), hostsQuery(ctx), counts, privileges.query(ctx)};
            List<Result<Record>> r = held == null ? IndexedHeld.roundTrip(ctx, first)
                    : held.prefetch(policy, spec, first);
            requireLocked(action, r.get(0).get(0));
            requirePrivileges(action, r.get(4).get(0));
            if (Boolean.TRUE.equals(r.get(1).get(0).get(0, Boolean.class))) {
                throw alreadyExists(spec.name(), null);
            }
            Host host = Placement.choose(request, hosts(r.get(2)), request.isAuto()
                    ? r.get(3).intoMap(c -> c.get(0, String.class), c -> c.get(1, Integer.class))
                    : Map.of(request.hostName(), r.get(3).get(0).get(0, Integer.class)), policy);
            if (held == null) {
                held = new IndexedHeld(ctx, host.name(), null);
                held.prefetch(policy, spec);
            }
            Allocation a = allocator.allocate(spec, held);
            Environment e = Environment.created(spec, a.ports(), a.subnet(),
                    Instant.now().truncatedTo(ChronoUnit.MILLIS)).withHost(host.name());
            return insertRow(ctx, e);
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>As {@link #create}: one transaction under the write lock, the name checked first, then the host, then
     * every port on that host and the subnet.
     */
    @Override
    public Environment insert(Environment environment) {
        String action = "inserting environment '" + environment.name() + "'";
        requireWritable(action);
        return database.write(action, ctx -> insertChecked(ctx, action, environment));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Runs the transaction of {@link #insert} and rolls it back, so the table itself answers: its constraints
     * and the {@code NOT NULL} a table of the Kindler scripts keeps on {@code pf_port}, {@code http_port} and
     * {@code https_port}. A table not adopted yet, read as it is, has no envctl columns to insert into: then only a
     * refusal of every write (its conflicts) is thrown. A schema behind this envctl's, opened to read in place of
     * migrating it, that this envctl reads as it is ({@link JdbcStoreAdmin#readable}) answers as the migrated one
     * would, which the write this checks would make it first: the migrations since change nothing the insert checks.
     */
    @Override
    public void checkInsert(Environment environment) {
        String action = "inserting environment '" + environment.name() + "'";
        if (reading == Reading.SCHEMA || !adoptionConflicts.isEmpty()) {
            SchemaInfo behind = toMigrate;
            if (behind == null || !JdbcStoreAdmin.readable(behind)) {
                requireWritable(action);
            }
            database.rehearse(action, ctx -> insertChecked(ctx, action, environment));
        }
    }

    private Environment insertChecked(DSLContext ctx, String action, Environment environment) {
        requireLocked(action, writeLock(ctx).fetchOne());
        if (ctx.fetchExists(CLUSTERS, CLUSTERS.NAME.eq(environment.name()))) {
            throw alreadyExists(environment.name(), null);
        }
        requireKnownHost(ctx, environment.host());
        Allocator.requireFree(environment, new IndexedHeld(ctx, environment.host(), null));
        return insertRow(ctx, environment);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The stored row is read with the write lock, in its round trip; what {@code next} newly takes is checked on
     * the host it names, which may differ from the stored one (the environment moves, and its ports are held on the
     * new host): a change of state alone runs no lookup of ports, subnets or hosts. The role's privileges are
     * checked in the same round trip, as {@link #create} checks them: an update is the first write of a delete,
     * stop, start or reconcile, so a role that could record it but not a later step (deleting the record) is
     * refused before a cluster is touched.
     */
    @Override
    public Environment update(Environment next, long expectedVersion) {
        String action = "updating environment '" + next.name() + "'";
        requireWritable(action);
        return database.write(action, ctx -> {
            Results locked = IndexedHeld.roundTrip(ctx, writeLock(ctx), privileges.query(ctx),
                    ctx.selectFrom(CLUSTERS).where(CLUSTERS.NAME.eq(next.name())));
            requireLocked(action, locked.get(0).get(0));
            requirePrivileges(action, locked.get(1).get(0));
            // a missing or changed record is refused as that first, whatever else the update would be refused for
            Optional<ClustersRecord> current = locked.get(2).stream().map(v -> v.into(CLUSTERS)).findFirst();
            Optional<Long> storedVersion = current.map(ClustersRecord::getVersion);
            if (!storedVersion.equals(Optional.of(expectedVersion))) {
                throw missingOrChanged(next.name(), storedVersion, expectedVersion);
            }
            Environment previous = Rows.environment(current.get(), location());
            if (!next.host().equals(previous.host())) {
                requireRoomToMoveTo(ctx, next);
            }
            // what the record newly takes, as the interface says: a state change alone queries nothing more
            Allocator.requireFree(next, previous, new IndexedHeld(ctx, next.host(), next.name()));
            Environment stored = next.withWrite(Instant.now().truncatedTo(ChronoUnit.MILLIS), expectedVersion + 1);
            ClustersRecord r;
            try {
                Map<Field<?>, Object> values = Rows.values(stored);
                values.remove(CLUSTERS.NAME);
                values.remove(CLUSTERS.CREATED_AT);
                r = ctx.update(CLUSTERS).set(values)
                        .where(CLUSTERS.NAME.eq(next.name())).and(CLUSTERS.VERSION.eq(expectedVersion))
                        .returning().fetchOne();
            } catch (RuntimeException ex) {
                throw conflict(ex, stored);
            }
            if (r == null) {
                throw missingOrChanged(ctx, next.name(), expectedVersion);
            }
            return Rows.environment(r, location());
        });
    }

    /** The hosts of the {@code hosts} table; only {@code local} while the old table is read as it is. */
    @Override
    public List<Host> hosts() {
        requireReadable("listing hosts");
        if (reading != Reading.SCHEMA) {
            return List.of(Host.LOCAL);
        }
        return database.read("listing hosts", ctx -> hosts(hostsQuery(ctx).fetch()));
    }

    /** Adds a row to {@code hosts} under the write lock, so no create places on a host half added. */
    @Override
    public Host addHost(Host host) {
        return write("adding host '" + host.name() + "'", ctx -> {
            if (ctx.insertInto(HOSTS).set(Rows.record(host)).onConflictDoNothing().execute() == 0) {
                throw Host.exists(host.name());
            }
            return host;
        });
    }

    /**
     * Removes a row of {@code hosts} under the write lock; the foreign key from {@code clusters} refuses it too
     * while environments are there.
     */
    @Override
    public boolean removeHost(String name) {
        return write("removing host '" + name + "'", ctx -> {
            // those there, and those a replacement moved off that still have their old cluster there to delete
            Host.requireRemovable(name, ctx.selectFrom(CLUSTERS).where(CLUSTERS.HOST.eq(name)
                            .or(CLUSTERS.LABELS.cast(String.class).contains(LifecycleEngine.REPLACING_LABEL)))
                    .orderBy(CLUSTERS.NAME).fetch(r -> Rows.environment(r, location())).stream()
                    .filter(e -> Host.usedBy(e, name)).toList());
            try {
                return ctx.deleteFrom(HOSTS).where(HOSTS.NAME.eq(name)).execute() > 0;
            } catch (RuntimeException ex) {
                if ("23503".equals(Failures.sqlState(ex))) {
                    throw EnvctlException.conflict("host '" + name + "' has environments; delete them first");
                }
                throw ex;
            }
        });
    }

    @Override
    public boolean delete(String name) {
        return write("deleting environment '" + name + "'",
                ctx -> ctx.deleteFrom(CLUSTERS).where(CLUSTERS.NAME.eq(name)).execute() > 0);
    }

    @Override
    public void delete(String name, long expectedVersion) {
        write("deleting environment '" + name + "'", ctx -> {
            if (ctx.deleteFrom(CLUSTERS).where(CLUSTERS.NAME.eq(name)).and(CLUSTERS.VERSION.eq(expectedVersion))
                    .execute() == 0) {
                throw missingOrChanged(ctx, name, expectedVersion);
            }
            return null;
        });
    }

    @Override
    public Optional<EnvironmentLock> tryLock(String name) {
        return AdvisoryLock.tryLock(database, options.schema(), name);
    }

    @Override
    public StoreHealth health() {
        try {
            String server = database.read("checking health",
                    ctx -> ctx.connectionResult(c -> c.getMetaData().getDatabaseProductVersion()));
            List<String> conflicts = adoptionConflicts;
            SchemaInfo info = admin.info();
            StoreHealth up = StoreHealth.up("PostgreSQL " + server + " at " + location() + ", schema "
                    + options.schema() + switch (reading) {
                        case SCHEMA -> "";
                        // what adopts the table, or makes the tables, in the mode the settings say
                        case AS_IT_IS -> conflicts.isEmpty() ? ", table clusters not adopted yet (" + (readInsteadOfAuto
                                ? "a schema migration adopts it, and so does any opening with jdbc.migrate=auto, "
                                + "reads included" : "jdbc.migrate=read reads it as it is and adopts nothing; a "
                                + "schema migration adopts it") + ")" : ", table clusters cannot be adopted "
                                + "yet: " + AdoptionConflictException.count(conflicts) + " to repair";
                        case NO_TABLE -> ", no envctl tables yet (" + (readInsteadOfAuto ? "a schema migration makes "
                                + "them, and so does any opening with jdbc.migrate=auto" : "jdbc.migrate=read makes "
                                + "none; a schema migration makes them") + ")";
                    } + (info.newerThanLatest() ? ", schema version " + info.currentVersion() + " is newer than "
                    + "this envctl knows (" + info.latestVersion() + "): upgrade envctl" : ""), info.currentVersion());
            if (reading == Reading.SCHEMA && JdbcStoreAdmin.behind(info) && toMigrate != null) {
                // opened to read in place of jdbc.migrate=auto: the next opening with auto migrates it, when the
                // role may; until then nothing fails on it
                Privileges migrating = new Privileges(options.schema(), Privileges.Purpose.MIGRATE);
                String missing = database.read("checking privileges",
                        ctx -> migrating.missing(migrating.query(ctx).fetchOne()));
                if (missing != null) {
                    return up.withProblem(missing, Remedy.FIX_STORE_SETTINGS);
                }
                toldReadAsItIs.set(true);
                return up.withWarning(admin.where() + " is at version " + info.currentVersion() + " and this "
                        + "envctl needs version " + info.latestVersion() + "; " + migratedNext(info),
                        Remedy.MIGRATE_SCHEMA);
            }
            if (reading == Reading.SCHEMA && JdbcStoreAdmin.behind(info)) {
                // only jdbc.migrate=off opens a schema behind this envctl: used as it is, every statement fails
                return up.withProblem(admin.where() + (info.currentVersion() == null ? " has no envctl schema"
                        : " is at version " + info.currentVersion()) + " and this envctl needs version "
                        + info.latestVersion() + "; jdbc.migrate=off leaves it as it is, so commands fail until you "
                        + "migrate the schema", Remedy.MIGRATE_SCHEMA);
            }
            // no tables yet: none to use, but the next opening with auto makes them, which the role must be allowed
            Privileges.Purpose purpose = reading == Reading.AS_IT_IS ? Privileges.Purpose.ADOPT
                    : reading == Reading.SCHEMA ? Privileges.Purpose.USE : Privileges.Purpose.CREATE;
            Privileges checks = reading != Reading.NO_TABLE || readInsteadOfAuto
                    ? new Privileges(options.schema(), purpose) : null;
            String missing = checks == null ? null
                    : database.read("checking privileges", ctx -> checks.missing(checks.query(ctx).fetchOne()));
            if (missing != null) {
                // it answers, but some write (or every one) fails for the role: a fault of the settings or grants
                return up.withProblem(missing, Remedy.FIX_STORE_SETTINGS);
            }
            if (schemaMissing) {
                toldReadAsItIs.set(true);
                return up.withWarning(schemaMissing(), Remedy.FIX_STORE_SETTINGS);
            }
            if (newerSchemaRefusal != null) {
                return up.withProblem("every write is refused: " + newerSchemaRefusal, null);
            }
            // readable, but every write fails until the rows are repaired: a problem to report, not a pass
            if (conflicts.isEmpty()) {
                String others = reading != Reading.SCHEMA ? null : database.read("checking privileges",
                        ctx -> Privileges.writersLackingHeldTables(ctx, options.schema()));
                return others == null ? up : up.withWarning(others, Remedy.FIX_STORE_SETTINGS);
            }
            toldReadAsItIs.set(true);
            return up.withProblem("every write is refused until table clusters can be "
                    + "adopted: " + String.join("; ", conflicts) + "; fix these rows (for example with psql), then "
                    + "migrate the schema", Remedy.MIGRATE_SCHEMA);
        } catch (RuntimeException e) {
            EnvctlException failure = Failures.map(location(), "checking health", e, null);
            return StoreHealth.down(failure.getMessage(), failure.remedy().orElse(null));
        }
    }

    @Override
    public void close() {
        database.close();
    }

    private void requireWritable(String action) {
        requireNotBehind(action);
        if (newerSchemaRefusal != null) {
            throw new EnvctlException(ErrorCode.FAILURE, action + " refused: " + newerSchemaRefusal);
        }
        if (!adoptionConflicts.isEmpty()) {
            throw AdoptionConflictException.writeRefused(action, admin.where(), adoptionConflicts);
        }
        if (reading != Reading.SCHEMA) {
            throw new EnvctlException(ErrorCode.FAILURE, action + " refused: " + admin.where() + " was opened to "
                    + "read only (jdbc.migrate=read) and has no envctl schema yet; open it with jdbc.migrate=auto or "
                    + "migrate the schema", null, Remedy.MIGRATE_SCHEMA);
        }
    }

    /**
     * Refuses the read {@code action} on a schema opened to read in place of migrating it ({@link #toMigrate}) that
     * this envctl cannot read as it is; one it can read is read as it is, said in a WARN unless told already, as is
     * a table read as it is because of its {@link #adoptionConflicts}.
     */
    private void requireReadable(String action) {
        if (schemaMissing && toldReadAsItIs.compareAndSet(false, true)) {
            LOG.warn(schemaMissing());
        }
        List<String> conflicts = adoptionConflicts;
        if (!conflicts.isEmpty() && toldReadAsItIs.compareAndSet(false, true)) {
            LOG.warn("table clusters in {} cannot be adopted yet, so it is read as it is and writes are refused; {} to "
                    + "repair (for example with psql), then migrate the schema: {}", admin.where(),
                    AdoptionConflictException.count(conflicts), String.join("; ", conflicts));
        }
        SchemaInfo behind = toMigrate;
        if (behind != null && JdbcStoreAdmin.readable(behind) && toldReadAsItIs.compareAndSet(false, true)) {
            LOG.warn("{} is at version {} and this envctl needs version {}; it is read as it is, and {}",
                    admin.where(), behind.currentVersion(), behind.latestVersion(), migratedNext(behind));
        }
        if (behind != null && !JdbcStoreAdmin.readable(behind)) {
            throw new EnvctlException(ErrorCode.FAILURE, action + " refused: " + admin.where() + " is at version "
                    + behind.currentVersion() + " and this envctl needs version " + behind.latestVersion()
                    + "; it reads a schema older than version " + Migrations.READABLE_FROM + " only once it is "
                    + "migrated, and this opening only reads, so it was not migrated: migrate the schema",
                    null, Remedy.MIGRATE_SCHEMA);
        }
    }

    /** What a store opened to read on a schema that does not exist says ({@link #schemaMissing}). */
    private String schemaMissing() {
        return admin.where() + " does not exist, so the store reads as empty (" + (readInsteadOfAuto
                ? "jdbc.migrate=auto creates it, with envctl's tables, at the store's next opening that is not only "
                + "to read); if jdbc.schema is misspelt, correct it"
                : "jdbc.migrate=read creates nothing); if jdbc.schema is misspelt, correct it; to start a new store "
                + "there, migrate the schema (envctl db migrate)");
    }

    /** Refuses the write {@code action} on a schema opened to read in place of migrating it ({@link #toMigrate}). */
    private void requireNotBehind(String action) {
        SchemaInfo behind = toMigrate;
        if (behind != null) {
            throw new EnvctlException(ErrorCode.FAILURE, action + " refused: " + admin.where() + " is at version "
                    + behind.currentVersion() + " and this envctl needs version " + behind.latestVersion()
                    + ", and this opening only reads, so it was not migrated; " + migratedNext(behind),
                    null, Remedy.MIGRATE_SCHEMA);
        }
    }

    /** What migrates a schema behind this envctl's under {@code jdbc.migrate=auto}: the advice closing a message. */
    private static String migratedNext(SchemaInfo behind) {
        return "jdbc.migrate=auto migrates it to version " + behind.latestVersion() + " at the store's next opening "
                + "that is not only to read, or migrate the schema";
    }

    /**
     * Refuses a create or update before anything is stored when the role lacks a privilege a later step needs
     * (recording the outcome updates the row; deleting deletes it): otherwise the record would be left half done.
     * The cause is the store's refusal alone, which every write of this role meets, without the action.
     */
    private void requirePrivileges(String action, Record privilegeRow) {
        String missing = privileges.missing(privilegeRow);
        if (missing != null) {
            EnvctlException refusal = new EnvctlException(ErrorCode.STORE_UNAVAILABLE, "PostgreSQL store "
                    + location() + ": " + missing, null, Remedy.FIX_STORE_SETTINGS);
            throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, action + " refused before anything was stored: "
                    + refusal.getMessage(), refusal, Remedy.FIX_STORE_SETTINGS);
        }
    }

    /** Runs {@code work} in one transaction that takes the store's write lock first. */
    private <T> T write(String action, Function<DSLContext, T> work) {
        requireWritable(action);
        return database.write(action, ctx -> {
            requireLocked(action, writeLock(ctx).fetchOne());
            return work.apply(ctx);
        });
    }

    /**
     * Takes the store's write lock and asks, in the same statement, whether the transaction runs on its
     * connection's own session ({@link Database#onOwnSession}); {@link #requireLocked} reads the answer.
     */
    private ResultQuery<Record2<Object, Boolean>> writeLock(DSLContext ctx) {
        return ctx.select(DSL.function("pg_advisory_xact_lock", Object.class, DSL.val(writeLockKey)),
                database.onOwnSession(ctx));
    }

    /**
     * Refuses {@code action} before it writes when {@code lockRow}, the row of {@link #writeLock}, says that its
     * session is another client's too (a pooler in transaction pooling mode): the refusal that opening gives a
     * session another envctl process marked, also for the first client on a session, which found no mark there.
     */
    private void requireLocked(String action, Record lockRow) {
        if (!Boolean.TRUE.equals(lockRow.get(1, Boolean.class))) {
            throw new EnvctlException(ErrorCode.STORE_UNAVAILABLE, action + " refused before anything was stored: "
                    + Failures.sharedSessions(location(), "the write was about to run on a session another client "
                    + "marked as its own"), null, Remedy.FIX_STORE_SETTINGS);
        }
    }

    private static Select<HostsRecord> hostsQuery(DSLContext ctx) {
        return ctx.selectFrom(HOSTS).orderBy(HOSTS.NAME);
    }

    private List<Host> hosts(Result<? extends Record> rows) {
        return rows.map(r -> Rows.host(r.into(HOSTS), location()));
    }

    /**
     * For an update that moves the record to the host {@code next} names: as {@link #requireKnownHost}, and that
     * host must be below its capacity ({@link Placement#requireRoomToMove}). One query: the other environments there
     * are counted only for a host with a capacity.
     */
    private void requireRoomToMoveTo(DSLContext ctx, Environment next) {
        String name = next.host();
        if (name.equals(Host.LOCAL_NAME)) {
            return;
        }
        Field<Integer> others = DSL.when(HOSTS.CAPACITY.isNotNull(), DSL.field(ctx.selectCount().from(CLUSTERS)
                .where(CLUSTERS.HOST.eq(name)).and(CLUSTERS.NAME.ne(next.name())))).as("others");
        Record r = ctx.select(HOSTS.asterisk()).select(others).from(HOSTS).where(HOSTS.NAME.eq(name)).fetchOne();
        if (r == null) {
            requireKnownHost(ctx, name);
            return;
        }
        if (r.get(others) != null) {
            Placement.requireRoomToMove(Rows.host(r.into(HOSTS), location()), r.get(others));
        }
    }

    /**
     * INVALID_INPUT unless {@code name} is a host of the store, naming those it has ({@code local} always is:
     * a trigger keeps its row).
     */
    private void requireKnownHost(DSLContext ctx, String name) {
        if (name.equals(Host.LOCAL_NAME) || ctx.fetchExists(HOSTS, HOSTS.NAME.eq(name))) {
            return;
        }
        throw Host.unknown(name, ctx.select(HOSTS.NAME).from(HOSTS).orderBy(HOSTS.NAME).fetch(HOSTS.NAME));
    }

    /** {@code cause}: the name key's violation, when the table refused the row (null when the check found it). */
    private EnvctlException alreadyExists(String name, Throwable cause) {
        return new EnvctlException(ErrorCode.CONFLICT, "environment '" + name + "' already exists in " + location()
                + "; choose another name or delete it first", cause);
    }

    /** Inserts {@code e}; no trigger changes an inserted row, so {@code e} is what the table holds. */
    private Environment insertRow(DSLContext ctx, Environment e) {
        try {
            ctx.insertInto(CLUSTERS).set(Rows.values(e)).execute();
            return e;
        } catch (RuntimeException ex) {
            throw conflict(ex, e);
        }
    }

    /**
     * A unique, exclusion or host foreign key violation, named by resource; anything else passes through. The
     * constraints are the backstop: every writer takes the write lock first (V8's triggers make those outside
     * envctl take it too), so the lookups have seen what they hold.
     */
    private RuntimeException conflict(RuntimeException ex, Environment e) {
        String state = Failures.sqlState(ex);
        String constraint = Failures.constraint(ex);
        if ("23505".equals(state) && constraint.equals("clusters_pkey")) {
            return alreadyExists(e.name(), ex);
        }
        if ("23505".equals(state) && constraint.startsWith("held_ports")) {
            return new EnvctlException(ErrorCode.CONFLICT, "a host port of environment '" + e.name() + "' ("
                    + e.ports().asMap().entrySet().stream().map(p -> p.getKey().key() + " " + p.getValue()).collect(Collectors.joining(", "))
                    + ") is already held by another environment" + (e.host().equals(Host.LOCAL_NAME) ? ""
                    : " on host '" + e.host() + "'") + "; choose others or leave them out to allocate", ex);
        }
        if ("23503".equals(state) && constraint.equals("clusters_host_fkey")) {
            return new EnvctlException(ErrorCode.INVALID_INPUT, Host.unknown(e.host(),
                    hosts().stream().map(Host::name).toList()).getMessage(), ex);
        }
        if ("23P01".equals(state)) {
            return new EnvctlException(ErrorCode.CONFLICT, "subnet " + e.subnet() + " of environment '" + e.name()
                    + "' overlaps the subnet of another environment; choose another or let envctl allocate one", ex);
        }
        // Database maps it, knowing the connection's user for a missing privilege
        return ex;
    }

    private EnvctlException missingOrChanged(DSLContext ctx, String name, long expectedVersion) {
        return missingOrChanged(name, ctx.select(CLUSTERS.VERSION).from(CLUSTERS).where(CLUSTERS.NAME.eq(name))
                .fetchOptional(CLUSTERS.VERSION), expectedVersion);
    }

    /** NOT_FOUND when the record has no {@code version} stored, else VERSION_CONFLICT naming both versions. */
    private EnvctlException missingOrChanged(String name, Optional<Long> version, long expectedVersion) {
        if (version.isEmpty()) {
            return EnvctlException.notFound("environment '" + name + "' not found in " + location());
        }
        return new EnvctlException(ErrorCode.VERSION_CONFLICT, "environment '" + name + "' changed since it was "
                + "read (stored version " + version.get() + ", expected " + expectedVersion + "); read it again and "
                + "retry");
    }
}
