package dev.envctl.store.jdbc.internal;

import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.QueryPart;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.impl.DSL;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the role logged in lacks to use a store's schema: USAGE on the schema; SELECT, INSERT, UPDATE and DELETE on
 * the four tables (the triggers run as the caller, so writing {@code clusters} needs the held tables too); SELECT
 * on the schema history; for a {@code clusters} table not adopted yet, its ownership, since adopting alters
 * it; for a schema to migrate, the ownership of {@code clusters} and INSERT on the schema history, since the
 * migrations alter envctl's tables and are recorded in the history; and, for a schema without envctl's tables yet,
 * CREATE on the schema, since migrating makes them. One select, to run on its own or in a round trip with others;
 * every name is a bind value. Immutable.
 */
public final class Privileges {
    private static final List<String> TABLES = List.of("clusters", "hosts", "held_ports", "held_subnets");
    private static final List<String> WRITES = List.of("SELECT", "INSERT", "UPDATE", "DELETE");

    /** What an application role needs, as the messages say it (postgresql.md gives the GRANT statements). */
    static final String GRANTS_NEEDED = "USAGE on the schema, SELECT, INSERT, UPDATE and DELETE on tables "
            + String.join(", ", TABLES.subList(0, TABLES.size() - 1)) + " and " + TABLES.get(TABLES.size() - 1)
            + " and SELECT on " + Migrations.HISTORY_TABLE;

    /**
     * What the role is to do: use envctl's tables, adopt a {@code clusters} table envctl has not adopted yet (the
     * only one there is), use a schema behind this envctl's after migrating it, or make envctl's tables in a schema
     * that has none yet.
     */
    public enum Purpose { USE, ADOPT, MIGRATE, CREATE }

    private final Purpose purpose;
    private final String schema;
    /**
     * Each privilege, as messages name it, and the expression checking it; in the order of the select. Plain text
     * and bind values until {@link #query} makes the fields, so that making a store does not wait for jOOQ's first
     * use, which its opening runs beside the login.
     */
    private final Map<String, Check> checks = new LinkedHashMap<>();

    /** An SQL expression whose {@code {0}}, {@code {1}} are {@code binds}, as bind values. */
    private record Check(String sql, List<String> binds) {
        Field<Boolean> field() {
            return DSL.field(sql, Boolean.class, binds.stream().map(DSL::val).toArray(QueryPart[]::new));
        }
    }

    public Privileges(String schema, Purpose purpose) {
        this.purpose = purpose;
        this.schema = schema;
        checks.put("USAGE on schema " + schema, onSchema(schema, "USAGE"));
        if (purpose == Purpose.CREATE) {
            checks.put(CREATE + schema, onSchema(schema, "CREATE"));
        } else if (purpose == Purpose.ADOPT) {
            checks.put("SELECT on clusters", onTable(schema, "clusters", "SELECT"));
            checks.put("ownership of table clusters (adopting it alters it)", ownership(schema, "clusters"));
        } else {
            for (String table : TABLES) {
                for (String privilege : WRITES) {
                    checks.put(privilege + " on " + table, onTable(schema, table, privilege));
                }
            }
            checks.put("SELECT on " + Migrations.HISTORY_TABLE, onTable(schema, Migrations.HISTORY_TABLE, "SELECT"));
            if (purpose == Purpose.MIGRATE) {
                checks.put(MIGRATING_OWNERSHIP, ownership(schema, "clusters"));
                checks.put(MIGRATING_HISTORY, onTable(schema, Migrations.HISTORY_TABLE, "INSERT"));
            }
        }
    }

    /** The checks and the current user, one row. */
    public Select<Record> query(DSLContext ctx) {
        List<Field<?>> select = new ArrayList<>();
        checks.values().forEach(c -> select.add(c.field()));
        select.add(DSL.currentUser());
        return ctx.select(select);
    }

