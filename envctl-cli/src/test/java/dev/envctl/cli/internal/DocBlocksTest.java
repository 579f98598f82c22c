package dev.envctl.cli.internal;

import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Every fenced block of README.md and docs/ says what it is, and what a reader copies works: {@code properties}
 * blocks load through the config loader (keys, values, no end-of-line comments), {@code yaml}, {@code json} and
 * {@code csv} blocks are read as {@code apply -f} files. {@code console} blocks are run by DocExamplesIT and
 * {@code java} blocks are quoted from compiled sources (DocSnippetsTest); {@code console real-tools} (needs real
 * Docker, k3d or kind) and {@code console build} (the Maven build itself) are commands not run by a test;
 * {@code xml} blocks are Maven dependencies on this build's artifacts (what {@code mvn install} puts in the
 * local repository); {@code sql} blocks run in DocSqlBlocksTest; {@code text} (output, messages, the commands
 * envctl runs) and {@code sh} are shown as they are. A command a reader types ({@code $ ...} or
 * {@code envctl ...}) is never in a block of those.
 */
class DocBlocksTest {
    private static final Path ROOT = Path.of("..");
    private static final Set<String> KINDS = Set.of("console", "console real-tools", "console build", "properties",
            "yaml", "json", "csv", "java", "text", "sh", "sql", "xml");
    /** Hooks of plugins outside envctl whose settings their own module loads (HaproxyHookTest). */
    private static final Set<String> EXAMPLE_HOOKS = Set.of("haproxy");

    @TempDir
    Path tmp;

    /** One fenced block: the page, the line of its opening fence, its info string and its lines. */
    record Block(String page, int line, String kind, List<String> lines) {
        String text() {
            return String.join("\n", lines) + "\n";
        }

        @Override
        public String toString() {
            return page + ":" + line + " (```" + kind + ")";
        }
    }

    static List<Block> blocks() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md") && !p.toString().contains("/target/")).sorted()
                    .forEach(pages::add);
        }
        List<Block> blocks = new ArrayList<>();
        for (Path page : pages) {
            String name = ROOT.relativize(page).toString();
            String[] lines = Files.readString(page, StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String t = lines[i].strip();
                if (!t.startsWith("```")) {
                    continue;
                }
                int indent = lines[i].indexOf('`');
                int start = i;
                List<String> body = new ArrayList<>();
                for (i++; i < lines.length && !lines[i].strip().equals("```"); i++) {
                    body.add(lines[i].length() >= indent && lines[i].substring(0, indent).isBlank()
                            ? lines[i].substring(indent) : lines[i].strip());
                }
                blocks.add(new Block(name, start + 1, t.substring(3).strip(), body));
            }
        }
        return blocks;
    }

    @Test
    void everyBlockSaysWhatItIsAndCommandsAreInConsoleBlocks() throws IOException {
        List<Block> blocks = blocks();
        assertThat(blocks).hasSizeGreaterThan(50);
        for (Block b : blocks) {
            assertThat(KINDS).as(b + ": the info string").contains(b.kind());
            if (!b.kind().startsWith("console")) {
                assertThat(b.lines()).as(b + ": a command a reader types belongs in a console block")
                        .noneMatch(l -> l.startsWith("$ ") || l.startsWith("envctl "));
            }
        }
    }

    @Test
    void everyPropertiesBlockLoadsThroughTheConfigLoader() throws IOException {
        int loaded = 0;
        for (Block b : blocks()) {
            if (!b.kind().equals("properties")) {
                continue;
            }
            Properties p = new Properties();
            p.load(new StringReader(b.text()));
            StringBuilder file = new StringBuilder();
            for (String key : p.stringPropertyNames()) {
                String value = p.getProperty(key);
                assertThat(value).as(b + ": " + key + " has an end-of-line comment").doesNotContainPattern("\\s[#!]");
                boolean example = EXAMPLE_HOOKS.stream().anyMatch(h -> key.startsWith("hook." + h + ".")
                        || key.equals("hooks.enabled") && value.equals(h));
                if (!example) {
                    file.append(key).append('=').append(value.replace("\\", "\\\\")).append('\n');
                }
            }
            Path config = Files.writeString(tmp.resolve("config-" + loaded + ".properties"), file.toString());
            GlobalOptions g = new GlobalOptions();
            g.config = config.toString();
            assertThatCode(() -> ConfigResolver.resolve(g, Map.of("HOME", tmp.toString()),
                    PluginRegistry.discover(getClass().getClassLoader()))).as(b.toString()).doesNotThrowAnyException();
            loaded++;
        }
        assertThat(loaded).as("properties blocks").isGreaterThanOrEqualTo(4);
    }

    @Test
    void everyYamlJsonAndCsvBlockReadsAsAnApplyFile() throws IOException {
        int read = 0;
        Session session = new Session(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), Map.of("HOME", tmp.toString()), new GlobalOptions());
        for (Block b : blocks()) {
            if (!Set.of("yaml", "json", "csv").contains(b.kind())) {
                continue;
            }
            Path file = Files.writeString(tmp.resolve("block-" + read + "." + b.kind()), b.text());
            List<EnvironmentSpec> specs = EnvironmentFile.read(session, file, "k3d", false).environments();
            assertThat(specs).as(b.toString()).isNotNull();
            read++;
        }
        assertThat(read).as("yaml, json and csv blocks").isGreaterThanOrEqualTo(4);
    }

    @Test
    void everyXmlBlockIsADependencyOnAnArtifactThisBuildInstalls() throws Exception {
        String root = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
        Matcher version = Pattern.compile("<artifactId>envctl-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(root);
        assertThat(version.find()).as("the build's version in pom.xml").isTrue();
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(root);
        Map<String, String> poms = new java.util.HashMap<>();
        while (module.find()) {
            String pom = Files.readString(ROOT.resolve(module.group(1)).resolve("pom.xml"), StandardCharsets.UTF_8);
            Matcher id = Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>").matcher(pom);
            assertThat(id.find()).as(module.group(1) + "'s artifactId").isTrue();
            poms.put(id.group(1), pom);
        }
        int dependencies = 0;
        for (Block b : blocks()) {
            if (!b.kind().equals("xml")) {
                continue;
            }
            NodeList list = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new InputSource(new StringReader("<dependencies>" + b.text() + "</dependencies>")))
                    .getElementsByTagName("dependency");
            for (int i = 0; i < list.getLength(); i++) {
                Element d = (Element) list.item(i);
                String artifact = text(d, "artifactId");
                assertThat(text(d, "groupId")).as(b + ": groupId").isEqualTo("dev.envctl");
                assertThat(poms).as(b + ": a module of this build").containsKey(artifact);
                assertThat(text(d, "version")).as(b + ": version").isEqualTo(version.group(1));
                if ("test-jar".equals(text(d, "type"))) {
                    assertThat(poms.get(artifact)).as(b + ": " + artifact + " makes a test-jar")
                            .contains("<goal>test-jar</goal>");
                }
                dependencies++;
            }
        }
        assertThat(dependencies).as("dependencies in xml blocks").isGreaterThanOrEqualTo(3);
    }

    private static String text(Element e, String tag) {
        NodeList n = e.getElementsByTagName(tag);
        return n.getLength() == 0 ? null : n.item(0).getTextContent().strip();
    }
}
