package dev.envctl.cli;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every {@code console} example in README.md and docs/ runs, in the order written, against the packaged CLI with
 * stand-in k3d, kind and docker: one fresh user (home, store, PATH, shell) per page, so a page's examples build
 * on each other as a reader's would. A page whose example stops working fails the build, naming the page and
 * line. What each command printed (as compared) is in {@code target/doc-examples/PAGE.log}.
 *
 * <p>Pages that use PostgreSQL get the reader's local server: one embedded PostgreSQL for the run, whose
 * superuser {@code postgres} logs in without a password (as {@code sudo -u postgres} would) and every other role
 * with its password (scram-sha-256). The pages write it as {@code localhost:5432}; the session's {@code PGHOST}
 * and {@code PGPORT} point the PostgreSQL client tools at it. Before each such page the role and database
 * {@code envctl} are dropped; a page that does not make them itself ({@code createuser}, as
 * docs/stores/postgresql.md's set-up does) finds them made as that set-up makes them, with the reader's
 * password {@link DocUser#PASSWORD}. A page whose examples run {@code createuser}, {@code createdb} or {@code psql}
 * is skipped, saying so, where those PostgreSQL client tools are not installed (.ci/run installs them).
 */
class DocExamplesIT {
    @TempDir
    Path tmp;

    static final Path ROOT = Path.of(System.getProperty("envctl.config", "../config")).toAbsolutePath().normalize()
            .getParent();
    /** How the pages write the reader's local PostgreSQL server. */
    static final String PAGES_SERVER = "localhost:5432";

    private static EmbeddedPostgres postgres;

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @TestFactory
    Stream<DynamicNode> everyDocumentedExampleRuns() throws IOException {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Path page : pages(ROOT)) {
            String relative = ROOT.relativize(page).toString();
            DocSession session = DocSession.parse(relative, Files.readString(page, StandardCharsets.UTF_8));
            if (!session.commands().isEmpty()) {
                nodes.add(DynamicTest.dynamicTest(relative + " (" + session.commands().size() + " commands)",
                        page.toUri(), () -> run(session)));
            }
        }
        assertThat(nodes).as("pages with console examples").isNotEmpty();
        return Stream.of(DynamicContainer.dynamicContainer("docs", nodes));
    }

    /** README.md and every page under docs/ of the repository at {@code root}. */
    static List<Path> pages(Path root) throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md") && !p.toString().contains("/target/")).sorted()
                    .forEach(pages::add);
        }
        return pages;
    }

    private void run(DocSession session) throws Exception {
        Map<String, String> env = Map.of();
        Map<String, String> stands = Map.of();
        for (String tool : List.of("createuser", "createdb", "psql")) {
            boolean used = session.commands().stream().anyMatch(c -> c.line().matches(tool + "\\b.*"));
            assumeTrue(!used || onPath(tool), session.page() + " skipped: its examples run " + tool
                    + ", which is not on PATH (install postgresql-client)");
        }
        if (usesPostgres(session)) {
            int port = freshPostgres(session);
            env = Map.of("PGHOST", "localhost", "PGPORT", Integer.toString(port));
            stands = Map.of(PAGES_SERVER, "localhost:" + port);
        }
        DocUser user = new DocUser(tmp.resolve(session.page().replace('/', '_')), ROOT, env, stands);
        Path log = Files.createDirectories(Path.of("target/doc-examples")).resolve(session.page().replace('/', '_')
                + ".log");
        Files.deleteIfExists(log);
        for (DocSession.Command c : session.commands()) {
            DocUser.Ran ran = user.run(c.line());
            Files.writeString(log, "$ " + c.line() + "\n" + String.join("\n", ran.compared()) + "\n["
                    + ran.exit() + "]\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            String where = session.page() + ":" + c.lineNumber() + ": $ " + c.line() + "\n" + ran;
            assertThat(ran.exit()).as(where).isEqualTo(c.exit());
            if (c.checksOutput()) {
                assertThat(DocSession.matches(c.expected(), ran.compared()))
                        .as(where + "\n--- expected\n" + String.join("\n", c.expected())).isTrue();
            }
        }
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    private static boolean usesPostgres(DocSession session) {
        return session.commands().stream().anyMatch(c -> c.line().contains(PAGES_SERVER)
                || c.line().matches("(createuser|createdb|psql)\\b.*"));
    }

    /** The run's server, started on first use, without the role and database {@code envctl} or with both. */
    private static synchronized int freshPostgres(DocSession session) throws IOException, SQLException {
        if (postgres == null) {
            postgres = EmbeddedPostgres.builder().setDataDirectoryCustomizer(dir -> {
                try {
                    Files.writeString(dir.toPath().resolve("pg_hba.conf"), String.join("\n",
                            "local all postgres trust",
                            "host all postgres 127.0.0.1/32 trust",
                            "host all postgres ::1/128 trust",
                            "local all all scram-sha-256",
                            "host all all 127.0.0.1/32 scram-sha-256",
                            "host all all ::1/128 scram-sha-256", ""));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).start();
        }
        boolean makesItsOwn = session.commands().stream().anyMatch(c -> c.line().startsWith("createuser"));
        try (Connection c = postgres.getDatabase("postgres", "postgres").getConnection();
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS envctl WITH (FORCE)");
            s.execute("DROP ROLE IF EXISTS envctl");
            if (!makesItsOwn) {
                s.execute("CREATE ROLE envctl LOGIN PASSWORD '" + DocUser.PASSWORD + "'");
                s.execute("CREATE DATABASE envctl OWNER envctl");
            }
        }
        return postgres.getPort();
    }
}
