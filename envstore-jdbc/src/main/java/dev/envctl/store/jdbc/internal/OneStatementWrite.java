package dev.envctl.store.jdbc.internal;

import dev.envctl.core.Cidr;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.HostPorts;
import dev.envctl.core.PortRole;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.PortRange;
import dev.envctl.store.jdbc.internal.schema.tables.records.ClustersRecord;
import org.jooq.CommonTableExpression;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import static dev.envctl.store.jdbc.internal.schema.Tables.CLUSTERS;

/**
 * Writes of the store as one auto-committed statement: one round trip, which is what a plain INSERT costs.
 * The statement tries the store's write lock ({@code pg_try_advisory_xact_lock}, held until the statement's
 * own commit) in a materialized CTE and inserts only when it got it; for a create, the same CTE asks for
 * the lowest free port of each automatic role and the lowest free subnet with {@link IndexedHeld}'s indexed
 * expressions, and the insert takes them only when each lies in its pool and all ports differ.
 *
 * <p>When nothing was inserted (the lock was busy, a pool had no simple answer) or a constraint refused the
 * row (a writer committed between the statement's snapshot and its lock, or an explicit port or subnet is
 * held, or the name exists), the caller runs the write again under {@code pg_advisory_xact_lock}: a create
 * first this same statement in a transaction that took the lock (so it reads after every earlier write),
 * then, if that still writes nothing, with the Java {@code Allocator}, which gives the answer or the error
 * the store has always given. So this path only ever does what that path would have done; the database's
 * constraints (held_ports primary key, the subnet exclusion constraint, the name's primary key) make sure
 * that an answer read from a stale snapshot cannot be written.
 */
public final class OneStatementWrite {
    private static final Name A = DSL.name("a");
    private static final String GOT = "got";
    private static final String LOCK = "lock key";
    private static final String EXPLICIT = "explicit ";

    private OneStatementWrite() {
    }

    /**
     * Creates {@code spec} with ports and subnet allocated by {@code policy}'s lowest-free rule, or returns
     * empty when the caller must create it under the write lock instead.
     */
    public static Optional<Environment> create(DSLContext ctx, long lockKey, AllocationPolicy policy,
                                               EnvironmentSpec spec, Instant now) {
        SubnetRequest subnet = spec.subnet();
        RenderedOnce statement = createStatement(policy, spec.ports(), subnet.mode());
        Map<String, Object> values = slotValues(lockKey, Environment.created(spec, spec.ports(), null, now));
        values.put(CLUSTERS.SUBNET.getName(), subnet.mode() == SubnetRequest.Mode.EXPLICIT
                ? subnet.cidr().toString() : null);
        for (PortRole role : PortRole.values()) {
            values.put(EXPLICIT + role.key(), spec.ports().get(role));
        }
        // the returned row as plain values (http, https, pf, api, subnet): no jOOQ record to build and read back
        Optional<Object[]> r = fetch(() -> statement.fetchRow(ctx, values, CREATED_TYPES));
        return r.map(row -> Environment.created(spec, new HostPorts((Integer) row[0], (Integer) row[1],
                (Integer) row[2], (Integer) row[3]), row[4] == null ? null : Cidr.parse((String) row[4]), now));
    }

    /** The types of the columns a create statement returns, in order. */
    private static final JdbcType[] CREATED_TYPES = {JdbcType.INTEGER, JdbcType.INTEGER, JdbcType.INTEGER,
            JdbcType.INTEGER, JdbcType.VARCHAR};

    /** What a create statement's SQL text depends on; everything else is a bind value of its slots. */
    private record CreateShape(AllocationPolicy policy, Set<PortRole> auto, SubnetRequest.Mode subnet) {
    }

    /**
     * The create statement of a shape. Looking a {@link CreateShape} up hashes the policy's pools, which showed
     * in profiles of creates: so the statements of the last policy object are also kept by a small key (subnet
     * mode and the bit set of automatic roles), and shapes are looked up only when the policy object changes.
     */
    private static RenderedOnce createStatement(AllocationPolicy policy, HostPorts explicit,
                                                SubnetRequest.Mode subnet) {
        int key = subnet.ordinal() << ROLES.length;
        for (PortRole role : ROLES) {
            if (explicit.get(role) == null) {
                key |= 1 << role.ordinal();
            }
        }
        PolicyStatements last = lastPolicy;
        if (last.policy() != policy) {
            last = new PolicyStatements(policy, new RenderedOnce[SubnetRequest.Mode.values().length << ROLES.length]);
            lastPolicy = last;
        }
        RenderedOnce statement = last.byKey()[key];
        if (statement == null) {
            Set<PortRole> auto = EnumSet.noneOf(PortRole.class);
            for (PortRole role : ROLES) {
                if (explicit.get(role) == null) {
                    auto.add(role);
                }
            }
            CreateShape shape = new CreateShape(policy, Set.copyOf(auto), subnet);
            statement = rendered(shape, () -> createStatement(shape));
            // a thread that does not see this write looks the shape up again: harmless, RenderedOnce is immutable
            last.byKey()[key] = statement;
        }
        return statement;
    }

