package dev.envctl.store.jdbc.internal;

import dev.envctl.store.jdbc.TestDatabase;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.LocalDateTime;
import java.util.HashMap;
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
                Record r = statement.query(ctx, v, I, C, S, L, T, J).fetchOne();
                assertThat(r.get(I)).isEqualTo(run);
                assertThat(r.get(C)).isEqualTo(18080 + run);
                assertThat(r.get(S)).isEqualTo("x'); DROP TABLE t; --" + run);
                assertThat(r.get(L)).isEqualTo(1L << 40 + run);
                assertThat(r.get(T)).isEqualTo(LocalDateTime.of(2026, 11, 26, 8, run));
                assertThat(r.get(J).data()).contains("\"k\": " + run);
            }
            Map<String, Object> nulls = new HashMap<>();
            nulls.put("i", 7);
            Record r = statement.query(ctx, nulls, I, C, S, L, T, J).fetchOne();
            assertThat(r.get(S)).isNull();
            assertThat(r.get(L)).isNull();
            assertThat(r.get(T)).isNull();
            assertThat(r.get(J)).isNull();
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
