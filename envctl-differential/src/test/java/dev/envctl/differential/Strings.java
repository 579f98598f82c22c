package dev.envctl.differential;

import java.util.Map;
import java.util.TreeMap;

/** Java-escaped text for printing a sequence, so control bytes in it stay visible and copyable. */
final class Strings {
    private Strings() {
    }

    static String show(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                b.append(String.format("\\u%04x", (int) c));
            } else if (s.length() > 40 && b.length() > 40) {
                b.append("...(").append(s.length()).append(" chars)");
                break;
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static String show(Map<String, String> m) {
        StringBuilder b = new StringBuilder("{");
        new TreeMap<>(m).forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(show(k)).append('=')
                .append(show(v)));
        return b.append('}').toString();
    }
}
