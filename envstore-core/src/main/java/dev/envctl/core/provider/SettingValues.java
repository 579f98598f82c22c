package dev.envctl.core.provider;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Validation;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parsers for the values provider settings and per-environment options share. Each failure is an
 * INVALID_INPUT error whose message names the value ({@code what}) and says what is allowed. Stateless.
 */
public final class SettingValues {
    private SettingValues() {
    }

    /** The binary named by {@code key} (a command name or a path), {@code dflt} when the key is absent. */
    public static String binary(String provider, Map<String, String> settings, String key, String dflt) {
        String value = settings.getOrDefault(key, dflt).strip();
        if (value.isEmpty()) {
            throw EnvctlException.invalid(provider + " setting " + key + " is empty; give a command name such as "
                    + dflt + " or a path to it");
        }
        return value;
    }

    /** {@code true}/{@code 1} or {@code false}/{@code 0}. */
    public static boolean bool(String what, String text) {
        String t = text == null ? "" : text.strip();
        if (t.equals("true") || t.equals("1")) {
            return true;
        }
        if (t.equals("false") || t.equals("0")) {
            return false;
        }
        throw EnvctlException.invalid(what + " '" + text + "' is not a boolean; allowed: true, false, 1, 0");
    }

    /** A whole number of nodes from {@code min} to 99. */
    public static int count(String what, String text, int min) {
        String t = text == null ? "" : text.strip();
        if (t.matches("\\d{1,2}") && Integer.parseInt(t) >= min) {
            return Integer.parseInt(t);
        }
        throw EnvctlException.invalid(what + " '" + text + "' is invalid; allowed: a whole number from " + min
                + " to 99");
    }

    /**
     * An image reference: letters, digits and {@code . _ / : @ -}, starting with a letter or digit (so never read
     * as a flag of the tool), at most 255 characters; {@code example} shows one in the message.
     */
    public static String image(String what, String text, String example) {
        String t = text == null ? "" : text.strip();
        if (!IMAGE.matcher(t).matches()) {
            throw EnvctlException.invalid(what + " '" + Validation.printable(t) + "' is invalid; allowed: an image "
                    + "reference of letters, digits and . _ / : @ -, starting with a letter or digit, such as "
                    + example);
        }
        return t;
    }

    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}");

    /** A host address to publish ports on: an IPv4 or IPv6 address (the tools take no host names). */
    public static String address(String what, String text) {
        String t = text == null ? "" : text.strip();
        if (!Validation.isIpAddress(t)) {
            throw EnvctlException.invalid(what + " '" + text + "' is not an IP address; allowed: an IPv4 or IPv6 "
                    + "address such as 127.0.0.1 or 0.0.0.0 (the tools take no host names)");
        }
        return t;
    }
}
