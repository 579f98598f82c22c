package dev.envctl.cli.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.Host;
import dev.envctl.core.HostPorts;
import dev.envctl.core.HostRequest;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.Validation;
import dev.envctl.core.spi.StoreContent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the desired environments of {@code apply -f}: a CSV file in the Kindler scripts' format (or the
 * CSV store's), or a YAML / JSON list of environments in the shape {@code envctl list -o json} prints
 * (read-only fields such as states and timestamps are ignored; {@code options} may be added). Every problem is
 * an invalid-input error naming the file and the item.
 */
final class EnvironmentFile {
    private static final Set<String> FIELDS = new TreeSet<>(List.of("name", "provider", "subnet", "ports", "labels",
            "options", "host", "hostSelector", "desiredState", "actualState", "lastError", "createdAt", "updatedAt"));
    private static final List<String> PORTS = List.of("http", "https", "pf", "api", "node");
    /** A YAML mapping's key ({@code environments: [...]}); a CSV row's first field, a name, holds no ':'. */
    private static final Pattern YAML_KEY = Pattern.compile("[A-Za-z_][\\w.-]*\\s*:(\\s|$)");

    /** The largest apply file: a YAML document is read up to 3 Mi characters, and bytes are never fewer. */
    static final long MAX_BYTES = 3L * 1024 * 1024;

    private EnvironmentFile() {
    }

    /**
     * What an apply file asks for.
     *
     * @param environments the environments, in the file's order (a CSV file's by name)
     * @param hosts        the hosts a CSV file defines on its {@code #envctl-host} lines ({@code local} left out), with
     *                     the Docker endpoint and address its rows live on; none for YAML or JSON, which name hosts
     *                     only
     */
    record Desired(List<EnvironmentSpec> environments, List<Host> hosts) {
        /** The host {@code name} the file defines, if it does. */
        Optional<Host> host(String name) {
            return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
        }
    }

