package dev.envctl.store.jdbc.internal;

import dev.envctl.core.Cidr;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.PortRole;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.HeldResources;
import dev.envctl.core.alloc.SubnetHolder;
import dev.envctl.store.jdbc.internal.schema.tables.HeldSubnets;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.QueryPart;
import org.jooq.Record;
import org.jooq.Record1;
import org.jooq.Result;
import org.jooq.Results;
import org.jooq.Select;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.envctl.store.jdbc.internal.schema.Tables.CLUSTERS;
import static dev.envctl.store.jdbc.internal.schema.Tables.HELD_PORTS;
import static dev.envctl.store.jdbc.internal.schema.Tables.HELD_SUBNETS;

/**
 * {@link HeldResources} of one host answered by indexed queries inside the caller's transaction, each costing
 * the same whatever the number of environments, and {@link #prefetch prefetched} in one round trip for a
 * create: a port probe of the {@code held_ports} primary key (host, port), the lowest free port of the host
 * from the partial index of run ends, overlap through the gist exclusion index, the lowest free subnet from
 * the run ends of {@code held_subnets} (one candidate per run of adjacent subnets, each checked by a probe of
 * its primary key). Ports are those of the host's environments, subnets those of every environment. Valid
 * while the transaction that created it holds the store's write lock, taken before its first query. Not
 * thread-safe: one per transaction.
 */
public final class IndexedHeld implements HeldResources {
    private final DSLContext ctx;
    private final String host;
    private final String excluded;
    private final Map<Integer, Integer> prefetchedPorts = new HashMap<>();
    private SubnetAnswer prefetchedSubnet;

    private record SubnetAnswer(Cidr pool, int prefix, Optional<Cidr> answer) {
    }

    /**
     * What counts against an environment on {@code host}: the ports of the environments there and the subnets
     * of all, except what {@code excluded} (the one being updated, or null) holds.
     */
    public IndexedHeld(DSLContext ctx, String host, String excluded) {
        this.ctx = ctx;
        this.host = host;
        this.excluded = excluded;
    }

    private Condition notExcluded(Field<String> name) {
        return excluded == null ? DSL.noCondition() : name.ne(excluded);
    }

    @Override
    public Optional<String> portHolder(int port) {
        return ctx.select(HELD_PORTS.NAME).from(HELD_PORTS)
                .where(HELD_PORTS.HOST.eq(host)).and(HELD_PORTS.PORT.eq(port)).and(notExcluded(HELD_PORTS.NAME))
                .fetchOptional(HELD_PORTS.NAME);
    }

    /**
     * {@code from} itself when free, otherwise one past the end of the run of held ports that contains it:
     * the lowest port at or above {@code from} marked {@code run_end}.
     */
    @Override
    public OptionalInt lowestFreePort(int from, int to) {
        Integer free = prefetchedPorts.containsKey(from) ? prefetchedPorts.get(from)
                : ctx.select(lowestFreeFrom(host, from)).fetchOne(0, Integer.class);
        return free != null && free <= to ? OptionalInt.of(free) : OptionalInt.empty();
    }

    /** The lowest free port of {@code host} at or above {@code from} (65536 when none), as one expression. */
    static Field<Integer> lowestFreeFrom(String host, int from) {
        Field<Integer> start = DSL.inline(from);
        Field<Integer> afterRun = DSL.field(DSL.select(HELD_PORTS.PORT.plus(DSL.inline(1))).from(HELD_PORTS)
                .where(HELD_PORTS.HOST.eq(host)).and(HELD_PORTS.PORT.ge(start)).and(DSL.condition(HELD_PORTS.RUN_END))
                .orderBy(HELD_PORTS.PORT).limit(DSL.inline(1)));
        return DSL.when(DSL.exists(DSL.selectOne().from(HELD_PORTS)
                        .where(HELD_PORTS.HOST.eq(host)).and(HELD_PORTS.PORT.eq(start))), afterRun)
                .otherwise(start);
    }

    /**
     * Runs {@code before} (the store's write lock first, then other reads of the create), then asks what an
     * allocator with {@code policy} will ask for {@code spec}: the lowest free port of each pool and, for an
     * automatic subnet, the lowest free block, all in one
     * {@link #roundTrip round trip}. Later calls with the same arguments are answered from memory; any other call
     * still queries.
     *
     * @return the results of {@code before}, in order
     */
    public List<Result<Record>> prefetch(AllocationPolicy policy, EnvironmentSpec spec, Query... before) {
        List<Integer> starts = Arrays.stream(PortRole.values()).filter(role -> spec.ports().get(role) == null)
                .map(role -> policy.pool(role).from()).distinct().toList();
        List<Field<?>> fields = new ArrayList<>(starts.stream().map(from -> lowestFreeFrom(host, from)).toList());
        boolean subnet = spec.subnet().mode() == SubnetRequest.Mode.AUTO;
        if (subnet) {
            fields.add(DSL.field(lowestFreeSubnetSelect(policy.subnetPool(), policy.subnetPrefix())));
        }
        Results results = roundTrip(ctx, Stream.concat(Stream.of(before), Stream.of(ctx.select(fields)))
                .toArray(QueryPart[]::new));
        Record r = results.get(before.length).get(0);
        for (int i = 0; i < starts.size(); i++) {
            prefetchedPorts.put(starts.get(i), r.get(i, Integer.class));
        }
        if (subnet) {
            prefetchedSubnet = new SubnetAnswer(policy.subnetPool(), policy.subnetPrefix(), Optional
                    .ofNullable(r.get(starts.size(), Long.class)).map(f -> new Cidr(f, policy.subnetPrefix())));
        }
        return results.subList(0, before.length);
    }

