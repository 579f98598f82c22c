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
import org.jooq.Record;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    private OneStatementWrite() {
    }

    /**
     * Creates {@code spec} with ports and subnet allocated by {@code policy}'s lowest-free rule, or returns
     * empty when the caller must create it under the write lock instead.
     */
    public static Optional<Environment> create(DSLContext ctx, long lockKey, AllocationPolicy policy,
                                               EnvironmentSpec spec, Instant now) {
        Map<Field<?>, Object> values = Rows.values(Environment.created(spec, spec.ports(), null, now));
        List<Field<?>> asked = new ArrayList<>();
        asked.add(tryLock(lockKey));
        List<Condition> fits = new ArrayList<>();
        Map<PortRole, Field<Integer>> ports = new EnumMap<>(PortRole.class);
        for (PortRole role : PortRole.values()) {
            Integer explicit = spec.ports().get(role);
            if (explicit != null) {
                ports.put(role, DSL.val(explicit));
                continue;
            }
            PortRange pool = policy.pool(role);
            String alias = "p_" + role.key();
            asked.add(IndexedHeld.lowestFreeFrom(pool.from()).as(alias));
            Field<Integer> port = DSL.field(DSL.name(A.last(), alias), Integer.class);
            fits.add(port.between(pool.from(), pool.to()));
            ports.put(role, port);
            values.put(column(role), port);
        }
        // the allocator never hands out one port twice (overlapping pools): leave that case to it
        PortRole[] roles = PortRole.values();
        for (int i = 0; i < roles.length; i++) {
            for (int j = i + 1; j < roles.length; j++) {
                if (spec.ports().get(roles[i]) == null || spec.ports().get(roles[j]) == null) {
                    fits.add(ports.get(roles[i]).ne(ports.get(roles[j])));
                }
            }
        }
        SubnetRequest subnet = spec.subnet();
        if (subnet.mode() == SubnetRequest.Mode.AUTO) {
            asked.add(DSL.field(IndexedHeld.lowestFreeSubnetSelect(policy.subnetPool(), policy.subnetPrefix()))
                    .as("s"));
            Field<Long> first = DSL.field(DSL.name(A.last(), "s"), Long.class);
            fits.add(first.isNotNull());
            values.put(CLUSTERS.SUBNET, Inet.block(first, policy.subnetPrefix()));
        } else if (subnet.mode() == SubnetRequest.Mode.EXPLICIT) {
            values.put(CLUSTERS.SUBNET, Inet.cidr(subnet.cidr().toString()));
        }
        Optional<? extends Record> r = insert(ctx, asked, values, fits,
                CLUSTERS.HTTP_PORT, CLUSTERS.HTTPS_PORT, CLUSTERS.PF_PORT, CLUSTERS.API_PORT, CLUSTERS.SUBNET);
        return r.map(row -> {
            String block = row.get(CLUSTERS.SUBNET);
            return Environment.created(spec, new HostPorts(row.get(CLUSTERS.HTTP_PORT), row.get(CLUSTERS.HTTPS_PORT),
                    row.get(CLUSTERS.PF_PORT), row.get(CLUSTERS.API_PORT)), block == null ? null : Cidr.parse(block),
                    now);
        });
    }

    /**
     * Inserts a resolved record and returns the stored row, or returns empty when the caller must insert it
     * under the write lock instead (to report a conflict as the store always has, or because the lock was
     * busy).
     */
    public static Optional<ClustersRecord> insert(DSLContext ctx, long lockKey, Environment environment) {
        return insert(ctx, List.of(tryLock(lockKey)), Rows.values(environment), List.of(), CLUSTERS.fields())
                .map(r -> r.into(ClustersRecord.class));
    }

    private static Field<Boolean> tryLock(long lockKey) {
        return DSL.function("pg_try_advisory_xact_lock", Boolean.class, DSL.val(lockKey)).as(GOT);
    }

    /**
     * {@code WITH a AS MATERIALIZED (SELECT <asked>) INSERT INTO clusters (...) SELECT <values> FROM a
     * WHERE a.got AND <fits> RETURNING <returned>}; empty when nothing was inserted or a constraint refused
     * the row (SQLSTATE class 23) or the statement lost a deadlock or serialization check (class 40).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Optional<? extends Record> insert(DSLContext ctx, List<Field<?>> asked,
                                                     Map<Field<?>, Object> values, List<Condition> fits,
                                                     Field<?>... returned) {
        CommonTableExpression<Record> a = A.asMaterialized((org.jooq.ResultQuery<Record>) DSL.select(asked));
        List<Field<?>> columns = new ArrayList<>(values.keySet());
        List<Field<?>> expressions = new ArrayList<>();
        for (Field<?> column : columns) {
            Object v = values.get(column);
            // typed binds: in INSERT ... SELECT the server does not infer a parameter's type from its column
            expressions.add(v instanceof Field<?> f ? f : DSL.cast(DSL.val(v, (Field) column), column.getDataType()));
        }
        Field<Boolean> got = DSL.field(DSL.name(A.last(), GOT), Boolean.class);
        try {
            return ctx.with(a)
                    .insertInto(CLUSTERS)
                    .columns(columns)
                    .select((org.jooq.Select) DSL.select(expressions).from(a).where(got).and(DSL.and(fits)))
                    .returning(returned)
                    .fetchOptional();
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
