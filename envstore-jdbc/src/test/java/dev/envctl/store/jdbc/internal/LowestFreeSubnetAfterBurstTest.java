package dev.envctl.store.jdbc.internal;

import dev.envctl.core.Cidr;
import dev.envctl.store.jdbc.JdbcEnvironmentStore;
import dev.envctl.store.jdbc.TestDatabase;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every create clears the run-end flag of the subnet below it, leaving an entry of a dead row version in the
 * partial index of run ends until vacuum. The lowest-free-subnet query walks the run ends in order with a
 * plain index scan, which marks those entries dead as it passes, so after a burst only the first query
 * visits the dead versions (a bitmap scan collecting every run end visited them on every create).
 */
class LowestFreeSubnetAfterBurstTest {
    private static final Pattern HEAP_FETCHES = Pattern.compile("Heap Fetches: (\\d+)");

    @Test
    void onlyTheFirstQueryAfterABurstVisitsTheDeadRunEnds() throws Exception {
        JdbcEnvironmentStore store = TestDatabase.openFresh("burst");
        try (store; Connection c = TestDatabase.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + store.schema());
            // 3,000 adjacent subnets in one burst: 2,999 run ends cleared, none vacuumed
            s.execute("INSERT INTO clusters (name, provider, subnet) SELECT 'b' || g, 'k3d', "
                    + "network(set_masklen('10.0.0.0'::inet + g * 256, 24)) FROM generate_series(0, 2999) g");
            // with the statistics autovacuum or adoption leaves (one run end among 3,000 rows)
            s.execute("ANALYZE held_subnets");
            String sql = "EXPLAIN (ANALYZE, BUFFERS) " + DSL.using(SQLDialect.POSTGRES)
                    .renderInlined(IndexedHeld.lowestFreeSubnetSelect(Cidr.parse("10.0.0.0/8"), 24));
            String first = plan(s, sql);
            String second = plan(s, sql);

            assertThat(first).contains("held_subnets_run_ends").doesNotContain("Bitmap");
            assertThat(heapFetches(first)).isGreaterThanOrEqualTo(2999);
            assertThat(heapFetches(second)).as(second).isLessThan(100);
            try (ResultSet rs = s.executeQuery(DSL.using(SQLDialect.POSTGRES)
                    .renderInlined(IndexedHeld.lowestFreeSubnetSelect(Cidr.parse("10.0.0.0/8"), 24)))) {
                assertThat(rs.next()).isTrue();
                assertThat(new Cidr(rs.getLong(1), 24)).isEqualTo(Cidr.parse("10.11.184.0/24"));
            }
        } finally {
            TestDatabase.dropSchema(store.schema());
        }
    }

    private static String plan(Statement s, String sql) throws Exception {
        StringBuilder b = new StringBuilder();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                b.append(rs.getString(1)).append('\n');
            }
        }
        return b.toString();
    }

    private static long heapFetches(String plan) {
        long sum = 0;
        Matcher m = HEAP_FETCHES.matcher(plan);
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
        }
        return sum;
    }
}
