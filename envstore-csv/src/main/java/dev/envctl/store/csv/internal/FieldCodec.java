package dev.envctl.store.csv.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encodes envctl's free-text fields (label and option values, last error) so that a field never holds a
 * comma, quote, semicolon, equals sign, space, control character or non-ASCII character: each such byte of
 * the value's UTF-8 form becomes {@code %XX}, and {@code %} itself becomes {@code %25}. A row therefore
 * stays one physical line that splits on commas, and no value can be mistaken for structure.
 *
 * <p>Maps are written {@code key=value;key=value}, sorted by key; keys are already restricted to letters,
 * digits, {@code _ . -} by validation. Text is handled as ISO-8859-1 characters standing for file bytes
 * (see {@link CsvDocument}), so decoding turns both {@code %XX} and raw bytes into UTF-8 text.
 */
public final class FieldCodec {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private FieldCodec() {
    }

    /** The encoded form of {@code value}; only printable ASCII other than {@code % , ; = "} stays as is. */
    public static String encode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(bytes.length + 8);
        for (byte x : bytes) {
            int c = x & 0xFF;
            if (c > 0x20 && c < 0x7F && c != '%' && c != ',' && c != ';' && c != '=' && c != '"') {
                b.append((char) c);
            } else {
                b.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return b.toString();
    }

    /**
     * The text {@code field} stands for.
     *
     * @throws IllegalArgumentException naming the problem when a {@code %} is not followed by two hex
     *                                  digits or the bytes are not UTF-8
     */
    public static String decode(String field) {
        if (field.indexOf('%') < 0 && isAscii(field)) {
            return field;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '%') {
                int hi = i + 2 < field.length() ? Character.digit(field.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(field.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw new IllegalArgumentException("'%' at position " + (i + 1)
                            + " is not followed by two hex digits (write %25 for a literal %)");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.write(c & 0xFF);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the value is not valid UTF-8");
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** {@code key=value;...} sorted by key, values encoded; empty for an empty map. */
    public static String encodeMap(Map<String, String> map) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            if (b.length() > 0) {
                b.append(';');
            }
            b.append(e.getKey()).append('=').append(encode(e.getValue()));
        }
        return b.toString();
    }

    /**
     * The map {@link #encodeMap} wrote; keys are not validated here.
     *
     * @throws IllegalArgumentException naming the problem for an entry without '=', a repeated key or a bad
     *                                  escape
     */
    public static Map<String, String> decodeMap(String field) {
        Map<String, String> map = new LinkedHashMap<>();
        if (field.isEmpty()) {
            return map;
        }
        for (String entry : field.split(";", -1)) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("entry '" + entry + "' is not key=value");
            }
            String key = entry.substring(0, eq);
            if (map.put(key, decode(entry.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("key '" + key + "' appears twice");
            }
        }
        return map;
    }
}
