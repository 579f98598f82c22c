package dev.envctl.store.jdbc.internal;

import org.jooq.BindingGetResultSetContext;
import org.jooq.BindingSQLContext;
import org.jooq.BindingSetStatementContext;
import org.jooq.Converter;
import org.jooq.Converters;
import org.jooq.impl.AbstractBinding;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;

/**
 * jOOQ's binding of the {@code timestamp} columns of {@code clusters} (UTC date-times as {@link LocalDateTime}),
 * without {@link java.sql.Timestamp}: jOOQ's own binding goes through {@code Timestamp}, which pgjdbc converts
 * in the JVM's time zone, so a UTC time inside that zone's spring-forward gap (02:30 on 29 March 2026 in
 * Europe/Berlin) moved an hour. Values go as the untyped ISO text of the {@code LocalDateTime} (the server types
 * them by their column or cast) and are read with {@code getObject(i, LocalDateTime.class)}, which pgjdbc parses
 * without a time zone. Years outside 1 to 9999, which the ISO form writes differently, still go through
 * {@code Timestamp}. Set by the code generator (a forced type in this module's pom) on {@code created_at} and
 * {@code updated_at}. Stored procedure out parameters (the store calls no procedure) and SQL input and output
 * streams are not supported.
 */
public final class UtcTimestampBinding extends AbstractBinding<LocalDateTime, LocalDateTime> {
    private static final long serialVersionUID = 1L;
    private static final Converter<LocalDateTime, LocalDateTime> SAME = Converters.identity(LocalDateTime.class);

    @Override
    public Converter<LocalDateTime, LocalDateTime> converter() {
        return SAME;
    }

    /** A timestamp literal; {@link AbstractBinding#sql} renders a bind variable or, inlined, {@code null} itself. */
    @Override
    protected void sqlInline(BindingSQLContext<LocalDateTime> ctx) {
        ctx.render().visit(DSL.inline(ctx.value(), SQLDataType.LOCALDATETIME));
    }

    @Override
    public void set(BindingSetStatementContext<LocalDateTime> ctx) throws SQLException {
        LocalDateTime t = ctx.value();
        if (t == null) {
            ctx.statement().setNull(ctx.index(), Types.TIMESTAMP);
        } else if (t.getYear() >= 1 && t.getYear() <= 9999) {
            ctx.statement().setObject(ctx.index(), t.toString(), Types.OTHER);
        } else {
            ctx.statement().setTimestamp(ctx.index(), Timestamp.valueOf(t));
        }
    }

    @Override
    public void get(BindingGetResultSetContext<LocalDateTime> ctx) throws SQLException {
        ctx.value(ctx.resultSet().getObject(ctx.index(), LocalDateTime.class));
    }
}
