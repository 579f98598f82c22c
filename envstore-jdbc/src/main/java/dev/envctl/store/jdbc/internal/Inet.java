package dev.envctl.store.jdbc.internal;

import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * The few PostgreSQL {@code cidr}/{@code inet} expressions jOOQ has no API for, as fixed templates whose
 * values are always bind parameters. The generated {@code subnet} field is a {@code String} (the jOOQ
 * classes come from H2, which has no cidr type).
 */
public final class Inet {
    private Inet() {
    }

    /** A bound text value cast to {@code cidr} (or SQL NULL), for writing the subnet column. */
    public static Field<String> cidr(String value) {
        return DSL.field("cast({0} as cidr)", String.class, DSL.val(value, String.class));
    }

    /** {@code subnet && cidr}: the blocks share an address; served by the gist exclusion index. */
    public static Condition overlaps(Field<String> subnet, String cidr) {
        return DSL.condition("{0} && cast({1} as cidr)", subnet, DSL.val(cidr, String.class));
    }
}
