package dev.envctl.store.jdbc.internal;

import org.jooq.JSONB;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;

/**
 * How {@link RenderedOnce} binds and reads the few Java types of the store's statements, with the parameter
 * types jOOQ 3.19 sends for {@code POSTGRES} ({@code DefaultBinding}; timestamps as text, not through
 * {@code java.sql.Timestamp}, see {@link #TIMESTAMP}): a null is bound with the SQL type of a value of its Java
 * type, so pgjdbc sends the same parameter type either way and keeps the statement the server prepared. The
 * types pgjdbc sends are those jOOQ's bindings make it send: int4, int8, varchar (also for JSONB text, which
 * the statement casts), and no type for a timestamp, typed by the statement's cast.
 */
enum JdbcType {
    INTEGER(Integer.class, Types.INTEGER) {
        @Override
        void setValue(PreparedStatement s, int i, Object v) throws SQLException {
            s.setInt(i, (Integer) v);
        }

        @Override
        Object get(ResultSet r, int i) throws SQLException {
            int v = r.getInt(i);
            return r.wasNull() ? null : v;
        }
    },
    BIGINT(Long.class, Types.BIGINT) {
        @Override
        void setValue(PreparedStatement s, int i, Object v) throws SQLException {
            s.setLong(i, (Long) v);
        }

        @Override
        Object get(ResultSet r, int i) throws SQLException {
            long v = r.getLong(i);
            return r.wasNull() ? null : v;
        }
    },
    VARCHAR(String.class, Types.VARCHAR) {
        @Override
        void setValue(PreparedStatement s, int i, Object v) throws SQLException {
            s.setString(i, (String) v);
        }

        @Override
        Object get(ResultSet r, int i) throws SQLException {
            return r.getString(i);
        }
    },
    /** JSONB as its text, a varchar parameter: the statement casts it ({@code cast(? as jsonb)}). */
    JSONB_TEXT(JSONB.class, Types.VARCHAR) {
        @Override
        void setValue(PreparedStatement s, int i, Object v) throws SQLException {
            s.setString(i, ((JSONB) v).data());
        }

        @Override
        Object get(ResultSet r, int i) throws SQLException {
            String v = r.getString(i);
            return v == null ? null : JSONB.valueOf(v);
        }
    },
    /**
     * Untyped, as jOOQ's binding (through {@link Timestamp}) makes pgjdbc send it, like a null: the statement's
     * cast types it. The text is the value's own ISO form, which PostgreSQL reads as a timestamp: pgjdbc's
     * {@code Timestamp} path converted it to an instant and back through the JVM's time zone with
     * {@code Calendar}s, a sixth of the store's client CPU per create (and a local time in a daylight-saving gap
     * of that zone came out an hour later). Years outside 1 to 9999, which the ISO form writes differently,
     * still go through {@code Timestamp}.
     */
    TIMESTAMP(LocalDateTime.class, Types.TIMESTAMP) {
        @Override
        void setValue(PreparedStatement s, int i, Object v) throws SQLException {
            LocalDateTime t = (LocalDateTime) v;
            if (t.getYear() >= 1 && t.getYear() <= 9999) {
                s.setObject(i, t.toString(), Types.OTHER);
            } else {
                s.setTimestamp(i, Timestamp.valueOf(t));
            }
        }

        /** Parsed by pgjdbc without a time zone (through {@code Timestamp} it would pass the JVM's). */
        @Override
        Object get(ResultSet r, int i) throws SQLException {
            return r.getObject(i, LocalDateTime.class);
        }
    };

    private static final JdbcType[] ALL = values();

    private final Class<?> javaType;
    private final int sqlType;

    JdbcType(Class<?> javaType, int sqlType) {
        this.javaType = javaType;
        this.sqlType = sqlType;
    }

    /** The binding of {@code type}; an unknown type is a bug of the statement's builder. */
    static JdbcType of(Class<?> type) {
        for (JdbcType t : ALL) {
            if (t.javaType == type) {
                return t;
            }
        }
        throw new IllegalArgumentException("no JDBC binding for " + type.getName());
    }

    /** Binds {@code value}, or a null of this type, at position {@code i}. */
    final void set(PreparedStatement s, int i, Object value) throws SQLException {
        if (value == null) {
            s.setNull(i, sqlType);
        } else {
            setValue(s, i, value);
        }
    }

    abstract void setValue(PreparedStatement s, int i, Object value) throws SQLException;

    /** The value of column {@code i} of the current row, as this Java type. */
    abstract Object get(ResultSet r, int i) throws SQLException;
}
