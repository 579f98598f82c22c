package dev.envctl.store.jdbc.internal;

import dev.envctl.core.Cidr;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Validation;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import java.util.ArrayList;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;

import static dev.envctl.store.jdbc.internal.schema.Tables.CLUSTERS;

/**
 * Reads the rows of an existing {@code clusters} table (only its own columns) and lists every row that breaks
 * an invariant envctl's schema enforces: a host port held twice (across all roles), overlapping subnets, a
 * port (node port included) out of range, a name or provider id envctl cannot use; and every view on the table
 * (adoption changes column types, which PostgreSQL refuses under a view). Runs before anything is changed.
 */
public final class AdoptionCheck {
    private AdoptionCheck() {
    }

    private record Block(String name, Cidr cidr) {
    }

    /**
     * Every conflict of table {@code clusters} in {@code schema}, one line each, in a stable order; empty when the
     * rows can be adopted. The views are looked up in {@code schema} by name, not in the session's current schema,
     * which behind a transaction pooler another client may have set.
     */
    public static List<String> conflicts(DSLContext ctx, String schema) {
        List<String> problems = new ArrayList<>();
        Map<Integer, List<String>> ports = new TreeMap<>();
        List<Block> blocks = new ArrayList<>();
        for (var r : ctx.select(CLUSTERS.NAME, CLUSTERS.HTTP_PORT, CLUSTERS.HTTPS_PORT, CLUSTERS.PF_PORT,
                CLUSTERS.SUBNET, CLUSTERS.NODE_PORT, CLUSTERS.PROVIDER).from(CLUSTERS).orderBy(CLUSTERS.NAME).fetch()) {
            String name = r.value1();
            try {
                Validation.requireName(name);
            } catch (EnvctlException e) {
                problems.add("name '" + Validation.printable(name) + "' is not a valid environment name "
                        + "(1 to 32 characters a-z, 0-9 and '-')");
            }
            if (r.value7() != null) {
                try {
                    Validation.requireProviderId(r.value7());
                } catch (EnvctlException e) {
                    problems.add("provider '" + Validation.printable(r.value7()) + "' of " + name
                            + " is not a valid provider id (lowercase letters, digits and '-')");
                }
            }
            port(problems, ports, name, "http", r.value2());
            port(problems, ports, name, "https", r.value3());
            port(problems, ports, name, "pf", r.value4());
            // the node port is the cluster's own, not a host port: only its range is an invariant
            if (r.value6() != null && outOfRange(r.value6())) {
                problems.add("node port " + r.value6() + " of " + name + " is out of range 1-65535");
            }
            if (r.value5() != null) {
                try {
                    blocks.add(new Block(name, Cidr.parse(r.value5())));
                } catch (EnvctlException e) {
                    problems.add("subnet " + r.value5() + " of " + name + " is not an IPv4 CIDR");
                }
            }
        }
        ports.forEach((port, holders) -> {
            if (holders.size() > 1) {
                problems.add("port " + port + " is held by " + String.join(", ", holders.subList(0, holders.size() - 1))
                        + " and " + holders.get(holders.size() - 1));
            }
        });
        for (int i = 0; i < blocks.size(); i++) {
            for (int j = i + 1; j < blocks.size(); j++) {
                Block a = blocks.get(i);
                Block b = blocks.get(j);
                if (a.cidr().overlaps(b.cidr())) {
                    problems.add("subnet " + a.cidr() + " of " + a.name() + " overlaps subnet " + b.cidr() + " of "
                            + b.name());
                }
            }
        }
        ctx.resultQuery("select distinct v.relname from pg_depend d join pg_rewrite r on r.oid = d.objid "
                + "join pg_class v on v.oid = r.ev_class join pg_class t on t.oid = d.refobjid "
                + "join pg_namespace n on n.oid = t.relnamespace where t.relname = 'clusters' and n.nspname = {0} "
                + "and v.oid <> t.oid order by 1", DSL.val(schema)).fetch(0, String.class)
                .forEach(view -> problems.add("view " + view + " depends on table clusters, whose column types "
                        + "adoption changes: drop it, adopt, then make it again"));
        return problems;
    }

    private static void port(List<String> problems, Map<Integer, List<String>> ports, String name, String role,
                             Integer port) {
        if (port == null) {
            return;
        }
        if (outOfRange(port)) {
            problems.add(role + " port " + port + " of " + name + " is out of range 1-65535");
            return;
        }
        ports.computeIfAbsent(port, p -> new ArrayList<>()).add(name + " (" + role + ")");
    }

    private static boolean outOfRange(int port) {
        return port < 1 || port > 65535;
    }
}
