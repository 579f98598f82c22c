package dev.envctl.core;

import java.util.regex.Pattern;

/** Removes secrets from text shown to people: passwords in URLs and in {@code password=} parameters. */
public final class Redaction {
    /** A host list and the '/' after it, as a URL's authority ends: names, addresses, ports, commas. */
    private static final String HOST = "[\\w.\\[\\]:,%-]*/";
    /**
     * {@code user:password@} after {@code ://}. A password people type may hold '@', '/', '?' or '#' unescaped, so the
     * password runs to the last '@' that a host and a '/' follow, as long as it does not hold both a '/' and a '?'
     * (then it is a port, a path and a query: {@code host:5432/db?sslrootcert=/home/me@corp/ca.pem}); without such a
     * host and path, to the first '@' (then the password holds none of them). A query value with an '@'
     * (user=admin@server) is no password.
     */
    private static final Pattern USER_INFO = Pattern.compile("(://[^/@:?#\\s]*):(?:[^\\s?]*@(?=" + HOST
            + ")|[^\\s/]*@(?=" + HOST + ")|[^/@?#\\s]*@)");
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
