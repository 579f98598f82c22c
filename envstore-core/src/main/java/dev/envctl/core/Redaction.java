package dev.envctl.core;

import java.util.regex.Pattern;

/** Removes secrets from text shown to people: passwords in URLs and in {@code password=} parameters. */
public final class Redaction {
    private static final Pattern USER_INFO = Pattern.compile("(://[^/@:?#]*):[^/@?#]*@");
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
