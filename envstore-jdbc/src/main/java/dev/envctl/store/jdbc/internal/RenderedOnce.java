package dev.envctl.store.jdbc.internal;

import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Param;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.DataException;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.exception.TooManyRowsException;
import org.jooq.impl.DSL;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A jOOQ query rendered once and then run many times with other bind values: rendering a create's
 * fifty-parameter statement costs as much as the server's whole insert, and its SQL text depends only on
 * the statement's shape (which roles and subnet are allocated, the pools), not on the values.
 *
 * <p>The query is built with {@link Slots#slot slots}: bind values holding a sentinel that no other value of
 * the query can equal (values outside every port, address and lock key range the query holds). After
 * rendering, each bind position is matched to its slot by its sentinel, so the positions are those of
 * jOOQ's own rendering, whatever order it visits the parts in; the other positions keep the value the
 * query was built with. Each run binds every position as a typed JDBC parameter ({@code ?} in the SQL): no
 * value is ever pasted into the SQL text.
 *
 * <p>The query is built, typed and rendered by jOOQ; only its execution bypasses jOOQ. Run as a jOOQ plain
 * SQL query, each execution parsed the rendered template's fifty {@code ?} again, bound through jOOQ's
 * bindings and built jOOQ's execute scaffolding and records. So a run prepares the SQL on the
 * {@code DSLContext}'s connection (pgjdbc keeps the server-side statement per SQL text), binds each position
 * with the parameter type jOOQ 3.19 sends for {@code POSTGRES} ({@link JdbcType}: the server sees the
 * parameter types it saw before, and a null never makes pgjdbc prepare again), reads the row into a jOOQ
 * record (or, for a create, plain values), and turns a
 * {@link SQLException} into the exception jOOQ's execution throws. Measured with the creates probe (blocks
 * of 100 store creates interleaved with the same statement through JDBC with a kept
 * {@code PreparedStatement}, embedded PostgreSQL 17, 2 noisy cores): a store create took 1.04-1.13 ms and
 * 0.26-0.27 ms of client CPU, the raw statement 0.75-0.76 ms and 0.06 ms; executing through JDBC brought the
 * create to 0.92 ms and 0.16 ms of CPU, and with cheaper slot values ({@link OneStatementWrite}) to
 * 0.90-0.91 ms and 0.12-0.13 ms against 0.77-0.81 ms and 0.06-0.07 ms raw. The rest was the store's own work
 * around the statement (pool, environment records, a prepared statement object per run); with timestamps as
 * text and the create's row as plain values, the store's wall time later matched the raw statement's.
 *
 * <p>Immutable, thread-safe.
 */
final class RenderedOnce {
    private static final DSLContext RENDER = DSL.using(SQLDialect.POSTGRES,
            new Settings().withExecuteLogging(false));
    private static final LocalDateTime SENTINEL_TIME = LocalDateTime.of(1, 1, 1, 0, 0);

    private final String sql;
    private final String[] slotAt;
    private final JdbcType[] typeAt;
    private final Object[] constantAt;

    /** Collects the slots of one query as it is built; not thread-safe. */
    static final class Slots {
        private final List<String> keys = new ArrayList<>();
        private final List<DataType<?>> types = new ArrayList<>();
        private final List<Object> sentinels = new ArrayList<>();

        /** A bind value that {@link RenderedOnce#fetchOptional} fills with {@code values.get(key)}. */
        <T> Param<T> slot(String key, DataType<T> type) {
            int k = keys.size();
            Object sentinel = sentinel(type.getType(), k);
            keys.add(key);
            types.add(type);
            sentinels.add(sentinel);
            return DSL.val(type.getType().cast(sentinel), type);
        }

        private static Object sentinel(Class<?> type, int k) {
            if (type == String.class) {
                return "\u0000envctl-slot-" + k;
            } else if (type == Integer.class) {
                return Integer.MIN_VALUE + k;
            } else if (type == Long.class) {
                return Long.MIN_VALUE + k;
            } else if (type == LocalDateTime.class) {
                return SENTINEL_TIME.plusSeconds(k);
            } else if (type == JSONB.class) {
                return JSONB.valueOf("{\"\\u0000envctl-slot\": " + k + "}");
            }
            throw new IllegalArgumentException("no slot sentinel for " + type.getName());
        }
    }

    private RenderedOnce(String sql, String[] slotAt, JdbcType[] typeAt, Object[] constantAt) {
        this.sql = sql;
        this.slotAt = slotAt;
        this.typeAt = typeAt;
        this.constantAt = constantAt;
    }

