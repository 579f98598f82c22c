package dev.envctl.cli;

import dev.envctl.core.testing.StandInTools;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Build step of the class-data archive ({@code src/build/cds-archive.sh}, on the test class path): runs a command
 * with an embedded PostgreSQL, so that the training run covers the PostgreSQL path as users meet it. The command
 * gets {@code ENVCTL_TRAINING_STORE} (an empty database whose envctl schema is already made, so Flyway stays out
 * of the training), {@code PGUSER} and {@code ENVCTL_DB_PASSWORD}: a role that must give its password
 * (scram-sha-256); and {@code ENVCTL_TRAINING_TOOLS}, a folder of core's stand-in {@code docker}, {@code k3d} and
 * {@code kind}, so that the training also drives the providers. Exits with the command's exit code. Usage: {@code TrainingPostgres COMMAND [ARG...]}.
 */
public final class TrainingPostgres {
    private static final String USER = "envctl_training";

    private TrainingPostgres() {
    }

    public static void main(String[] args) throws Exception {
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        int exit;
        Path home = Files.createTempDirectory("envctl-training");
        Path tools = Files.createTempDirectory("envctl-training-tools");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectoryCustomizer(TrainingPostgres::passwordLogin)
                .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                .setErrorRedirector(ProcessBuilder.Redirect.DISCARD)
                .start()) {
            // constant names; the password is hex made here
            admin(pg, "CREATE ROLE " + USER + " LOGIN PASSWORD '" + password + "'");
            admin(pg, "CREATE DATABASE " + USER + " OWNER " + USER);
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/" + USER;
            Map<String, String> env = Map.of("PGUSER", USER, "ENVCTL_DB_PASSWORD", password,
                    "HOME", home.toString());
            PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
            if (new Main(sink, sink, env).execute("--store", url, "db", "migrate") != 0) {
                throw new IllegalStateException("envctl db migrate failed on the training database");
            }
            new StandInTools(tools, "docker", "k3d", "kind");
            ProcessBuilder command = new ProcessBuilder(args).inheritIO();
            command.environment().put("ENVCTL_TRAINING_TOOLS", tools.resolve("bin").toString());
            command.environment().put("ENVCTL_TRAINING_STORE", url);
            command.environment().put("PGUSER", USER);
            command.environment().put("ENVCTL_DB_PASSWORD", password);
            exit = command.start().waitFor();
        } finally {
            deleteTree(home);
            deleteTree(tools);
        }
        System.exit(exit);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A scram-sha-256 line for the training role before the trust lines the embedded server writes. */
    private static void passwordLogin(java.io.File dir) {
        Path hba = dir.toPath().resolve("pg_hba.conf");
        try {
            Files.writeString(hba, "host all " + USER + " 127.0.0.1/32 scram-sha-256\n"
                    + "host all " + USER + " ::1/128 scram-sha-256\n" + Files.readString(hba), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void admin(EmbeddedPostgres pg, String sql) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
