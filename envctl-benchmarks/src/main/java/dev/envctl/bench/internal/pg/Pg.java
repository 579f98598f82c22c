package dev.envctl.bench.internal.pg;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;

/**
 * The run's one PostgreSQL server (embedded binaries, PostgreSQL 17): a data folder that survives
 * {@link #stop()} so the outage fault run can restart it, {@code synchronous_commit=on} so an acknowledged
 * commit is durable, and a login role {@value #USER} that must give its password (scram-sha-256 over TCP),
 * so the password path of every client is real. Not thread-safe for stop/start.
 */
public final class Pg implements AutoCloseable {
    public static final String USER = "envctl_bench";

    private final Path dataDir;
    private final String password;
    private int port;
    private EmbeddedPostgres server;

    private Pg(Path dataDir, String password) {
        this.dataDir = dataDir;
        this.password = password;
    }

    public static Pg start(Path dataDir) throws IOException {
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        Pg pg = new Pg(dataDir, HexFormat.of().formatHex(secret));
        pg.startServer(0);
        pg.admin("CREATE ROLE " + USER + " LOGIN CREATEDB PASSWORD '" + pg.password + "'");
        return pg;
    }

    private void startServer(int fixedPort) throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "300")
                .setDataDirectoryCustomizer(Pg::requirePasswordForBenchUser)
                .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                .setErrorRedirector(ProcessBuilder.Redirect.DISCARD);
        if (fixedPort > 0) {
            b.setPort(fixedPort);
        }
        server = b.start();
        port = server.getPort();
    }

    /** Puts a scram-sha-256 line for {@value #USER} before the trust lines the embedded server writes. */
    private static void requirePasswordForBenchUser(java.io.File dir) {
        Path hba = dir.toPath().resolve("pg_hba.conf");
        try {
            String old = Files.readString(hba, StandardCharsets.UTF_8);
            if (!old.contains(USER)) {
                Files.writeString(hba, "host all " + USER + " 127.0.0.1/32 scram-sha-256\n"
                        + "host all " + USER + " ::1/128 scram-sha-256\n" + old, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The password of {@value #USER}; callers pass it in settings or PGPASSWORD, never in argv or URLs. */
    public String password() {
        return password;
    }

    /** A JDBC URL without credentials. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    /** Connections as {@value #USER} with its password, and the given connect timeout in seconds. */
    public DataSource dataSource(String database, int connectTimeoutSeconds) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"localhost"});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(database);
        ds.setUser(USER);
        ds.setPassword(password);
        ds.setConnectTimeout(connectTimeoutSeconds);
        ds.setLoginTimeout(connectTimeoutSeconds);
        return ds;
    }

    public DataSource dataSource(String database) {
        return dataSource(database, 10);
    }

    /** A fresh database owned by {@value #USER}. */
    public String createDatabase(String name) throws IOException {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        admin("CREATE DATABASE " + name + " OWNER " + USER);
        return name;
    }

    /** Runs trusted, constant DDL as the superuser (names here come from this code, never from input). */
    public void admin(String sql) throws IOException {
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IOException("admin statement failed: " + e.getMessage(), e);
        }
    }

    /** The environment of a {@code psql} child: password in PGPASSWORD, nothing secret in argv. */
    public Map<String, String> psqlEnvironment() {
        return Map.of("PGPASSWORD", password, "PGHOST", "localhost", "PGPORT", Integer.toString(port),
                "PGUSER", USER, "PGCONNECT_TIMEOUT", "5");
    }

    /** Stops the server (fast shutdown); the data stays for {@link #restart()}. */
    public void stop() throws IOException {
        server.close();
    }

    /**
     * Crashes the server: SIGQUIT to the postmaster, PostgreSQL's immediate shutdown (no checkpoint; the next
     * start runs crash recovery from the WAL). Returns once the postmaster is gone.
     */
    public void crash() throws IOException {
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
        try {
            new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).inheritIO().start().waitFor();
            ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try {
            server.close();
        } catch (IOException | RuntimeException e) {
            // pg_ctl stop finds no server; the embedded handle is released all the same
        }
    }

    /** Starts the server again on the same port with the same data. */
    public void restart() throws IOException {
        startServer(port);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
