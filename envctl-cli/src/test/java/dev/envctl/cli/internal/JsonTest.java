package dev.envctl.cli.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.HostPorts;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Json} writes exactly what jackson-databind's indenting {@code ObjectMapper} writes for the same value. */
class JsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private static void assertSameAsObjectMapper(Object value) throws Exception {
        assertThat(Json.write(value)).isEqualTo(MAPPER.writeValueAsString(value));
    }

    @Test
    void writesNestedMapsAndListsInTheMapsOrder() throws Exception {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1);
        inner.put("a", List.of("x", "y"));
        inner.put("m", null);
        Map<String, Object> value = Json.object("name", "dev", "nested", inner,
                "sorted", new TreeMap<>(Map.of("b", "2", "a", "1")), "list", List.of(inner, List.of(1, 2), "s"),
                "listOfLists", List.of(List.of(List.of()), List.of(Map.of())),
                "set", new LinkedHashSet<>(List.of("one", "two")), "arrayList", new ArrayList<>(List.of(true, false)));

        assertSameAsObjectMapper(value);
        assertSameAsObjectMapper(List.of(value, value));
    }

    /**
     * An array reaches the stream as it is written, not once it is whole: when each element is taken, what came
     * before it (but for what the generator buffers) is written; the text is what one string of it would be.
     */
    @Test
    void printWritesALongArrayToTheStreamAsItGoes() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        List<Integer> writtenBeforeEach = new ArrayList<>();
        List<String> items = new AbstractList<>() {
            @Override
            public String get(int i) {
                writtenBeforeEach.add(bytes.size());
                return "x".repeat(10_000);
            }

            @Override
            public int size() {
                return 5;
            }
        };

        Json.print(out, items);

        assertThat(writtenBeforeEach.get(4)).isGreaterThanOrEqualTo(30_000);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(MAPPER.writeValueAsString(items)
                + System.lineSeparator());
    }

    @Test
    void writesEmptyMapsAndListsAtAnyDepth() throws Exception {
        assertSameAsObjectMapper(Map.of());
        assertSameAsObjectMapper(List.of());
        assertSameAsObjectMapper(List.of(Map.of(), List.of(), Map.of()));
        assertSameAsObjectMapper(Json.object("map", Map.of(), "list", List.of(), "after", 1));
        assertThat(Json.write(Map.of())).isEqualTo("{ }");
        assertThat(Json.write(List.of())).isEqualTo("[ ]");
    }

    @Test
    void writesNullsAsValuesInMapsAndListsAndAtTheTop() throws Exception {
        assertSameAsObjectMapper(null);
        assertSameAsObjectMapper(Arrays.asList(null, "x", null));
        assertSameAsObjectMapper(Json.object("a", null, "b", Json.object("c", null)));
    }

    @Test
    void writesNumbersAndBooleans() throws Exception {
        assertSameAsObjectMapper(List.of(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE,
                true, false));
        assertSameAsObjectMapper(12);
        assertSameAsObjectMapper(true);
        assertSameAsObjectMapper(Json.object("capacity", 3, "removed", true, "dryRun", false));
    }

    @Test
    void escapesStringsAsTheObjectMapperDoes() throws Exception {
        StringBuilder controls = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            controls.append(c);
        }
        List<String> strings = List.of("", "plain", "\"quoted\"", "back\\slash", "/slash/", controls.toString(),
                "\u007f\u0080\u009f", "ünïcödé ß €", "日本語", "emoji 😀 👍🏽", "lone \ud800 surrogate",
                "line\u2028para\u2029", "</script><!-- & -->", "tab\tnew\nline\rcr", "'single'");
        assertSameAsObjectMapper(strings);
        Map<String, Object> keys = new LinkedHashMap<>();
        strings.forEach(s -> keys.put(s, s));
        assertSameAsObjectMapper(keys);
        assertSameAsObjectMapper("top \"level\" \\ 😀");
    }

    @Test
    void writesTheCommandsValuesAsBefore() throws Exception {
        Environment env = new Environment("dev", "k3d", Cidr.parse("10.101.0.0/16"),
                new HostPorts(18091, 18444, 19002, null), 30080, Map.of("q", "\"quoted\" ünï", "app", "x"),
                Map.of("servers", "1"), DesiredState.PRESENT, ActualState.FAILED, "boom \"x\" \\ \t",
                Instant.parse("2026-11-26T08:00:00.123Z"), Instant.parse("2026-11-26T08:01:12.999Z"), 3);

        assertSameAsObjectMapper(EnvironmentView.toJson(env));
        assertSameAsObjectMapper(List.of(EnvironmentView.toJson(env), EnvironmentView.toJson(env)));
        assertSameAsObjectMapper(Json.object("name", "dev", "deleted", false, "record", EnvironmentView.toJson(env)));
    }

    @Test
    void printsTheTextAndALineSeparator() throws Exception {
        Map<String, Object> value = Json.object("name", "ünï 😀", "ports", List.of(1, 2), "labels", Map.of());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Json.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), value);

        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo(MAPPER.writeValueAsString(value) + System.lineSeparator());
    }

    @Test
    void refusesTypesItDoesNotWriteNamingTheType() {
        for (Object unsupported : List.of(Instant.EPOCH, TimeUnit.SECONDS, Optional.of("x"), new Object[] {"x"},
                'c', new AtomicInteger(1), Path.of("a/b"), ActualState.RUNNING, new int[] {1}, 1.5, (short) 1)) {
            assertThatThrownBy(() -> Json.write(unsupported)).as(unsupported.getClass().getName())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(unsupported.getClass().getName());
            assertThatThrownBy(() -> Json.write(Json.object("nested", List.of(unsupported))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(unsupported.getClass().getName());
        }
    }

    @Test
    void refusesMapKeysThatAreNotStrings() {
        Map<Object, Object> numberKey = new HashMap<>();
        numberKey.put(1, "one");
        Map<Object, Object> nullKey = new HashMap<>();
        nullKey.put(null, "none");

        assertThatThrownBy(() -> Json.write(numberKey)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Integer");
        assertThatThrownBy(() -> Json.write(List.of(nullKey))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
    }
}
