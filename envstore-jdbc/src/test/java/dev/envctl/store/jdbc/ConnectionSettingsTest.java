package dev.envctl.store.jdbc;

import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.Allocator;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store leaves the connections of a caller's data source as it got them (no planner settings, no driver
 * thresholds) and sets no JVM-wide system property but the one Flyway sets when it migrates.
 */
class ConnectionSettingsTest {
    /**
     * The one property a migration sets: Flyway's JdbcUtils.openConnection sets it (to false) whenever it is
     * unset, so a JVM that ran any migration before this test has it already and one that did not gains it here.
     */
    private static final String FLYWAY_PROPERTY = "polyglot.engine.WarnInterpreterOnly";

    private static final String SETTINGS = "SELECT current_setting('enable_seqscan') || ' ' "
            + "|| current_setting('enable_bitmapscan') || ' ' || current_setting('plan_cache_mode') || ' ' "
            + "|| current_setting('jit')";

    @Test
    void theConnectionsOfACallersDataSourceKeepTheirSettings() throws Exception {
        DataSource base = TestDatabase.dataSource();
        String expected;
        int threshold;
        try (Connection fresh = base.getConnection()) {
            expected = setting(fresh);
            threshold = fresh.unwrap(PGConnection.class).getPrepareThreshold();
        }
        List<Connection> handedOut = new CopyOnWriteArrayList<>();
        Properties before = (Properties) System.getProperties().clone();
        String schema = TestDatabase.freshSchemaName("settings");
        try (JdbcEnvironmentStore store = JdbcEnvironmentStore.open(recording(base, handedOut),
                JdbcStoreOptions.defaults().withSchema(schema), TestDatabase.url())) {
            Allocator allocator = new Allocator(ConcurrencyTest.widePolicy());
            for (int i = 0; i < 10; i++) {
                store.create(EnvironmentSpec.of("e" + i, "k3d").withSubnet(SubnetRequest.AUTO), allocator);
                store.get("e" + i);
            }
            store.list(EnvironmentFilter.ALL);
        } finally {
            List<String> found = new ArrayList<>();
            for (Connection c : handedOut) {
                found.add(setting(c) + " threshold " + c.unwrap(PGConnection.class).getPrepareThreshold());
                c.close();
            }
            TestDatabase.dropSchema(schema);
            assertThat(handedOut).isNotEmpty();
            assertThat(found).allMatch((expected + " threshold " + threshold)::equals);
        }
        Properties after = (Properties) System.getProperties().clone();
        after.remove(FLYWAY_PROPERTY);
        before.remove(FLYWAY_PROPERTY);
        assertThat(after).isEqualTo(before);
    }

    private static String setting(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(SETTINGS)) {
            r.next();
            return r.getString(1);
        }
    }

    /** {@code base}, handing out connections whose close is left to the test (so it can look at them). */
    private static DataSource recording(DataSource base, List<Connection> handedOut) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, method, args) -> {
                    Object result = TestDatabase.invoke(base, method, args);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    Connection real = (Connection) result;
                    handedOut.add(real);
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                            (p, m, a) -> m.getName().equals("close") ? null : TestDatabase.invoke(real, m, a));
                });
    }
}
