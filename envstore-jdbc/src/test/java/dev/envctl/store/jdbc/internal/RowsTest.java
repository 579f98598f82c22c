package dev.envctl.store.jdbc.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

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
}
