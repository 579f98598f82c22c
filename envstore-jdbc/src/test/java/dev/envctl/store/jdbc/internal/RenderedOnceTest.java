package dev.envctl.store.jdbc.internal;

import dev.envctl.store.jdbc.TestDatabase;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A statement rendered once runs with each run's values at the positions jOOQ rendered them, whatever the
 * order its parts were built in, constants keep their value, nulls stay typed, and input never reaches the
 * SQL text.
 */
class RenderedOnceTest {
    private static final Field<Integer> I = DSL.field(DSL.name("i"), Integer.class);
    private static final Field<String> S = DSL.field(DSL.name("s"), String.class);
    private static final Field<Long> L = DSL.field(DSL.name("l"), Long.class);
    private static final Field<LocalDateTime> T = DSL.field(DSL.name("t"), LocalDateTime.class);
    private static final Field<JSONB> J = DSL.field(DSL.name("j"), JSONB.class);
    private static final Field<Integer> C = DSL.field(DSL.name("c"), Integer.class);

    private static RenderedOnce statement() {
        RenderedOnce.Slots slots = new RenderedOnce.Slots();
        // built in another order than rendered, a constant between slots, one slot used twice
        Field<JSONB> j = DSL.cast(slots.slot("j", SQLDataType.JSONB), SQLDataType.JSONB);
        Field<LocalDateTime> t = DSL.cast(slots.slot("t", SQLDataType.LOCALDATETIME), SQLDataType.LOCALDATETIME);
        Field<Long> l = DSL.cast(slots.slot("l", SQLDataType.BIGINT), SQLDataType.BIGINT);
        Field<String> s = DSL.cast(slots.slot("s", SQLDataType.VARCHAR), SQLDataType.VARCHAR);
        Field<Integer> i = DSL.cast(slots.slot("i", SQLDataType.INTEGER), SQLDataType.INTEGER);
        return RenderedOnce.render(DSL.select(i.as("i"), DSL.val(18080).plus(i).as("c"), s.as("s"), l.as("l"),
                t.as("t"), j.as("j")), slots);
    }

    @Test
    void eachRunBindsItsOwnValuesAtTheirRenderedPositions() throws Exception {
        RenderedOnce statement = statement();
        assertThat(statement.sql()).doesNotContain("envctl-slot").doesNotContain("18080");
        try (Connection c = TestDatabase.dataSource().getConnection()) {
            DSLContext ctx = DSL.using(c, SQLDialect.POSTGRES);
            for (int run = 0; run < 3; run++) {
                Map<String, Object> v = new HashMap<>();
                v.put("i", run);
                v.put("s", "x'); DROP TABLE t; --" + run);
                v.put("l", 1L << 40 + run);
                v.put("t", LocalDateTime.of(2026, 11, 26, 8, run));
                v.put("j", JSONB.valueOf("{\"k\": " + run + "}"));
                Record r = statement.fetchOptional(ctx, v, I, C, S, L, T, J).orElseThrow();
                assertThat(r.get(I)).isEqualTo(run);
                assertThat(r.get(C)).isEqualTo(18080 + run);
                assertThat(r.get(S)).isEqualTo("x'); DROP TABLE t; --" + run);
                assertThat(r.get(L)).isEqualTo(1L << 40 + run);
                assertThat(r.get(T)).isEqualTo(LocalDateTime.of(2026, 11, 26, 8, run));
                assertThat(r.get(J).data()).contains("\"k\": " + run);
            }
            Map<String, Object> nulls = new HashMap<>();
            nulls.put("i", 7);
            Record r = statement.fetchOptional(ctx, nulls, I, C, S, L, T, J).orElseThrow();
            assertThat(r.get(S)).isNull();
            assertThat(r.get(L)).isNull();
            assertThat(r.get(T)).isNull();
            assertThat(r.get(J)).isNull();
        }
    }

    @Test
    void nullsAndValuesAtTheSamePositionsRunTheOnePreparedStatement() throws Exception {
        RenderedOnce statement = statement();
        try (Connection c = TestDatabase.dataSource().getConnection()) {
            // as the store's pool does: prepared on the server from the first run
            c.unwrap(PGConnection.class).setPrepareThreshold(1);
            DSLContext ctx = DSL.using(c, SQLDialect.POSTGRES);
            Map<String, Object> nulls = new HashMap<>();
            nulls.put("i", 1);
            statement.fetchOptional(ctx, nulls, I, C, S, L, T, J).orElseThrow();
            List<String> first = prepared(c, statement);
            Map<String, Object> values = Map.of("i", 2, "s", "s", "l", 3L, "t", LocalDateTime.of(2026, 1, 2, 3, 4),
                    "j", JSONB.valueOf("{}"));
            statement.fetchOptional(ctx, values, I, C, S, L, T, J).orElseThrow();
            statement.fetchOptional(ctx, nulls, I, C, S, L, T, J).orElseThrow();
            // the types jOOQ sends for these Java types; the timestamp goes untyped and takes its cast's type
            assertThat(first).singleElement().asString().endsWith(" {integer,integer,integer,\"character varying\",bigint,"
                    + "\"timestamp without time zone\",\"character varying\"}");
            assertThat(prepared(c, statement)).isEqualTo(first);
        }
    }

    /** The name and parameter types of each server-side prepared statement of {@code c} with the SQL of {@code s}. */
    private static List<String> prepared(Connection c, RenderedOnce s) throws Exception {
        StringBuilder sql = new StringBuilder();
        int n = 0;
        for (char ch : s.sql().toCharArray()) {
            sql.append(ch == '?' ? "$" + ++n : String.valueOf(ch));
        }
        List<String> types = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("select name, parameter_types::text from pg_prepared_statements"
                + " where statement = ?")) {
            p.setString(1, sql.toString());
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    types.add(r.getString(1) + " " + r.getString(2));
                }
            }
        }
        return types;
    }

    @Test
    void aConstraintViolationIsJooqsDataAccessExceptionWithItsSqlState() throws Exception {
        try (Connection c = TestDatabase.dataSource().getConnection()) {
            DSLContext ctx = DSL.using(c, SQLDialect.POSTGRES);
            Table<Record> t = DSL.table(DSL.name("rendered_once_unique"));
            ctx.execute("create temporary table rendered_once_unique (i int primary key)");
            RenderedOnce.Slots slots = new RenderedOnce.Slots();
            RenderedOnce insert = RenderedOnce.render(DSL.insertInto(t).columns(I)
                    .values(slots.slot("i", SQLDataType.INTEGER)).returning(I), slots);
            Map<String, Object> one = Map.of("i", 1);
            assertThat(insert.fetchOptional(ctx, one, I).orElseThrow().get(I)).isEqualTo(1);
            assertThatThrownBy(() -> insert.fetchOptional(ctx, one, I))
                    .isInstanceOf(IntegrityConstraintViolationException.class)
                    .satisfies(e -> assertThat(Failures.sqlState(e)).isEqualTo("23505"))
                    .hasMessageStartingWith("SQL [" + insert.sql() + "]; ");
        }
    }

    @Test
    void aSlotMissingFromTheRenderedQueryIsABug() {
        RenderedOnce.Slots slots = new RenderedOnce.Slots();
        slots.slot("unused", SQLDataType.INTEGER);
        assertThatThrownBy(() -> RenderedOnce.render(DSL.select(slots.slot("used", SQLDataType.INTEGER)), slots))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("unused");
    }
}
