package dev.envctl.core;

import java.util.regex.Matcher;
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
    /**
     * A {@code password=} value in free text: it runs to a '&', a ';', a space or the end, so a ',' or '.' after it is
     * hidden with it ({@code password=***} for {@code password=secret, then}), as libpq's {@code key=value} strings
     * and pgjdbc's and libpq's URL queries take both in a password. A ')' or ']' it ends in
     * that closes a bracket opened before it in the text, and more than the value opens itself, is the sentence's
     * ({@code (ssh://me@two?password=***) than}), with the '.', ',', ':', '!' or '?' after it; any other bracket
     * stays hidden with the value.
     */
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)((?:password|passwd|pwd)=)([^&;\\s]*)");
    /**
     * In a text that is one location as a whole, {@code user:password@}: after {@code //} and a user, a ':' that no
     * port list follows ({@code host:5432/db}, {@code h1:5432,h2:5433/db}) starts a password, which runs to the last
     * '@' and may hold any character, spaces included.
     */
    private static final Pattern LOCATION_USER_INFO = Pattern.compile(
            "^([^/]*//[^/@:?#\\[\\s]*):(?!\\d*(?:,[^/?@]*)?(?:[/?]|$)).*@", Pattern.DOTALL);
    /**
     * In a text that is one location as a whole, a password parameter's value: it runs to the '&' that starts the
     * next {@code name=} parameter, or to the end, so a ';', a space or an '&' in it stays hidden.
     */
    private static final Pattern LOCATION_PASSWORD_PARAM = Pattern.compile(
            "(?i)((?:password|passwd|pwd)\\s*=)(?:[^&]|&(?![^&=]*=))*", Pattern.DOTALL);

    private Redaction() {
    }

    /** {@code jdbc:postgresql://u:secret@h/db?password=x} becomes {@code jdbc:postgresql://u:***@h/db?password=***}. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String s = USER_INFO.matcher(text).replaceAll("$1:***@");
        return PASSWORD_PARAM.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "***"
                + sentenceAfter(s.substring(0, m.start()), m.group(2))));
    }

    /** The end of {@code value} that closes brackets opened in {@code before}: see {@link #PASSWORD_PARAM}. */
    private static String sentenceAfter(String before, String value) {
        // per kind, ')' and ']': how many closers at the end are the sentence's
        int[] kept = {Math.min(unclosed(before, '(', ')'), count(value, ')') - count(value, '(')),
                Math.min(unclosed(before, '[', ']'), count(value, ']') - count(value, '['))};
        int end = value.replaceFirst("[.,:!?]+$", "").length();
        int cut = end;
        while (cut > 0) {
            int kind = ")]".indexOf(value.charAt(cut - 1));
            if (kind < 0 || kept[kind] <= 0) {
                break;
            }
            kept[kind]--;
            cut--;
        }
        return cut < end ? value.substring(cut) : "";
    }

    /** How many of {@code opening} in {@code text} no {@code closing} after them closes. */
    private static int unclosed(String text, char opening, char closing) {
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == opening) {
                depth++;
            } else if (text.charAt(i) == closing && depth > 0) {
                depth--;
            }
        }
        return depth;
    }

    private static int count(String text, char c) {
        return (int) text.chars().filter(x -> x == c).count();
    }

    /**
     * {@link #redact}, for a text that is a location as a whole (a store URL as given), where nothing after the URL
     * can be mistaken for its password: a password with spaces, or with both '/' and '?', in {@code user:password@},
     * and a {@code password=} value with a ';', a space or an '&' are hidden whole ({@code jdbc:postgresql://u:my
     * pass@h/db} becomes {@code jdbc:postgresql://u:***@h/db}). Text that is no location may lose more than the
     * password, never less.
     */
    public static String redactLocation(String location) {
        if (location == null) {
            return null;
        }
        String s = LOCATION_USER_INFO.matcher(location).replaceAll("$1:***@");
        return redact(LOCATION_PASSWORD_PARAM.matcher(s).replaceAll("$1***"));
    }
}