    /**
     * Runs {@code queries} in one round trip, in order, and returns their results; under read committed each
     * statement takes its snapshot once the one before has returned, so statements after a lock see every
     * commit made under it.
     */
    public static Results roundTrip(DSLContext ctx, QueryPart... queries) {
        String template = IntStream.range(0, queries.length).mapToObj(i -> "{" + i + "}")
                .collect(Collectors.joining(";\n"));
        return ctx.fetchMany(DSL.resultQuery(template, queries));
    }

    @Override
    public Optional<SubnetHolder> overlapping(Cidr block) {
        return ctx.select(CLUSTERS.NAME, CLUSTERS.SUBNET).from(CLUSTERS)
                .where(overlaps(CLUSTERS.SUBNET, block.toString())).and(notExcluded(CLUSTERS.NAME))
                .orderBy(DSL.field("cast({0} as cidr)", CLUSTERS.SUBNET).desc()).limit(1)
                .fetchOptional(r -> new SubnetHolder(r.value1(), Cidr.parse(r.value2())));
    }

    /**
     * {@code subnet && cidr}: the blocks share an address; served by the gist exclusion index. The generated
     * {@code subnet} field is text (the jOOQ classes come from H2, which has no cidr), so this is a template.
     */
    static Condition overlaps(Field<String> subnet, String cidr) {
        return DSL.condition("{0} && cast({1} as cidr)", subnet, DSL.val(cidr, String.class));
    }

    /**
     * One query: the candidates are the pool's first block and the first aligned block after each run of
     * adjacent held subnets ending inside the pool; the answer is the lowest candidate that fits the pool and
     * overlaps nothing. The lowest free block is always one of them: the block before it is not free, so a
     * run ends inside that block, and the aligned block after that run end is this one.
     */
    @Override
    public Optional<Cidr> lowestFreeSubnet(Cidr pool, int prefix) {
        return prefetchedSubnet != null && prefetchedSubnet.pool().equals(pool) && prefetchedSubnet.prefix() == prefix
                ? prefetchedSubnet.answer()
                : ctx.fetchOptional(lowestFreeSubnetSelect(pool, prefix)).map(Record1::value1)
                .map(first -> new Cidr(first, prefix));
    }

    /**
     * Whether a held subnet shares an address with the block of {@code size} addresses starting at
     * {@code first}: held subnets never overlap one another, so only the one with the greatest first address
     * at or below the block's last address can, and does when it ends at or after {@code first}. One
     * backward probe of the {@code held_subnets} primary key.
     */
    private static Condition heldOverlaps(Field<Long> first, long size) {
        HeldSubnets o = HELD_SUBNETS.as("o");
        Field<Long> lastBelowEnd = DSL.field(DSL.select(o.LAST_ADDRESS).from(o)
                .where(o.FIRST_ADDRESS.le(first.plus(bigint(size - 1))))
                .orderBy(o.FIRST_ADDRESS.desc()).limit(DSL.inline(1)));
        return DSL.coalesce(lastBelowEnd, bigint(-1)).ge(first);
    }

    /**
     * An address number written into the SQL as a {@code bigint} literal (a policy's constant, never input);
     * without the cast a number below 2^31 would be an {@code int} that arithmetic could overflow.
     */
    private static Field<Long> bigint(long value) {
        return DSL.cast(DSL.inline(value), SQLDataType.BIGINT);
    }

    /**
     * The lowest free block's first address (null when none) as a query of its own (unattached), for other
     * statements: the pool's first block if free, else the block after the lowest run end whose block is free
     * (the blocks after run ends only grow with the run end, and lie in the pool exactly when the run ends
     * before the pool's last block), found by walking the run ends in order and stopping at the first (an
     * ordered index scan with a limit). One {@code CASE}: the walk runs only when the first block is held.
     */
    static Select<Record1<Long>> lowestFreeSubnetSelect(Cidr pool, int prefix) {
        if (prefix < pool.prefix()) {
            // no block of the pool (a policy never asks this); the pool's first block would not fit in it
            return DSL.select(DSL.inline(null, SQLDataType.BIGINT));
        }
        long size = 1L << (32 - prefix);
        long lastBlock = pool.last() - size + 1;
        Field<Long> blockSize = bigint(size);
        Field<Long> afterRun = HELD_SUBNETS.LAST_ADDRESS.plus(blockSize).div(blockSize).mul(blockSize);
        Field<Long> poolFirst = bigint(pool.first());
        Field<Long> firstAfterRun = DSL.field(DSL.select(afterRun)
                .from(HELD_SUBNETS)
                .where(DSL.condition(HELD_SUBNETS.RUN_END))
                .and(HELD_SUBNETS.LAST_ADDRESS.between(bigint(pool.first() - 1), bigint(lastBlock - 1)))
                .and(DSL.not(heldOverlaps(afterRun, size)))
                .orderBy(HELD_SUBNETS.LAST_ADDRESS).limit(DSL.inline(1)));
        return DSL.select(DSL.when(DSL.not(heldOverlaps(poolFirst, size)), poolFirst).otherwise(firstAfterRun));
    }
}