    /**
     * Renders {@code query}, built with {@code slots}.
     *
     * @throws IllegalStateException when a slot does not appear in the rendered query or a bind value matches
     *                               two slots (a bug of the caller)
     */
    static RenderedOnce render(Query query, Slots slots) {
        String sql = RENDER.render(query);
        List<Object> binds = RENDER.extractBindValues(query);
        int n = binds.size();
        String[] slotAt = new String[n];
        JdbcType[] typeAt = new JdbcType[n];
        Object[] constantAt = new Object[n];
        boolean[] used = new boolean[slots.keys.size()];
        for (int i = 0; i < n; i++) {
            Object b = binds.get(i);
            for (int k = 0; k < slots.sentinels.size(); k++) {
                if (slots.sentinels.get(k).equals(b)) {
                    if (slotAt[i] != null) {
                        throw new IllegalStateException("bind value " + i + " matches two slots");
                    }
                    slotAt[i] = slots.keys.get(k);
                    typeAt[i] = JdbcType.of(slots.types.get(k).getType());
                    used[k] = true;
                }
            }
            if (slotAt[i] == null) {
                if (b == null) {
                    throw new IllegalStateException("bind value " + i + " is a null constant");
                }
                constantAt[i] = b;
                typeAt[i] = JdbcType.of(b.getClass());
            }
        }
        for (int k = 0; k < used.length; k++) {
            if (!used[k]) {
                throw new IllegalStateException("slot " + slots.keys.get(k) + " is not in the rendered query");
            }
        }
        return new RenderedOnce(sql, slotAt, typeAt, constantAt);
    }

    /** The rendered SQL, with {@code ?} for every bind value. */
    String sql() {
        return sql;
    }

    /**
     * Runs the statement on {@code ctx}'s connection, each slot bound to {@code values.get(its key)}: its one
     * row, typed as {@code fields} (the columns it returns, in order), or empty when it returns none. A
     * failure is the {@link DataAccessException} jOOQ's own execution throws.
     *
     * @throws TooManyRowsException when the statement returns more than one row
     */
    Optional<Record> fetchOptional(DSLContext ctx, Map<String, ?> values, Field<?>... fields) {
        return fetchOptional(ctx, values, fields, () -> ctx.newRecord(fields));
    }

    /** As {@link #fetchOptional(DSLContext, Map, Field[])}, the row a record of {@code table} (all its fields). */
    <R extends Record> Optional<R> fetchOptional(DSLContext ctx, Map<String, ?> values, Table<R> table) {
        return fetchOptional(ctx, values, table.fields(), () -> ctx.newRecord(table));
    }

    private <R extends Record> Optional<R> fetchOptional(DSLContext ctx, Map<String, ?> values, Field<?>[] fields,
                                                         Supplier<R> newRecord) {
        return run(ctx, values, r -> read(r, fields, newRecord.get()));
    }

    /**
     * As {@link #fetchOptional(DSLContext, Map, Field[])}, the row as plain values read with {@code types} (one
     * per returned column, in order), without a jOOQ record.
     */
    Optional<Object[]> fetchRow(DSLContext ctx, Map<String, ?> values, JdbcType... types) {
        return run(ctx, values, r -> {
            Object[] row = new Object[types.length];
            for (int i = 0; i < types.length; i++) {
                row[i] = types[i].get(r, i + 1);
            }
            return row;
        });
    }

    /** How a row is read from the result set's current row. */
    private interface RowReader<T> {
        T read(ResultSet r) throws SQLException;
    }

    private <T> Optional<T> run(DSLContext ctx, Map<String, ?> values, RowReader<T> reader) {
        return ctx.connectionResult(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < slotAt.length; i++) {
                    typeAt[i].set(s, i + 1, slotAt[i] == null ? constantAt[i] : values.get(slotAt[i]));
                }
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    T row = reader.read(r);
                    if (r.next()) {
                        throw new TooManyRowsException("Cursor returned more than one result");
                    }
                    return Optional.of(row);
                }
            } catch (SQLException e) {
                throw translate(e);
            }
        });
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <R extends Record> R read(ResultSet r, Field<?>[] fields, R row) throws SQLException {
        for (int i = 0; i < fields.length; i++) {
            row.set((Field) fields[i], JdbcType.of(fields[i].getType()).get(r, i + 1));
        }
        row.changed(false);
        return row;
    }

    /** What jOOQ's execution throws for {@code e} ({@code Tools.translate}, not public API). */
    private DataAccessException translate(SQLException e) {
        String message = "SQL [" + sql + "]; " + e.getMessage();
        return switch (DataAccessException.sqlStateClass(e)) {
            case C22_DATA_EXCEPTION -> new DataException(message, e);
            case C23_INTEGRITY_CONSTRAINT_VIOLATION -> new IntegrityConstraintViolationException(message, e);
            default -> new DataAccessException(message, e);
        };
    }
}