    /** One line naming the role and what it lacks, or {@code null} when it lacks nothing, from {@link #query}'s row. */
    public String missing(Record r) {
        List<String> lacking = new ArrayList<>();
        int i = 0;
        for (String name : checks.keySet()) {
            // null: no such table (a schema opened with jdbc.migrate=off); its reads and writes say so
            if (Boolean.FALSE.equals(r.get(i++, Boolean.class))) {
                lacking.add(name);
            }
        }
        if (lacking.isEmpty()) {
            return null;
        }
        String role = r.get(checks.size(), String.class);
        boolean migrating = lacking.contains(MIGRATING_OWNERSHIP) || lacking.contains(MIGRATING_HISTORY);
        boolean creating = lacking.contains(CREATE + schema);
        return "role " + role + " lacks " + String.join(", ", lacking) + (purpose == Purpose.ADOPT
                ? "; adopting table clusters needs its owner: migrate the schema logged in as the owner, or grant "
                + role + " that role" : migrating || creating ? ", so every opening with jdbc.migrate=auto fails "
                + "until the schema is migrated: migrate it logged in as " + (creating ? "a role that may create "
                + "tables in it, or grant " + role + " CREATE on schema " + schema : "the owner of its tables, or "
                + "grant " + role + " that role") : ", so writes fail; grant " + role + " " + GRANTS_NEEDED)
                + ", or log in as another user (jdbc.user)";
    }

    /**
     * The roles, other than PostgreSQL's predefined ones, that may insert, update or delete rows of {@code clusters}
     * but lack a privilege on {@code held_ports} or {@code held_subnets}, each with what it lacks, as one line; or
     * {@code null} when there are none. The triggers that keep the held tables in step run as the role that writes
     * {@code clusters}, so every such write of theirs fails: the Kindler scripts' {@code psql}, say, logged in as
     * the role that owned the table before another role migrated it.
     */
    public static String writersLackingHeldTables(DSLContext ctx, String schema) {
        Field<String> role = DSL.field("r.rolname", String.class);
        Map<String, Field<Boolean>> held = new LinkedHashMap<>();
        for (String table : List.of("held_ports", "held_subnets")) {
            for (String privilege : WRITES) {
                held.put(privilege + " on " + table, ofRole(schema, table, privilege).field());
            }
        }
        Condition writesClusters = DSL.or(List.of("INSERT", "UPDATE", "DELETE").stream()
                .map(privilege -> DSL.condition(ofRole(schema, "clusters", privilege).field())).toList());
        List<String> names = List.copyOf(held.keySet());
        List<String> lines = ctx.select(role).select(held.values()).from(DSL.table("pg_roles r"))
                .where(DSL.condition("r.rolname !~ '^pg_'")).and(writesClusters)
                .and(DSL.not(DSL.and(held.values().stream().map(DSL::condition).toList())))
                .orderBy(role).fetch(r -> {
                    List<String> lacking = new ArrayList<>();
                    for (int i = 0; i < names.size(); i++) {
                        if (!Boolean.TRUE.equals(r.get(i + 1, Boolean.class))) {
                            lacking.add(names.get(i));
                        }
                    }
                    return "role " + r.get(role) + " may write table clusters but lacks " + String.join(", ", lacking)
                            + ", so its writes of clusters fail (the triggers that keep held_ports and held_subnets "
                            + "in step run as the writer): grant " + r.get(role) + " SELECT, INSERT, UPDATE and "
                            + "DELETE on held_ports and held_subnets";
                });
        return lines.isEmpty() ? null : String.join("; ", lines);
    }

    /** What only migrating a schema needs, as messages name it. */
    private static final String MIGRATING_OWNERSHIP = "ownership of table clusters (migrating the schema alters it)";
    private static final String MIGRATING_HISTORY = "INSERT on " + Migrations.HISTORY_TABLE + " (migrating the schema "
            + "records itself there)";

    private static final String CREATE = "CREATE on schema ";

    private static Check onSchema(String schema, String privilege) {
        return new Check("has_schema_privilege((select oid from pg_namespace where nspname = {0}), {1})",
                List.of(schema, privilege));
    }

    /** Whether the role is, or is a member of, the owner of {@code table}. */
    private static Check ownership(String schema, String table) {
        return new Check("pg_has_role((select relowner from pg_class where oid = to_regclass({0})), 'USAGE')",
                List.of(qualified(schema, table)));
    }

    private static Check onTable(String schema, String table, String privilege) {
        return new Check("has_table_privilege(to_regclass({0}), {1})", List.of(qualified(schema, table), privilege));
    }

    /** {@link #onTable} for each role of {@code pg_roles r}. */
    private static Check ofRole(String schema, String table, String privilege) {
        return new Check("has_table_privilege(r.oid, to_regclass({0}), {1})",
                List.of(qualified(schema, table), privilege));
    }

    /** {@code "schema"."table"}, as to_regclass parses its text argument: a bind value, never SQL. */
    private static String qualified(String schema, String table) {
        return quoted(schema) + "." + quoted(table);
    }

    private static String quoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
