package dev.envctl.store.jdbc.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import org.jooq.JSONB;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** Labels and options are written as JSON objects with sorted keys, an empty map without Jackson. */
class RowsTest {
    @Test
    void anEmptyMapIsTheObjectJacksonWrites() throws Exception {
        assertThat(Rows.json(Map.of()).data()).isEqualTo(new ObjectMapper().writeValueAsString(new TreeMap<>()));
    }

    @Test
    void aMapIsWrittenWithSortedKeysAndReadBack() {
        Map<String, String> m = Map.of("zone", "b", "app", "x\"y");
        assertThat(Rows.json(m).data()).isEqualTo("{\"app\":\"x\\\"y\",\"zone\":\"b\"}");
        assertThat(Rows.map(Rows.json(m))).isEqualTo(m);
        assertThat(Rows.map(Rows.json(Map.of()))).isEmpty();
    }

    /** The bytes jackson-databind wrote for these maps, so that rows written before and after compare equal. */
    @Test
    void valuesAreEscapedAsJacksonDatabindEscapedThem() throws Exception {
        Map<Map<String, String>, String> written = new LinkedHashMap<>();
        written.put(Map.of("q", "a\"b", "bs", "a\\b", "slash", "a/b</x>"),
                "{\"bs\":\"a\\\\b\",\"q\":\"a\\\"b\",\"slash\":\"a/b</x>\"}");
        written.put(Map.of("nl", "a\nb", "tab", "a\tb", "cr", "a\rb", "ctl", "\u0000\u0001\u001f", "del", "\u007f"),
                "{\"cr\":\"a\\rb\",\"ctl\":\"\\u0000\\u0001\\u001F\",\"del\":\"\u007f\",\"nl\":\"a\\nb\","
                        + "\"tab\":\"a\\tb\"}");
        written.put(Map.of("u", "é ß 日本 \u2028", "emoji", "😀 \uD83D\uDE80", "é", "ü"),
                "{\"emoji\":\"😀 \uD83D\uDE80\",\"u\":\"é ß 日本 \u2028\",\"é\":\"ü\"}");
        ObjectMapper databind = new ObjectMapper();
        written.forEach((m, json) -> {
            assertThat(Rows.json(m).data()).isEqualTo(json);
            try {
                assertThat(json).isEqualTo(databind.writeValueAsString(new TreeMap<>(m)));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            assertThat(Rows.map(Rows.json(m))).isEqualTo(m);
        });
    }

    @Test
    void keysAreSortedByTheirCharactersWhateverTheMapsOrder() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String key : new String[] {"é", "a.b", "a-b", "a", "_", "Z", "B"}) {
            m.put(key, key);
        }
        assertThat(Rows.json(m).data()).isEqualTo(
                "{\"B\":\"B\",\"Z\":\"Z\",\"_\":\"_\",\"a\":\"a\",\"a-b\":\"a-b\",\"a.b\":\"a.b\",\"é\":\"é\"}");
    }

    /** PostgreSQL prints jsonb with a space after each colon and comma, keys sorted by length first. */
    @Test
    void anObjectOfStringsIsReadAsPostgresqlPrintsItSortedByKey() {
        assertThat(Rows.map(JSONB.valueOf("{\"b\": \"x y\", \"aa\": \"\\\"\\u00e9\\\\\"}")))
                .containsExactly(entry("aa", "\"é\\"), entry("b", "x y"));
        assertThat(Rows.map(JSONB.valueOf(" {\n  \"a\" : \"\"\n} "))).containsExactly(entry("a", ""));
    }

    @Test
    void numbersAndBooleansAreReadAsTheirTextAsJacksonDatabindReadThem() {
        assertThat(Rows.map(JSONB.valueOf("{\"big\": 123456789012345678901234567890, \"f\": 1.50, \"n\": -1, "
                + "\"t\": true, \"x\": false}")))
                .containsExactly(entry("big", "123456789012345678901234567890"), entry("f", "1.50"),
                        entry("n", "-1"), entry("t", "true"), entry("x", "false"));
    }

    /** A null value is kept, as jackson-databind kept it, for the record's validation to refuse by name. */
    @Test
    void aNullValueIsReadAsNull() {
        assertThat(Rows.map(JSONB.valueOf("{\"a\": null, \"b\": \"c\"}")))
                .containsExactly(entry("a", null), entry("b", "c"));
    }

    @Test
    void noObjectOrAnEmptyOneIsTheEmptyMap() {
        assertThat(Rows.map(null)).isEmpty();
        assertThat(Rows.map(JSONB.valueOf(null))).isEmpty();
        assertThat(Rows.map(JSONB.valueOf("null"))).isEmpty();
        assertThat(Rows.map(JSONB.valueOf("{}"))).isEmpty();
        assertThat(Rows.map(JSONB.valueOf("{ }"))).isEmpty();
    }

    /** What jackson-databind read: the last of duplicate keys, and nothing after the object. */
    @Test
    void aLaterDuplicateKeyWinsAndTextAfterTheObjectIsNotRead() {
        assertThat(Rows.map(JSONB.valueOf("{\"a\": \"1\", \"a\": \"2\"} [x"))).containsExactly(entry("a", "2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"a\": \"b\"}]", "\"a\"", "\"\"", "1", "true", "", " ",
            "{\"a\": {}}", "{\"a\": {\"b\": \"c\"}}", "{\"a\": []}", "{\"a\": [\"b\"]}", "{\"a\": \"b\", \"c\": [1]}",
            "{\"a\": \"b\"", "{\"a\":", "{\"a\" \"b\"}", "{a: \"b\"}", "{'a': 'b'}", "{\"a\": \"b\",}",
            "{\"a\": NaN}", "{\"a\": \"b\" /* c */}"})
    void anythingElseIsInvalidInput(String json) {
        assertThatThrownBy(() -> Rows.map(JSONB.valueOf(json)))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageStartingWith("labels or options are not a JSON object of strings: ");
    }
}