    private static final PortRole[] ROLES = PortRole.values();

    /** The create statements of one policy object, by key. */
    private record PolicyStatements(AllocationPolicy policy, RenderedOnce[] byKey) {
    }

    private static volatile PolicyStatements lastPolicy = new PolicyStatements(null, new RenderedOnce[0]);

    private static RenderedOnce createStatement(CreateShape shape) {
        AllocationPolicy policy = shape.policy();
        RenderedOnce.Slots slots = new RenderedOnce.Slots();
        Map<Field<?>, Field<?>> computed = new HashMap<>();
        List<Field<?>> asked = new ArrayList<>();
        asked.add(tryLock(slots));
        List<Condition> fits = new ArrayList<>();
        Map<PortRole, Field<Integer>> ports = new EnumMap<>(PortRole.class);
        for (PortRole role : PortRole.values()) {
            if (!shape.auto().contains(role)) {
                // the explicit port is the column's value too, so its slot is in the query even when no check
                // below compares it (every port given)
                Field<Integer> explicit = DSL.cast(slots.slot(EXPLICIT + role.key(), SQLDataType.INTEGER),
                        SQLDataType.INTEGER);
                ports.put(role, explicit);
                computed.put(column(role), explicit);
                continue;
            }
            PortRange pool = policy.pool(role);
            String alias = "p_" + role.key();
            asked.add(IndexedHeld.lowestFreeFrom(pool.from()).as(alias));
            Field<Integer> port = DSL.field(DSL.name(A.last(), alias), Integer.class);
            // (never below the pool: the lowest free port at or above its first)
            fits.add(port.le(DSL.inline(pool.to())));
            ports.put(role, port);
            computed.put(column(role), port);
        }
        // the allocator never hands out one port twice (overlapping pools): leave that case to it. Only a pair
        // with an explicit port, or of automatic ones from overlapping pools, can be equal
        PortRole[] roles = PortRole.values();
        for (int i = 0; i < roles.length; i++) {
            for (int j = i + 1; j < roles.length; j++) {
                boolean autoI = shape.auto().contains(roles[i]);
                boolean autoJ = shape.auto().contains(roles[j]);
                if (autoI && autoJ ? policy.pool(roles[i]).overlaps(policy.pool(roles[j])) : autoI || autoJ) {
                    fits.add(ports.get(roles[i]).ne(ports.get(roles[j])));
                }
            }
        }
        if (shape.subnet() == SubnetRequest.Mode.AUTO) {
            asked.add(DSL.field(IndexedHeld.lowestFreeSubnetSelect(policy.subnetPool(), policy.subnetPrefix()))
                    .as("s"));
            Field<Long> first = DSL.field(DSL.name(A.last(), "s"), Long.class);
            fits.add(first.isNotNull());
            computed.put(CLUSTERS.SUBNET, Inet.block(first, policy.subnetPrefix()));
        }
        return RenderedOnce.render(statement(asked, columnSlots(slots, computed), fits,
                CLUSTERS.HTTP_PORT, CLUSTERS.HTTPS_PORT, CLUSTERS.PF_PORT, CLUSTERS.API_PORT, CLUSTERS.SUBNET), slots);
    }

    /**
     * Inserts a resolved record and returns the stored row, or returns empty when the caller must insert it
     * under the write lock instead (to report a conflict as the store always has, or because the lock was
     * busy).
     */
    public static Optional<ClustersRecord> insert(DSLContext ctx, long lockKey, Environment environment) {
        RenderedOnce statement = rendered(INSERT_SHAPE, OneStatementWrite::insertStatement);
        Map<String, Object> values = slotValues(lockKey, environment);
        return fetch(() -> statement.fetchOptional(ctx, values, CLUSTERS));
    }

    private static final Object INSERT_SHAPE = new Object();

