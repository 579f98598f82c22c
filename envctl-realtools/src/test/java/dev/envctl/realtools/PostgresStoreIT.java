package dev.envctl.realtools;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PostgreSQL store with the real tools: an embedded PostgreSQL server, a role that logs in with a scram
 * password given only in {@code ENVCTL_DB_PASSWORD}, a fresh database per test. Create with an automatic subnet,
 * stop, start and delete through k3d and kind: Docker publishes the ports the {@code clusters} row records (what
 * the Kindler scripts' psql readers see), the held ports follow the row, and delete leaves no container, network
 * or row.
 */
@ExtendWith(RealToolsExtension.class)
class PostgresStoreIT {
    private static final String SECRET = "pg-Real-Tools-4711";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws IOException, SQLException {
        postgres = EmbeddedPostgres.builder().setDataDirectoryCustomizer(PostgresStoreIT::passwordLogin).start();
        admin("postgres", "CREATE ROLE envctl LOGIN PASSWORD '" + SECRET + "'");
    }

    /** A scram-sha-256 line for role envctl before the trust lines the embedded server writes. */
    private static void passwordLogin(java.io.File dir) {
        Path hba = dir.toPath().resolve("pg_hba.conf");
        try {
            Files.writeString(hba, "host all envctl 127.0.0.1/32 scram-sha-256\n"
                    + "host all envctl ::1/128 scram-sha-256\n" + Files.readString(hba), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static void admin(String database, String sql) throws SQLException {
        try (Connection c = postgres.getDatabase("postgres", database).getConnection();
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> rows(String database, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = postgres.getDatabase("postgres", database).getConnection();
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            while (r.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                    row.add(r.getString(i));
                }
                rows.add(String.join(" ", row));
            }
        }
        return rows;
    }

    /** Points {@code s} at a new database that role envctl owns. */
    private static String useNewDatabase(Sandbox s) throws SQLException {
        String db = "envctl_rt_" + DATABASES.incrementAndGet();
        admin("postgres", "CREATE DATABASE " + db + " OWNER envctl");
        s.env.put("ENVCTL_STORE", "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + db);
        s.env.put("ENVCTL_DB_PASSWORD", SECRET);
        s.configure("store.jdbc.user=envctl", "store.jdbc.connect-timeout=5s");
        return db;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void createStopStartAndDeleteKeepTheClustersRowAndTheClusterInStep(String provider, Sandbox s)
            throws SQLException {
        String db = useNewDatabase(s);
        String name = s.name("pg");

        Shell.Result created = s.envctl("create", name, "--provider", provider, "--subnet", "auto");
        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.out() + created.err()).doesNotContain(SECRET);
        JsonNode e = s.get(name);
        assertThat(e.get("actualState").asText()).isEqualTo("running");
        int http = e.get("ports").get("http").asInt();
        int https = e.get("ports").get("https").asInt();
        int api = e.get("ports").get("api").asInt();
        String subnet = e.get("subnet").asText();
        assertThat(subnet).startsWith("10.230.").endsWith("/24");
        String lb = provider.equals("k3d") ? "k3d-" + name + "-serverlb" : name + "-control-plane";
        assertThat(s.published(lb, 80)).containsExactly("0.0.0.0:" + http);
        assertThat(s.published(lb, 443)).containsExactly("0.0.0.0:" + https);
        assertThat(s.published(lb, 6443)).containsExactly("127.0.0.1:" + api);
        String network = provider.equals("k3d") ? "k3d-" + name : "kind-" + name + "-net";
        assertThat(s.lines("docker", "network", "inspect", "--format", "{{range .IPAM.Config}}{{.Subnet}}{{end}}",
                network)).containsExactly(subnet);
        // what a psql reader of the Kindler scripts sees, and the ports the database holds for it
        assertThat(rows(db, "SELECT name, provider, http_port, https_port FROM clusters"))
                .containsExactly(name + " " + provider + " " + http + " " + https);
        assertThat(rows(db, "SELECT port FROM held_ports ORDER BY port")).contains(String.valueOf(http),
                String.valueOf(https), String.valueOf(api));

        Shell.Result stopped = s.envctl("stop", name);
        assertThat(stopped.exit()).as(stopped.toString()).isZero();
        String node = provider.equals("k3d") ? "k3d-" + name + "-server-0" : name + "-control-plane";
        assertThat(s.running(node)).containsExactly("false");
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("stopped");

        Shell.Result started = s.envctl("start", name);
        assertThat(started.exit()).as(started.toString()).isZero();
        assertThat(s.running(node)).containsExactly("true");
        assertThat(s.published(lb, 80)).containsExactly("0.0.0.0:" + http);

        Shell.Result reconciled = s.envctl("reconcile", "-o", "json");
        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        assertThat(reconciled.out()).contains("\"unchanged\"").doesNotContain("\"failed\"");

        s.deleteLeavesNothing(name);
        assertThat(rows(db, "SELECT name FROM clusters")).isEmpty();
        assertThat(rows(db, "SELECT port FROM held_ports")).isEmpty();
        assertThat(s.envctl("get", name).exit()).isEqualTo(3);
    }
}
