package dev.envctl.store.jdbc;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Remedy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.spi.EnvironmentLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A connection pooler in transaction pooling mode (PgBouncer's {@code pool_mode=transaction}) runs each
 * transaction of a client on whichever server session is free, so the session lock of an environment stays with
 * the session and, on PostgreSQL, is granted again to whichever client asks for it there next: the store refuses
 * such a lock in one line instead of handing out the same environment's lock twice.
 */
class SharedSessionsTest {
    private static final String POOLER = "jdbc:postgresql://pooler:6432/envctl";
    private final Allocator allocator = new Allocator(ConcurrencyTest.widePolicy());
    private Connection session;
    private String schema;
    private JdbcEnvironmentStore store;

    @BeforeEach
    void open() throws Exception {
        schema = TestDatabase.freshSchemaName("shared");
        // migrated directly, so that opening through the pooler takes one connection (one read of the history)
        TestDatabase.open(schema, MigrateMode.AUTO).close();
        session = TestDatabase.dataSource().getConnection();
        store = JdbcEnvironmentStore.open(onOneSession(session, null), JdbcStoreOptions.defaults().withSchema(schema),
                POOLER);
    }

    @AfterEach
    void close() throws Exception {
        store.close();
        session.close();
        TestDatabase.dropSchema(schema);
    }

    @Test
    void aLockAnotherClientHoldsOnTheSameServerSessionIsRefusedNotGrantedTwice() throws Exception {
        try (EnvironmentLock first = store.tryLock("dev").orElseThrow()) {
            assertThat(first.name()).isEqualTo("dev");
            // another thread borrows another connection of the store, which the pooler runs on the same session
            assertThatThrownBy(() -> CompletableFuture.supplyAsync(() -> store.tryLock("dev"))
                    .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(EnvctlException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                        assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
                        assertThat(e.getMessage()).isEqualTo("locking environment 'dev' failed: PostgreSQL store "
                                + POOLER + " runs several clients on one server session (the lock was about to be "
                                + "taken on a session another client of the store uses), as a connection pooler in "
                                + "transaction or statement pooling mode does (PgBouncer with pool_mode=transaction), "
                                + "where envctl's locks do not hold; use session pooling (pool_mode=session) or "
                                + "connect to PostgreSQL directly");
                    });
        }
    }

    @Test
    void aNewConnectionOnASessionAnotherEnvctlProcessUsedIsRefusedAtOpening() throws Exception {
        // as another envctl left it: a pooler in transaction mode hands sessions over without resetting them
        try (var statement = session.createStatement()) {
            statement.execute("SELECT set_config('envctl.session', 'another-process.1', false)");
        }
        assertThatThrownBy(() -> JdbcEnvironmentStore.open(onOneSession(session, null),
                JdbcStoreOptions.defaults().withSchema(schema), POOLER))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                    assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
                    assertThat(e.getMessage()).isEqualTo("PostgreSQL store " + POOLER + " runs several clients on "
                            + "one server session (a new connection's server session was used by another envctl "
                            + "before), as a connection pooler in transaction or statement pooling mode does "
                            + "(PgBouncer with pool_mode=transaction), where envctl's locks do not hold; use session "
                            + "pooling (pool_mode=session) or connect to PostgreSQL directly");
                });
    }

    /**
     * The first client on a session finds no mark there when it opens, so opening cannot refuse it: a write that
     * then runs on a session another client marked (and set to its schema) is refused before it stores anything.
     */
    @Test
    void aWriteOnASessionAnotherClientMarkedIsRefusedBeforeAnythingIsStored() {
        store.create(EnvironmentSpec.of("kept", "k3d"), allocator);
        String otherSchema = TestDatabase.freshSchemaName("shared_other");
        TestDatabase.open(otherSchema, MigrateMode.AUTO).close();
        // another client of the pool opens on the session this store's connections run on
        try (JdbcEnvironmentStore other = JdbcEnvironmentStore.open(onOneSession(session, null),
                JdbcStoreOptions.defaults().withSchema(otherSchema), POOLER)) {
            assertThatThrownBy(() -> store.create(EnvironmentSpec.of("dev", "k3d"), allocator))
                    .isInstanceOfSatisfying(EnvctlException.class, e -> assertRefusedBeforeWriting(e,
                            "creating environment 'dev'"));
            assertThatThrownBy(() -> store.delete("kept"))
                    .isInstanceOfSatisfying(EnvctlException.class, e -> assertRefusedBeforeWriting(e,
                            "deleting environment 'kept'"));
            assertThat(TestDatabase.value("SELECT string_agg(name, ',') FROM " + schema + ".clusters"))
                    .isEqualTo("kept");
            assertThat(TestDatabase.value("SELECT count(*) FROM " + otherSchema + ".clusters")).isEqualTo("0");
        } finally {
            TestDatabase.dropSchema(otherSchema);
        }
    }

    /** Reads name the store's schema, so a session another client set to its own schema reads the store's. */
    @Test
    void aReadOnASessionAnotherClientSetToItsSchemaReadsTheStoresSchema() {
        store.create(EnvironmentSpec.of("mine", "k3d"), allocator);
        String otherSchema = TestDatabase.freshSchemaName("shared_other");
        TestDatabase.open(otherSchema, MigrateMode.AUTO).close();
        try (JdbcEnvironmentStore other = JdbcEnvironmentStore.open(onOneSession(session, null),
                JdbcStoreOptions.defaults().withSchema(otherSchema), POOLER)) {
            other.create(EnvironmentSpec.of("theirs", "k3d"), allocator);
            assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("mine");
            assertThat(store.find("theirs")).isEmpty();
        } finally {
            TestDatabase.dropSchema(otherSchema);
        }
    }

    /**
     * Flyway sets its connection's search path once, and each migration runs in a transaction of its own: behind a
     * transaction pooler, on a session another client set to its schema. That migration is refused before it runs.
     */
    @Test
    void aMigrationOnASessionSetToAnotherSchemaIsRefusedBeforeItRuns() {
        String fresh = TestDatabase.freshSchemaName("shared_fresh");
        String decoy = TestDatabase.freshSchemaName("shared_decoy");
        TestDatabase.sql("CREATE SCHEMA " + decoy);
        try {
            // Flyway reads the search path in auto-commit mode, and its migrations run on another session
            assertThatThrownBy(() -> JdbcEnvironmentStore.open(onOneSession(session, decoy),
                    JdbcStoreOptions.defaults().withSchema(fresh), POOLER))
                    .isInstanceOfSatisfying(EnvctlException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                        assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
                        assertThat(e.getMessage()).isEqualTo("migrating schema " + fresh + " to version 1 refused "
                                + "before it ran: PostgreSQL store " + POOLER + " runs several clients on one "
                                + "server session (the migration was about to run on a session set to schema "
                                + decoy + "), as a connection pooler in transaction or statement pooling mode does "
                                + "(PgBouncer with pool_mode=transaction), where envctl's locks do not hold; use "
                                + "session pooling (pool_mode=session) or connect to PostgreSQL directly");
                    });
            assertThat(TestDatabase.value("SELECT count(*) FROM pg_class WHERE relnamespace = '" + decoy
                    + "'::regnamespace")).isEqualTo("0");
            assertThat(TestDatabase.value("SELECT to_regclass('" + fresh + ".clusters')")).isNull();
        } finally {
            TestDatabase.dropSchema(fresh);
            TestDatabase.dropSchema(decoy);
        }
    }

    private static void assertRefusedBeforeWriting(EnvctlException e, String action) {
        assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
        assertThat(e.remedy()).contains(Remedy.FIX_STORE_SETTINGS);
        assertThat(e.getMessage()).isEqualTo(action + " refused before anything was stored: PostgreSQL store "
                + POOLER + " runs several clients on one server session (the write was about to run on a session "
                + "another client marked as its own), as a connection pooler in transaction or statement pooling "
                + "mode does (PgBouncer with pool_mode=transaction), where envctl's locks do not hold; use session "
                + "pooling (pool_mode=session) or connect to PostgreSQL directly");
    }

    /**
     * What a transaction pooler does when it has one server session: every client connection is another
     * connection to the caller, and all their statements run on that session. With {@code transactionsIn} (null:
     * none), each transaction runs as on another session of the pool, one that another client set to that schema,
     * while statements in auto-commit mode see the client's own settings.
     */
    private static DataSource onOneSession(Connection session, String transactionsIn) {
        return (DataSource) Proxy.newProxyInstance(SharedSessionsTest.class.getClassLoader(),
                new Class<?>[]{DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return client(session, transactionsIn);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Connection client(Connection session, String transactionsIn) {
        String[] own = new String[1];
        return (Connection) Proxy.newProxyInstance(SharedSessionsTest.class.getClassLoader(),
                new Class<?>[]{Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    boolean switching = transactionsIn != null && method.getName().equals("setAutoCommit")
                            && !args[0].equals(session.getAutoCommit());
                    if (switching && !(Boolean) args[0]) {
                        own[0] = TestDatabase.query(session, "SELECT current_setting('search_path')");
                        TestDatabase.query(session, "SELECT set_config('search_path', '" + transactionsIn
                                + "', false)");
                    }
                    try {
                        return method.invoke(session, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        if (switching && (Boolean) args[0]) {
                            TestDatabase.query(session, "SELECT set_config('search_path', '" + own[0] + "', false)");
                        }
                    }
                });
    }
}
