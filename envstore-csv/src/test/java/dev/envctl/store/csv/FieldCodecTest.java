package dev.envctl.store.csv;

import dev.envctl.store.csv.internal.FieldCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldCodecTest {
    @Test
    void encodesOnlyWhatCouldBeMistakenForStructure() {
        assertThat(FieldCodec.encode("rancher/k3s:v1.31.5-k3s1")).isEqualTo("rancher/k3s:v1.31.5-k3s1");
        assertThat(FieldCodec.encode("a, b;c=d\"e%f\ng")).isEqualTo("a%2C%20b%3Bc%3Dd%22e%25f%0Ag");
        assertThat(FieldCodec.encode("\u00e9")).isEqualTo("%C3%A9");
    }

    @Test
    void decodesEscapesAndRawUtf8BytesAlike() {
        String rawUtf8AsFileChars = new String("caf\u00e9".getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1);
        assertThat(FieldCodec.decode(rawUtf8AsFileChars)).isEqualTo("caf\u00e9");
        assertThat(FieldCodec.decode("caf%C3%A9%2c%20x")).isEqualTo("caf\u00e9, x");
    }

    @Test
    void rejectsBrokenEscapesAndNonUtf8() {
        assertThatThrownBy(() -> FieldCodec.decode("50%")).hasMessageContaining("'%' at position 3");
        assertThatThrownBy(() -> FieldCodec.decode("%G0")).hasMessageContaining("two hex digits");
        assertThatThrownBy(() -> FieldCodec.decode("%FF")).hasMessageContaining("not valid UTF-8");
    }

    @Test
    void mapsAreSortedKeyValuePairs() {
        assertThat(FieldCodec.encodeMap(Map.of("b", "2", "a", "x=y"))).isEqualTo("a=x%3Dy;b=2");
        assertThat(FieldCodec.decodeMap("a=x%3Dy;b=2;c=")).containsExactly(Map.entry("a", "x=y"),
                Map.entry("b", "2"), Map.entry("c", ""));
        assertThat(FieldCodec.decodeMap("")).isEmpty();
        assertThatThrownBy(() -> FieldCodec.decodeMap("a=1;a=2")).hasMessageContaining("key 'a' appears twice");
    }
}
