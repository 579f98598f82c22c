package dev.envctl.cli.embedding;

import dev.envctl.core.ActualState;
import dev.envctl.core.Environment;
import dev.envctl.core.testing.StandInTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The snippets of docs/embedding.md run against the real CSV store and the real k3d provider (with the
 * stand-in tools of core's StandInTools on PATH), and the doc quotes them exactly: each block after a
 * {@code <!-- snippet: FILE#TAG -->} line is the region between {@code // tag::TAG[]} and {@code // end::TAG[]}
 * of that file, without its common indentation.
 */
class EmbeddingDocTest {
    private static final Path DOC = Path.of("../docs/embedding.md");
    private static final Path SOURCES = Path.of("src/test/java/dev/envctl/cli/embedding");
    @TempDir
    Path tmp;

    private Map<String, String> environment() throws IOException {
        Path bin = StandInTools.install(tmp.resolve("bin"), "k3d", "kind", "docker");
        return Map.of("PATH", bin + ":/usr/bin:/bin", "HOME", tmp.toString(),
                "ENVCTL_STUB_STATE", Files.createDirectories(tmp.resolve("state")).toString());
    }

    @Test
    void theStoreLocationSnippetCreatesListsStopsStartsAndDeletes() throws IOException {
        Path csv = tmp.resolve("environments.csv");

        List<Environment> listed = EmbedWithAStoreLocation.run(csv, environment());

        assertThat(listed).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("dev");
            assertThat(e.actualState()).isEqualTo(ActualState.RUNNING);
            assertThat(e.ports().http()).isNotNull();
        });
        assertThat(Files.readString(csv)).doesNotContain("dev,");
        assertThat(Files.readString(tmp.resolve("state/calls.log")))
                .contains("k3d\u001fcluster\u001fcreate\u001fdev").contains("k3d\u001fcluster\u001fstop\u001fdev")
                .contains("k3d\u001fcluster\u001fstart\u001fdev").contains("k3d\u001fcluster\u001fdelete\u001fdev");
    }

    @Test
    void theInstancesSnippetRecordsThenReconciles() throws IOException {
        Environment web = EmbedWithInstances.run(tmp.resolve("environments.csv"), environment());

        assertThat(web.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(web.ports().http()).isEqualTo(18500);
    }

    @Test
    void theDocQuotesEverySnippetExactly() throws IOException {
        String doc = Files.readString(DOC);
        Matcher m = Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\n```java\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        List<String> quoted = new ArrayList<>();
        while (m.find()) {
            quoted.add(m.group(1) + "#" + m.group(2));
            assertThat(m.group(3)).as(m.group(1) + "#" + m.group(2))
                    .isEqualTo(region(Files.readString(SOURCES.resolve(m.group(1))), m.group(2)));
        }
        assertThat(quoted).contains("EmbedWithAStoreLocation.java#imports", "EmbedWithAStoreLocation.java#usage",
                "EmbedWithInstances.java#usage");
    }

    /** The lines between the tag's markers, their common indentation removed, each ending with a newline. */
    private static String region(String source, String tag) {
        List<String> lines = new ArrayList<>();
        boolean in = false;
        for (String line : source.split("\n", -1)) {
            if (line.strip().equals("// end::" + tag + "[]")) {
                in = false;
            } else if (in) {
                lines.add(line);
            } else if (line.strip().equals("// tag::" + tag + "[]")) {
                in = true;
            }
        }
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            b.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        return b.toString();
    }
}
