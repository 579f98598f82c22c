package dev.envctl.cli;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code console} example in README.md and docs/ runs, in the order written, against the packaged CLI with
 * stand-in k3d, kind and docker: one fresh user (home, store, PATH) per page, so a page's examples build on each
 * other as a reader's would. A page whose example stops working fails the build, naming the page and line.
 */
class DocExamplesIT {
    @TempDir
    Path tmp;

    static final Path ROOT = Path.of(System.getProperty("envctl.config", "../config")).toAbsolutePath().normalize()
            .getParent();

    @TestFactory
    Stream<DynamicNode> everyDocumentedExampleRuns() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<DynamicNode> nodes = new ArrayList<>();
        for (Path page : pages) {
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

    private void run(DocSession session) throws Exception {
        DocUser user = new DocUser(tmp.resolve(session.page().replace('/', '_')), ROOT);
        for (DocSession.Command c : session.commands()) {
            DocUser.Ran ran = user.run(c.line());
            String where = session.page() + ":" + c.lineNumber() + ": $ " + c.line() + "\n" + ran;
            assertThat(ran.exit()).as(where).isEqualTo(c.exit());
            if (c.checksOutput()) {
                assertThat(DocSession.matches(c.expected(), ran.compared()))
                        .as(where + "\n--- expected\n" + String.join("\n", c.expected())).isTrue();
            }
        }
    }
}