    /**
     * The file's environments. With {@code pruning} ({@code --prune}), a CSV file with no content (nothing but blank
     * lines and comments) is refused: it is what a failed {@code envctl list -o csv > FILE} or a truncated copy
     * leaves, and pruning to it would delete every environment. (A YAML or JSON file with no content is refused
     * anyway: it holds no list; {@code []} lists none on purpose.)
     */
    static Desired read(Session session, Path file, String defaultProvider, boolean pruning) {
        boolean stdin = file.toString().equals("-");
        if (!stdin && (!Files.exists(file) || Files.isDirectory(file))) {
            throw EnvctlException.invalid("apply file " + file + " does not exist or is not a file");
        }
        String text;
        // read as a stream, so a pipe (<(envctl list -o json)) and standard input (-) read as a file does
        try (InputStream in = stdin ? System.in : Files.newInputStream(file)) {
            // YAML's reader refuses more than 3 Mi characters, after reading them; refuse the file before
            byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw EnvctlException.invalid("apply file " + file + " is larger than 3 MiB (" + MAX_BYTES
                        + " bytes), the most allowed");
            }
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IOException e) {
            throw Errors.unreadable("apply file", file, e);
        }
        boolean csv = isCsv(file, text);
        if (csv && pruning && lines(text).allMatch(l -> l.isEmpty() || l.startsWith("#"))) {
            throw EnvctlException.invalid("apply file " + file + " is empty (nothing but blank lines and comments), "
                    + "and --prune would delete every environment; to delete them all, apply a YAML or JSON file "
                    + "that says []");
        }
        Desired desired = csv ? fromCsv(session, file, text)
                : new Desired(fromTree(file, parse(file, text), defaultProvider), List.of());
        Set<String> names = new HashSet<>();
        for (EnvironmentSpec s : desired.environments()) {
            if (!names.add(s.name())) {
                throw EnvctlException.invalid("apply file " + file + " names environment '" + s.name() + "' twice");
            }
        }
        return desired;
    }

    /**
     * Whether the file is CSV: by its extension, else (standard input, a pipe) by its first line that is not blank
     * nor a comment both formats could hold: the CSV header ({@code # env,...}) or an {@code #envctl} line says CSV,
     * and so does a row of fields that does not start as a YAML or JSON list or object does (a bracket, a brace,
     * a dash, or a YAML key such as {@code environments:}).
     */
    static boolean isCsv(Path file, String text) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return true;
        }
        if (name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml")) {
            return false;
        }
        String first = lines(text).filter(l -> !l.isEmpty() && !(l.startsWith("#") && !isCsvComment(l))).findFirst()
                .orElse("");
        return isCsvComment(first) || (first.contains(",") && !first.startsWith("[") && !first.startsWith("{")
                && !first.startsWith("-") && !YAML_KEY.matcher(first).lookingAt());
    }

    /** The text's lines, each without a byte order mark and the blanks around it. */
    private static Stream<String> lines(String text) {
        return text.lines().map(l -> l.replace("\uFEFF", "").strip());
    }

    private static boolean isCsvComment(String line) {
        return line.startsWith("#envctl") || (line.startsWith("#") && line.substring(1).strip().startsWith("env,"));
    }

    private static Desired fromCsv(Session session, Path file, String text) {
        StoreContent content;
        try {
            content = CsvFormat.read(session, text.getBytes(StandardCharsets.UTF_8));
        } catch (EnvctlException e) {
            throw EnvctlException.invalid("apply file " + file + " is not a valid environments CSV: "
                    + Errors.oneLine(e.getMessage()));
        }
        return new Desired(content.environments().stream().map(e -> new EnvironmentSpec(e.name(), e.provider(),
                e.ports(), SubnetRequest.of(e.subnet()), e.nodePort(), e.labels(), e.options(),
                HostRequest.of(e.host()))).toList(), content.hosts());
    }

    /**
     * The file's one document; empty documents (a '---' alone) are skipped. Several documents are refused: reading
     * only the first would leave the others' environments out, which {@code --prune} deletes.
     */
    private static JsonNode parse(Path file, String text) {
        try (JsonParser documents = new YAMLFactory().createParser(text)) {
            List<JsonNode> found = new ArrayList<>();
            while (documents.nextToken() != null) {
                JsonNode document = node(file, (YAMLParser) documents);
                if (!document.isNull()) {
                    found.add(document);
                }
            }
            if (found.size() > 1) {
                throw EnvctlException.invalid("apply file " + file + " holds " + found.size() + " YAML documents "
                        + "(separated by '---'); envctl reads one: put every environment in one list");
            }
            return found.isEmpty() ? null : found.get(0);
        } catch (JsonProcessingException e) {
            // a list or mapping as a key ('? [a]: 1'): the parser names its own event class instead
            String why = e.getOriginalMessage().startsWith("Expected a field name") && e.getLocation() != null
                    ? "line " + e.getLocation().getLineNr() + ": a key must be plain text, not a list or mapping"
                    : Errors.oneLine(e.getOriginalMessage());
            throw EnvctlException.invalid("apply file " + file + " is not valid YAML or JSON: " + why);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // text in memory: not reached
        }
    }

    /**
     * The value at the parser's token, each scalar as its text in the file: YAML would read {@code 1.20} as 1.2,
     * {@code 0123} as 83 and {@code no} as false, and a name, label or option is the text written (ports are read
     * from that text as decimal digits). Null ({@code ~}, {@code null}, nothing) stays null.
     */
    private static JsonNode node(Path file, YAMLParser p) throws IOException {
        requireNoAlias(file, p);
        JsonToken token = p.currentToken();
        if (token == JsonToken.START_OBJECT) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String key = requireNotEnded(file, p, t).currentName();
                int line = p.currentLocation().getLineNr();
                requireNoAlias(file, p);
                requireNotEnded(file, p, p.nextToken());
                // a key given twice (two 'name:' lines of one item) is a mistake, not the last one winning
                if (object.replace(key, node(file, p)) != null) {
                    throw EnvctlException.invalid("apply file " + file + " is not valid YAML or JSON: key '"
                            + Validation.printable(key) + "' is given twice in one item (line " + line
                            + "); give each key once");
                }
            }
            return object;
        }
        if (token == JsonToken.START_ARRAY) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                array.add(node(file, requireNotEnded(file, p, t)));
            }
            return array;
        }
        return token == JsonToken.VALUE_NULL ? NullNode.instance : TextNode.valueOf(p.getText());
    }

    private static void requireNoAlias(Path file, YAMLParser p) throws IOException {
        if (p.isCurrentAlias()) {
            // Jackson reads an alias as its name: 'labels: *team' would be the text "team"
            throw EnvctlException.invalid("apply file " + file + " line " + p.currentLocation().getLineNr()
                    + ": YAML alias *" + p.getText() + " is not read; write its value out");
        }
    }

    /** {@code p}, at {@code token}; the text's end before a list or mapping closes is an error (not a shorter one). */
    private static YAMLParser requireNotEnded(Path file, YAMLParser p, JsonToken token) {
        if (token == null) {
            throw EnvctlException.invalid("apply file " + file + " is not valid YAML or JSON: it ends inside a list "
                    + "or mapping");
        }
        return p;
    }

    private static List<EnvironmentSpec> fromTree(Path file, JsonNode root, String defaultProvider) {
        JsonNode list = root != null && root.isObject() && root.has("environments") ? root.get("environments") : root;
        if (list != root && root.size() > 1) {
            // a key beside the list ('prune: true', a second list under another name) would be left unread
            try {
                requireKnown(root, "top-level key", List.of("environments"));
            } catch (EnvctlException e) {
                throw EnvctlException.invalid("apply file " + file + ": " + e.getMessage());
            }
        }
        if (list == null || !list.isArray()) {
            throw EnvctlException.invalid("apply file " + file + " holds no list of environments; write a list "
                    + "(YAML '- name: dev' items or a JSON array) or an object with an 'environments' list");
        }
        List<EnvironmentSpec> specs = new ArrayList<>();
        int index = 0;
        for (JsonNode item : list) {
            index++;
            try {
                specs.add(spec(item, defaultProvider));
            } catch (EnvctlException e) {
                throw EnvctlException.invalid("apply file " + file + ", item " + index + ": " + e.getMessage());
            }
        }
        return specs;
    }

    private static EnvironmentSpec spec(JsonNode item, String defaultProvider) {
        if (!item.isObject()) {
            throw EnvctlException.invalid("expected an object with at least a name");
        }
        requireKnown(item, "field", FIELDS);
        String name = text(item, "name");
        if (name == null) {
            throw EnvctlException.invalid("has no name");
        }
        String provider = text(item, "provider");
        JsonNode ports = item.get("ports");
        Integer node = null;
        HostPorts host = HostPorts.NONE;
        if (ports != null && !ports.isNull()) {
            if (!ports.isObject()) {
                throw EnvctlException.invalid("ports must be an object such as {http: 18080}");
            }
            requireKnown(ports, "port", PORTS);
            host = new HostPorts(port(ports, "http"), port(ports, "https"), port(ports, "pf"), port(ports, "api"));
            node = port(ports, "node");
        }
        return new EnvironmentSpec(name, provider == null ? defaultProvider : SpecOptions.providerId(provider), host,
                SpecOptions.subnet("subnet", text(item, "subnet")),
                node == null ? EnvironmentSpec.DEFAULT_NODE_PORT : node,
                map(item, "labels"), map(item, "options"),
                SpecOptions.hostRequest(text(item, "host"), Validation.requireLabels(map(item, "hostSelector"))));
    }

    private static void requireKnown(JsonNode object, String what, Collection<String> allowed) {
        object.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) {
                throw EnvctlException.invalid("unknown " + what + " '" + Validation.printable(f) + "'; allowed: "
                        + String.join(", ", allowed));
            }
        });
    }

    private static String text(JsonNode item, String field) {
        JsonNode n = item.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isValueNode()) {
            throw EnvctlException.invalid(field + " must be a plain value");
        }
        return n.asText();
    }

    private static Integer port(JsonNode ports, String field) {
        JsonNode n = ports.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        // decimal digits as written, quoted ("18405", as YAML writers and people quote) or not: YAML's other forms of
        // a number (0x4650, 1_8080, 0o4) are refused as the --http-port option refuses them
        String digits = n.asText().strip();
        if (!Validation.isDigits(digits.startsWith("-") ? digits.substring(1) : digits, 9)) {
            throw EnvctlException.invalid(field + " port '" + Validation.printable(n.asText())
                    + "' is not a whole number; allowed: 1 to 65535");
        }
        return Validation.requirePort(field + " port", Integer.parseInt(digits));
    }

    private static Map<String, String> map(JsonNode item, String field) {
        JsonNode n = item.get(field);
        Map<String, String> m = new TreeMap<>();
        if (n == null || n.isNull()) {
            return m;
        }
        if (!n.isObject()) {
            throw EnvctlException.invalid(field + " must be an object of KEY: VALUE");
        }
        n.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw EnvctlException.invalid(field + " '" + Validation.printable(e.getKey())
                        + "' must have a plain value");
            }
            m.put(e.getKey(), e.getValue().asText());
        });
        return m;
    }
}