    private static RenderedOnce insertStatement() {
        RenderedOnce.Slots slots = new RenderedOnce.Slots();
        return RenderedOnce.render(statement(List.of(tryLock(slots)), columnSlots(slots, Map.of()), List.of(),
                CLUSTERS.fields()), slots);
    }

    /** The rendered statement of {@code shape}, rendered on first use (a few shapes per process). */
    private static RenderedOnce rendered(Object shape, Supplier<RenderedOnce> render) {
        RenderedOnce r = RENDERED.get(shape);
        if (r == null) {
            r = render.get();
            if (RENDERED.size() < MAX_SHAPES) {
                RENDERED.putIfAbsent(shape, r);
            }
        }
        return r;
    }

    private static final int MAX_SHAPES = 256;
    private static final Map<Object, RenderedOnce> RENDERED = new ConcurrentHashMap<>();

    /** The lock key and every column value of {@code e} (the subnet as text), by slot key. */
    private static Map<String, Object> slotValues(long lockKey, Environment e) {
        // (room for every slot of a create without growing: 16 columns, the lock key, 4 explicit ports)
        Map<String, Object> values = new HashMap<>(32);
        values.put(LOCK, lockKey);
        Rows.columns(e, (column, v) -> values.put(column.getName(), v));
        return values;
    }

    /**
     * The value of every column of {@code clusters}: its expression in {@code computed}, else a slot cast to
     * its type (the subnet's is text cast to cidr).
     */
    private static Map<Field<?>, Field<?>> columnSlots(RenderedOnce.Slots slots, Map<Field<?>, Field<?>> computed) {
        Map<Field<?>, Field<?>> values = new LinkedHashMap<>();
        for (Field<?> column : Rows.values(PROTOTYPE).keySet()) {
            if (computed.containsKey(column)) {
                values.put(column, computed.get(column));
            } else if (column.equals(CLUSTERS.SUBNET)) {
                values.put(column, Inet.cidr(slots.slot(column.getName(), SQLDataType.VARCHAR)));
            } else {
                // typed binds: in INSERT ... SELECT the server does not infer a parameter's type from its column
                values.put(column, DSL.cast(slots.slot(column.getName(), column.getDataType()),
                        column.getDataType()));
            }
        }
        return values;
    }

    private static final Environment PROTOTYPE = Environment.created(EnvironmentSpec.of("prototype", "k3d"),
            new HostPorts(null, null, null, null), null, Instant.EPOCH);

    private static Field<Boolean> tryLock(RenderedOnce.Slots slots) {
        return DSL.function("pg_try_advisory_xact_lock", Boolean.class, slots.slot(LOCK, SQLDataType.BIGINT)).as(GOT);
    }

    /**
     * {@code WITH a AS MATERIALIZED (SELECT <asked>) INSERT INTO clusters (...) SELECT <values> FROM a
     * WHERE a.got AND <fits> RETURNING <returned>}.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Query statement(List<Field<?>> asked, Map<Field<?>, Field<?>> values, List<Condition> fits,
                                   Field<?>... returned) {
        CommonTableExpression<Record> a = A.asMaterialized((org.jooq.ResultQuery<Record>) DSL.select(asked));
        List<Field<?>> columns = new ArrayList<>(values.keySet());
        List<Field<?>> expressions = new ArrayList<>(values.values());
        Field<Boolean> got = DSL.field(DSL.name(A.last(), GOT), Boolean.class);
        return DSL.with(a)
                .insertInto(CLUSTERS)
                .columns(columns)
                .select((org.jooq.Select) DSL.select(expressions).from(a).where(got).and(DSL.and(fits)))
                .returning(returned);
    }

    /**
     * Runs a statement: the returned row, or empty when nothing was inserted or a constraint refused the row
     * (SQLSTATE class 23) or the statement lost a deadlock or serialization check (class 40).
     */
    private static <R> Optional<R> fetch(Supplier<Optional<R>> statement) {
        try {
            return statement.get();
        } catch (DataAccessException e) {
            String state = Failures.sqlState(e);
            if (state != null && (state.startsWith("23") || state.startsWith("40"))) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Field<Integer> column(PortRole role) {
        return switch (role) {
            case HTTP -> CLUSTERS.HTTP_PORT;
            case HTTPS -> CLUSTERS.HTTPS_PORT;
            case PF -> CLUSTERS.PF_PORT;
            case API -> CLUSTERS.API_PORT;
        };
    }
}
