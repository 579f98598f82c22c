package dev.envctl.core;

import java.util.regex.Pattern;

/** Removes secrets from text shown to people: passwords in URLs and in {@code password=} parameters. */
public final class Redaction {
    /**
     * {@code user:password@} after {@code ://}. A password people type may hold '@', '/', '?' or '#' unescaped, so the
     * password runs to the last '@' that a host and a '/' follow; without such a path, to the first '@' (then the
     * password holds none of them). A query value with an '@' (user=admin@server) is no password.
     */
    private static final Pattern USER_INFO = Pattern.compile(
            "(://[^/@:?#\\s]*):(?:\\S*@(?=[\\w.\\[\\]:,%-]*/)|[^/@?#\\s]*@)");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)((?:password|passwd|pwd)=)[^&;\\s]*");

    private Redaction() {
    }

    /** {@code jdbc:postgresql://u:secret@h/db?password=x} becomes {@code jdbc:postgresql://u:***@h/db?password=***}. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String s = USER_INFO.matcher(text).replaceAll("$1:***@");
        return PASSWORD_PARAM.matcher(s).replaceAll("$1***");
    }
}
