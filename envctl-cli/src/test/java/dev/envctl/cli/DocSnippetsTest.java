package dev.envctl.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Java block of README.md and docs/ is quoted from a source file that the build compiles and a test runs:
 * the block follows a line {@code <!-- snippet: FILE#TAG -->} (FILE relative to the repository's root) and is
 * exactly the region between {@code // tag::TAG[]} and {@code // end::TAG[]} of that file, without its common
 * indentation.
 */
class DocSnippetsTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\n```java\\n(.*?)```",
            Pattern.DOTALL);

    @Test
    void everyJavaBlockQuotesItsSourceExactly() throws IOException {
        List<String> quoted = new ArrayList<>();
        for (Path page : DocExamplesIT.pages(ROOT)) {
            String doc = Files.readString(page, StandardCharsets.UTF_8);
            Matcher m = SNIPPET.matcher(doc);
            int blocks = 0;
            while (m.find()) {
                blocks++;
                String where = ROOT.relativize(page) + ": " + m.group(1) + "#" + m.group(2);
                Path source = ROOT.resolve(m.group(1));
                assertThat(source).as(where).isRegularFile();
                String region = region(Files.readString(source, StandardCharsets.UTF_8), m.group(2));
                assertThat(region).as(where + ": no such region").isNotEmpty();
                assertThat(m.group(3)).as(where).isEqualTo(region);
                quoted.add(m.group(1).replaceAll(".*/", "") + "#" + m.group(2));
            }
            assertThat(blocks).as(ROOT.relativize(page) + ": every ```java block has a snippet line before it")
                    .isEqualTo(doc.split("```java\\n", -1).length - 1);
        }
        assertThat(quoted).contains("EmbedWithAStoreLocation.java#imports", "EmbedWithInstances.java#usage",
                "EmbedInBrief.java#usage", "EmbedDryRun.java#usage", "HaproxyHookFactory.java#file", "StoresFromJava.java#postgres");
    }

    /** The lines between the tag's markers, their common indentation removed, each ending with a newline. */
    static String region(String source, String tag) {
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
